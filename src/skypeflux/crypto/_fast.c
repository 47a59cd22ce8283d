/*
 * CPython face of the C fast path for skypeflux.crypto: argument checking with the same
 * messages as the pure path, the RC4 type, and the functions the back end table lists. The
 * computing is in _fast_core.c (and the generated expansion routines it includes); nothing
 * here does crypto itself.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "_fast_core.h"
#include "_fast_glue.h"

PyObject *crypto_error; /* skypeflux.crypto.errors.CryptoError */

#define RELEASE_GIL_BYTES 8192

static int parse_seed(PyObject *obj, uint32_t *seed)
{
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "seed must be an int, not %.100s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    int overflow = 0;
    long long value = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (value == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (overflow || value < 0 || value > 0xFFFFFFFFLL) {
        PyErr_Format(crypto_error, "seed %R is outside 0..0xFFFFFFFF", obj);
        return -1;
    }
    *seed = (uint32_t)value;
    return 0;
}

/* The same checks and messages as rc4.check_length, so both back ends refuse alike. */
static int parse_length(PyObject *obj, Py_ssize_t *n)
{
    if (!PyLong_Check(obj) || PyBool_Check(obj)) {
        PyErr_Format(PyExc_TypeError, "n must be an int, not %.100s", Py_TYPE(obj)->tp_name);
        return -1;
    }
    *n = PyLong_AsSsize_t(obj);
    if (*n == -1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) {
            PyErr_Clear();
            PyErr_Format(crypto_error, "keystream length %R is too large", obj);
        }
        return -1;
    }
    if (*n < 0) {
        PyErr_Format(crypto_error, "keystream length must not be negative, got %zd", *n);
        return -1;
    }
    return 0;
}

/*
 * A C-contiguous byte view of any buffer-protocol object, as rc4.byte_view gives the pure back
 * end: a strided view (memoryview(b)[::2]) is copied rather than refused, and ints, lists and
 * str are a TypeError (bytes(5) would silently mean five zero bytes). Release with
 * PyBuffer_Release; the view keeps the copy alive.
 */
int get_bytes(PyObject *obj, Py_buffer *view, const char *what)
{
    if (!PyObject_CheckBuffer(obj)) {
        PyErr_Format(PyExc_TypeError,
                     "%s must be a bytes-like object (bytes, bytearray, memoryview), not %.100s",
                     what, Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyObject_GetBuffer(obj, view, PyBUF_SIMPLE) == 0) {
        return 0;
    }
    if (!PyErr_ExceptionMatches(PyExc_BufferError)) {
        return -1;
    }
    PyErr_Clear();
    PyObject *copy = PyBytes_FromObject(obj);
    if (copy == NULL) {
        return -1;
    }
    int status = PyObject_GetBuffer(copy, view, PyBUF_SIMPLE);
    Py_DECREF(copy);
    return status;
}

int check_nargs(const char *name, Py_ssize_t nargs, Py_ssize_t want)
{
    if (nargs != want) {
        PyErr_Format(PyExc_TypeError, "%s() takes exactly %zd arguments (%zd given)", name, want,
                     nargs);
        return -1;
    }
    return 0;
}

typedef struct {
    PyObject_HEAD
    rc4_state st;
} RC4Object;

static PyTypeObject RC4Type;

static RC4Object *new_rc4(void)
{
    return PyObject_New(RC4Object, &RC4Type);
}

static PyObject *RC4_new(PyTypeObject *type, PyObject *args, PyObject *kwargs)
{
    Py_buffer key;
    PyObject *key_obj;
    static char *names[] = {"key", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:RC4", names, &key_obj) ||
        get_bytes(key_obj, &key, "key") < 0) {
        return NULL;
    }
    if (key.len == 0) {
        PyBuffer_Release(&key);
        PyErr_SetString(crypto_error, "RC4 key must not be empty");
        return NULL;
    }
    RC4Object *self = (RC4Object *)type->tp_alloc(type, 0);
    if (self != NULL) {
        rc4_schedule(&self->st, (const uint8_t *)key.buf, (size_t)key.len);
    }
    PyBuffer_Release(&key);
    return (PyObject *)self;
}

static PyObject *apply_to_buffer(rc4_state *st, PyObject *data)
{
    Py_buffer in;
    if (get_bytes(data, &in, "data") < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, in.len);
    if (result != NULL) {
        uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
        if (in.len >= RELEASE_GIL_BYTES) {
            Py_BEGIN_ALLOW_THREADS
            rc4_apply(st, (const uint8_t *)in.buf, out, (size_t)in.len);
            Py_END_ALLOW_THREADS
        } else {
            rc4_apply(st, (const uint8_t *)in.buf, out, (size_t)in.len);
        }
    }
    PyBuffer_Release(&in);
    return result;
}

static PyObject *RC4_crypt(RC4Object *self, PyObject *data)
{
    return apply_to_buffer(&self->st, data);
}

static PyObject *RC4_peek(RC4Object *self, PyObject *data)
{
    rc4_state scratch = self->st;
    return apply_to_buffer(&scratch, data);
}

static PyObject *RC4_keystream(RC4Object *self, PyObject *arg)
{
    Py_ssize_t n;
    if (parse_length(arg, &n) < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, n);
    if (result != NULL) {
        rc4_apply(&self->st, NULL, (uint8_t *)PyBytes_AS_STRING(result), (size_t)n);
    }
    return result;
}

static PyObject *RC4_copy(RC4Object *self, PyObject *Py_UNUSED(ignored))
{
    RC4Object *twin = (RC4Object *)Py_TYPE(self)->tp_alloc(Py_TYPE(self), 0);
    if (twin != NULL) {
        twin->st = self->st;
    }
    return (PyObject *)twin;
}

static PyMethodDef RC4_methods[] = {
    {"crypt", (PyCFunction)RC4_crypt, METH_O,
     "Encrypt or decrypt data, advancing the keystream."},
    {"peek", (PyCFunction)RC4_peek, METH_O, "Like crypt, but leaves the state unchanged."},
    {"keystream", (PyCFunction)RC4_keystream, METH_O, "The next n keystream bytes."},
    {"copy", (PyCFunction)RC4_copy, METH_NOARGS, "An independent cipher in the same state."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject RC4Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "skypeflux.crypto._fast.RC4",
    .tp_basicsize = sizeof(RC4Object),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "RC4 state (C). RC4(key) runs the key schedule over any non-empty key.\n\n"
              "Not thread-safe: crypt() on 8 KiB or more releases the GIL while it advances\n"
              "this object's state, so share no cipher between threads (copy() one each).",
    .tp_methods = RC4_methods,
    .tp_new = RC4_new,
};

static PyObject *fast_expand_key(PyObject *Py_UNUSED(module), PyObject *arg)
{
    uint32_t seed;
    if (parse_seed(arg, &seed) < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, KEY_BYTES);
    if (result != NULL) {
        expand_key_bytes(seed, (uint8_t *)PyBytes_AS_STRING(result));
    }
    return result;
}

static PyObject *fast_cipher_for_seed(PyObject *Py_UNUSED(module), PyObject *arg)
{
    uint32_t seed;
    if (parse_seed(arg, &seed) < 0) {
        return NULL;
    }
    RC4Object *self = new_rc4();
    if (self != NULL) {
        seed_state(&self->st, seed);
    }
    return (PyObject *)self;
}

static PyObject *fast_keystream(PyObject *Py_UNUSED(module), PyObject *const *args,
                                Py_ssize_t nargs)
{
    uint32_t seed;
    Py_ssize_t n;
    if (check_nargs("keystream", nargs, 2) < 0 || parse_seed(args[0], &seed) < 0 ||
        parse_length(args[1], &n) < 0) {
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, n);
    if (result != NULL) {
        rc4_state st;
        seed_state(&st, seed);
        rc4_apply(&st, NULL, (uint8_t *)PyBytes_AS_STRING(result), (size_t)n);
    }
    return result;
}

static PyObject *fast_decrypt(PyObject *Py_UNUSED(module), PyObject *const *args,
                              Py_ssize_t nargs)
{
    uint32_t seed;
    if (check_nargs("decrypt", nargs, 2) < 0 || parse_seed(args[0], &seed) < 0) {
        return NULL;
    }
    rc4_state st;
    seed_state(&st, seed);
    return apply_to_buffer(&st, args[1]);
}

static PyObject *fast_keystream_batch(PyObject *Py_UNUSED(module), PyObject *const *args,
                                      Py_ssize_t nargs)
{
    Py_ssize_t n;
    Py_buffer seeds;
    if (check_nargs("keystream_batch", nargs, 2) < 0 || parse_length(args[1], &n) < 0) {
        return NULL;
    }
    if (get_bytes(args[0], &seeds, "seeds") < 0) {
        return NULL;
    }
    if (seeds.len % 4 != 0) {
        PyErr_Format(crypto_error, "seed buffer length %zd is not a multiple of 4", seeds.len);
        PyBuffer_Release(&seeds);
        return NULL;
    }
    Py_ssize_t count = seeds.len / 4;
    if (n != 0 && count > PY_SSIZE_T_MAX / n) {
        PyErr_Format(crypto_error, "keystream batch of %zd x %zd bytes is too large", count, n);
        PyBuffer_Release(&seeds);
        return NULL;
    }
    PyObject *result = PyBytes_FromStringAndSize(NULL, count * n);
    if (result != NULL && count > 0 && n > 0) { /* nothing to compute: no key schedule runs */
        uint8_t *out = (uint8_t *)PyBytes_AS_STRING(result);
        Py_BEGIN_ALLOW_THREADS
        batch_keystreams((const uint8_t *)seeds.buf, (size_t)count, out, (size_t)n);
        Py_END_ALLOW_THREADS
    }
    PyBuffer_Release(&seeds);
    return result;
}

static PyMethodDef fast_methods[] = {
    {"expand_key", (PyCFunction)fast_expand_key, METH_O, "expand_key(seed) -> 80-byte RC4 key"},
    {"cipher_for_seed", (PyCFunction)fast_cipher_for_seed, METH_O,
     "cipher_for_seed(seed) -> RC4 keyed with expand_key(seed)"},
    {"keystream", (PyCFunction)(void (*)(void))fast_keystream, METH_FASTCALL,
     "keystream(seed, n) -> first n keystream bytes"},
    {"decrypt", (PyCFunction)(void (*)(void))fast_decrypt, METH_FASTCALL,
     "decrypt(seed, data) -> data XOR keystream(seed) from position 0"},
    {"keystream_batch", (PyCFunction)(void (*)(void))fast_keystream_batch, METH_FASTCALL,
     "keystream_batch(seeds, n) -> n keystream bytes per native uint32 seed, concatenated"},
    {"search_sources", (PyCFunction)(void (*)(void))fast_search_sources, METH_FASTCALL,
     "search_sources(dst, packet_id, iv, crc, ciphertext, accept, start, stop) -> sources "
     "in [start, stop) whose seed decrypts the datagram to its CRC"},
    {"open_first", (PyCFunction)(void (*)(void))fast_open_first, METH_FASTCALL,
     "open_first(pairs, packet_id, iv, crc, ciphertext) -> (index, seed, plaintext) of the "
     "first (src, dst) pair whose seed decrypts the datagram to its CRC, or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef fast_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.crypto._fast",
    .m_doc = "C fast path of skypeflux.crypto (_fast.c over _fast_core.c; see tools/gen_expansion.py).",
    .m_size = -1,
    .m_methods = fast_methods,
};

PyMODINIT_FUNC PyInit__fast(void)
{
    core_init();
    PyObject *errors = PyImport_ImportModule("skypeflux.crypto.errors");
    if (errors == NULL) {
        return NULL;
    }
    crypto_error = PyObject_GetAttrString(errors, "CryptoError");
    Py_DECREF(errors);
    if (crypto_error == NULL || PyType_Ready(&RC4Type) < 0) {
        return NULL;
    }
    PyObject *module = PyModule_Create(&fast_module);
    if (module == NULL) {
        return NULL;
    }
    Py_INCREF(&RC4Type);
    if (PyModule_AddObject(module, "RC4", (PyObject *)&RC4Type) < 0 ||
        PyModule_AddIntConstant(module, "LANES", LANES) < 0 ||
        PyModule_AddIntConstant(module, "KEY_BYTES", KEY_BYTES) < 0) {
        Py_DECREF(&RC4Type);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
