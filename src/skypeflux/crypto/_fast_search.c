/*
 * CPython face of the address search (skypeflux.crypto.search.crc_hits on the C back end): the
 * arguments checked, then search_sources of _fast_core.c over the whole chunk without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <arpa/inet.h>
#include <string.h>

#include "_fast_core.h"
#include "_fast_glue.h"

/* An unsigned value of at most max from a Python int (not a bool), or -1 with an exception. */
static int parse_u64(PyObject *obj, unsigned long long max, const char *what,
                     unsigned long long *out)
{
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int, not %.100s", what,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow || value < 0 || (unsigned long long)value > max) {
        PyErr_Format(crypto_error, "%s %R is outside 0..%llu", what, obj, max);
        return -1;
    }
    *out = (unsigned long long)value;
    return 0;
}

#define SEARCH_MAX_HITS 64

/*
 * search_sources(dst, packet_id, iv, crc, ciphertext, accept, start, stop) -> list of sources.
 * The whole loop runs without the GIL, so threads searching other chunks use other cores.
 */
PyObject *fast_search_sources(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    static const char *names[] = {"dst", "packet_id", "iv", "crc"};
    static const unsigned long long limits[] = {0xFFFFFFFFull, 0xFFFFull, 0xFFFFFFFFull,
                                                0xFFFFFFFFull};
    unsigned long long fields[4], start, stop;
    if (check_nargs("search_sources", nargs, 8) < 0) {
        return NULL;
    }
    for (int f = 0; f < 4; f++) {
        if (parse_u64(args[f], limits[f], names[f], &fields[f]) < 0) {
            return NULL;
        }
    }
    if (parse_u64(args[6], 1ull << 32, "start", &start) < 0 ||
        parse_u64(args[7], 1ull << 32, "stop", &stop) < 0) {
        return NULL;
    }
    Py_buffer ciphertext, accept;
    if (get_bytes(args[4], &ciphertext, "ciphertext") < 0) {
        return NULL;
    }
    if (get_bytes(args[5], &accept, "accept") < 0) {
        PyBuffer_Release(&ciphertext);
        return NULL;
    }
    PyObject *result = NULL;
    if (ciphertext.len < 1 || accept.len != 256) {
        PyErr_SetString(crypto_error, ciphertext.len < 1
                                          ? "the datagram has no ciphertext to test"
                                          : "accept must hold 256 flags");
    } else {
        search_target t = {
            .dst = (uint32_t)fields[0],
            .packet_id = (uint32_t)fields[1],
            .iv = (uint32_t)fields[2],
            .crc = (uint32_t)fields[3],
            .ciphertext = (const uint8_t *)ciphertext.buf,
            .length = (size_t)ciphertext.len,
            .accept = (const uint8_t *)accept.buf,
        };
        uint32_t hits[SEARCH_MAX_HITS];
        size_t found = 0;
        if (start < stop) {
            Py_BEGIN_ALLOW_THREADS
            found = search_sources(&t, start, stop, hits, SEARCH_MAX_HITS);
            Py_END_ALLOW_THREADS
        }
        if (found > SEARCH_MAX_HITS) {
            PyErr_Format(crypto_error,
                         "%zu CRC matches in one chunk: the datagram cannot single out a source",
                         found);
        } else {
            result = PyList_New((Py_ssize_t)found);
            for (size_t h = 0; result != NULL && h < found; h++) {
                PyObject *value = PyLong_FromUnsignedLong(hits[h]);
                if (value == NULL) {
                    Py_CLEAR(result);
                } else {
                    PyList_SET_ITEM(result, (Py_ssize_t)h, value);
                }
            }
        }
    }
    PyBuffer_Release(&accept);
    PyBuffer_Release(&ciphertext);
    return result;
}

#define OPEN_STACK_PAIRS 16

/*
 * An address as a number: an int (not a bool) of 0..2**32-1, or a strict dotted quad read by
 * inet_pton, as skypeflux.ipv4.ip_number reads it (socket.inet_pton is the same function).
 */
static int parse_address(PyObject *obj, const char *what, uint32_t *out)
{
    if (PyUnicode_Check(obj)) {
        Py_ssize_t size;
        const char *text = PyUnicode_AsUTF8AndSize(obj, &size);
        struct in_addr addr;
        if (text == NULL || (size_t)size != strlen(text) || inet_pton(AF_INET, text, &addr) != 1) {
            PyErr_Clear();
            PyErr_Format(crypto_error, "not an IPv4 address: %R", obj);
            return -1;
        }
        *out = ntohl(addr.s_addr);
        return 0;
    }
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "%s must be an int or str, not %.100s", what,
                     Py_TYPE(obj)->tp_name);
        return -1;
    }
    unsigned long long value;
    if (parse_u64(obj, 0xFFFFFFFFull, what, &value) < 0) {
        return -1;
    }
    *out = (uint32_t)value;
    return 0;
}

/* The (src, dst) words of pairs, a list or tuple of 2-tuples of addresses; -1 with an exception. */
static int parse_pairs(PyObject *pairs, uint32_t **words, uint32_t *stack, Py_ssize_t *count)
{
    if (!PyList_Check(pairs) && !PyTuple_Check(pairs)) {
        PyErr_Format(PyExc_TypeError,
                     "pairs must be a list or tuple of (src, dst) tuples, not %.100s",
                     Py_TYPE(pairs)->tp_name);
        return -1;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(pairs); /* a list or tuple: read in place */
    uint32_t *out = stack;
    if (n > OPEN_STACK_PAIRS) {
        out = PyMem_Malloc((size_t)n * 2 * sizeof(uint32_t));
        if (out == NULL) {
            PyErr_NoMemory();
            return -1;
        }
    }
    PyObject **items = PySequence_Fast_ITEMS(pairs);
    for (Py_ssize_t p = 0; p < n; p++) {
        PyObject *pair = items[p];
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_Format(PyExc_TypeError, "each pair must be a (src, dst) tuple, not %.100s",
                         Py_TYPE(pair)->tp_name);
            goto fail;
        }
        if (parse_address(PyTuple_GET_ITEM(pair, 0), "src", &out[2 * p]) < 0 ||
            parse_address(PyTuple_GET_ITEM(pair, 1), "dst", &out[2 * p + 1]) < 0) {
            goto fail;
        }
    }
    *words = out;
    *count = n;
    return 0;
fail:
    if (out != stack) {
        PyMem_Free(out);
    }
    return -1;
}

/*
 * open_first(pairs, packet_id, iv, crc, ciphertext) -> (index, seed, plaintext) of the first
 * (src, dst) pair whose seed decrypts the datagram to its CRC, or None.
 */
PyObject *fast_open_first(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    static const char *names[] = {"packet_id", "iv", "crc"};
    static const unsigned long long limits[] = {0xFFFFull, 0xFFFFFFFFull, 0xFFFFFFFFull};
    unsigned long long fields[3];
    if (check_nargs("open_first", nargs, 5) < 0) {
        return NULL;
    }
    for (int f = 0; f < 3; f++) {
        if (parse_u64(args[1 + f], limits[f], names[f], &fields[f]) < 0) {
            return NULL;
        }
    }
    uint32_t stack[2 * OPEN_STACK_PAIRS];
    uint32_t *words = NULL;
    Py_ssize_t count = 0;
    if (parse_pairs(args[0], &words, stack, &count) < 0) {
        return NULL;
    }
    Py_buffer ciphertext;
    if (get_bytes(args[4], &ciphertext, "ciphertext") < 0) {
        if (words != stack) {
            PyMem_Free(words);
        }
        return NULL;
    }
    PyObject *result = NULL;
    PyObject *plain = PyBytes_FromStringAndSize(NULL, ciphertext.len);
    if (plain != NULL) {
        uint32_t seed = 0;
        size_t index = open_first_pair(words, (size_t)count, (uint32_t)fields[0],
                                       (uint32_t)fields[1], (uint32_t)fields[2],
                                       (const uint8_t *)ciphertext.buf, (size_t)ciphertext.len,
                                       &seed, (uint8_t *)PyBytes_AS_STRING(plain));
        if (index == (size_t)count) {
            result = Py_NewRef(Py_None);
        } else {
            result = Py_BuildValue("(nkO)", (Py_ssize_t)index, (unsigned long)seed, plain);
        }
        Py_DECREF(plain);
    }
    PyBuffer_Release(&ciphertext);
    if (words != stack) {
        PyMem_Free(words);
    }
    return result;
}
