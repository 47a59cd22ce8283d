/*
 * The C fast path's computing core, without Python: the seed -> 80-byte key expansion, RC4,
 * batches of key schedules run in lock step, and the exhaustive address search of
 * skypeflux.crypto.search. _fast.c wraps these for CPython; they never touch Python objects,
 * so the callers can run them with the GIL released.
 */
#ifndef SKYPEFLUX_FAST_CORE_H
#define SKYPEFLUX_FAST_CORE_H

#include <stddef.h>
#include <stdint.h>

#define KEY_WORDS 20
#define KEY_BYTES (4 * KEY_WORDS)
/* How many RC4 key schedules the batch loops run side by side, so their memory
 * dependencies overlap. */
#define LANES 4

typedef struct {
    uint8_t s[256];
    uint8_t i;
    uint8_t j;
} rc4_state;

/* Fill the lookup tables the functions below use; call once before any of them. */
void core_init(void);

/* The 80-byte RC4 key Skype derives from seed. */
void expand_key_bytes(uint32_t seed, uint8_t *out);

/* RC4 key schedule over any key of 1..256+ bytes; position 0 of the keystream next. */
void rc4_schedule(rc4_state *st, const uint8_t *key, size_t key_len);

/* out = in XOR keystream, advancing st; in may equal out; in == NULL gives the keystream. */
void rc4_apply(rc4_state *st, const uint8_t *in, uint8_t *out, size_t n);

/* rc4_schedule with expand_key_bytes(seed). */
void seed_state(rc4_state *st, uint32_t seed);

/* count seeds (native uint32, any alignment) -> count * n keystream bytes, in order. */
void batch_keystreams(const uint8_t *seeds, size_t count, uint8_t *out, size_t n);

/* Skype's CRC32 (reflected 0xEDB88320, no final inversion) continuing from crc. */
uint32_t core_crc32(const uint8_t *data, size_t n, uint32_t crc);

/*
 * The address search (skypeflux.crypto.search): one type 0x02 datagram whose public source
 * address is unknown. Its seed is CRC32(LE32 src, LE32 dst, LE16 id, 00 00) XOR iv.
 */
typedef struct {
    uint32_t dst;          /* public destination, a<<24|b<<16|c<<8|d */
    uint32_t packet_id;    /* 16-bit datagram id */
    uint32_t iv;
    uint32_t crc;          /* the datagram's CRC field: Skype CRC32 of the plaintext */
    const uint8_t *ciphertext;
    size_t length;         /* at least 1 */
    const uint8_t *accept; /* 256 flags: may plaintext byte 0 take this value? */
} search_target;

/*
 * Try every source address in [start, stop) (stop <= 2**32) against t: derive the seed, run
 * the key schedule (LANES at a time), reject on the first plaintext byte, else decrypt the
 * rest and compare the CRC. Writes up to max_hits matching sources to hits, in order, and
 * returns how many matched (which may exceed max_hits).
 */
size_t search_sources(const search_target *t, uint64_t start, uint64_t stop, uint32_t *hits,
                      size_t max_hits);

/*
 * Opening one type 0x02 (or 0x0F) datagram whose public addresses are a short list of guesses
 * (skypeflux.crypto.opening): pairs holds count (src, dst) words. Tries them in order and
 * returns the index of the first whose seed decrypts ciphertext to crc, with that seed and
 * plaintext (length bytes) in *seed and plain; count when none does (plain is then scratch).
 */
size_t open_first_pair(const uint32_t *pairs, size_t count, uint32_t packet_id, uint32_t iv,
                       uint32_t crc, const uint8_t *ciphertext, size_t length, uint32_t *seed,
                       uint8_t *plain);

#endif
