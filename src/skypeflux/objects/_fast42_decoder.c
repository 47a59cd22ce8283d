/*
 * RangeDecoder of the 0x42 range coder (C), the same contract as range_coder.RangeDecoder:
 * normalisation, symbols of the string tables and of Python-given tables, raw bits, numbers,
 * whole strings, and the reservation of raw values after the coded stream. Shared
 * declarations, and the safety argument for every read: _fast42.h.
 */
#include "_fast42_decoding.h"

#include <structmember.h>

long fast42_decode_symbol(Decoder *d, const PyTable *t)
{
    if (fill(d))
        return -1;
    uint32_t r = d->range >> 12;
    uint32_t v = d->code / r;
    long s = t->lookup[v < TOTAL ? v : TOTAL - 1];
    uint32_t low, high;
    if (py_bounds(t, s, &low, &high))
        return -1;
    if (v < low) { /* a lookup that disagrees with its table */
        PyErr_SetString(PyExc_ValueError, "lookup does not match its table");
        return -1;
    }
    narrow(d, r, low, high);
    return s;
}

static int decode_bits(Decoder *d, int count, uint32_t *out)
{
    if (fill(d))
        return -1;
    uint32_t r = d->range >> count;
    uint32_t top = (1u << count) - 1;
    uint32_t v = d->code / r;
    if (v >= top) {
        v = top;
        d->range -= r * v;
    } else {
        d->range = r;
    }
    d->code -= r * v;
    *out = v;
    return 0;
}

int fast42_decode_number(Decoder *d, const Model *m, int nested, uint64_t *out)
{
    long s = fast42_decode_symbol(d, &m->table);
    if (s < 0)
        return -1;
    if (s < m->direct_limit) {
        *out = (uint64_t)s;
        return 0;
    }
    long length = s - m->offset;
    if (length >= m->escape) {
        if (nested) {
            fast42_raise_objects_error("escaped number inside an escape", read_position(d));
            return -1;
        }
        uint64_t extra;
        if (fast42_decode_number(d, m, 1, &extra))
            return -1;
        if (extra > (uint64_t)(32 - m->escape)) {
            fast42_raise_objects_error("escaped number longer than 32 bits", read_position(d));
            return -1;
        }
        length = m->escape + (long)extra;
    }
    if (length < 1) {
        PyErr_SetString(PyExc_ValueError, "model gives a bit length below 1");
        return -1;
    }
    uint64_t value = (uint64_t)1 << (length - 1);
    int done = 0;
    long remaining = length - 1;
    while (remaining > 0) {
        int group = remaining > 16 ? 16 : (int)remaining;
        uint32_t part;
        if (decode_bits(d, group, &part))
            return -1;
        value += (uint64_t)part << done;
        done += group;
        remaining -= group;
    }
    *out = value;
    return 0;
}

static PyObject *Decoder_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *keywords[] = {"data", "start", NULL};
    PyObject *data, *start_obj;
    long long start;
    if (fast42_require_tables())
        return NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "SO:RangeDecoder", keywords, &data, &start_obj))
        return NULL;
    if (fast42_clamped_index(start_obj, &start))
        return NULL;
    if (start < 0) {
        PyErr_SetString(PyExc_ValueError, "start must not be negative");
        return NULL;
    }
    /* Bounding start keeps every later pos++ (at most MAX_OVERRUN past limit) far from
     * PY_SSIZE_T_MAX, where the increment would be signed overflow. */
    if (start > (long long)PyBytes_GET_SIZE(data) + MAX_OVERRUN) {
        PyErr_Format(PyExc_ValueError, "start %S is beyond the end of the data (%zd bytes)",
                     start_obj, PyBytes_GET_SIZE(data));
        return NULL;
    }
    Decoder *d = (Decoder *)type->tp_alloc(type, 0);
    if (d == NULL)
        return NULL;
    Py_INCREF(data);
    d->data = data;
    if (fast42_start(d, data, (Py_ssize_t)start)) {
        Py_DECREF(d);
        return NULL;
    }
    return (PyObject *)d;
}

int fast42_start(Decoder *d, PyObject *data, Py_ssize_t start)
{
    d->buf = (const uint8_t *)PyBytes_AS_STRING(data);
    d->limit = PyBytes_GET_SIZE(data);
    d->pos = d->start = start;
    uint32_t first;
    if (take(d, &first))
        return -1;
    d->code = first >> 1;
    d->bit = first & 1;
    d->range = 0x80;
    return 0;
}

static void Decoder_dealloc(Decoder *d)
{
    Py_XDECREF(d->data);
    Py_TYPE(d)->tp_free((PyObject *)d);
}

static PyObject *Decoder_symbol(Decoder *d, PyObject *const *args, Py_ssize_t nargs)
{
    PyTable t;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "symbol(table, lookup)");
        return NULL;
    }
    if (fast42_py_table(args[0], args[1], &t))
        return NULL;
    long s = fast42_decode_symbol(d, &t);
    return s < 0 ? NULL : PyLong_FromLong(s);
}

static PyObject *Decoder_bits(Decoder *d, PyObject *arg)
{
    long long count;
    if (fast42_clamped_index(arg, &count))
        return NULL;
    if (count < 0 || count > 16) {
        PyErr_SetString(PyExc_ValueError, "bits: count must be 0..16");
        return NULL;
    }
    uint32_t v;
    if (decode_bits(d, (int)count, &v))
        return NULL;
    return PyLong_FromUnsignedLong(v);
}

static PyObject *Decoder_number(Decoder *d, PyObject *const *args, Py_ssize_t nargs)
{
    Model m;
    if (nargs < 1 || nargs > 2) {
        PyErr_SetString(PyExc_TypeError, "number(model, nested=False)");
        return NULL;
    }
    int nested = 0;
    if (nargs == 2 && (nested = PyObject_IsTrue(args[1])) < 0)
        return NULL;
    if (fast42_py_model(args[0], &m))
        return NULL;
    uint64_t value;
    if (fast42_decode_number(d, &m, nested, &value))
        return NULL;
    return PyLong_FromUnsignedLongLong(value);
}

/* The hot loop of text-heavy lists: a whole NUL-terminated string by character class, one
 * unit of budget per character and for the terminator (*used says how many). */
PyObject *fast42_decode_string(Decoder *d, long long budget, long long *used_out)
{
    long long used = 0;
    Py_ssize_t size = 0, capacity = 64;
    uint8_t *out = PyMem_Malloc((size_t)capacity);
    if (out == NULL)
        return PyErr_NoMemory();
    int cls = 0;
    for (;;) {
        if (budget - used < 1) {
            fast42_raise_objects_error("memory budget exhausted", read_position(d));
            goto fail;
        }
        used++;
        cls = decode_static(d, &fast42_tables.next_class[cls]);
        if (cls < 0)
            goto fail;
        if (cls == 0)
            break;
        int index = 0;
        if (fast42_tables.within_class[cls].n > 1) {
            index = decode_static(d, &fast42_tables.within_class[cls]);
            if (index < 0)
                goto fail;
        }
        if (size == capacity) {
            capacity *= 2;
            uint8_t *bigger = PyMem_Realloc(out, (size_t)capacity);
            if (bigger == NULL) {
                PyErr_NoMemory();
                goto fail;
            }
            out = bigger;
        }
        out[size++] = fast42_tables.class_chars[cls][index];
    }
    PyObject *text = PyBytes_FromStringAndSize((const char *)out, size);
    PyMem_Free(out);
    *used_out = used;
    return text;
fail:
    PyMem_Free(out);
    return NULL;
}

static PyObject *Decoder_string(Decoder *d, PyObject *budget_obj)
{
    long long budget;
    int overflow;
    if (!PyLong_Check(budget_obj)) {
        PyErr_SetString(PyExc_TypeError, "string: budget must be an int");
        return NULL;
    }
    budget = PyLong_AsLongLongAndOverflow(budget_obj, &overflow);
    if (budget == -1 && PyErr_Occurred())
        return NULL;
    if (overflow > 0)
        budget = LLONG_MAX;
    else if (overflow < 0)
        budget = -1;
    long long used;
    PyObject *text = fast42_decode_string(d, budget, &used);
    if (text == NULL)
        return NULL;
    PyObject *used_obj = PyLong_FromLongLong(used);
    PyObject *left = used_obj ? PyNumber_Subtract(budget_obj, used_obj) : NULL;
    Py_XDECREF(used_obj);
    if (left == NULL) {
        Py_DECREF(text);
        return NULL;
    }
    return Py_BuildValue("(NN)", text, left);
}

int fast42_reserve(Decoder *d, Py_ssize_t size)
{
    /* Refused without changing the decoder, so calling again after a refusal cannot drive
     * limit into signed overflow (limit - pos is never below -MAX_OVERRUN here). */
    if (size > d->limit - d->pos + MAX_OVERRUN) {
        Py_ssize_t at = d->limit - size; /* where the reservation would put the input's end */
        fast42_raise_objects_error("raw values do not fit after the coded stream",
                                   at > d->start ? at : d->start);
        return -1;
    }
    d->limit -= size;
    return 0;
}

static PyObject *Decoder_reserve(Decoder *d, PyObject *arg)
{
    long long wanted;
    if (fast42_clamped_index(arg, &wanted))
        return NULL;
    if (wanted < 0 || wanted > PY_SSIZE_T_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "reserve: size out of range");
        return NULL;
    }
    if (fast42_reserve(d, (Py_ssize_t)wanted))
        return NULL;
    Py_RETURN_NONE;
}

Py_ssize_t fast42_finish(Decoder *d)
{
    d->range >>= 1;
    if (fill(d))
        return -1;
    return d->pos - MAX_OVERRUN;
}

static PyObject *Decoder_finish(Decoder *d, PyObject *Py_UNUSED(ignored))
{
    Py_ssize_t at = fast42_finish(d);
    return at < 0 ? NULL : PyLong_FromSsize_t(at);
}

static PyObject *Decoder_read_position(Decoder *d, void *Py_UNUSED(closure))
{
    return PyLong_FromSsize_t(read_position(d));
}

static PyMemberDef Decoder_members[] = {
    {"data", T_OBJECT, offsetof(Decoder, data), READONLY, NULL},
    {"pos", T_PYSSIZET, offsetof(Decoder, pos), READONLY, NULL},
    {"limit", T_PYSSIZET, offsetof(Decoder, limit), READONLY, NULL},
    {"start", T_PYSSIZET, offsetof(Decoder, start), READONLY, NULL},
    {"code", T_UINT, offsetof(Decoder, code), READONLY, NULL},
    {"range", T_UINT, offsetof(Decoder, range), READONLY, NULL},
    {"bit", T_UINT, offsetof(Decoder, bit), READONLY, NULL},
    {NULL},
};

static PyGetSetDef Decoder_getset[] = {
    {"read_position", (getter)Decoder_read_position, NULL, NULL, NULL},
    {NULL},
};

static PyMethodDef Decoder_methods[] = {
    {"symbol", (PyCFunction)(void (*)(void))Decoder_symbol, METH_FASTCALL, NULL},
    {"bits", (PyCFunction)Decoder_bits, METH_O, NULL},
    {"number", (PyCFunction)(void (*)(void))Decoder_number, METH_FASTCALL, NULL},
    {"string", (PyCFunction)Decoder_string, METH_O, NULL},
    {"reserve", (PyCFunction)Decoder_reserve, METH_O, NULL},
    {"finish", (PyCFunction)Decoder_finish, METH_NOARGS, NULL},
    {"read_lists", (PyCFunction)(void (*)(void))fast42_read_lists, METH_FASTCALL, NULL},
    {NULL},
};

PyTypeObject fast42_DecoderType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "skypeflux.objects._fast42.RangeDecoder",
    .tp_doc = "The 0x42 range decoder (C); same contract as range_coder.RangeDecoder.",
    .tp_basicsize = sizeof(Decoder),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = Decoder_new,
    .tp_dealloc = (destructor)Decoder_dealloc,
    .tp_methods = Decoder_methods,
    .tp_members = Decoder_members,
    .tp_getset = Decoder_getset,
};
