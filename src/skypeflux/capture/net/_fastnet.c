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
#include <structmember.h>

#include <stdint.h>
#include <string.h>

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

/* Where a plain packet's pieces lie; plain_packet() fills it, or returns 0 (not plain). */
struct plain {
    unsigned proto;
    const uint8_t *ip;        /* the IPv4 header */
    const uint8_t *transport; /* the UDP or TCP header */
    Py_ssize_t start, stop;   /* the payload, as offsets into the packet's bytes */
};

static int plain_packet(const uint8_t *d, Py_ssize_t n, long linktype, struct plain *out)
{
    Py_ssize_t ip = ipv4_offset(d, n, linktype);
    if (ip < 0 || n < ip + 20)
        return 0;
    const uint8_t *h = d + ip;
    Py_ssize_t ihl = (Py_ssize_t)(h[0] & 0x0F) * 4;
    Py_ssize_t total = (Py_ssize_t)be16(h + 2);
    unsigned frag = be16(h + 6);
    unsigned proto = h[9];
    Py_ssize_t captured = n - ip;
    if (h[0] >> 4 != 4 || ihl < 20 || captured < ihl || total == 0 || total < ihl)
        return 0;
    if (total > captured || (frag & 0x3FFF) || (proto != 6 && proto != 17))
        return 0; /* cut by the snap length, a fragment, or another protocol */
    Py_ssize_t pos = ip + ihl, end = ip + total;
    const uint8_t *t = d + pos;
    if (proto == 17) {
        if (end - pos < 8) /* every read of the transport header comes after this check */
            return 0;
        Py_ssize_t length = (Py_ssize_t)be16(t + 4);
        if (length < 8 || pos + length > end)
            return 0;
        out->start = pos + 8;
        out->stop = pos + length;
    } else {
        if (end - pos < 20)
            return 0;
        Py_ssize_t header = (Py_ssize_t)(t[12] >> 4) * 4;
        if (header < 20 || pos + header > end)
            return 0;
        out->start = pos + header;
        out->stop = end;
    }
    out->proto = proto;
    out->ip = h;
    out->transport = t;
    return 1;
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
    struct plain p;
    if (!plain_packet(d, PyBytes_GET_SIZE(args[0]), linktype, &p))
        Py_RETURN_NONE;
    const uint8_t *h = p.ip, *t = p.transport;
    PyObject *items[9] = {
        PyLong_FromLong((long)p.proto),
        dotted(h + 12),
        dotted(h + 16),
        endpoint(be32(h + 12), be16(t)),
        endpoint(be32(h + 16), be16(t + 2)),
        PyBytes_FromStringAndSize((const char *)d + p.start, p.stop - p.start),
    };
    if (p.proto == 17)
        return fields(items, 6);
    items[6] = PyLong_FromUnsignedLong(be32(t + 4));
    items[7] = PyLong_FromUnsignedLong(be32(t + 8));
    items[8] = PyLong_FromLong((long)t[13]);
    return fields(items, 9);
}

/* -- a whole block of pcap records at once (scan_pcap) ------------------------------------ */

/* The types scan_pcap() makes, given once by use_types(): the reader's RawPacket (a named
 * tuple) and the network layer's UdpDatagram and TcpSegment (dataclasses with slots). Their
 * instances are filled slot by slot, in the order of the fields below; the Python side checks
 * that these are the dataclasses' fields, in order, when it hands the types over. */
static PyTypeObject *raw_type = NULL, *udp_type = NULL, *tcp_type = NULL;
static const char *const udp_fields[] = {"frame", "ts", "src", "sport", "dst", "dport", "source",
                                         "destination", "payload", "truncated", "frames", NULL};
static const char *const tcp_fields[] = {
    "frame",  "ts",  "src", "sport", "dst",   "dport",     "source",
    "destination", "seq", "ack", "flags", "payload", "truncated", "frames", NULL};
#define UDP_FIELDS 11
#define TCP_FIELDS 14
static Py_ssize_t udp_offsets[UDP_FIELDS], tcp_offsets[TCP_FIELDS];

/* Each field must be an object slot (a T_OBJECT_EX member descriptor) of ``type`` or of a
 * class it derives from: the slot's offset is then valid in every instance of ``type``. */
static int slot_offsets(PyTypeObject *type, const char *const *names, Py_ssize_t *offsets)
{
    for (int i = 0; names[i] != NULL; i++) {
        PyObject *d = PyObject_GetAttrString((PyObject *)type, names[i]);
        if (d == NULL) {
            PyErr_Format(PyExc_TypeError, "%s has no field %s", type->tp_name, names[i]);
            return -1;
        }
        PyMemberDescrObject *member = (PyMemberDescrObject *)d;
        int ok = Py_IS_TYPE(d, &PyMemberDescr_Type) && member->d_member->type == T_OBJECT_EX &&
                 PyType_IsSubtype(type, member->d_common.d_type);
        if (ok)
            offsets[i] = member->d_member->offset;
        Py_DECREF(d);
        if (!ok) {
            PyErr_Format(PyExc_TypeError, "%s.%s is not an object slot", type->tp_name, names[i]);
            return -1;
        }
    }
    return 0;
}

static PyObject *use_types(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3 || !PyType_Check(args[0]) || !PyType_Check(args[1]) ||
        !PyType_Check(args[2]) || !PyType_IsSubtype((PyTypeObject *)args[0], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError,
                        "use_types(RawPacket, UdpDatagram, TcpSegment): three classes");
        return NULL;
    }
    /* both checked before anything changes: a refused call leaves the classes in use as they were */
    Py_ssize_t udp[UDP_FIELDS], tcp[TCP_FIELDS];
    if (slot_offsets((PyTypeObject *)args[1], udp_fields, udp) < 0 ||
        slot_offsets((PyTypeObject *)args[2], tcp_fields, tcp) < 0)
        return NULL;
    memcpy(udp_offsets, udp, sizeof udp);
    memcpy(tcp_offsets, tcp, sizeof tcp);
    for (int i = 0; i < 3; i++)
        Py_INCREF(args[i]);
    Py_XSETREF(raw_type, (PyTypeObject *)args[0]);
    Py_XSETREF(udp_type, (PyTypeObject *)args[1]);
    Py_XSETREF(tcp_type, (PyTypeObject *)args[2]);
    Py_RETURN_NONE;
}

/* A new instance of a slots class, its slots set from ``values`` (new references, stolen; on
 * NULL among them, or a failed allocation, all are released and NULL is returned). */
static PyObject *filled(PyTypeObject *type, const Py_ssize_t *offsets, PyObject **values, int n)
{
    PyObject *out = NULL;
    for (int i = 0; i < n; i++)
        if (values[i] == NULL)
            goto fail;
    out = type->tp_alloc(type, 0);
    if (out == NULL)
        goto fail;
    for (int i = 0; i < n; i++)
        *(PyObject **)((char *)out + offsets[i]) = values[i];
    return out;
fail:
    for (int i = 0; i < n; i++)
        Py_XDECREF(values[i]);
    return NULL;
}

static inline PyObject *ref(PyObject *o)
{
    Py_XINCREF(o);
    return o;
}

/* The datagram or segment of a plain packet (see plain_packet), its frame and time given. */
static PyObject *transport_item(const uint8_t *d, const struct plain *p, PyObject *frame,
                                PyObject *ts)
{
    const uint8_t *h = p->ip, *t = p->transport;
    PyObject *source = endpoint(be32(h + 12), be16(t));
    PyObject *destination = endpoint(be32(h + 16), be16(t + 2));
    PyObject *sport = source ? ref(PyTuple_GET_ITEM(source, 1)) : NULL;
    PyObject *dport = destination ? ref(PyTuple_GET_ITEM(destination, 1)) : NULL;
    PyObject *frames = PyTuple_Pack(1, frame);
    PyObject *payload = PyBytes_FromStringAndSize((const char *)d + p->start, p->stop - p->start);
    if (p->proto == 17) {
        PyObject *values[UDP_FIELDS] = {ref(frame), ref(ts),     dotted(h + 12), sport,
                                        dotted(h + 16), dport,   source,         destination,
                                        payload,    ref(Py_False), frames};
        return filled(udp_type, udp_offsets, values, UDP_FIELDS);
    }
    PyObject *values[TCP_FIELDS] = {ref(frame),
                                    ref(ts),
                                    dotted(h + 12),
                                    sport,
                                    dotted(h + 16),
                                    dport,
                                    source,
                                    destination,
                                    PyLong_FromUnsignedLong(be32(t + 4)),
                                    PyLong_FromUnsignedLong(be32(t + 8)),
                                    PyLong_FromLong((long)t[13]),
                                    payload,
                                    ref(Py_False),
                                    frames};
    return filled(tcp_type, tcp_offsets, values, TCP_FIELDS);
}

static inline uint32_t u32(const uint8_t *p, int big)
{
    return big ? be32(p) : ((uint32_t)p[3] << 24) | ((uint32_t)p[2] << 16) |
                               ((uint32_t)p[1] << 8) | p[0];
}

/* What a scan hands back: one entry per record, the indices of those left to Python, and how
 * many plain UDP and TCP packets it decoded. */
struct batch {
    PyObject *entries, *slow;
    Py_ssize_t udp, tcp;
};

/* One record's entry: (frame, ts, wirelen, datagram or segment) for a plain packet, or else its
 * RawPacket(frame, ts, linktype, data, caplen, wirelen, interface), its index noted in slow. */
static int add_record(struct batch *b, const uint8_t *d, uint32_t caplen, uint32_t wirelen,
                      long linktype, long interface, long long frame, double time)
{
    PyObject *number = PyLong_FromLongLong(frame);
    PyObject *ts = PyFloat_FromDouble(time);
    PyObject *length = PyLong_FromUnsignedLong(wirelen);
    PyObject *entry = NULL;
    struct plain p;
    if (number == NULL || ts == NULL || length == NULL) {
        /* nothing: the error is set */
    } else if (plain_packet(d, (Py_ssize_t)caplen, linktype, &p)) {
        PyObject *item = transport_item(d, &p, number, ts);
        if (item != NULL) {
            PyObject *parts[4] = {ref(number), ref(ts), ref(length), item};
            entry = fields(parts, 4);
        }
        b->udp += p.proto == 17;
        b->tcp += p.proto == 6;
    } else {
        PyObject *index = PyLong_FromSsize_t(PyList_GET_SIZE(b->entries));
        entry = raw_type->tp_alloc(raw_type, 7);
        PyObject *values[7] = {ref(number),
                               ref(ts),
                               PyLong_FromLong(linktype),
                               PyBytes_FromStringAndSize((const char *)d, (Py_ssize_t)caplen),
                               PyLong_FromUnsignedLong(caplen),
                               ref(length),
                               PyLong_FromLong(interface)};
        int ok = entry != NULL && index != NULL && PyList_Append(b->slow, index) == 0;
        for (int i = 0; i < 7; i++)
            ok = ok && values[i] != NULL;
        Py_XDECREF(index);
        if (ok) {
            for (int i = 0; i < 7; i++)
                PyTuple_SET_ITEM(entry, i, values[i]);
        } else {
            for (int i = 0; i < 7; i++)
                Py_XDECREF(values[i]);
            Py_CLEAR(entry);
        }
    }
    Py_XDECREF(number);
    Py_XDECREF(ts);
    Py_XDECREF(length);
    if (entry == NULL || PyList_Append(b->entries, entry) < 0) {
        Py_XDECREF(entry);
        return -1;
    }
    Py_DECREF(entry);
    return 0;
}

static int batch_start(struct batch *b)
{
    b->entries = PyList_New(0);
    b->slow = PyList_New(0);
    b->udp = b->tcp = 0;
    return b->entries != NULL && b->slow != NULL ? 0 : -1;
}

static PyObject *batch_result(struct batch *b, int failed, Py_ssize_t pos, long long frame)
{
    if (failed) {
        Py_XDECREF(b->entries);
        Py_XDECREF(b->slow);
        return NULL;
    }
    return Py_BuildValue("(NnLNnn)", b->entries, pos, frame, b->slow, b->udp, b->tcp);
}

static int scan_ready(const char *name)
{
    if (endpoint_type == NULL || raw_type == NULL) {
        PyErr_Format(PyExc_RuntimeError, "%s() before use_endpoint() and use_types()", name);
        return 0;
    }
    return 1;
}

/* scan_pcap(buf, pos, record_size, big_endian, units, linktype, frame, max_record, count)
 *   -> (entries, pos, frame, slow, udp, tcp)
 *
 * Up to ``count`` whole records of ``buf`` from ``pos`` on, up to the first that is not wholly
 * there or whose captured length is above ``max_record`` (both left to the reader's general
 * path), as ByteStream.take_records finds them. ``frame`` is the number of the record before
 * the first. Entries are add_record's; ``pos`` and ``frame`` come back past the last record
 * taken. A record's time is sec + frac / units, computed as Python computes it from the same
 * integers (both below 2**53, so the quotient is the correctly rounded one either way). */
static PyObject *scan_pcap(PyObject *Py_UNUSED(module), PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 9 || !PyBytes_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError,
                        "scan_pcap(buf: bytes, pos, record_size, big_endian, units, linktype, "
                        "frame, max_record, count)");
        return NULL;
    }
    if (!scan_ready("scan_pcap"))
        return NULL;
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    Py_ssize_t size = PyLong_AsSsize_t(args[2]);
    int big = PyObject_IsTrue(args[3]);
    double units = PyFloat_AsDouble(args[4]);
    long linktype = PyLong_AsLong(args[5]);
    long long frame = PyLong_AsLongLong(args[6]);
    Py_ssize_t max_record = PyLong_AsSsize_t(args[7]);
    Py_ssize_t count = PyLong_AsSsize_t(args[8]);
    if (PyErr_Occurred())
        return NULL;
    if (pos < 0 || size < 16 || units <= 0) {
        PyErr_SetString(PyExc_ValueError, "scan_pcap(): pos >= 0, record_size >= 16, units > 0");
        return NULL;
    }
    const uint8_t *buf = (const uint8_t *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t end = PyBytes_GET_SIZE(args[0]);
    struct batch b;
    int failed = batch_start(&b);
    while (!failed && pos <= end - size && PyList_GET_SIZE(b.entries) < count) {
        const uint8_t *r = buf + pos;
        uint32_t sec = u32(r, big), frac = u32(r + 4, big);
        uint32_t caplen = u32(r + 8, big), wirelen = u32(r + 12, big);
        if ((Py_ssize_t)caplen > max_record || (Py_ssize_t)caplen > end - pos - size)
            break;
        double ts = (double)sec + (double)frac / units;
        failed = add_record(&b, r + size, caplen, wirelen, linktype, 0, frame + 1, ts);
        frame++;
        pos += size + (Py_ssize_t)caplen;
    }
    return batch_result(&b, failed, pos, frame);
}

#define EXACT_IN_DOUBLE (1ULL << 53)

/* scan_pcapng(buf, pos, big_endian, frame, max_record, count, interfaces)
 *   -> (entries, pos, frame, slow, udp, tcp)
 *
 * Up to ``count`` enhanced packet blocks lying whole in ``buf`` from ``pos`` on, with every
 * check the reader's in-place path makes (pcapng._Parser._buffered_packets), stopping at the
 * first block that is anything else or fails one, which is left to the reader. ``interfaces``
 * (a list, so the reader need not copy it per call) holds, per interface of the section, (linktype, units, offset_s), or None for one whose link
 * type is not decodable (its packets are left to the reader too, as are those of an interface
 * counting time in units of 2**53 or more). A packet's time is divmod(ticks, units) then
 * sec + frac / units + offset_s, computed as Python computes it from the same numbers. */
static PyObject *scan_pcapng(PyObject *Py_UNUSED(module), PyObject *const *args,
                             Py_ssize_t nargs)
{
    if (nargs != 7 || !PyBytes_Check(args[0]) || !PyList_Check(args[6])) {
        PyErr_SetString(PyExc_TypeError, "scan_pcapng(buf: bytes, pos, big_endian, frame, "
                                         "max_record, count, interfaces: list)");
        return NULL;
    }
    if (!scan_ready("scan_pcapng"))
        return NULL;
    Py_ssize_t pos = PyLong_AsSsize_t(args[1]);
    int big = PyObject_IsTrue(args[2]);
    long long frame = PyLong_AsLongLong(args[3]);
    Py_ssize_t max_record = PyLong_AsSsize_t(args[4]);
    Py_ssize_t count = PyLong_AsSsize_t(args[5]);
    PyObject *interfaces = args[6];
    if (PyErr_Occurred())
        return NULL;
    if (pos < 0) {
        PyErr_SetString(PyExc_ValueError, "scan_pcapng(): pos >= 0");
        return NULL;
    }
    const uint8_t *buf = (const uint8_t *)PyBytes_AS_STRING(args[0]);
    Py_ssize_t size = PyBytes_GET_SIZE(args[0]);
    struct batch b;
    int failed = batch_start(&b);
    while (!failed && pos <= size - 32 && PyList_GET_SIZE(b.entries) < count) {
        const uint8_t *r = buf + pos;
        uint32_t btype = u32(r, big), blen = u32(r + 4, big), iface = u32(r + 8, big);
        uint32_t hi = u32(r + 12, big), lo = u32(r + 16, big);
        uint32_t caplen = u32(r + 20, big), wirelen = u32(r + 24, big);
        if (btype != 6 || blen < 32 || (blen & 3) || (Py_ssize_t)blen > max_record ||
            (Py_ssize_t)blen > size - pos || (Py_ssize_t)iface >= PyList_GET_SIZE(interfaces) ||
            caplen > blen - 32 ||
            u32(r + blen - 4, big) != blen)
            break;
        PyObject *info = PyList_GET_ITEM(interfaces, (Py_ssize_t)iface);
        if (!PyTuple_Check(info) || PyTuple_GET_SIZE(info) != 3)
            break; /* None: not decodable */
        long linktype = PyLong_AsLong(PyTuple_GET_ITEM(info, 0));
        unsigned long long units = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(info, 1));
        double offset_s = PyFloat_AsDouble(PyTuple_GET_ITEM(info, 2));
        if (PyErr_Occurred()) {
            PyErr_Clear(); /* a value C does not hold (units of 2**64 and more): Python's */
            break;
        }
        if (units == 0 || units >= EXACT_IN_DOUBLE)
            break;
        unsigned long long ticks = ((unsigned long long)hi << 32) | lo;
        double ts = ((double)(ticks / units) + (double)(ticks % units) / (double)units) + offset_s;
        failed = add_record(&b, r + 28, caplen, wirelen, linktype, (long)iface, frame + 1, ts);
        frame++;
        pos += (Py_ssize_t)blen;
    }
    return batch_result(&b, failed, pos, frame);
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
    {"scan_pcap", (PyCFunction)(void (*)(void))scan_pcap, METH_FASTCALL,
     "Every whole pcap record of a block, decoded where plain (see the module)."},
    {"scan_pcapng", (PyCFunction)(void (*)(void))scan_pcapng, METH_FASTCALL,
     "Every whole enhanced packet block of a block, decoded where plain (see the module)."},
    {"use_types", (PyCFunction)(void (*)(void))use_types, METH_FASTCALL,
     "The RawPacket, UdpDatagram and TcpSegment classes scan_pcap() makes."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "skypeflux.capture.net._fastnet",
    .m_doc = "The common case of the network decoder in C (NetDecoder uses it when built).",
    .m_size = 0,
    .m_methods = methods,
};

/* The field orders scan_pcap() fills, as module constants: the Python side compares them with
 * the dataclasses' fields before it hands the classes over. */
static PyObject *names_tuple(const char *const *names)
{
    Py_ssize_t n = 0;
    while (names[n] != NULL)
        n++;
    PyObject *out = PyTuple_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        PyObject *name = PyUnicode_FromString(names[i]);
        if (name == NULL) {
            Py_CLEAR(out);
            break;
        }
        PyTuple_SET_ITEM(out, i, name);
    }
    return out;
}

PyMODINIT_FUNC PyInit__fastnet(void)
{
    PyObject *m = PyModule_Create(&module);
    if (m == NULL)
        return NULL;
    PyObject *udp = names_tuple(udp_fields), *tcp = names_tuple(tcp_fields);
    int ok = udp != NULL && tcp != NULL && PyModule_AddObjectRef(m, "UDP_FIELDS", udp) == 0 &&
             PyModule_AddObjectRef(m, "TCP_FIELDS", tcp) == 0;
    Py_XDECREF(udp);
    Py_XDECREF(tcp);
    if (!ok) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
