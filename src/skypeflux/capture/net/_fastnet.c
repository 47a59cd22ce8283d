/* The common case of skypeflux.capture.net.packets.NetDecoder.decode, in C.
 *
 * Most packets of a capture are plain Ethernet (or raw, or Linux cooked) IPv4 datagrams, whole,
 * unfragmented, carrying UDP or TCP with consistent lengths. For those, parse() returns the
 * transport fields at once; for anything else (VLAN tags, IP options are fine, but fragments,
 * a cut or inconsistent header, total length 0, other protocols, other link types...) it
 * returns None and the Python decoder handles the packet, so every unusual case keeps exactly
 * one implementation. tests/capture/test_fast_net.py checks that both give the same result
 * (and the same statistics) on every packet they are fed.
 *
 * parse(data: bytes, linktype: int) -> None
 *   | (17, src_text, dst_text, source, destination, payload)
 *   | (6, src_text, dst_text, source, destination, payload, seq, ack, flags)
 * src_text and dst_text are the addresses as dotted text; source and destination are
 * skypeflux.ipv4.Endpoint (address as a 32-bit number, port), made here: the type is given once
 * with use_endpoint(Endpoint), a named tuple, so one is made as tuple_subtype_new makes it.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdint.h>

enum {
    LINK_ETHERNET = 1,
    LINK_RAW_DLT12 = 12,
    LINK_RAW_DLT14 = 14,
    LINK_RAW = 101,
    LINK_LINUX_SLL = 113,
    LINK_IPV4 = 228,
};

static PyTypeObject *endpoint_type = NULL; /* set by use_endpoint() */

static inline unsigned be16(const uint8_t *p) { return ((unsigned)p[0] << 8) | p[1]; }

static inline uint32_t be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Where the IPv4 header starts for this link type, or -1 when it is not the plain case. */
static Py_ssize_t ipv4_offset(const uint8_t *d, Py_ssize_t n, long linktype)
{
    switch (linktype) {
    case LINK_ETHERNET:
        return n >= 14 && be16(d + 12) == 0x0800 ? 14 : -1;
    case LINK_LINUX_SLL:
        return n >= 16 && be16(d + 14) == 0x0800 ? 16 : -1;
    case LINK_RAW_DLT12:
    case LINK_RAW_DLT14:
    case LINK_RAW:
    case LINK_IPV4:
        return n >= 1 ? 0 : -1;
    default:
        return -1;
    }
}

/* "a.b.c.d", written by hand: PyUnicode_FromFormat parses its format on every call, and two
 * addresses per packet made it a third of the time of parse(). */
static PyObject *dotted(const uint8_t *p)
{
    char text[15];
    int n = 0;
    for (int i = 0; i < 4; i++) {
        unsigned v = p[i];
        if (v >= 100) {
            text[n++] = (char)('0' + v / 100);
            v %= 100;
            text[n++] = (char)('0' + v / 10);
            v %= 10;
        } else if (v >= 10) {
            text[n++] = (char)('0' + v / 10);
            v %= 10;
        }
        text[n++] = (char)('0' + v);
        if (i < 3)
            text[n++] = '.';
    }
    return PyUnicode_DecodeASCII(text, n, NULL);
}

/* The result tuple: its items are new references, each stolen (NULL: an error is set). */
static PyObject *fields(PyObject **items, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i < n; i++) {
        if (items[i] == NULL) {
            for (Py_ssize_t j = 0; j < n; j++)
                Py_XDECREF(items[j]);
            return NULL;
        }
    }
    PyObject *out = PyTuple_New(n);
    if (out == NULL) {
        for (Py_ssize_t j = 0; j < n; j++)
            Py_DECREF(items[j]);
        return NULL;
    }
    for (Py_ssize_t i = 0; i < n; i++)
        PyTuple_SET_ITEM(out, i, items[i]);
    return out;
}

/* An Endpoint(ip, port): the named tuple's two items, set as tuple_subtype_new sets them. */
static PyObject *endpoint(uint32_t ip, unsigned port)
{
    PyObject *out = endpoint_type->tp_alloc(endpoint_type, 2);
    PyObject *number = PyLong_FromUnsignedLong(ip), *port_number = PyLong_FromLong((long)port);
    if (out == NULL || number == NULL || port_number == NULL) {
        Py_XDECREF(out);
        Py_XDECREF(number);
        Py_XDECREF(port_number);
        return NULL;
    }
    PyTuple_SET_ITEM(out, 0, number);
    PyTuple_SET_ITEM(out, 1, port_number);
    return out;
}

static PyObject *parse(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "parse(data: bytes, linktype: int)");
        return NULL;
    }
    if (endpoint_type == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "parse() before use_endpoint(Endpoint)");
        return NULL;
    }
    long linktype = PyLong_AsLong(args[1]);
    if (linktype == -1 && PyErr_Occurred())
        return NULL;
    const uint8_t *d = (const uint8_t *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t n = PyBytes_GET_SIZE(args[0]);
    Py_ssize_t ip = ipv4_offset(d, n, linktype);
    if (ip < 0 || n < ip + 20)
        Py_RETURN_NONE;
    const uint8_t *h = d + ip;
    Py_ssize_t ihl = (Py_ssize_t)(h[0] & 0x0F) * 4;
    Py_ssize_t total = (Py_ssize_t)be16(h + 2);
    unsigned frag = be16(h + 6);
    unsigned proto = h[9];
    Py_ssize_t captured = n - ip;
    if (h[0] >> 4 != 4 || ihl < 20 || captured < ihl || total == 0 || total < ihl)
        Py_RETURN_NONE;
    if (total > captured || (frag & 0x3FFF) || (proto != 6 && proto != 17))
        Py_RETURN_NONE; /* cut by the snap length, a fragment, or another protocol */
    Py_ssize_t pos = ip + ihl, end = ip + total;
    const uint8_t *t = d + pos;
    Py_ssize_t start, stop;
    if (proto == 17) {
        if (end - pos < 8) /* every read of the transport header comes after this check */
            Py_RETURN_NONE;
        Py_ssize_t length = (Py_ssize_t)be16(t + 4);
        if (length < 8 || pos + length > end)
            Py_RETURN_NONE;
        start = pos + 8;
        stop = pos + length;
    } else {
        if (end - pos < 20)
            Py_RETURN_NONE;
        Py_ssize_t header = (Py_ssize_t)(t[12] >> 4) * 4;
        if (header < 20 || pos + header > end)
            Py_RETURN_NONE;
        start = pos + header;
        stop = end;
    }
    PyObject *items[9] = {
        PyLong_FromLong((long)proto),
        dotted(h + 12),
        dotted(h + 16),
        endpoint(be32(h + 12), be16(t)),
        endpoint(be32(h + 16), be16(t + 2)),
        PyBytes_FromStringAndSize((const char *)d + start, stop - start),
    };
    if (proto == 17)
        return fields(items, 6);
    items[6] = PyLong_FromUnsignedLong(be32(t + 4));
    items[7] = PyLong_FromUnsignedLong(be32(t + 8));
    items[8] = PyLong_FromLong((long)t[13]);
    return fields(items, 9);
}

static PyObject *use_endpoint(PyObject *Py_UNUSED(module), PyObject *type)
{
    if (!PyType_Check(type) || !PyType_IsSubtype((PyTypeObject *)type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "use_endpoint(type): a subclass of tuple");
        return NULL;
    }
    Py_INCREF(type);
    Py_XSETREF(endpoint_type, (PyTypeObject *)type);
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"parse", (PyCFunction)(void (*)(void))parse, METH_FASTCALL,
     "The transport fields of a plain IPv4 UDP/TCP packet, or None (see the module)."},
    {"use_endpoint", use_endpoint, METH_O, "The named tuple parse() makes endpoints of."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.capture.net._fastnet",
    .m_doc = "The common case of the network decoder in C (NetDecoder uses it when built).",
    .m_size = 0,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__fastnet(void) { return PyModuleDef_Init(&module); }
