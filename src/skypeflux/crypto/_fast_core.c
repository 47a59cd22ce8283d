/*
 * Key expansion, RC4 and the batch key schedule (see _fast_core.h).
 *
 * The expansion's routines are not written here: they are generated from the program data into
 * _expansion.inc (tools/gen_expansion.py), the same data the pure-Python path is generated from.
 */
#include "_fast_core.h"

#include <string.h>

_Static_assert(sizeof(unsigned int) == 4, "uint32_t arithmetic must not promote to int");

/* The notation's rotations, by r mod 32 (the generated routines call them). */
static inline uint32_t rotl32(uint32_t x, uint32_t r)
{
    r &= 31u;
    return (x << r) | (x >> ((32u - r) & 31u));
}

static inline uint32_t rotr32(uint32_t x, uint32_t r)
{
    r &= 31u;
    return (x >> r) | (x << ((32u - r) & 31u));
}

#include "_expansion.inc"

_Static_assert(EXPANSION_KEY_WORDS == KEY_WORDS, "the program fills 20 key words");

static uint8_t identity[256];
static uint8_t key_index[256]; /* i % KEY_BYTES, so the schedule loop has no division */
static uint32_t crc_table[256];

void core_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        identity[i] = (uint8_t)i;
        key_index[i] = (uint8_t)(i % KEY_BYTES);
        uint32_t c = i;
        for (int bit = 0; bit < 8; bit++) {
            c = (c & 1u) ? (c >> 1) ^ 0xEDB88320u : c >> 1;
        }
        crc_table[i] = c;
    }
}

uint32_t core_crc32(const uint8_t *data, size_t n, uint32_t crc)
{
    for (size_t p = 0; p < n; p++) {
        crc = crc_table[(crc ^ data[p]) & 0xFFu] ^ (crc >> 8);
    }
    return crc;
}

void expand_key_bytes(uint32_t seed, uint8_t *out)
{
    uint32_t k[KEY_WORDS];
    for (int w = 0; w < KEY_WORDS; w++) {
        k[w] = seed;
    }
    routine_0(k, seed);
    for (int w = 0; w < KEY_WORDS; w++) {
        out[4 * w] = (uint8_t)k[w];
        out[4 * w + 1] = (uint8_t)(k[w] >> 8);
        out[4 * w + 2] = (uint8_t)(k[w] >> 16);
        out[4 * w + 3] = (uint8_t)(k[w] >> 24);
    }
}

void rc4_schedule(rc4_state *st, const uint8_t *key, size_t key_len)
{
    uint8_t *s = st->s;
    uint8_t j = 0;
    memcpy(s, identity, 256);
    for (size_t i = 0; i < 256; i++) {
        uint8_t t = s[i];
        j = (uint8_t)(j + t + key[key_len == KEY_BYTES ? key_index[i] : i % key_len]);
        s[i] = s[j];
        s[j] = t;
    }
    st->i = 0;
    st->j = 0;
}

void rc4_apply(rc4_state *st, const uint8_t *in, uint8_t *out, size_t n)
{
    uint8_t *s = st->s;
    uint8_t i = st->i, j = st->j;
    for (size_t p = 0; p < n; p++) {
        i++;
        uint8_t si = s[i];
        j = (uint8_t)(j + si);
        uint8_t sj = s[j];
        s[i] = sj;
        s[j] = si;
        uint8_t ks = s[(uint8_t)(si + sj)];
        out[p] = in ? (uint8_t)(in[p] ^ ks) : ks;
    }
    st->i = i;
    st->j = j;
}

void seed_state(rc4_state *st, uint32_t seed)
{
    uint8_t key[KEY_BYTES];
    expand_key_bytes(seed, key);
    rc4_schedule(st, key, KEY_BYTES);
}

void batch_keystreams(const uint8_t *seeds, size_t count, uint8_t *out, size_t n)
{
    size_t g = 0;
    for (; g + LANES <= count; g += LANES) {
        uint8_t key[LANES][KEY_BYTES];
        uint8_t s[LANES][256];
        uint8_t j[LANES];
        for (int l = 0; l < LANES; l++) {
            uint32_t seed;
            memcpy(&seed, seeds + 4 * (g + (size_t)l), 4);
            expand_key_bytes(seed, key[l]);
            memcpy(s[l], identity, 256);
            j[l] = 0;
        }
        for (int i = 0; i < 256; i++) {
            const uint8_t ki = key_index[i];
            for (int l = 0; l < LANES; l++) {
                uint8_t t = s[l][i];
                j[l] = (uint8_t)(j[l] + t + key[l][ki]);
                s[l][i] = s[l][j[l]];
                s[l][j[l]] = t;
            }
        }
        uint8_t i = 0;
        for (int l = 0; l < LANES; l++) {
            j[l] = 0;
        }
        for (size_t p = 0; p < n; p++) {
            i++;
            for (int l = 0; l < LANES; l++) {
                uint8_t si = s[l][i];
                j[l] = (uint8_t)(j[l] + si);
                uint8_t sj = s[l][j[l]];
                s[l][i] = sj;
                s[l][j[l]] = si;
                out[(g + (size_t)l) * n + p] = s[l][(uint8_t)(si + sj)];
            }
        }
    }
    for (; g < count; g++) {
        uint32_t seed;
        rc4_state st;
        memcpy(&seed, seeds + 4 * g, 4);
        seed_state(&st, seed);
        rc4_apply(&st, NULL, out + g * n, n);
    }
}

/* ---- the address search ------------------------------------------------------------------- */

/* CRC32(LE32 src, LE32 dst, LE16 id, 00 00) XOR iv: the seed of a type 0x02 datagram. */
static uint32_t udp_seed_for(uint32_t src, uint32_t dst, uint32_t packet_id, uint32_t iv)
{
    uint8_t input[12];
    for (int b = 0; b < 4; b++) {
        input[b] = (uint8_t)(src >> (8 * b));
        input[4 + b] = (uint8_t)(dst >> (8 * b));
    }
    input[8] = (uint8_t)packet_id;
    input[9] = (uint8_t)(packet_id >> 8);
    input[10] = 0;
    input[11] = 0;
    return core_crc32(input, sizeof input, 0xFFFFFFFFu) ^ iv;
}

static uint32_t udp_seed_of(const search_target *t, uint32_t src)
{
    return udp_seed_for(src, t->dst, t->packet_id, t->iv);
}

/*
 * The seed is an affine function of the source over GF(2) (a CRC of fixed-length input, XOR a
 * constant), so it is the XOR of one table entry per source byte and the seed of 0.0.0.0.
 */
typedef struct {
    uint32_t byte[4][256];
    uint32_t base;
} seed_tables;

static void build_seed_tables(const search_target *t, seed_tables *st)
{
    st->base = udp_seed_of(t, 0);
    for (int b = 0; b < 4; b++) {
        for (uint32_t v = 0; v < 256; v++) {
            st->byte[b][v] = udp_seed_of(t, v << (8 * b)) ^ st->base;
        }
    }
}

static inline uint32_t seed_from_tables(const seed_tables *st, uint32_t src)
{
    return st->base ^ st->byte[0][src & 0xFFu] ^ st->byte[1][(src >> 8) & 0xFFu] ^
           st->byte[2][(src >> 16) & 0xFFu] ^ st->byte[3][src >> 24];
}

/* The rest of the datagram after plaintext byte 0, from the state after one keystream byte. */
static int crc_matches(const search_target *t, uint8_t *s, uint8_t j, uint8_t first)
{
    uint32_t crc = crc_table[(0xFFFFFFFFu ^ first) & 0xFFu] ^ (0xFFFFFFFFu >> 8);
    uint8_t i = 1;
    for (size_t p = 1; p < t->length; p++) {
        i++;
        uint8_t si = s[i];
        j = (uint8_t)(j + si);
        uint8_t sj = s[j];
        s[i] = sj;
        s[j] = si;
        uint8_t plain = (uint8_t)(t->ciphertext[p] ^ s[(uint8_t)(si + sj)]);
        crc = crc_table[(crc ^ plain) & 0xFFu] ^ (crc >> 8);
    }
    return crc == t->crc;
}

size_t search_sources(const search_target *t, uint64_t start, uint64_t stop, uint32_t *hits,
                      size_t max_hits)
{
    seed_tables st;
    build_seed_tables(t, &st);
    const uint8_t c0 = t->ciphertext[0];
    size_t found = 0;
    for (uint64_t a = start; a < stop; a += LANES) {
        const uint64_t left = stop - a;
        const int lanes = left < LANES ? (int)left : LANES;
        uint8_t key[LANES][KEY_BYTES];
        uint8_t s[LANES][256];
        uint8_t j[LANES];
        for (int l = 0; l < LANES; l++) {
            /* a short last group repeats its first source in the unused lanes */
            uint32_t src = (uint32_t)(a + (uint64_t)(l < lanes ? l : 0));
            expand_key_bytes(seed_from_tables(&st, src), key[l]);
            memcpy(s[l], identity, 256);
            j[l] = 0;
        }
        for (int i = 0; i < 256; i++) {
            const uint8_t ki = key_index[i];
            for (int l = 0; l < LANES; l++) {
                uint8_t x = s[l][i];
                j[l] = (uint8_t)(j[l] + x + key[l][ki]);
                s[l][i] = s[l][j[l]];
                s[l][j[l]] = x;
            }
        }
        for (int l = 0; l < lanes; l++) {
            uint8_t si = s[l][1];
            uint8_t jj = si;
            uint8_t sj = s[l][jj];
            s[l][1] = sj;
            s[l][jj] = si;
            uint8_t first = (uint8_t)(c0 ^ s[l][(uint8_t)(si + sj)]);
            if (!t->accept[first] || !crc_matches(t, s[l], jj, first)) {
                continue;
            }
            if (found < max_hits) {
                hits[found] = (uint32_t)(a + (uint64_t)l);
            }
            found++;
        }
    }
    return found;
}

/* ---- opening with a few guessed address pairs ---------------------------------------------- */

size_t open_first_pair(const uint32_t *pairs, size_t count, uint32_t packet_id, uint32_t iv,
                       uint32_t crc, const uint8_t *ciphertext, size_t length, uint32_t *seed,
                       uint8_t *plain)
{
    for (size_t p = 0; p < count; p++) {
        uint32_t tried = udp_seed_for(pairs[2 * p], pairs[2 * p + 1], packet_id, iv);
        rc4_state st;
        seed_state(&st, tried);
        rc4_apply(&st, ciphertext, plain, length);
        if (core_crc32(plain, length, 0xFFFFFFFFu) == crc) {
            *seed = tried;
            return p;
        }
    }
    return count;
}
