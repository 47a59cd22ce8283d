/*
 * The string tables of the 0x42 range coder and the checks of tables and models given from
 * Python: load_tables() fills the former once from tables.py (so C and Python use one copy of
 * the format's constants); the coders call fast42_py_table/fast42_py_model on every call that
 * passes a table or a number model. Shared declarations: _fast42.h.
 */
#include "_fast42.h"

#include <string.h>

StringTables fast42_tables;
static int tables_loaded = 0;
static PyObject *objects_error = NULL; /* skypeflux.objects.errors.ObjectsError */

void fast42_raise_objects_error(const char *message, Py_ssize_t offset)
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
PyObject *fast42_load_tables(PyObject *Py_UNUSED(module), PyObject *args)
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
    memcpy(&fast42_tables, t, sizeof(StringTables));
    PyMem_Free(t);
    Py_INCREF(error_type);
    Py_XSETREF(objects_error, error_type);
    tables_loaded = 1;
    Py_RETURN_NONE;
fail:
    PyMem_Free(t);
    return NULL;
}

int fast42_require_tables(void)
{
    if (!tables_loaded) {
        PyErr_SetString(PyExc_RuntimeError, "skypeflux.objects._fast42: tables not loaded");
        return -1;
    }
    return 0;
}

int fast42_py_table(PyObject *bounds, PyObject *lookup, PyTable *out)
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

int fast42_py_model(PyObject *model, Model *out)
{
    if (!PyTuple_Check(model) || PyTuple_GET_SIZE(model) != 5) {
        PyErr_SetString(PyExc_TypeError, "model must be (table, lookup, 2**D, K, E)");
        return -1;
    }
    if (fast42_py_table(PyTuple_GET_ITEM(model, 0), PyTuple_GET_ITEM(model, 1), &out->table))
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
