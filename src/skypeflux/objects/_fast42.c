/*
 * Optional C fast path of the 0x42 range coder: RangeDecoder and RangeEncoder types that are
 * drop-in replacements for the pure-Python classes of skypeflux/objects/range_coder.py.
 *
 * range_coder.py is the specification; this file computes exactly what it computes, including
 * the ObjectsError verdicts and byte offsets on malformed input and the three-bytes-past-end
 * rule. The string tables are not written here: skypeflux.objects.backends hands the tuples of
 * tables.py to load_tables() at import, so both paths use one copy of the format's constants.
 *
 * Safety: every input byte read is guarded by pos < limit <= len(data) and pos >= start >= 0;
 * divisors are never zero because the range is above 2**23 after normalisation.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <stdint.h>
#include <string.h>

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

static StringTables tables;
static int tables_loaded = 0;
static PyObject *objects_error = NULL; /* skypeflux.objects.errors.ObjectsError */

static void raise_objects_error(const char *message, Py_ssize_t offset)
{
    PyObject *exc = PyObject_CallFunction(objects_error, "sn", message, offset);
    if (exc != NULL) {
        PyErr_SetObject((PyObject *)Py_TYPE(exc), exc);
        Py_DECREF(exc);
    }
}

static int read_table(PyObject *seq, Table *out, const char *what)
{
    if (!PyTuple_Check(seq)) {
        PyErr_Format(PyExc_TypeError, "%s: expected a tuple", what);
        return -1;
    }
    Py_ssize_t size = PyTuple_GET_SIZE(seq);
    if (size < 2 || size > MAX_SYMBOLS + 1) {
        PyErr_Format(PyExc_ValueError, "%s: %zd bounds", what, size);
        return -1;
    }
    long previous = -1;
    for (Py_ssize_t i = 0; i < size; i++) {
        long bound = PyLong_AsLong(PyTuple_GET_ITEM(seq, i));
        if (bound == -1 && PyErr_Occurred())
            return -1;
        if (bound < previous || bound > TOTAL || (i == 0 && bound != 0) ||
            (i == size - 1 && bound != TOTAL)) {
            PyErr_Format(PyExc_ValueError, "%s: not a cumulative table over 12 bits", what);
            return -1;
        }
        out->cum[i] = (uint16_t)bound;
        previous = bound;
    }
    out->n = (int)(size - 1);
    for (int s = 0; s < out->n; s++)
        memset(out->lookup + out->cum[s], s, (size_t)(out->cum[s + 1] - out->cum[s]));
    return 0;
}

/* Checked into a scratch copy first, so a bad call leaves the loaded tables as they were. */
static PyObject *load_tables(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *next_tables, *within_tables, *chars, *error_type;
    if (!PyArg_ParseTuple(args, "O!O!O!O:load_tables", &PyTuple_Type, &next_tables,
                          &PyTuple_Type, &within_tables, &PyTuple_Type, &chars, &error_type))
        return NULL;
    if (PyTuple_GET_SIZE(next_tables) != CLASSES || PyTuple_GET_SIZE(within_tables) != CLASSES ||
        PyTuple_GET_SIZE(chars) != CLASSES) {
        PyErr_SetString(PyExc_ValueError, "expected 11 character classes");
        return NULL;
    }
    if (!PyType_Check(error_type) ||
        !PyType_IsSubtype((PyTypeObject *)error_type, (PyTypeObject *)PyExc_Exception)) {
        PyErr_SetString(PyExc_TypeError, "the error type must be an exception class");
        return NULL;
    }
    StringTables *t = PyMem_Calloc(1, sizeof(StringTables));
    if (t == NULL)
        return PyErr_NoMemory();
    int seen[256] = {0};
    for (int c = 0; c < CLASSES; c++) {
        if (read_table(PyTuple_GET_ITEM(next_tables, c), &t->next_class[c], "next-class table") ||
            read_table(PyTuple_GET_ITEM(within_tables, c), &t->within_class[c],
                       "within-class table"))
            goto fail;
        if (t->next_class[c].n != CLASSES) {
            PyErr_SetString(PyExc_ValueError, "a next-class table must have 11 symbols");
            goto fail;
        }
        PyObject *members = PyTuple_GET_ITEM(chars, c);
        if (!PyBytes_Check(members) || PyBytes_GET_SIZE(members) != t->within_class[c].n) {
            PyErr_SetString(PyExc_ValueError, "class characters do not match the class tables");
            goto fail;
        }
        const uint8_t *p = (const uint8_t *)PyBytes_AS_STRING(members);
        for (int i = 0; i < t->within_class[c].n; i++) {
            t->class_chars[c][i] = p[i];
            t->char_class[p[i]] = (uint8_t)c;
            t->char_index[p[i]] = (uint8_t)i;
            seen[p[i]]++;
        }
    }
    for (int b = 0; b < 256; b++) {
        if (seen[b] != 1) {
            PyErr_SetString(PyExc_ValueError, "the classes must partition the byte values");
            goto fail;
        }
    }
    memcpy(&tables, t, sizeof(StringTables));
    PyMem_Free(t);
    Py_INCREF(error_type);
    Py_XSETREF(objects_error, error_type);
    tables_loaded = 1;
    Py_RETURN_NONE;
fail:
    PyMem_Free(t);
    return NULL;
}

static int require_tables(void)
{
    if (!tables_loaded) {
        PyErr_SetString(PyExc_RuntimeError, "skypeflux.objects._fast42: tables not loaded");
        return -1;
    }
    return 0;
}

/* A frequency table given from Python as (cumulative tuple, 4096-byte lookup). */
typedef struct {
    PyObject *bounds; /* borrowed tuple */
    const uint8_t *lookup;
} PyTable;

static int py_table(PyObject *bounds, PyObject *lookup, PyTable *out)
{
    if (!PyTuple_Check(bounds) || PyTuple_GET_SIZE(bounds) < 2) {
        PyErr_SetString(PyExc_TypeError, "table must be a tuple of cumulative bounds");
        return -1;
    }
    if (lookup != NULL) {
        if (!PyBytes_Check(lookup) || PyBytes_GET_SIZE(lookup) != TOTAL) {
            PyErr_SetString(PyExc_TypeError, "lookup must be the table's 4096-byte symbol map");
            return -1;
        }
        out->lookup = (const uint8_t *)PyBytes_AS_STRING(lookup);
    }
    out->bounds = bounds;
    return 0;
}

/* The bounds of symbol s: -1 with an exception when s is outside the table. */
static int py_bounds(const PyTable *t, long s, uint32_t *low, uint32_t *high)
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

/* (table, lookup, 2**D, K, E) of spec 4.3, as range_coder.NumberModel holds it. */
typedef struct {
    PyTable table;
    long direct_limit, offset, escape;
} Model;

static int py_model(PyObject *model, Model *out)
{
    if (!PyTuple_Check(model) || PyTuple_GET_SIZE(model) != 5) {
        PyErr_SetString(PyExc_TypeError, "model must be (table, lookup, 2**D, K, E)");
        return -1;
    }
    if (py_table(PyTuple_GET_ITEM(model, 0), PyTuple_GET_ITEM(model, 1), &out->table))
        return -1;
    out->direct_limit = PyLong_AsLong(PyTuple_GET_ITEM(model, 2));
    out->offset = PyLong_AsLong(PyTuple_GET_ITEM(model, 3));
    out->escape = PyLong_AsLong(PyTuple_GET_ITEM(model, 4));
    if (PyErr_Occurred())
        return -1;
    if (out->escape < 1 || out->escape > 32) {
        PyErr_SetString(PyExc_ValueError, "model escape length outside 1..32");
        return -1;
    }
    return 0;
}

/* ---- RangeDecoder ------------------------------------------------------------------------ */

typedef struct {
    PyObject_HEAD
    PyObject *data; /* bytes */
    const uint8_t *buf;
    Py_ssize_t pos, limit, start;
    uint32_t code, range, bit;
} Decoder;

static Py_ssize_t read_position(const Decoder *d)
{
    Py_ssize_t at = d->pos < d->limit ? d->pos : d->limit;
    return at > d->start ? at : d->start;
}

static void overrun(const Decoder *d)
{
    raise_objects_error(OVERRUN_TEXT, d->limit > d->start ? d->limit : d->start);
}

/* One byte, as range_coder's _take: the position moves even when it fails. */
static int take(Decoder *d, uint32_t *byte)
{
    Py_ssize_t pos = d->pos++;
    if (pos < d->limit) {
        *byte = d->buf[pos];
        return 0;
    }
    if (pos - d->limit >= MAX_OVERRUN) {
        raise_objects_error(OVERRUN_TEXT, read_position(d));
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

static long decode_symbol(Decoder *d, const PyTable *t)
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

static int decode_number(Decoder *d, const Model *m, int nested, uint64_t *out)
{
    long s = decode_symbol(d, &m->table);
    if (s < 0)
        return -1;
    if (s < m->direct_limit) {
        *out = (uint64_t)s;
        return 0;
    }
    long length = s - m->offset;
    if (length >= m->escape) {
        if (nested) {
            raise_objects_error("escaped number inside an escape", read_position(d));
            return -1;
        }
        uint64_t extra;
        if (decode_number(d, m, 1, &extra))
            return -1;
        if (extra > (uint64_t)(32 - m->escape)) {
            raise_objects_error("escaped number longer than 32 bits", read_position(d));
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
    PyObject *data;
    Py_ssize_t start;
    if (require_tables())
        return NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Sn:RangeDecoder", keywords, &data, &start))
        return NULL;
    if (start < 0) {
        PyErr_SetString(PyExc_ValueError, "start must not be negative");
        return NULL;
    }
    /* Bounding start keeps every later pos++ (at most MAX_OVERRUN past limit) far from
     * PY_SSIZE_T_MAX, where the increment would be signed overflow. */
    if (start > PyBytes_GET_SIZE(data) + MAX_OVERRUN) {
        PyErr_Format(PyExc_ValueError, "start %zd is beyond the end of the data (%zd bytes)", start,
                     PyBytes_GET_SIZE(data));
        return NULL;
    }
    Decoder *d = (Decoder *)type->tp_alloc(type, 0);
    if (d == NULL)
        return NULL;
    Py_INCREF(data);
    d->data = data;
    d->buf = (const uint8_t *)PyBytes_AS_STRING(data);
    d->limit = PyBytes_GET_SIZE(data);
    d->pos = d->start = start;
    uint32_t first;
    if (take(d, &first)) {
        Py_DECREF(d);
        return NULL;
    }
    d->code = first >> 1;
    d->bit = first & 1;
    d->range = 0x80;
    return (PyObject *)d;
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
    if (py_table(args[0], args[1], &t))
        return NULL;
    long s = decode_symbol(d, &t);
    return s < 0 ? NULL : PyLong_FromLong(s);
}

static PyObject *Decoder_bits(Decoder *d, PyObject *arg)
{
    long count = PyLong_AsLong(arg);
    if (count == -1 && PyErr_Occurred())
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
    if (py_model(args[0], &m))
        return NULL;
    uint64_t value;
    if (decode_number(d, &m, nested, &value))
        return NULL;
    return PyLong_FromUnsignedLongLong(value);
}

/* The hot loop of text-heavy lists: a whole NUL-terminated string by character class. */
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
    long long used = 0;
    Py_ssize_t size = 0, capacity = 64;
    uint8_t *out = PyMem_Malloc((size_t)capacity);
    if (out == NULL)
        return PyErr_NoMemory();
    int cls = 0;
    for (;;) {
        if (budget - used < 1) {
            raise_objects_error("memory budget exhausted", read_position(d));
            goto fail;
        }
        used++;
        cls = decode_static(d, &tables.next_class[cls]);
        if (cls < 0)
            goto fail;
        if (cls == 0)
            break;
        int index = 0;
        if (tables.within_class[cls].n > 1) {
            index = decode_static(d, &tables.within_class[cls]);
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
        out[size++] = tables.class_chars[cls][index];
    }
    PyObject *text = PyBytes_FromStringAndSize((const char *)out, size);
    PyMem_Free(out);
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
fail:
    PyMem_Free(out);
    return NULL;
}

static PyObject *Decoder_reserve(Decoder *d, PyObject *arg)
{
    Py_ssize_t size = PyLong_AsSsize_t(arg);
    if (size == -1 && PyErr_Occurred())
        return NULL;
    if (size < 0 || size > PY_SSIZE_T_MAX / 4) {
        PyErr_SetString(PyExc_ValueError, "reserve: size out of range");
        return NULL;
    }
    /* Refused without changing the decoder, so calling again after a refusal cannot drive
     * limit into signed overflow (limit - pos is never below -MAX_OVERRUN here). */
    if (size > d->limit - d->pos + MAX_OVERRUN) {
        Py_ssize_t at = d->limit - size; /* where the reservation would put the input's end */
        raise_objects_error("raw values do not fit after the coded stream",
                            at > d->start ? at : d->start);
        return NULL;
    }
    d->limit -= size;
    Py_RETURN_NONE;
}

static PyObject *Decoder_finish(Decoder *d, PyObject *Py_UNUSED(ignored))
{
    d->range >>= 1;
    if (fill(d))
        return NULL;
    return PyLong_FromSsize_t(d->pos - MAX_OVERRUN);
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
    {NULL},
};

static PyTypeObject DecoderType = {
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

/* ---- RangeEncoder ------------------------------------------------------------------------ */

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
    int marker = 0x42;
    if (require_tables())
        return NULL;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|i:RangeEncoder", keywords, &marker))
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
    if (py_table(args[0], NULL, &t))
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
    long count = PyLong_AsLong(args[0]);
    long value = PyLong_AsLong(args[1]);
    if (PyErr_Occurred())
        return NULL;
    if (count < 0 || count > 16 || value < 0 || value >= (1L << count)) {
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
    if (py_model(args[0], &m))
        return NULL;
    unsigned long long value = PyLong_AsUnsignedLongLong(args[1]);
    if (value == (unsigned long long)-1 && PyErr_Occurred())
        return NULL;
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
        int cls = tables.char_class[ch];
        const Table *t = &tables.next_class[previous];
        if (encode_bounds(e, t->cum[cls], t->cum[cls + 1]))
            goto fail;
        t = &tables.within_class[cls];
        if (t->n > 1) {
            int index = tables.char_index[ch];
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

static PyTypeObject EncoderType = {
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

/* ---- module ------------------------------------------------------------------------------ */

static PyMethodDef module_methods[] = {
    {"load_tables", load_tables, METH_VARARGS,
     "load_tables(next_class, within_class, class_chars, error_type): the string tables and "
     "the exception to raise; must be called before a coder is made."},
    {NULL},
};

static struct PyModuleDef fast42_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.objects._fast42",
    .m_doc = "C fast path of the 0x42 range coder (see skypeflux.objects.backends).",
    .m_size = -1,
    .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__fast42(void)
{
    if (PyType_Ready(&DecoderType) < 0 || PyType_Ready(&EncoderType) < 0)
        return NULL;
    PyObject *module = PyModule_Create(&fast42_module);
    if (module == NULL)
        return NULL;
    Py_INCREF(&DecoderType);
    Py_INCREF(&EncoderType);
    if (PyModule_AddObject(module, "RangeDecoder", (PyObject *)&DecoderType) < 0 ||
        PyModule_AddObject(module, "RangeEncoder", (PyObject *)&EncoderType) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
