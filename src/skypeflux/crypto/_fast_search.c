/*
 * CPython face of the address search (skypeflux.crypto.search.crc_hits on the C back end): the
 * arguments checked, then search_sources of _fast_core.c over the whole chunk without the GIL.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

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
