/*
 * The decoder's inner steps (normalisation, one byte, one symbol of a static table), shared
 * as inline functions by the units that decode: _fast42_decoder.c, _fast42_lists.c.
 */
#ifndef SKYPEFLUX_FAST42_DECODING_H
#define SKYPEFLUX_FAST42_DECODING_H

#include "_fast42.h"

static inline Py_ssize_t read_position(const Decoder *d)
{
    Py_ssize_t at = d->pos < d->limit ? d->pos : d->limit;
    return at > d->start ? at : d->start;
}

static inline void overrun(const Decoder *d)
{
    fast42_raise_objects_error(OVERRUN_TEXT, d->limit > d->start ? d->limit : d->start);
}

/* One byte, as range_coder's _take: the position moves even when it fails. */
static inline int take(Decoder *d, uint32_t *byte)
{
    Py_ssize_t pos = d->pos++;
    if (pos < d->limit) {
        *byte = d->buf[pos];
        return 0;
    }
    if (pos - d->limit >= MAX_OVERRUN) {
        fast42_raise_objects_error(OVERRUN_TEXT, read_position(d));
        return -1;
    }
    *byte = 0;
    return 0;
}

/* Normalise (spec 4.2) as range_coder._refill does: on failure the state reached is kept. */
static inline int fill(Decoder *d)
{
    uint32_t rng = d->range;
    if (rng > BOTTOM)
        return 0;
    uint32_t code = d->code, bit = d->bit;
    Py_ssize_t pos = d->pos;
    const Py_ssize_t limit = d->limit;
    while (rng <= BOTTOM) {
        uint32_t b;
        if (pos < limit) {
            b = d->buf[pos];
        } else if (pos - limit >= MAX_OVERRUN) {
            d->code = code;
            d->bit = bit;
            d->pos = pos;
            d->range = rng;
            overrun(d);
            return -1;
        } else {
            b = 0;
        }
        pos++;
        code = (((code << 1) | bit) << 7) | (b >> 1);
        bit = b & 1;
        rng <<= 8;
    }
    d->code = code;
    d->bit = bit;
    d->pos = pos;
    d->range = rng;
    return 0;
}

/* Narrow to [low, high) of 12-bit totals after the symbol was found with scale r. */
static inline void narrow(Decoder *d, uint32_t r, uint32_t low, uint32_t high)
{
    d->code -= r * low;
    d->range = high == TOTAL ? d->range - r * low : r * (high - low);
}

static inline int decode_static(Decoder *d, const Table *t)
{
    if (fill(d))
        return -1;
    uint32_t r = d->range >> 12;
    uint32_t v = d->code / r;
    int s = t->lookup[v < TOTAL ? v : TOTAL - 1];
    narrow(d, r, t->cum[s], t->cum[s + 1]);
    return s;
}

#endif
