/*
 * The structure of a 0x42 list in C: RangeDecoder.read_lists(max_depth, budget), the same
 * computation as coded42._Decoding.read_list (the specification: read it first), with the
 * same ObjectsError verdicts and offsets. Objects are built as coded42 builds them (Obj
 * tuples, ObjectList wrappers for nested lists, an empty placeholder for each raw value), from
 * what load_list_types() was given at import; the raw area after the coded stream is still read
 * by coded42.decode_coded, from the placements this returns.
 *
 * Recursion is bounded by max_depth, which the caller keeps small (coded42 takes the Python
 * path beyond MAX_C_DEPTH levels).
 */
#include "_fast42_decoding.h"

#include <structmember.h>

#define HISTORY 16
#define FAMILIES 7
#define OBJECT_COST 16
#define INT_LIST_MAX 0x3FFFFFFFLL
#define UINT64_MAX_BYTES 8

/* Given once by load_list_types(); references held for the life of the process. */
static struct {
    PyTable header;                          /* the HEADER table and its lookup */
    PyObject *header_bounds, *header_lookup; /* what header points into */
    Model small, value;                      /* SMALL_MODEL, VALUE_MODEL */
    PyObject *small_obj, *value_obj;         /* the tuples the models point into */
    PyTypeObject *obj_type;                  /* Obj (a tuple subclass) */
    PyObject *families[FAMILIES];            /* Family members by number */
    PyTypeObject *list_type;                 /* ObjectList, made with its _items slot set */
    Py_ssize_t items_offset;                 /* where that slot is in an ObjectList */
    PyTypeObject *address;                   /* Address (a 2-tuple subclass): family 2 values */
    PyObject *empty;                         /* b"" */
    int order[FAMILIES];                     /* INITIAL_FAMILY_ORDER */
    int loaded;
} types;

typedef struct {
    int order[FAMILIES];
    uint32_t ids[HISTORY];
    int families[HISTORY];
    int count;
} Slot;

typedef struct {
    Decoder *d;
    PyTable header;
    Slot slots[3];
    long long budget;
    long max_depth;
    PyObject *raw; /* list of (holder, index, family, id, size) */
} State;

PyObject *fast42_load_list_types(PyObject *Py_UNUSED(module), PyObject *args)
{
    PyObject *bounds, *lookup, *small, *value, *obj_type, *families, *wrap, *order, *address;
    if (!PyArg_ParseTuple(args, "O!OO!O!O!O!O!O!O!:load_list_types", &PyTuple_Type, &bounds,
                          &lookup, &PyTuple_Type, &small, &PyTuple_Type, &value, &PyType_Type,
                          &obj_type, &PyTuple_Type, &families, &PyType_Type, &wrap,
                          &PyTuple_Type, &order, &PyType_Type, &address))
        return NULL;
    /* The list type's one slot, _items, set as its member descriptor would set it. */
    PyObject *slot = PyObject_GetAttrString(wrap, "_items");
    if (slot == NULL)
        return NULL;
    int plain_slot = Py_IS_TYPE(slot, &PyMemberDescr_Type) &&
                     ((PyMemberDescrObject *)slot)->d_member->type == T_OBJECT_EX;
    Py_ssize_t items_offset = plain_slot ? ((PyMemberDescrObject *)slot)->d_member->offset : 0;
    Py_DECREF(slot);
    if (!plain_slot) {
        PyErr_SetString(PyExc_ValueError, "load_list_types: the list type has no _items slot");
        return NULL;
    }
    PyTable header;
    Model m_small, m_value;
    if (fast42_py_table(bounds, lookup, &header) || fast42_py_model(small, &m_small) ||
        fast42_py_model(value, &m_value))
        return NULL;
    if (!PyType_IsSubtype((PyTypeObject *)obj_type, &PyTuple_Type) ||
        !PyType_IsSubtype((PyTypeObject *)address, &PyTuple_Type) ||
        PyTuple_GET_SIZE(families) != FAMILIES || PyTuple_GET_SIZE(order) != FAMILIES) {
        PyErr_SetString(PyExc_ValueError, "load_list_types: unexpected types or tables");
        return NULL;
    }
    for (int i = 0; i < FAMILIES; i++) {
        long f = PyLong_AsLong(PyTuple_GET_ITEM(order, i));
        if (f < 0 || f >= FAMILIES) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_ValueError, "load_list_types: bad family order");
            return NULL;
        }
        types.order[i] = (int)f;
        Py_INCREF(PyTuple_GET_ITEM(families, i));
        types.families[i] = PyTuple_GET_ITEM(families, i);
    }
    PyObject *kept[] = {bounds, lookup, small, value, obj_type, wrap, address};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        Py_INCREF(kept[i]);
    types.header = header;
    types.header_bounds = bounds;
    types.header_lookup = lookup;
    types.small_obj = small;
    types.value_obj = value;
    types.small = m_small;
    types.value = m_value;
    types.obj_type = (PyTypeObject *)obj_type;
    types.list_type = (PyTypeObject *)wrap;
    types.items_offset = items_offset;
    types.address = (PyTypeObject *)address;
    types.empty = PyBytes_FromStringAndSize(NULL, 0);
    if (types.empty == NULL)
        return NULL;
    types.loaded = 1;
    Py_RETURN_NONE;
}

static int fail(State *s, const char *message)
{
    fast42_raise_objects_error(message, read_position(s->d));
    return -1;
}

/* Obj(family, id, value), stealing the reference to value (NULL in, NULL out). */
static PyObject *new_obj(int family, uint32_t id, PyObject *value)
{
    if (value == NULL)
        return NULL;
    PyObject *obj = types.obj_type->tp_alloc(types.obj_type, 3);
    PyObject *id_obj = obj ? PyLong_FromUnsignedLong(id) : NULL;
    if (id_obj == NULL) {
        Py_XDECREF(obj);
        Py_DECREF(value);
        return NULL;
    }
    Py_INCREF(types.families[family]);
    PyTuple_SET_ITEM(obj, 0, types.families[family]);
    PyTuple_SET_ITEM(obj, 1, id_obj);
    PyTuple_SET_ITEM(obj, 2, value);
    return obj;
}

/* ObjectList.trusted(items) without the call: a new list object holding items. */
static PyObject *wrap_items(PyObject *items)
{
    PyObject *wrapped = types.list_type->tp_alloc(types.list_type, 0);
    if (wrapped == NULL)
        return NULL;
    Py_INCREF(items);
    *(PyObject **)((char *)wrapped + types.items_offset) = items;
    return wrapped;
}

static int append(PyObject *items, PyObject *obj)
{
    if (obj == NULL)
        return -1;
    int rc = PyList_Append(items, obj);
    Py_DECREF(obj);
    return rc;
}

static int number(State *s, const Model *m, uint64_t *out)
{
    return fast42_decode_number(s->d, m, 0, out);
}

static PyObject *read_list(State *s, long level);

/* One object of the given family, appended to items (placements of raw values noted). */
static int read_value(State *s, PyObject *items, long level, int family, uint32_t oid)
{
    uint64_t v;
    if (family == 0) {
        if (number(s, &types.value, &v))
            return -1;
        return append(items, new_obj(0, oid, PyLong_FromUnsignedLongLong(v)));
    }
    if (family == 3) {
        long long used;
        PyObject *text = fast42_decode_string(s->d, s->budget, &used);
        if (text == NULL)
            return -1;
        s->budget -= used;
        return append(items, new_obj(3, oid, text));
    }
    if (family == 5) {
        PyObject *inner = read_list(s, level + 1);
        if (inner == NULL)
            return -1;
        PyObject *wrapped = wrap_items(inner);
        Py_DECREF(inner);
        return append(items, new_obj(5, oid, wrapped));
    }
    if (family == 6) {
        if (number(s, &types.value, &v))
            return -1;
        if ((long long)v > INT_LIST_MAX) {
            char message[64];
            snprintf(message, sizeof message, "int list of %llu elements", (unsigned long long)v);
            return fail(s, message);
        }
        if (s->budget < 4 * (long long)v)
            return fail(s, "memory budget exhausted");
        s->budget -= 4 * (long long)v;
        PyObject *values = PyTuple_New((Py_ssize_t)v);
        if (values == NULL)
            return -1;
        for (Py_ssize_t i = 0; i < (Py_ssize_t)v; i++) {
            uint64_t element;
            PyObject *e = number(s, &types.value, &element) ? NULL
                                                            : PyLong_FromUnsignedLongLong(element);
            if (e == NULL) {
                Py_DECREF(values);
                return -1;
            }
            PyTuple_SET_ITEM(values, i, e);
        }
        return append(items, new_obj(6, oid, values));
    }
    uint64_t size = 6;
    if (family != 2) {
        if (number(s, &types.value, &size))
            return -1;
        if (family == 1) {
            if (size > UINT64_MAX_BYTES) {
                char message[64];
                snprintf(message, sizeof message, "8-byte value of %llu bytes",
                         (unsigned long long)size);
                return fail(s, message);
            }
        } else if ((uint64_t)s->budget < size) {
            return fail(s, "memory budget exhausted");
        } else {
            s->budget -= (long long)size;
        }
    }
    PyObject *where = Py_BuildValue("(OnikK)", items, PyList_GET_SIZE(items), family,
                                    (unsigned long)oid, (unsigned long long)size);
    if (where == NULL || append(s->raw, where))
        return -1;
    Py_INCREF(types.empty);
    if (append(items, new_obj(family, oid, types.empty)))
        return -1;
    return fast42_reserve(s->d, (Py_ssize_t)size);
}

static PyObject *read_list(State *s, long level)
{
    if (level >= s->max_depth) {
        char message[80];
        snprintf(message, sizeof message, "lists nested deeper than the limit of %ld levels",
                 s->max_depth);
        fail(s, message);
        return NULL;
    }
    Slot *slot = &s->slots[level < 2 ? level : 2];
    int *order = slot->order;
    uint64_t repeat = 0;
    if (level && slot->count) {
        if (number(s, &types.small, &repeat))
            return NULL;
        if (repeat > (uint64_t)slot->count) {
            char message[80];
            snprintf(message, sizeof message, "repeat count %llu exceeds the history of %d",
                     (unsigned long long)repeat, slot->count);
            fail(s, message);
            return NULL;
        }
    }
    slot->count = 0;
    uint32_t oid = 0;
    PyObject *items = PyList_New(0);
    if (items == NULL)
        return NULL;
    for (;;) {
        int family;
        if (repeat) {
            repeat--;
            int at = slot->count;
            if (at >= HISTORY) { /* unreachable (coded42's docstring); kept as a guard */
                fail(s, "repeat prefix runs past the history");
                goto error;
            }
            oid = slot->ids[at];
            family = slot->families[at];
            int j = 0;
            while (j < FAMILIES && order[j] != family)
                j++;
            if (j == FAMILIES) { /* unreachable: the order is a permutation of the families */
                PyErr_SetString(PyExc_ValueError, "family not in the move-to-front order");
                goto error;
            }
            for (; j > 0; j--)
                order[j] = order[j - 1];
            order[0] = family;
        } else {
            long sym = fast42_decode_symbol(s->d, &s->header);
            if (sym < 0)
                goto error;
            if (sym == 0)
                return items;
            uint64_t delta;
            if (sym > 6) {
                long j = sym - 6;
                if (number(s, &types.small, &delta))
                    goto error;
                if (j >= FAMILIES) {
                    PyErr_SetString(PyExc_IndexError, "pop index out of range");
                    goto error;
                }
                family = order[j];
                for (; j > 0; j--)
                    order[j] = order[j - 1];
                order[0] = family;
            } else {
                delta = (uint64_t)(sym - 1);
                if (sym == 6) {
                    uint64_t more;
                    if (number(s, &types.small, &more))
                        goto error;
                    delta = 5 + more;
                }
                family = order[0];
            }
            oid = (uint32_t)((oid + delta) & 0xFFFFFFFFu);
        }
        if (slot->count < HISTORY) {
            slot->ids[slot->count] = oid;
            slot->families[slot->count] = family;
            slot->count++;
        }
        if (s->budget < OBJECT_COST) {
            fail(s, "memory budget exhausted");
            goto error;
        }
        s->budget -= OBJECT_COST;
        if (read_value(s, items, level, family, oid))
            goto error;
    }
error:
    Py_DECREF(items);
    return NULL;
}

/* The structure of the list the decoder is at: its items (a new list), the raw placements
 * (a new list of (holder, index, family, id, size)) and the budget left; -1 on failure. */
static int run_lists(Decoder *d, long long max_depth, long long budget, PyObject **items,
                     PyObject **raw, long long *left)
{
    State s = {.d = d, .header = types.header, .budget = budget, .max_depth = (long)max_depth};
    for (int i = 0; i < 3; i++) {
        memcpy(s.slots[i].order, types.order, sizeof types.order);
        memset(s.slots[i].ids, 0, sizeof s.slots[i].ids);
        memset(s.slots[i].families, 0, sizeof s.slots[i].families);
        s.slots[i].count = 0;
    }
    s.raw = PyList_New(0);
    if (s.raw == NULL)
        return -1;
    *items = read_list(&s, 0);
    if (*items == NULL) {
        Py_DECREF(s.raw);
        return -1;
    }
    *raw = s.raw;
    *left = s.budget;
    return 0;
}

/* The arguments both entry points share, checked alike: -1 with an exception. */
static int list_arguments(PyObject *depth_obj, PyObject *budget_obj, long long *max_depth,
                          long long *budget, const char *who)
{
    if (fast42_clamped_index(depth_obj, max_depth) ||
        fast42_clamped_index(budget_obj, budget)) {
        if (!PyErr_Occurred())
            PyErr_Format(PyExc_TypeError, "%s(max_depth, budget)", who);
        return -1;
    }
    if (*max_depth < 0 || *max_depth > 1000 || *budget < 0) {
        PyErr_Format(PyExc_ValueError, "%s: max_depth 0..1000, budget >= 0", who);
        return -1;
    }
    return 0;
}

static int require_types(void)
{
    if (types.loaded)
        return 0;
    PyErr_SetString(PyExc_RuntimeError, "load_list_types() was not called");
    return -1;
}

/* read_lists(max_depth, budget) -> (objects, raw placements, budget left) */
PyObject *fast42_read_lists(Decoder *d, PyObject *const *args, Py_ssize_t nargs)
{
    if (require_types())
        return NULL;
    long long max_depth, budget;
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "read_lists(max_depth, budget)");
        return NULL;
    }
    if (list_arguments(args[0], args[1], &max_depth, &budget, "read_lists"))
        return NULL;
    PyObject *items, *raw;
    long long left;
    if (run_lists(d, max_depth, budget, &items, &raw, &left))
        return NULL;
    return Py_BuildValue("(NNL)", items, raw, left);
}

/* The value of one raw placement, read from its size bytes at buf as coded42 reads it. */
static PyObject *raw_value(int family, const uint8_t *buf, unsigned long long size)
{
    if (family == 4)
        return PyBytes_FromStringAndSize((const char *)buf, (Py_ssize_t)size);
    if (family == 1) { /* at most UINT64_MAX_BYTES, checked when the size was read */
        uint64_t v = 0;
        for (unsigned long long i = size; i > 0; i--)
            v = v << 8 | buf[i - 1];
        return PyLong_FromUnsignedLongLong(v);
    }
    /* family 2, six bytes: the address then the port, little-endian; in range by
     * construction, so the tuple is made as Address.__new__ would make it, without checks */
    uint32_t ip = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 |
                  (uint32_t)buf[3] << 24;
    PyObject *address = types.address->tp_alloc(types.address, 2);
    PyObject *ip_obj = address ? PyLong_FromUnsignedLong(ip) : NULL;
    PyObject *port_obj = ip_obj ? PyLong_FromLong(buf[4] | buf[5] << 8) : NULL;
    if (port_obj == NULL) {
        Py_XDECREF(ip_obj);
        Py_XDECREF(address);
        return NULL;
    }
    PyTuple_SET_ITEM(address, 0, ip_obj);
    PyTuple_SET_ITEM(address, 1, port_obj);
    return address;
}

/* Put the raw area that starts at *pos in place of the placeholders: 0 when all are read,
 * 1 when a value would run past the data (coded42 reads that case, its slices clip), -1 on
 * failure. */
static int fill_raw(PyObject *raw, const uint8_t *buf, Py_ssize_t n, Py_ssize_t *pos)
{
    Py_ssize_t count = PyList_GET_SIZE(raw);
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *where = PyList_GET_ITEM(raw, i);
        PyObject *holder = PyTuple_GET_ITEM(where, 0);
        Py_ssize_t index = PyLong_AsSsize_t(PyTuple_GET_ITEM(where, 1));
        long family = PyLong_AsLong(PyTuple_GET_ITEM(where, 2));
        unsigned long oid = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(where, 3));
        unsigned long long size = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(where, 4));
        if (PyErr_Occurred())
            return -1;
        if (*pos < 0 || *pos > n || size > (unsigned long long)(n - *pos) ||
            (family == 2 && size != 6) || (family == 1 && size > UINT64_MAX_BYTES))
            return 1;
        PyObject *obj = new_obj((int)family, (uint32_t)oid, raw_value((int)family, buf + *pos, size));
        if (obj == NULL || PyList_SetItem(holder, index, obj) < 0) /* steals obj */
            return -1;
        *pos += (Py_ssize_t)size;
    }
    return 0;
}

/* decode_coded(data, start, max_depth, budget) -> (objects, end, budget left) | None */
PyObject *fast42_decode_coded(PyObject *Py_UNUSED(module), PyObject *const *args,
                              Py_ssize_t nargs)
{
    if (require_types())
        return NULL;
    long long start, max_depth, budget;
    if (nargs != 4 || !PyBytes_Check(args[0]) || fast42_clamped_index(args[1], &start)) {
        if (!PyErr_Occurred())
            PyErr_SetString(PyExc_TypeError, "decode_coded(data: bytes, start, max_depth, budget)");
        return NULL;
    }
    if (list_arguments(args[2], args[3], &max_depth, &budget, "decode_coded"))
        return NULL;
    PyObject *data = args[0];
    Py_ssize_t n = PyBytes_GET_SIZE(data);
    if (start < 0 || start >= n) {
        PyErr_SetString(PyExc_ValueError, "decode_coded: start outside the data");
        return NULL;
    }
    /* A decoder on the stack, over the bytes after the marker (the caller checked it): the
     * list code reads only its buffer fields; data is borrowed, held by the caller. */
    Decoder d;
    memset(&d, 0, sizeof d); /* its object header stays zero: it is never a Python object */
    d.data = data;
    if (fast42_start(&d, data, (Py_ssize_t)start + 1))
        return NULL;
    PyObject *items, *raw, *result = NULL;
    long long left;
    if (run_lists(&d, max_depth, budget, &items, &raw, &left))
        return NULL;
    Py_ssize_t pos = fast42_finish(&d);
    int filled = pos < 0 ? -1 : fill_raw(raw, (const uint8_t *)PyBytes_AS_STRING(data), n, &pos);
    if (filled > 0) {
        result = Py_NewRef(Py_None);
    } else if (filled == 0) {
        PyObject *wrapped = wrap_items(items);
        if (wrapped != NULL)
            result = Py_BuildValue("(NnL)", wrapped, pos, left);
    }
    Py_DECREF(items);
    Py_DECREF(raw);
    return result;
}
