/*
 * RangeEncoder of the 0x42 range coder (C), the same contract as range_coder.RangeEncoder:
 * normalisation with carry propagation, symbols, raw bits, numbers and whole strings, and the
 * final flush to the bytes of the list. Shared declarations: _fast42.h.
 */
#include "_fast42.h"

#include <string.h>
#include <structmember.h>

static int reserve_out(Encoder *e, Py_ssize_t more)
{
    if (more > PY_SSIZE_T_MAX / 2 - e->size) {
        PyErr_NoMemory();
        return -1;
    }
    if (e->size + more <= e->capacity)
        return 0;
    Py_ssize_t capacity = e->capacity * 2;
    if (capacity < e->size + more)
        capacity = e->size + more;
    uint8_t *bigger = PyMem_Realloc(e->out, (size_t)capacity);
    if (bigger == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    e->out = bigger;
    e->capacity = capacity;
    return 0;
}

static int put(Encoder *e, uint32_t byte)
{
    if (e->size == e->capacity && reserve_out(e, 1))
        return -1;
    /* cache + 1 never passes 0xFF: a carry cannot follow a 0xFF cache (low + range <= 2**32) */
    e->out[e->size++] = (uint8_t)byte;
    return 0;
}

static int put_run(Encoder *e, uint8_t byte, Py_ssize_t count)
{
    if (count <= 0)
        return 0;
    if (reserve_out(e, count))
        return -1;
    memset(e->out + e->size, byte, (size_t)count);
    e->size += count;
    return 0;
}

static int normalise(Encoder *e)
{
    uint64_t low = e->low;
    uint32_t rng = e->range;
    while (rng <= BOTTOM) {
        if (low < 0x7F800000u) {
            if (e->first)
                e->first = 0;
            else if (put(e, e->cache))
                return -1;
            if (put_run(e, 0xFF, e->pending))
                return -1;
            e->pending = 0;
            e->cache = (uint32_t)(low >> 23);
        } else if (low < 0x80000000u) {
            e->pending++;
        } else {
            if (put(e, e->cache + 1) || put_run(e, 0x00, e->pending))
                return -1;
            e->pending = 0;
            e->cache = (uint32_t)((low >> 23) & 0xFF);
        }
        low = (low & 0x7FFFFF) << 8;
        rng <<= 8;
    }
    e->low = low;
    e->range = rng;
    return 0;
}

static inline int encode_bounds(Encoder *e, uint32_t low, uint32_t high)
{
    if (e->range <= BOTTOM && normalise(e))
        return -1;
    uint32_t r = e->range >> 12;
    e->low += (uint64_t)r * low;
    e->range = high == TOTAL ? e->range - r * low : r * (high - low);
    return 0;
}

static int encode_bits(Encoder *e, int count, uint32_t value)
{
    if (e->range <= BOTTOM && normalise(e))
        return -1;
    uint32_t r = e->range >> count;
    e->low += (uint64_t)r * value;
    e->range = value == (1u << count) - 1 ? e->range - r * value : r;
    return 0;
}

static int encode_symbol(Encoder *e, const PyTable *t, long s)
{
    uint32_t low, high;
    if (py_bounds(t, s, &low, &high))
        return -1;
    return encode_bounds(e, low, high);
}

static int bit_length(uint64_t value)
{
    int n = 0;
    while (value) {
        n++;
        value >>= 1;
    }
    return n;
}

static int encode_number(Encoder *e, const Model *m, uint64_t value)
{
    if (value < (uint64_t)(m->direct_limit > 0 ? m->direct_limit : 0))
        return encode_symbol(e, &m->table, (long)value);
    long length = bit_length(value);
    if (length >= m->escape) {
        if (encode_symbol(e, &m->table, m->escape + m->offset) ||
            encode_number(e, m, (uint64_t)(length - m->escape)))
            return -1;
    } else if (encode_symbol(e, &m->table, length + m->offset)) {
        return -1;
    }
    long remaining = length - 1;
    while (remaining > 0) {
        int group = remaining > 16 ? 16 : (int)remaining;
        if (encode_bits(e, group, (uint32_t)(value & ((1u << group) - 1))))
            return -1;
        value >>= group;
        remaining -= group;
    }
    return 0;
}

static PyObject *Encoder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"marker", NULL};
    PyObject *marker_obj = NULL;
    long long marker = 0x42;
    if (fast42_require_tables())
        return NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:RangeEncoder", keywords, &marker_obj))
        return NULL;
    if (marker_obj != NULL && fast42_clamped_index(marker_obj, &marker))
        return NULL;
    if (marker < 0 || marker > 0xFF) {
        PyErr_SetString(PyExc_ValueError, "marker must be a byte value");
        return NULL;
    }
    Encoder *e = (Encoder *)type->tp_alloc(type, 0);
    if (e == NULL)
        return NULL;
    e->capacity = 256;
    e->out = PyMem_Malloc((size_t)e->capacity);
    if (e->out == NULL) {
        Py_DECREF(e);
        return PyErr_NoMemory();
    }
    e->out[0] = (uint8_t)marker;
    e->size = 1;
    e->low = 0;
    e->range = 0x80000000u;
    e->cache = 0;
    e->pending = 0;
    e->first = 1;
    return (PyObject *)e;
}

static void Encoder_dealloc(Encoder *e)
{
    PyMem_Free(e->out);
    Py_TYPE(e)->tp_free((PyObject *)e);
}

static PyObject *Encoder_symbol(Encoder *e, PyObject *const *args, Py_ssize_t nargs)
{
    PyTable t;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "symbol(table, s)");
        return NULL;
    }
    if (fast42_py_table(args[0], NULL, &t))
        return NULL;
    long s = PyLong_AsLong(args[1]);
    if (s == -1 && PyErr_Occurred())
        return NULL;
    if (encode_symbol(e, &t, s))
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Encoder_bits(Encoder *e, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "bits(count, value)");
        return NULL;
    }
    long long count, value;
    if (fast42_clamped_index(args[0], &count) || fast42_clamped_index(args[1], &value))
        return NULL;
    if (count < 0 || count > 16 || value < 0 || value >= (1LL << count)) {
        PyErr_SetString(PyExc_ValueError, "bits: count must be 0..16 and value fit in it");
        return NULL;
    }
    if (encode_bits(e, (int)count, (uint32_t)value))
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *Encoder_number(Encoder *e, PyObject *const *args, Py_ssize_t nargs)
{
    Model m;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "number(model, value)");
        return NULL;
    }
    if (fast42_py_model(args[0], &m))
        return NULL;
    PyObject *index = PyNumber_Index(args[1]);
    if (index == NULL)
        return NULL;
    unsigned long long value = PyLong_AsUnsignedLongLong(index);
    Py_DECREF(index);
    if (value == (unsigned long long)-1 && PyErr_Occurred()) {
        if (PyErr_ExceptionMatches(PyExc_OverflowError)) { /* negative or past 64 bits */
            PyErr_Clear();
            PyErr_SetString(PyExc_ValueError, "number: value must be 0..2**64-1");
        }
        return NULL;
    }
    if (encode_number(e, &m, value))
        return NULL;
    Py_RETURN_NONE;
}

/* The hot loop of text-heavy encodes: the characters and the terminating NUL by class. */
static PyObject *Encoder_string(Encoder *e, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE))
        return NULL;
    const uint8_t *text = view.buf;
    int previous = 0;
    for (Py_ssize_t i = 0; i <= view.len; i++) {
        uint8_t ch = i < view.len ? text[i] : 0;
        int cls = fast42_tables.char_class[ch];
        const Table *t = &fast42_tables.next_class[previous];
        if (encode_bounds(e, t->cum[cls], t->cum[cls + 1]))
            goto fail;
        t = &fast42_tables.within_class[cls];
        if (t->n > 1) {
            int index = fast42_tables.char_index[ch];
            if (encode_bounds(e, t->cum[index], t->cum[index + 1]))
                goto fail;
        }
        previous = cls;
    }
    PyBuffer_Release(&view);
    Py_RETURN_NONE;
fail:
    PyBuffer_Release(&view);
    return NULL;
}

static PyObject *Encoder_finish(Encoder *e, PyObject *Py_UNUSED(ignored))
{
    e->range >>= 1;
    e->low += e->range;
    if (normalise(e))
        return NULL;
    uint64_t v = e->low >> 23;
    if (v <= 0xFF) {
        if (!e->first && put(e, e->cache))
            return NULL;
        if (put_run(e, 0xFF, e->pending) || put(e, (uint32_t)v))
            return NULL;
    } else {
        if (put(e, e->cache + 1) || put_run(e, 0x00, e->pending) ||
            put(e, (uint32_t)(v & 0xFF)))
            return NULL;
    }
    e->pending = 0;
    return PyByteArray_FromStringAndSize((const char *)e->out, e->size);
}

static PyObject *Encoder_get_out(Encoder *e, void *Py_UNUSED(closure))
{
    return PyBytes_FromStringAndSize((const char *)e->out, e->size);
}

static PyObject *Encoder_get_first(Encoder *e, void *Py_UNUSED(closure))
{
    return PyBool_FromLong(e->first);
}

static PyMemberDef Encoder_members[] = {
    {"low", T_ULONGLONG, offsetof(Encoder, low), READONLY, NULL},
    {"range", T_UINT, offsetof(Encoder, range), READONLY, NULL},
    {"cache", T_UINT, offsetof(Encoder, cache), READONLY, NULL},
    {"pending", T_PYSSIZET, offsetof(Encoder, pending), READONLY, NULL},
    {NULL},
};

static PyGetSetDef Encoder_getset[] = {
    {"out", (getter)Encoder_get_out, NULL, "the bytes written so far (a copy)", NULL},
    {"first", (getter)Encoder_get_first, NULL, NULL, NULL},
    {NULL},
};

static PyMethodDef Encoder_methods[] = {
    {"symbol", (PyCFunction)(void (*)(void))Encoder_symbol, METH_FASTCALL, NULL},
    {"bits", (PyCFunction)(void (*)(void))Encoder_bits, METH_FASTCALL, NULL},
    {"number", (PyCFunction)(void (*)(void))Encoder_number, METH_FASTCALL, NULL},
    {"string", (PyCFunction)Encoder_string, METH_O, NULL},
    {"finish", (PyCFunction)Encoder_finish, METH_NOARGS, NULL},
    {NULL},
};

PyTypeObject fast42_EncoderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "skypeflux.objects._fast42.RangeEncoder",
    .tp_doc = "The 0x42 range encoder (C); same contract as range_coder.RangeEncoder.",
    .tp_basicsize = sizeof(Encoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Encoder_new,
    .tp_dealloc = (destructor)Encoder_dealloc,
    .tp_methods = Encoder_methods,
    .tp_members = Encoder_members,
    .tp_getset = Encoder_getset,
};
