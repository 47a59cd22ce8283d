/*
 * What the CPython glue files of the crypto extension share (_fast.c defines these; the
 * module's method table in _fast.c lists fast_search_sources and fast_open_first from
 * _fast_search.c).
 */
#ifndef SKYPEFLUX_FAST_GLUE_H
#define SKYPEFLUX_FAST_GLUE_H

#include <Python.h>

/* skypeflux.crypto.errors.CryptoError, set when the module is initialised */
extern PyObject *crypto_error;

/* A C-contiguous byte view of any buffer (a strided one is copied); TypeError for the rest. */
int get_bytes(PyObject *obj, Py_buffer *view, const char *what);

/* TypeError unless a METH_FASTCALL function got exactly want arguments. */
int check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t want);

/* search_sources(dst, packet_id, iv, crc, ciphertext, accept, start, stop) -> list */
PyObject *fast_search_sources(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

/* open_first(pairs, packet_id, iv, crc, ciphertext) -> (index, seed, plaintext) or None */
PyObject *fast_open_first(PyObject *module, PyObject *const *args, Py_ssize_t nargs);

#endif
