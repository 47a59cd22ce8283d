/* One record's JSON line (skypeflux.outputs.jsonl), written in C.
 *
 * Building a line in Python is a dict per object, block and record, then orjson: about 40 us
 * a record of the real capture, a quarter of `decode --json`. record_line() writes the same
 * text straight from the record. It answers None for anything it does not know to write
 * exactly as the Python path does (notes, exponent or non-finite floats, unknown value types,
 * deep nesting, values out of their usual range, any error on the way); the caller then
 * builds that line in Python, so every unusual case keeps exactly one implementation.
 * tests/outputs/test_fast_json.py checks that both give the same text on real, synthesized
 * and crafted records.
 *
 * What is text decides the layout: the Python side hands over (configure()) the cached
 * functions that say how an object's path and a command are named and the record's schema
 * version; the field names and their order are the Python path's (record_head, block_head,
 * _object_json, add_record_tail), which the differential test holds this to.
 *
 * Strings are written as json.dumps(ensure_ascii=True) writes them (short escapes for \b \t
 * \n \f \r, lowercase \u00xx for other control characters, DEL and everything beyond ASCII,
 * surrogate pairs above the BMP): what the Python path's line is too, since it falls back to
 * the standard encoder whenever orjson's text would not be ASCII.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>

#include <stdint.h>
#include <string.h>

#define MAX_DEPTH 32 /* nesting beyond this (hostile lists) is the Python path's */
#define MAX_INFO_KEYS 64 /* registered info fields configure() takes (13 today) */

/* ---- what configure() hands over ------------------------------------------------------- */

static PyObject *object_prefix = NULL;  /* (command, family, oid, parents) -> '{"..":..' */
static PyObject *command_fields = NULL; /* (command, flags) -> (name, guessed, kind) */
static PyObject *transport_udp = NULL, *transport_tcp = NULL, *unit_note = NULL;
static PyObject *tcp_units = NULL;             /* units whose info has TCP frame fields */
static PyObject *udp_info = NULL, *tcp_info = NULL; /* key -> (slot, converter code) */
static PyObject *info_keys = NULL;             /* the registered names, '"name":' each */
static PyTypeObject *endpoint_type = NULL, *address_type = NULL, *objectlist_type = NULL,
                    *flowkey_type = NULL;
static long schema_version = 0;
static long family_list = 5, family_string = 3, family_uint64 = 1;

enum { CONVERT_HEX_INT = 0, CONVERT_TEXT = 1, CONVERT_INT = 2, CONVERT_BOOL = 3 };

static PyObject *s_frame, *s_time, *s_frames, *s_src, *s_dst, *s_transport, *s_flow, *s_unit,
    *s_packet_id, *s_udp_type, *s_udp_func, *s_verification, *s_ok, *s_status, *s_method,
    *s_detail, *s_key, *s_content, *s_structure, *s_seed, *s_public_src, *s_public_dst,
    *s_plaintext, *s_blocks, *s_info, *s_host, *s_items, *s_isprintable, *s_round, *s_six,
    *s_offset, *s_length, *s_command, *s_flags, *s_reqid, *s_reply_to_frame,
    *s_resend_of_frame, *s_list_form, *s_list_bytes, *s_error, *s_objects;

/* ---- the output buffer: one, reused (the GIL is held throughout) ------------------------ */

typedef struct {
    char *p;
    Py_ssize_t n, cap;
} Buf;

static Buf out = {NULL, 0, 0};
/* Set while a line is written: the callbacks run Python code, which may switch threads or
 * write a line itself; such a nested call leaves its line to Python rather than share out. */
static int busy = 0;

/* Outcomes of the writers: OK, FALLBACK (the Python path writes this line), or an error
 * (also handed to the Python path, which meets the same error itself). */
enum { OK = 0, FALLBACK = 1 };

static int reserve(Buf *b, Py_ssize_t more)
{
    if (more > PY_SSIZE_T_MAX / 2 - b->n)
        return FALLBACK;
    if (b->n + more <= b->cap)
        return OK;
    Py_ssize_t cap = b->cap ? b->cap : 16384;
    while (cap < b->n + more)
        cap *= 2;
    char *p = PyMem_Realloc(b->p, (size_t)cap);
    if (p == NULL)
        return FALLBACK;
    b->p = p;
    b->cap = cap;
    return OK;
}

static int put(Buf *b, const char *s, Py_ssize_t n)
{
    if (reserve(b, n) != OK)
        return FALLBACK;
    memcpy(b->p + b->n, s, (size_t)n);
    b->n += n;
    return OK;
}

#define PUTS(b, literal) put((b), (literal), (Py_ssize_t)sizeof(literal) - 1)
#define TRY(expr)                                                                             \
    do {                                                                                      \
        if ((expr) != OK)                                                                     \
            return FALLBACK;                                                                  \
    } while (0)

static const char HEX[] = "0123456789abcdef";
static char HEX_PAIRS[512]; /* every byte's two hex digits, filled at import */

/* A JSON string, escaped as json.dumps(ensure_ascii=True) escapes it. */
static int put_text(Buf *b, PyObject *s)
{
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(s) < 0)
        return FALLBACK;
#endif
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    /* at most 12 bytes a character (a surrogate pair), and the quotes */
    if (n > (PY_SSIZE_T_MAX - 2) / 12)
        return FALLBACK;
    TRY(reserve(b, 12 * n + 2));
    char *w = b->p + b->n;
    *w++ = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c >= 0x20 && c <= 0x7e) {
            if (c == '"' || c == '\\')
                *w++ = '\\';
            *w++ = (char)c;
            continue;
        }
        *w++ = '\\';
        switch (c) {
        case '\b': *w++ = 'b'; continue;
        case '\t': *w++ = 't'; continue;
        case '\n': *w++ = 'n'; continue;
        case '\f': *w++ = 'f'; continue;
        case '\r': *w++ = 'r'; continue;
        default: break;
        }
        if (c > 0xffff) { /* a surrogate pair */
            Py_UCS4 v = c - 0x10000;
            Py_UCS4 hi = 0xd800 | ((v >> 10) & 0x3ff), lo = 0xdc00 | (v & 0x3ff);
            *w++ = 'u';
            for (int shift = 12; shift >= 0; shift -= 4)
                *w++ = HEX[(hi >> shift) & 0xf];
            *w++ = '\\';
            c = lo;
        }
        *w++ = 'u';
        for (int shift = 12; shift >= 0; shift -= 4)
            *w++ = HEX[(c >> shift) & 0xf];
    }
    *w++ = '"';
    b->n = w - b->p;
    return OK;
}

/* Bytes as a JSON string of lowercase hex (bytes.hex()). */
static int put_hex(Buf *b, const unsigned char *data, Py_ssize_t n)
{
    if (n > (PY_SSIZE_T_MAX - 2) / 2)
        return FALLBACK;
    TRY(reserve(b, 2 * n + 2));
    char *w = b->p + b->n;
    *w++ = '"';
    for (Py_ssize_t i = 0; i < n; i++, w += 2)
        memcpy(w, HEX_PAIRS + 2 * data[i], 2);
    *w++ = '"';
    b->n = w - b->p;
    return OK;
}

static int put_bytes_hex(Buf *b, PyObject *v)
{
    return put_hex(b, (const unsigned char *)PyBytes_AS_STRING(v), PyBytes_GET_SIZE(v));
}

/* An int (or a subclass: an IntEnum member is written as its number), not a bool. */
static int put_int(Buf *b, PyObject *v)
{
    int overflow = 0;
    long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (x == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return FALLBACK;
    }
    if (!overflow) { /* by hand: snprintf was a sixth of the time of a line */
        char digits[24];
        char *w = digits + sizeof digits;
        unsigned long long u = x < 0 ? 0ULL - (unsigned long long)x : (unsigned long long)x;
        do {
            *--w = (char)('0' + u % 10);
            u /= 10;
        } while (u);
        if (x < 0)
            *--w = '-';
        return put(b, w, digits + sizeof digits - w);
    }
    PyObject *text = PyLong_Type.tp_repr(v); /* as json.dumps writes a big one */
    if (text == NULL) {
        PyErr_Clear();
        return FALLBACK;
    }
    Py_ssize_t n;
    const char *s = PyUnicode_AsUTF8AndSize(text, &n);
    int rc = s != NULL ? put(b, s, n) : FALLBACK;
    if (s == NULL)
        PyErr_Clear();
    Py_DECREF(text);
    return rc;
}

/*
 * A capture time as repr() writes it, without the shortest-digits search, where x is the
 * double nearest n / 10**6 for an integer n (microsecond timestamps, and differences of two)
 * and 1e-4 <= |x| < 2**33. There the gap between doubles is under 10**-6, so no other multiple
 * of 10**-6 reads back as x: any shorter text that did would be one, hence n / 10**6 with its
 * trailing zeros dropped is the shortest, which repr() writes (in fixed notation in that
 * range). Returns 0 where that does not hold, for the general path.
 */
static int put_micro(Buf *b, double x, int *rc)
{
    double size = fabs(x);
    if (!(size >= 1e-4 && size < 8589934592.0))
        return 0;
    long long n = llround(x * 1e6);
    if ((double)n / 1e6 != x)
        return 0;
    /* written right to left: six decimals, the point, then the whole part (at least "0") */
    char text[32];
    int at = (int)sizeof text;
    unsigned long long m = n < 0 ? (unsigned long long)(-n) : (unsigned long long)n;
    for (int d = 0; d < 6; d++, m /= 10)
        text[--at] = (char)('0' + m % 10);
    text[--at] = '.';
    do {
        text[--at] = (char)('0' + m % 10);
        m /= 10;
    } while (m);
    if (n < 0)
        text[--at] = '-';
    int end = (int)sizeof text;
    while (text[end - 1] == '0' && text[end - 2] != '.')
        end--;
    *rc = put(b, text + at, end - at);
    return 1;
}

/*
 * round(x, 6) without the call, where that is sure: Python rounds the exact value of x to six
 * decimals (ties to even) and reads that decimal back, the double nearest k / 10**6 for the
 * integer k, which k / 1e6 is (both exact, the division correctly rounded). Here k is taken
 * from m = x * 1e6 as computed: for |m| < 2**46 its error is under 2**-7, so when m is more
 * than 0.01 away from a half-integer the exact product rounds to the same k. Returns 0 (near
 * a tie, or out of that range) for the general path.
 */
static int round_micro(double x, double *out)
{
    double m = x * 1e6;
    if (!(fabs(m) < 70368744177664.0)) /* 2**46; NaN too */
        return 0;
    double k = nearbyint(m);
    if (fabs(fabs(m - k) - 0.5) < 0.01)
        return 0;
    *out = k / 1e6;
    return 1;
}

/* A float as repr() writes it, only where orjson writes the same (no exponent, finite). */
static int put_double(Buf *b, double x)
{
    int rc;
    if (put_micro(b, x, &rc))
        return rc;
    char *s = PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
    if (s == NULL) {
        PyErr_Clear();
        return FALLBACK;
    }
    rc = strpbrk(s, "einIN") != NULL ? FALLBACK : put(b, s, (Py_ssize_t)strlen(s));
    PyMem_Free(s);
    return rc;
}

/* A scalar as orjson and json.dumps both write it: None, bool, int, float, str. */
static int put_scalar(Buf *b, PyObject *v)
{
    if (v == Py_None)
        return PUTS(b, "null");
    if (v == Py_True)
        return PUTS(b, "true");
    if (v == Py_False)
        return PUTS(b, "false");
    if (PyLong_Check(v))
        return put_int(b, v);
    if (PyUnicode_Check(v))
        return put_text(b, v);
    if (PyFloat_CheckExact(v)) /* a subclass's repr() may be its own */
        return put_double(b, PyFloat_AS_DOUBLE(v));
    return FALLBACK;
}

typedef int (*Writer)(Buf *, PyObject *);

/* '"key":' (the literal, with its comma) and a value, written by ``write``. */
static int put_keyed(Buf *b, const char *key, Py_ssize_t key_len, PyObject *v, Writer write)
{
    TRY(put(b, key, key_len));
    return write(b, v);
}

#define KEYED(b, literal_key, v)                                                              \
    put_keyed((b), literal_key, (Py_ssize_t)sizeof(literal_key) - 1, (v), put_scalar)

/*
 * An Endpoint's (or an Address's) text, ip_text(ip) then ":port" with ``port``, where the
 * Python __str__ gives exactly that: the exact classes (a subclass may have its own __str__;
 * Address keeps Endpoint's, which test_fast_json's records of every family hold it to), an
 * int address in 0..2**32-1 (ip_text raises otherwise) and an int port up to 65535. Unquoted,
 * into ``w`` (at least 22 bytes); the length, or -1 where the Python path writes it.
 */
static int endpoint_text(PyObject *ep, int with_port, char *w)
{
    if ((!Py_IS_TYPE(ep, endpoint_type) && !Py_IS_TYPE(ep, address_type)) ||
        PyTuple_GET_SIZE(ep) != 2)
        return -1;
    PyObject *ip = PyTuple_GET_ITEM(ep, 0), *port = PyTuple_GET_ITEM(ep, 1);
    if (!PyLong_CheckExact(ip) || (with_port && !PyLong_CheckExact(port)))
        return -1;
    int overflow = 0;
    long long a = PyLong_AsLongLongAndOverflow(ip, &overflow);
    long long p = with_port ? PyLong_AsLongLongAndOverflow(port, &overflow) : 0;
    if (PyErr_Occurred()) {
        PyErr_Clear();
        return -1;
    }
    if (overflow || a < 0 || a > 0xFFFFFFFFLL || p < 0 || p > 0xFFFF)
        return -1;
    char *start = w;
    for (int shift = 24; shift >= 0; shift -= 8) {
        unsigned octet = (unsigned)(a >> shift) & 255;
        if (octet >= 100)
            *w++ = (char)('0' + octet / 100);
        if (octet >= 10)
            *w++ = (char)('0' + octet / 10 % 10);
        *w++ = (char)('0' + octet % 10);
        if (shift)
            *w++ = '.';
    }
    if (with_port) {
        char digits[8];
        int n = 0;
        do {
            digits[n++] = (char)('0' + p % 10);
            p /= 10;
        } while (p);
        *w++ = ':';
        while (n)
            *w++ = digits[--n];
    }
    return (int)(w - start);
}

/* An endpoint's str() (with_port) or its ``host`` as a JSON string; FALLBACK where the
 * Python path writes it. */
static int put_endpoint(Buf *b, PyObject *ep, int with_port)
{
    char text[32];
    text[0] = '"';
    int n = endpoint_text(ep, with_port, text + 1);
    if (n < 0)
        return FALLBACK;
    text[n + 1] = '"';
    return put(b, text, n + 2);
}

/* What outputs.values.json_safe(v) makes of v, written (bytes as hex, tuples and lists as
 * arrays, an Endpoint as its text, dicts with their keys as text); anything else is the
 * Python path's. */
static int put_safe(Buf *b, PyObject *v, int depth)
{
    if (depth > MAX_DEPTH)
        return FALLBACK;
    if (v == Py_None || PyBool_Check(v) || PyLong_Check(v) || PyUnicode_Check(v) ||
        PyFloat_Check(v))
        return put_scalar(b, v);
    if (PyBytes_Check(v))
        return put_bytes_hex(b, v);
    if (PyDict_Check(v)) {
        TRY(PUTS(b, "{"));
        Py_ssize_t pos = 0;
        PyObject *key, *item;
        int first = 1;
        while (PyDict_Next(v, &pos, &key, &item)) {
            if (!PyUnicode_CheckExact(key))
                return FALLBACK;
            if (!first)
                TRY(PUTS(b, ","));
            first = 0;
            TRY(put_text(b, key));
            TRY(PUTS(b, ":"));
            TRY(put_safe(b, item, depth + 1));
        }
        return PUTS(b, "}");
    }
    if (PyObject_TypeCheck(v, endpoint_type)) {
        if (put_endpoint(b, v, 1) == OK)
            return OK;
        PyObject *text = PyObject_Str(v);
        if (text == NULL) {
            PyErr_Clear();
            return FALLBACK;
        }
        int rc = PyUnicode_Check(text) ? put_text(b, text) : FALLBACK;
        Py_DECREF(text);
        return rc;
    }
    if (PyList_CheckExact(v) || PyTuple_CheckExact(v)) {
        PyObject *seq = v;
        Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
        TRY(PUTS(b, "["));
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i)
                TRY(PUTS(b, ","));
            /* a list may change under a call below (a str() of some item): index afresh */
            if (i >= PySequence_Fast_GET_SIZE(seq))
                return FALLBACK;
            PyObject *item = PySequence_Fast_GET_ITEM(seq, i);
            Py_INCREF(item);
            int rc = put_safe(b, item, depth + 1);
            Py_DECREF(item);
            TRY(rc);
        }
        return PUTS(b, "]");
    }
    return FALLBACK;
}

/* An attribute, or NULL with the error cleared (the caller falls back). */
static PyObject *attr(PyObject *o, PyObject *name)
{
    PyObject *v = PyObject_GetAttr(o, name);
    if (v == NULL)
        PyErr_Clear();
    return v;
}

/* '"key":' then the scalar attribute ``name`` of ``o``. */
static int put_field(Buf *b, const char *key, Py_ssize_t key_len, PyObject *o, PyObject *name)
{
    PyObject *v = attr(o, name);
    if (v == NULL)
        return FALLBACK;
    int rc = put_keyed(b, key, key_len, v, put_scalar);
    Py_DECREF(v);
    return rc;
}

#define FIELD(b, literal_key, o, name)                                                        \
    TRY(put_field((b), literal_key, (Py_ssize_t)sizeof(literal_key) - 1, (o), (name)))

/* A text the Python side made ('{"skypeflux.obj.id":...'), copied as it is; it must be ASCII. */
static int put_made(Buf *b, PyObject *text)
{
    if (!PyUnicode_Check(text))
        return FALLBACK;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(text) < 0)
        return FALLBACK;
#endif
    if (!PyUnicode_IS_ASCII(text))
        return FALLBACK;
    return put(b, (const char *)PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text));
}

static int put_objects(Buf *b, PyObject *list, PyObject *command, PyObject *parents, int depth);

/*
 * object_prefix's texts, kept here by path: a table per (command, parents) pair, one lookup per
 * list, then one per object keyed by oid << 3 | family, with no tuple to build or hash (the
 * lru_cache on object_prefix built and hashed its four arguments for every object written).
 * Bounded like that cache: past MAX_PREFIXES texts it starts again.
 */
static PyObject *prefix_cache = NULL; /* (command, parents) -> {oid << 3 | family: prefix} */
static Py_ssize_t prefix_count = 0;   /* texts held in the tables */
#define MAX_PREFIXES (1 << 14)

/* The table of one list's path, made on first use (a new reference; NULL: none, no error). */
static PyObject *prefix_table(PyObject *command, PyObject *parents)
{
    if (prefix_cache == NULL && (prefix_cache = PyDict_New()) == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *key = PyTuple_Pack(2, command, parents);
    if (key == NULL) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *table = PyDict_GetItemWithError(prefix_cache, key);
    if (table != NULL) {
        Py_INCREF(table);
    }
    else if (!PyErr_Occurred()) { /* a path not met yet: its table, empty */
        table = PyDict_New();
        if (table != NULL && PyDict_SetItem(prefix_cache, key, table) < 0)
            Py_CLEAR(table);
    }
    Py_DECREF(key);
    PyErr_Clear(); /* an unhashable path: written without the table */
    return table;
}

/* object_prefix(command, family, oid, parents), from the path's table where it is kept. */
static PyObject *prefix_of(PyObject *table, PyObject *command, PyObject *family, long fam,
                           PyObject *oid, PyObject *parents)
{
    PyObject *key = NULL;
    if (table != NULL && fam >= 0 && fam < 8 && PyLong_CheckExact(oid)) {
        int overflow = 0;
        long long id = PyLong_AsLongLongAndOverflow(oid, &overflow);
        if (!overflow && id >= 0 && id < (1LL << 56))
            key = PyLong_FromLongLong(id << 3 | fam);
        PyErr_Clear();
    }
    if (key != NULL) {
        PyObject *kept = PyDict_GetItemWithError(table, key);
        if (kept != NULL) {
            Py_DECREF(key);
            return Py_NewRef(kept);
        }
        PyErr_Clear();
    }
    PyObject *args[4] = {command, family, oid, parents};
    PyObject *prefix = PyObject_Vectorcall(object_prefix, args, 4, NULL);
    if (prefix != NULL && key != NULL && PyUnicode_CheckExact(prefix)) {
        if (prefix_count >= MAX_PREFIXES) {
            PyDict_Clear(prefix_cache); /* the caller still holds its table: it lives on */
            prefix_count = 0;
        }
        if (PyDict_SetItem(table, key, prefix) == 0)
            prefix_count++;
        else
            PyErr_Clear();
    }
    Py_XDECREF(key);
    return prefix;
}

/* One object: _object_json's fields, its path's part made (and kept) by object_prefix. */
static int put_object(Buf *b, PyObject *obj, PyObject *command, PyObject *parents,
                      PyObject *table, int depth)
{
    if (!PyTuple_Check(obj) || PyTuple_GET_SIZE(obj) != 3)
        return FALLBACK;
    PyObject *family = PyTuple_GET_ITEM(obj, 0), *oid = PyTuple_GET_ITEM(obj, 1),
             *value = PyTuple_GET_ITEM(obj, 2);
    if (!PyLong_Check(family))
        return FALLBACK;
    long fam = PyLong_AsLong(family);
    if (fam == -1 && PyErr_Occurred()) {
        PyErr_Clear();
        return FALLBACK;
    }
    PyObject *prefix = prefix_of(table, command, family, fam, oid, parents);
    if (prefix == NULL) {
        PyErr_Clear();
        return FALLBACK;
    }
    int rc = put_made(b, prefix);
    Py_DECREF(prefix);
    TRY(rc);
    TRY(PUTS(b, ",\"skypeflux.obj.value\":"));
    if (fam == family_list && PyObject_TypeCheck(value, objectlist_type)) {
        PyObject *link = Py_BuildValue("(Ol)", oid, family_list);
        if (link == NULL) {
            PyErr_Clear();
            return FALLBACK;
        }
        Py_ssize_t n = PyTuple_GET_SIZE(parents);
        PyObject *inner = PyTuple_New(n + 1);
        if (inner == NULL) {
            Py_DECREF(link);
            PyErr_Clear();
            return FALLBACK;
        }
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *p = PyTuple_GET_ITEM(parents, i);
            Py_INCREF(p);
            PyTuple_SET_ITEM(inner, i, p);
        }
        PyTuple_SET_ITEM(inner, n, link);
        rc = put_objects(b, value, command, inner, depth + 1);
        Py_DECREF(inner);
        TRY(rc);
    }
    else if (PyLong_CheckExact(value))
        TRY(put_int(b, value));
    else if (PyBytes_Check(value))
        TRY(put_bytes_hex(b, value));
    else if (PyObject_TypeCheck(value, address_type) && put_endpoint(b, value, 1) == OK) {
    }
    else if (PyObject_TypeCheck(value, address_type)) {
        PyObject *text = PyObject_Str(value);
        if (text == NULL) {
            PyErr_Clear();
            return FALLBACK;
        }
        rc = PyUnicode_Check(text) ? put_text(b, text) : FALLBACK;
        Py_DECREF(text);
        TRY(rc);
    }
    else if (PyTuple_Check(value)) { /* an int list */
        Py_ssize_t n = PyTuple_GET_SIZE(value);
        TRY(PUTS(b, "["));
        for (Py_ssize_t i = 0; i < n; i++) {
            if (i)
                TRY(PUTS(b, ","));
            TRY(put_scalar(b, PyTuple_GET_ITEM(value, i)));
        }
        TRY(PUTS(b, "]"));
    }
    else
        TRY(put_scalar(b, value));
    if (fam == family_string) {
        TRY(PUTS(b, ",\"skypeflux.obj.text\":"));
        PyObject *text = NULL;
        if (PyBytes_Check(value)) {
            text = PyUnicode_DecodeUTF8(PyBytes_AS_STRING(value), PyBytes_GET_SIZE(value),
                                        "strict");
            if (text == NULL)
                PyErr_Clear(); /* not UTF-8: shown as hex only */
        }
        if (text != NULL) {
            PyObject *printable = PyObject_CallMethodNoArgs(text, s_isprintable);
            if (printable == NULL) {
                Py_DECREF(text);
                PyErr_Clear();
                return FALLBACK;
            }
            rc = printable == Py_True ? put_text(b, text) : PUTS(b, "null");
            Py_DECREF(printable);
            Py_DECREF(text);
            TRY(rc);
        }
        else
            TRY(PUTS(b, "null"));
    }
    else if (fam == family_uint64 && PyLong_Check(value)) {
        unsigned long long x = PyLong_AsUnsignedLongLong(value);
        if (x == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return FALLBACK;
        }
        char hex[64];
        int n = snprintf(hex, sizeof hex, ",\"skypeflux.obj.hex\":\"0x%016llx\"", x);
        TRY(put(b, hex, n));
    }
    return PUTS(b, "}");
}

/* An ObjectList as an array of objects. */
static int put_objects(Buf *b, PyObject *list, PyObject *command, PyObject *parents, int depth)
{
    if (depth > MAX_DEPTH || !Py_IS_TYPE(list, objectlist_type))
        return FALLBACK;
    PyObject *items = attr(list, s_items);
    if (items == NULL)
        return FALLBACK;
    int rc = PyList_CheckExact(items) ? PUTS(b, "[") : FALLBACK;
    PyObject *table = rc == OK ? prefix_table(command, parents) : NULL;
    for (Py_ssize_t i = 0; rc == OK && i < PyList_GET_SIZE(items); i++) {
        if (i)
            rc = PUTS(b, ",");
        PyObject *obj = PyList_GET_ITEM(items, i);
        Py_INCREF(obj);
        if (rc == OK)
            rc = put_object(b, obj, command, parents, table, depth);
        Py_DECREF(obj);
    }
    if (rc == OK)
        rc = PUTS(b, "]");
    Py_XDECREF(table);
    Py_DECREF(items);
    return rc;
}

/* One block: block_head's fields, then its objects. */
static int put_block(Buf *b, PyObject *block)
{
    PyObject *command = attr(block, s_command);
    if (command == NULL)
        return FALLBACK;
    PyObject *flags = attr(block, s_flags);
    PyObject *names = NULL, *objects = NULL, *list_bytes = NULL, *empty = NULL;
    int rc = FALLBACK;
    if (flags == NULL)
        goto done;
    PyObject *args[2] = {command, flags};
    names = PyObject_Vectorcall(command_fields, args, 2, NULL);
    if (names == NULL || !PyTuple_CheckExact(names) || PyTuple_GET_SIZE(names) != 3)
        goto done;
    list_bytes = attr(block, s_list_bytes);
    objects = attr(block, s_objects);
    if (list_bytes == NULL || !PyBytes_Check(list_bytes) || objects == NULL)
        goto done;
#define STEP(expr)                                                                            \
    if ((expr) != OK)                                                                         \
    goto done
#define BLOCK_FIELD(literal_key, name)                                                        \
    STEP(put_field(b, literal_key, (Py_ssize_t)sizeof(literal_key) - 1, block, (name)))
    BLOCK_FIELD("{\"skypeflux.block.offset\":", s_offset);
    BLOCK_FIELD(",\"skypeflux.block.length\":", s_length);
    STEP(KEYED(b, ",\"skypeflux.cmd\":", command));
    STEP(KEYED(b, ",\"skypeflux.cmd.name\":", PyTuple_GET_ITEM(names, 0)));
    STEP(KEYED(b, ",\"skypeflux.cmd.name_guessed\":", PyTuple_GET_ITEM(names, 1)));
    STEP(KEYED(b, ",\"skypeflux.cmd.flags\":", flags));
    STEP(KEYED(b, ",\"skypeflux.cmd.kind\":", PyTuple_GET_ITEM(names, 2)));
    BLOCK_FIELD(",\"skypeflux.reqid\":", s_reqid);
    BLOCK_FIELD(",\"skypeflux.reply_to_frame\":", s_reply_to_frame);
    BLOCK_FIELD(",\"skypeflux.resend_of_frame\":", s_resend_of_frame);
    BLOCK_FIELD(",\"skypeflux.list.form\":", s_list_form);
    STEP(PUTS(b, ",\"skypeflux.list.hex\":"));
    STEP(put_bytes_hex(b, list_bytes));
    BLOCK_FIELD(",\"skypeflux.error\":", s_error);
    STEP(PUTS(b, ",\"skypeflux.objects\":"));
#undef BLOCK_FIELD
#undef STEP
    if (objects == Py_None)
        rc = PUTS(b, "null");
    else {
        empty = PyTuple_New(0);
        rc = empty != NULL ? put_objects(b, objects, command, empty, 0) : FALLBACK;
    }
    if (rc == OK)
        rc = PUTS(b, "}");
done:
    if (PyErr_Occurred())
        PyErr_Clear();
    Py_DECREF(command);
    Py_XDECREF(flags);
    Py_XDECREF(names);
    Py_XDECREF(objects);
    Py_XDECREF(list_bytes);
    Py_XDECREF(empty);
    return rc;
}

/* add_registered_info: every registered name, in order, its value converted or null. */
static int put_registered(Buf *b, int is_udp, int is_tcp, PyObject *unit, PyObject *info)
{
    PyObject *fields = NULL;
    if (is_udp) /* a note never comes here: record_line leaves notes to Python */
        fields = udp_info;
    else if (is_tcp) {
        int tcp_unit = PySet_Contains(tcp_units, unit);
        if (tcp_unit < 0) {
            PyErr_Clear();
            return FALLBACK;
        }
        fields = tcp_unit ? tcp_info : NULL;
    }
    Py_ssize_t count = PyTuple_GET_SIZE(info_keys); /* at most MAX_INFO_KEYS: configure() */
    PyObject *slots[MAX_INFO_KEYS];
    for (Py_ssize_t i = 0; i < count; i++)
        slots[i] = NULL;
    int rc = OK;
    if (fields != NULL) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (rc == OK && PyDict_Next(info, &pos, &key, &value)) {
            PyObject *field = PyDict_GetItemWithError(fields, key);
            if (field == NULL) {
                if (PyErr_Occurred()) {
                    PyErr_Clear();
                    rc = FALLBACK;
                }
                continue;
            }
            if (value == Py_None)
                continue;
            /* both checked by configure(): a slot below count, a known code */
            Py_ssize_t slot = PyLong_AsSsize_t(PyTuple_GET_ITEM(field, 0));
            long code = PyLong_AsLong(PyTuple_GET_ITEM(field, 1));
            PyObject *converted = NULL;
            switch (code) {
            case CONVERT_HEX_INT:
                if (PyUnicode_Check(value)) {
                    converted = PyLong_FromUnicodeObject(value, 16);
                    if (converted == NULL) { /* the Python path raises it */
                        PyErr_Clear();
                        rc = FALLBACK;
                    }
                }
                break;
            case CONVERT_TEXT:
                if (PyUnicode_Check(value))
                    converted = Py_NewRef(value);
                break;
            case CONVERT_INT:
                if (PyLong_Check(value) && !PyBool_Check(value))
                    converted = Py_NewRef(value);
                break;
            case CONVERT_BOOL:
                if (PyBool_Check(value))
                    converted = Py_NewRef(value);
                break;
            default:
                rc = FALLBACK;
            }
            Py_XSETREF(slots[slot], converted);
        }
    }
    for (Py_ssize_t i = 0; rc == OK && i < count; i++) {
        rc = put(b, ",", 1);
        if (rc == OK)
            rc = put_made(b, PyTuple_GET_ITEM(info_keys, i));
        if (rc == OK)
            rc = slots[i] == NULL ? PUTS(b, "null") : put_scalar(b, slots[i]);
    }
    for (Py_ssize_t i = 0; i < count; i++)
        Py_XDECREF(slots[i]);
    return rc;
}

/* An endpoint's dotted address: its ``host``. */
static int put_host(Buf *b, const char *key, Py_ssize_t key_len, PyObject *endpoint)
{
    TRY(put(b, key, key_len));
    if (put_endpoint(b, endpoint, 0) == OK)
        return OK;
    PyObject *host = attr(endpoint, s_host);
    if (host == NULL)
        return FALLBACK;
    int rc = PyUnicode_Check(host) ? put_text(b, host) : FALLBACK;
    Py_DECREF(host);
    return rc;
}

/*
 * A FlowKey's str(), f"{transport} {a!s} <-> {b!s}", for a key of the UDP or TCP member and
 * two endpoints endpoint_text() writes; FALLBACK (nothing written) otherwise.
 */
static int put_flow(Buf *b, PyObject *key)
{
    if (PyTuple_GET_SIZE(key) != 3)
        return FALLBACK;
    PyObject *transport = PyTuple_GET_ITEM(key, 0);
    if (transport != transport_udp && transport != transport_tcp)
        return FALLBACK;
#if PY_VERSION_HEX < 0x030C0000
    if (PyUnicode_READY(transport) < 0) {
        PyErr_Clear();
        return FALLBACK;
    }
#endif
    Py_ssize_t t = PyUnicode_GET_LENGTH(transport);
    if (!PyUnicode_IS_ASCII(transport) || t > 8)
        return FALLBACK;
    char text[72];
    text[0] = '"';
    memcpy(text + 1, PyUnicode_DATA(transport), (size_t)t);
    int n = 1 + (int)t;
    text[n++] = ' ';
    int a = endpoint_text(PyTuple_GET_ITEM(key, 1), 1, text + n);
    if (a < 0)
        return FALLBACK;
    n += a;
    memcpy(text + n, " <-> ", 5);
    n += 5;
    int z = endpoint_text(PyTuple_GET_ITEM(key, 2), 1, text + n);
    if (z < 0)
        return FALLBACK;
    n += z;
    text[n++] = '"';
    return put(b, text, n);
}

/* A value's str(), as a JSON string. */
static int put_str_of(Buf *b, PyObject *v)
{
    /* a str whose str() is str's own (a StrEnum member): its text as it is */
    if (PyUnicode_Check(v) && Py_TYPE(v)->tp_str == PyUnicode_Type.tp_str)
        return put_text(b, v);
    if (Py_IS_TYPE(v, flowkey_type) && put_flow(b, v) == OK)
        return OK;
    PyObject *text = PyUnicode_CheckExact(v) ? Py_NewRef(v) : PyObject_Str(v);
    if (text == NULL) {
        PyErr_Clear();
        return FALLBACK;
    }
    int rc = put_text(b, text);
    Py_DECREF(text);
    return rc;
}

#define KEYED_STR(b, literal_key, v)                                                          \
    put_keyed((b), literal_key, (Py_ssize_t)sizeof(literal_key) - 1, (v), put_str_of)

/* Everything but the parts that need their own references: record_head, the blocks, the tail. */
static int put_record(Buf *b, PyObject *record, PyObject *origin, PyObject *r[])
{
    /* r: frame, time, frames, src, dst, transport, flow, unit, verification, ok, info,
     *    blocks, plaintext, packet_id, seed */
    PyObject *frame = r[0], *time = r[1], *frames = r[2], *src = r[3], *dst = r[4],
             *transport = r[5], *flow = r[6], *unit = r[7], *verification = r[8], *ok = r[9],
             *info = r[10], *blocks = r[11], *plaintext = r[12], *packet_id = r[13],
             *seed = r[14];
    if (!PyFloat_CheckExact(time) || !PyList_CheckExact(frames) || !PyBool_Check(ok) ||
        !PyDict_CheckExact(info) || !PyList_CheckExact(blocks) || !Py_IS_TYPE(src, endpoint_type) ||
        !Py_IS_TYPE(dst, endpoint_type))
        return FALLBACK;
    int verified = ok == Py_True;
    int is_udp = PyObject_RichCompareBool(transport, transport_udp, Py_EQ);
    int is_tcp = PyObject_RichCompareBool(transport, transport_tcp, Py_EQ);
    if (is_udp < 0 || is_tcp < 0) {
        PyErr_Clear();
        return FALLBACK;
    }
    char head[64];
    int n = snprintf(head, sizeof head, "{\"schema_version\":%ld,\"frame\":", schema_version);
    TRY(put(b, head, n));
    TRY(put_scalar(b, frame));
    TRY(PUTS(b, ",\"frame.time_epoch\":"));
    TRY(put_double(b, PyFloat_AS_DOUBLE(time)));
    TRY(PUTS(b, ",\"frame.time_relative\":"));
    double rounded_delta;
    if (PyFloat_CheckExact(origin) &&
        round_micro(PyFloat_AS_DOUBLE(time) - PyFloat_AS_DOUBLE(origin), &rounded_delta))
        TRY(put_double(b, rounded_delta));
    else {
        PyObject *delta = PyNumber_Subtract(time, origin);
        if (delta == NULL) {
            PyErr_Clear();
            return FALLBACK;
        }
        PyObject *args[2] = {delta, s_six};
        PyObject *rounded = PyObject_Vectorcall(s_round, args, 2, NULL);
        Py_DECREF(delta);
        if (rounded == NULL) {
            PyErr_Clear();
            return FALLBACK;
        }
        int rc = PyFloat_CheckExact(rounded) ? put_double(b, PyFloat_AS_DOUBLE(rounded))
                                             : FALLBACK;
        Py_DECREF(rounded);
        TRY(rc);
    }
    TRY(PUTS(b, ",\"frames\":["));
    if (PyList_GET_SIZE(frames) == 0)
        TRY(put_scalar(b, frame));
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(frames); i++) {
        if (i)
            TRY(PUTS(b, ","));
        TRY(put_scalar(b, PyList_GET_ITEM(frames, i)));
    }
    TRY(PUTS(b, "]"));
    TRY(put_host(b, ",\"ip.src\":", 10, src));
    TRY(put_host(b, ",\"ip.dst\":", 10, dst));
    TRY(KEYED(b, ",\"srcport\":", PyTuple_GET_ITEM(src, 1)));
    TRY(KEYED(b, ",\"dstport\":", PyTuple_GET_ITEM(dst, 1)));
    TRY(KEYED_STR(b, ",\"transport\":", transport));
    TRY(KEYED_STR(b, ",\"skypeflux.flow\":", flow));
    TRY(KEYED_STR(b, ",\"skypeflux.unit\":", unit));
    TRY(PUTS(b, ",\"skypeflux.udp.id\":"));
    TRY(is_udp ? put_scalar(b, packet_id) : PUTS(b, "null"));
    FIELD(b, ",\"skypeflux.udp.type\":", record, s_udp_type);
    FIELD(b, ",\"skypeflux.udp.func\":", record, s_udp_func);
    TRY(PUTS(b, ",\"skypeflux.tcp.packet_id\":"));
    TRY(is_tcp ? put_scalar(b, packet_id) : PUTS(b, "null"));
    TRY(verified ? PUTS(b, ",\"skypeflux.verified\":true")
                 : PUTS(b, ",\"skypeflux.verified\":false"));
    {
        PyObject *status = attr(verification, s_status);
        if (status == NULL)
            return FALLBACK;
        int rc = KEYED_STR(b, ",\"skypeflux.verify.status\":", status);
        Py_DECREF(status);
        TRY(rc);
        PyObject *method = attr(verification, s_method);
        if (method == NULL)
            return FALLBACK;
        rc = KEYED_STR(b, ",\"skypeflux.verify.method\":", method);
        Py_DECREF(method);
        TRY(rc);
    }
    FIELD(b, ",\"skypeflux.verify.detail\":", verification, s_detail);
    FIELD(b, ",\"skypeflux.verify.key\":", verification, s_key);
    FIELD(b, ",\"skypeflux.verify.content\":", verification, s_content);
    FIELD(b, ",\"skypeflux.verify.structure\":", verification, s_structure);
    TRY(PUTS(b, ",\"skypeflux.seed\":"));
    if (seed == Py_None)
        TRY(PUTS(b, "null"));
    else {
        if (!PyLong_Check(seed))
            return FALLBACK;
        unsigned long long x = PyLong_AsUnsignedLongLong(seed); /* negative: f"{:08x}" differs */
        if (x == (unsigned long long)-1 && PyErr_Occurred()) {
            PyErr_Clear();
            return FALLBACK;
        }
        char hex[24];
        n = snprintf(hex, sizeof hex, "\"%08llx\"", x);
        TRY(put(b, hex, n));
    }
    FIELD(b, ",\"skypeflux.public.src\":", verification, s_public_src);
    FIELD(b, ",\"skypeflux.public.dst\":", verification, s_public_dst);
    TRY(PUTS(b, ",\"skypeflux.plaintext\":"));
    if (verified && plaintext != Py_None) {
        if (!PyBytes_Check(plaintext))
            return FALLBACK;
        TRY(put_bytes_hex(b, plaintext));
    }
    else
        TRY(PUTS(b, "null"));
    TRY(PUTS(b, ",\"skypeflux.blocks\":["));
    for (Py_ssize_t i = 0; verified && i < PyList_GET_SIZE(blocks); i++) {
        if (i)
            TRY(PUTS(b, ","));
        PyObject *block = PyList_GET_ITEM(blocks, i);
        Py_INCREF(block);
        int rc = put_block(b, block);
        Py_DECREF(block);
        TRY(rc);
    }
    TRY(PUTS(b, "],\"skypeflux.note\":null"));
    TRY(put_registered(b, is_udp, is_tcp, unit, info));
    TRY(PUTS(b, ",\"skypeflux.info\":"));
    TRY(put_safe(b, info, 0));
    return PUTS(b, "}\n");
}

static PyObject *record_line(PyObject *Py_UNUSED(module), PyObject *const *args,
                             Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "record_line(record, origin)");
        return NULL;
    }
    if (object_prefix == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "_fastjson.configure() was not called");
        return NULL;
    }
    PyObject *record = args[0], *origin = args[1];
    if (!PyFloat_Check(origin) && !PyLong_Check(origin))
        Py_RETURN_NONE;
    /* the record's own fields, and the verification's, fetched once */
    PyObject *names[15] = {s_frame, s_time, s_frames, s_src, s_dst, s_transport, s_flow,
                           s_unit, s_verification, NULL, s_info, s_blocks, s_plaintext,
                           s_packet_id, NULL};
    PyObject *r[15] = {NULL};
    int rc = OK;
    for (int i = 0; i < 15 && rc == OK; i++) {
        if (names[i] == NULL)
            continue;
        r[i] = attr(record, names[i]);
        if (r[i] == NULL)
            rc = FALLBACK;
    }
    if (rc == OK) {
        r[9] = attr(r[8], s_ok);
        r[14] = attr(r[8], s_seed);
        if (r[9] == NULL || r[14] == NULL)
            rc = FALLBACK;
    }
    if (rc == OK) {
        int note = PyObject_RichCompareBool(r[7], unit_note, Py_EQ);
        if (note != 0) { /* a note's text is the Python path's (outputs.naming.note_text) */
            PyErr_Clear();
            rc = FALLBACK;
        }
    }
    if (busy)
        rc = FALLBACK;
    PyObject *line = NULL;
    if (rc == OK) {
        busy = 1;
        out.n = 0;
        rc = put_record(&out, record, origin, r);
        if (rc == OK) /* made before anything is released: a release may run Python code */
            line = PyUnicode_New(out.n, 127);
        if (line != NULL)
            memcpy(PyUnicode_DATA(line), out.p, (size_t)out.n);
        if (out.cap > (1 << 20)) { /* one huge line does not keep its buffer */
            PyMem_Free(out.p);
            out.p = NULL;
            out.n = out.cap = 0;
        }
        busy = 0;
    }
    for (int i = 0; i < 15; i++)
        Py_XDECREF(r[i]);
    if (line == NULL && PyErr_Occurred())
        PyErr_Clear(); /* no memory for the line: the Python path meets that itself */
    if (line == NULL)
        Py_RETURN_NONE;
    return line;
}

static int set_type(PyTypeObject **slot, PyObject *o, const char *what)
{
    if (!PyType_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be a class", what);
        return -1;
    }
    Py_XSETREF(*slot, (PyTypeObject *)Py_NewRef(o));
    return 0;
}

static void set_ref(PyObject **slot, PyObject *o) { Py_XSETREF(*slot, Py_NewRef(o)); }

static PyObject *configure(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 17) {
        PyErr_SetString(PyExc_TypeError, "configure() takes 17 arguments (see _fastjson.pyi)");
        return NULL;
    }
    if (!PyCallable_Check(args[0]) || !PyCallable_Check(args[1]) || !PyAnySet_Check(args[5]) ||
        !PyDict_Check(args[6]) || !PyDict_Check(args[7]) || !PyTuple_CheckExact(args[8])) {
        PyErr_SetString(PyExc_TypeError, "configure(): an argument has the wrong type");
        return NULL;
    }
    Py_ssize_t keys = PyTuple_GET_SIZE(args[8]);
    if (keys > MAX_INFO_KEYS) {
        PyErr_SetString(PyExc_ValueError, "configure(): too many info keys");
        return NULL;
    }
    for (Py_ssize_t i = 0; i < keys; i++)
        if (!PyUnicode_Check(PyTuple_GET_ITEM(args[8], i))) {
            PyErr_SetString(PyExc_TypeError, "configure(): info keys must be str");
            return NULL;
        }
    for (int d = 6; d <= 7; d++) {
        Py_ssize_t pos = 0;
        PyObject *key, *value;
        while (PyDict_Next(args[d], &pos, &key, &value))
        {
            if (!PyTuple_CheckExact(value) || PyTuple_GET_SIZE(value) != 2 ||
                !PyLong_CheckExact(PyTuple_GET_ITEM(value, 0)) ||
                !PyLong_CheckExact(PyTuple_GET_ITEM(value, 1))) {
                PyErr_SetString(PyExc_TypeError, "configure(): info fields are (slot, code)");
                return NULL;
            }
            Py_ssize_t slot = PyLong_AsSsize_t(PyTuple_GET_ITEM(value, 0));
            long code = PyLong_AsLong(PyTuple_GET_ITEM(value, 1));
            if (slot < 0 || slot >= keys || code < CONVERT_HEX_INT || code > CONVERT_BOOL) {
                PyErr_Clear();
                PyErr_SetString(PyExc_ValueError, "configure(): a slot or code out of range");
                return NULL;
            }
        }
    }
    long version = PyLong_AsLong(args[12]);
    long list = PyLong_AsLong(args[13]), string = PyLong_AsLong(args[14]),
         uint64 = PyLong_AsLong(args[15]);
    if (PyErr_Occurred())
        return NULL;
    if (set_type(&endpoint_type, args[9], "endpoint") < 0 ||
        set_type(&address_type, args[10], "address") < 0 ||
        set_type(&objectlist_type, args[11], "object list") < 0 ||
        set_type(&flowkey_type, args[16], "flow key") < 0)
        return NULL;
    set_ref(&object_prefix, args[0]);
    if (prefix_cache != NULL) /* texts of the function configured before */
        PyDict_Clear(prefix_cache);
    prefix_count = 0;
    set_ref(&command_fields, args[1]);
    set_ref(&transport_udp, args[2]);
    set_ref(&transport_tcp, args[3]);
    set_ref(&unit_note, args[4]);
    set_ref(&tcp_units, args[5]);
    set_ref(&udp_info, args[6]);
    set_ref(&tcp_info, args[7]);
    set_ref(&info_keys, args[8]);
    schema_version = version;
    family_list = list;
    family_string = string;
    family_uint64 = uint64;
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"record_line", (PyCFunction)(void (*)(void))record_line, METH_FASTCALL,
     "One record's JSON line, newline included, or None: build that one in Python."},
    {"configure", (PyCFunction)(void (*)(void))configure, METH_FASTCALL,
     "What record_line() needs from the Python side (see _fastjson.pyi)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.outputs._fastjson",
    .m_doc = "A record's JSON line in C (JsonLinesWriter uses it when built).",
    .m_size = 0,
    .m_methods = methods,
};

static int intern(PyObject **slot, const char *text)
{
    *slot = PyUnicode_InternFromString(text);
    return *slot == NULL ? -1 : 0;
}

PyMODINIT_FUNC PyInit__fastjson(void)
{
    struct {
        PyObject **slot;
        const char *text;
    } names[] = {
        {&s_frame, "frame"}, {&s_time, "time"}, {&s_frames, "frames"}, {&s_src, "src"},
        {&s_dst, "dst"}, {&s_transport, "transport"}, {&s_flow, "flow"}, {&s_unit, "unit"},
        {&s_packet_id, "packet_id"}, {&s_udp_type, "udp_type"}, {&s_udp_func, "udp_func"},
        {&s_verification, "verification"}, {&s_ok, "ok"}, {&s_status, "status"},
        {&s_method, "method"}, {&s_detail, "detail"}, {&s_key, "key"},
        {&s_content, "content"}, {&s_structure, "structure"}, {&s_seed, "seed"},
        {&s_public_src, "public_src"}, {&s_public_dst, "public_dst"},
        {&s_plaintext, "plaintext"}, {&s_blocks, "blocks"}, {&s_info, "info"},
        {&s_host, "host"}, {&s_items, "_items"}, {&s_isprintable, "isprintable"},
        {&s_offset, "offset"}, {&s_length, "length"}, {&s_command, "command"},
        {&s_flags, "flags"}, {&s_reqid, "reqid"}, {&s_reply_to_frame, "reply_to_frame"},
        {&s_resend_of_frame, "resend_of_frame"}, {&s_list_form, "list_form"},
        {&s_list_bytes, "list_bytes"}, {&s_error, "error"}, {&s_objects, "objects"},
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (intern(names[i].slot, names[i].text) < 0)
            return NULL;
    PyObject *builtins = PyEval_GetBuiltins(); /* borrowed */
    s_round = builtins != NULL ? PyDict_GetItemString(builtins, "round") : NULL;
    if (s_round == NULL) {
        PyErr_SetString(PyExc_ImportError, "no builtin round()");
        return NULL;
    }
    Py_INCREF(s_round);
    for (int i = 0; i < 256; i++) {
        HEX_PAIRS[2 * i] = HEX[i >> 4];
        HEX_PAIRS[2 * i + 1] = HEX[i & 0xf];
    }
    s_six = PyLong_FromLong(6);
    if (s_six == NULL)
        return NULL;
    return PyModule_Create(&module);
}
