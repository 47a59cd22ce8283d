/*
 * Shared declarations of the optional C fast path of the 0x42 range coder: RangeDecoder and
 * RangeEncoder types that are drop-in replacements for the pure-Python classes of
 * skypeflux/objects/range_coder.py. The coder is split into translation units so each stays
 * small: _fast42_tables.c (the string tables and the Python-given tables and models),
 * _fast42_decoder.c (RangeDecoder), _fast42_encoder.c (RangeEncoder) and _fast42.c (the module).
 *
 * range_coder.py is the specification; this code computes exactly what it computes, including
 * the ObjectsError verdicts and byte offsets on malformed input and the three-bytes-past-end
 * rule. The string tables are not written here: skypeflux.objects.backends hands the tuples of
 * tables.py to load_tables() at import, so both paths use one copy of the format's constants.
 *
 * Safety: every input byte read is guarded by pos < limit <= len(data) and pos >= start >= 0;
 * divisors are never zero because the range is above 2**23 after normalisation.
 *
 * Names shared between the units carry the fast42_ prefix, so they cannot collide with (or be
 * interposed by) a symbol of the same name elsewhere in the process.
 */
#ifndef SKYPEFLUX_FAST42_H
#define SKYPEFLUX_FAST42_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <limits.h>
#include <stdint.h>

#define TOTAL 0x1000
#define BOTTOM 0x800000u
#define MAX_OVERRUN 3
#define CLASSES 11
#define MAX_SYMBOLS 64
#define OVERRUN_TEXT "coded stream reads past the end of its bytes"

/* ---- the string tables, filled once by load_tables() ------------------------------------ */

typedef struct {
    uint16_t cum[MAX_SYMBOLS + 1]; /* cumulative bounds; cum[n] == TOTAL */
    int n;                         /* number of symbols */
    uint8_t lookup[TOTAL];         /* scaled code value -> symbol */
} Table;

typedef struct {
    Table next_class[CLASSES];   /* class of a character given the previous class */
    Table within_class[CLASSES]; /* index of a character inside its class */
    uint8_t class_chars[CLASSES][MAX_SYMBOLS];
    uint8_t char_class[256];
    uint8_t char_index[256];
} StringTables;

/* Defined in _fast42_tables.c; read by the string loops of both coders. */
extern StringTables fast42_tables;

/* load_tables(next_class, within_class, class_chars, error_type), the module's one function. */
PyObject *fast42_load_tables(PyObject *module, PyObject *args);

/* -1 with RuntimeError until load_tables() has succeeded; the coders' constructors call it. */
int fast42_require_tables(void);

/* An integer argument as a C long long, an int beyond that range clamped to its nearer end
 * (LLONG_MIN or LLONG_MAX), so the range check that follows refuses it with the same
 * ValueError as the pure coder, never OverflowError. -1 with TypeError for a non-integer. */
static inline int fast42_clamped_index(PyObject *obj, long long *out)
{
    PyObject *index = PyNumber_Index(obj);
    if (index == NULL)
        return -1;
    int overflow = 0;
    long long v = PyLong_AsLongLongAndOverflow(index, &overflow);
    Py_DECREF(index);
    if (v == -1 && PyErr_Occurred())
        return -1;
    *out = overflow < 0 ? LLONG_MIN : overflow > 0 ? LLONG_MAX : v;
    return 0;
}

/* Raise the loaded ObjectsError(message, offset). */
void fast42_raise_objects_error(const char *message, Py_ssize_t offset);

/* ---- tables and models given from Python ------------------------------------------------- */

/* A frequency table given from Python as (cumulative tuple, 4096-byte lookup). */
typedef struct {
    PyObject *bounds; /* borrowed tuple */
    const uint8_t *lookup;
} PyTable;

/* (table, lookup, 2**D, K, E) of spec 4.3, as range_coder.NumberModel holds it. */
typedef struct {
    PyTable table;
    long direct_limit, offset, escape;
} Model;

/* Check bounds (and lookup unless NULL) into out; -1 with an exception when malformed. */
int fast42_py_table(PyObject *bounds, PyObject *lookup, PyTable *out);

/* Check a (table, lookup, 2**D, K, E) tuple into out; -1 with an exception when malformed. */
int fast42_py_model(PyObject *model, Model *out);

/* The bounds of symbol s: -1 with an exception when s is outside the table. Inline because
 * both coders call it for every symbol of a Python-given table. */
static inline int py_bounds(const PyTable *t, long s, uint32_t *low, uint32_t *high)
{
    if (s < 0 || s + 1 >= PyTuple_GET_SIZE(t->bounds)) {
        PyErr_SetString(PyExc_IndexError, "symbol outside its table");
        return -1;
    }
    long lo = PyLong_AsLong(PyTuple_GET_ITEM(t->bounds, s));
    long hi = PyLong_AsLong(PyTuple_GET_ITEM(t->bounds, s + 1));
    if ((lo == -1 || hi == -1) && PyErr_Occurred())
        return -1;
    if (lo < 0 || hi > TOTAL || lo > hi) {
        PyErr_SetString(PyExc_ValueError, "table bounds outside 0..4096");
        return -1;
    }
    if (lo == hi) { /* probability 0: the range would become 0 and never renormalise */
        PyErr_SetString(PyExc_ValueError, "a symbol of zero width cannot be encoded");
        return -1;
    }
    *low = (uint32_t)lo;
    *high = (uint32_t)hi;
    return 0;
}

/* ---- the coder types, defined in _fast42_decoder.c and _fast42_encoder.c ------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *data; /* bytes */
    const uint8_t *buf;
    Py_ssize_t pos, limit, start;
    uint32_t code, range, bit;
} Decoder;

typedef struct {
    PyObject_HEAD
    uint8_t *out;
    Py_ssize_t size, capacity;
    uint64_t low;   /* below 2**32 (low + range never passes it) */
    uint32_t range;
    uint32_t cache;
    Py_ssize_t pending;
    int first;
} Encoder;

extern PyTypeObject fast42_DecoderType;
extern PyTypeObject fast42_EncoderType;

/* ---- shared by the decoder units (_fast42_decoder.c, _fast42_lists.c) ------------------ */

long fast42_decode_symbol(Decoder *d, const PyTable *t);
int fast42_decode_number(Decoder *d, const Model *m, int nested, uint64_t *out);
PyObject *fast42_decode_string(Decoder *d, long long budget, long long *used);
int fast42_reserve(Decoder *d, Py_ssize_t size);
/* Set d (its buffer fields; d->data is the caller's) to decode bytes data from start, as
 * RangeDecoder(data, start) does: 0, or -1 with an exception. start <= len(data) + 3. */
int fast42_start(Decoder *d, PyObject *data, Py_ssize_t start);
/* RangeDecoder.finish(): where the raw area starts, or -1 with an exception. */
Py_ssize_t fast42_finish(Decoder *d);

/* RangeDecoder.read_lists and the module's load_list_types (_fast42_lists.c). */
PyObject *fast42_read_lists(Decoder *d, PyObject *const *args, Py_ssize_t nargs);
PyObject *fast42_load_list_types(PyObject *module, PyObject *args);
/* The module's decode_coded(data, start, max_depth, budget): coded42.decode_coded in C. */
PyObject *fast42_decode_coded(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
