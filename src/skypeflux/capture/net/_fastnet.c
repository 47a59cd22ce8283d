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
 *   | (17, src_text, src, dst_text, dst, sport, dport, payload)
 *   | (6, src_text, src, dst_text, dst, sport, dport, payload, seq, ack, flags)
 * src and dst are the addresses as 32-bit numbers, src_text and dst_text as dotted text.
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

static PyObject *dotted(const uint8_t *p)
{
    return PyUnicode_FromFormat("%u.%u.%u.%u", p[0], p[1], p[2], p[3]);
}

static PyObject *parse(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "parse(data: bytes, linktype: int)");
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
    unsigned sport = be16(t), dport = be16(t + 2);
    PyObject *src_text = dotted(h + 12), *dst_text = dotted(h + 16);
    PyObject *payload = PyBytes_FromStringAndSize((const char *)d + start, stop - start);
    PyObject *out = NULL;
    if (src_text != NULL && dst_text != NULL && payload != NULL) {
        if (proto == 17)
            out = Py_BuildValue("(iOkOkIIO)", 17, src_text, (unsigned long)be32(h + 12), dst_text,
                                (unsigned long)be32(h + 16), sport, dport, payload);
        else
            out = Py_BuildValue("(iOkOkIIOkkI)", 6, src_text, (unsigned long)be32(h + 12),
                                dst_text, (unsigned long)be32(h + 16), sport, dport, payload,
                                (unsigned long)be32(t + 4), (unsigned long)be32(t + 8),
                                (unsigned)t[13]);
    }
    Py_XDECREF(src_text);
    Py_XDECREF(dst_text);
    Py_XDECREF(payload);
    return out;
}

static PyMethodDef methods[] = {
    {"parse", (PyCFunction)(void (*)(void))parse, METH_FASTCALL,
     "The transport fields of a plain IPv4 UDP/TCP packet, or None (see the module)."},
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
