"""Read pcap and pcapng files, packet by packet, from a path, a file object or standard input.

Why our own readers and not ``dpkt.pcap.Reader`` / ``dpkt.pcapng.Reader``: dpkt's pcapng reader
keeps only the first interface description block (so several interfaces, their link types and
``if_tsresol`` per interface are lost), ignores simple packet blocks and a second section, and its
pcap reader hands back a short last record as if it were complete. Telling a user "the file is
cut, here is what was read" needs control over every read, and the two formats are small (about
100 lines each here). Reading in large blocks and slicing records out with ``struct.unpack_from``
is also faster than a read call per header and per packet.

The format is recognised by its first four bytes, never by the file name. Nothing is read twice
and nothing seeks, so a pipe or standard input works like a file; memory holds one read block.

Only a bad *file header* raises (:class:`CaptureError`): then nothing in the file can be trusted.
A record that is cut or corrupt later on ends the iteration instead, with ``truncated`` set and a
``warning`` that says what was wrong and where, because the packets before it are good and a
caller that has buffered work for them (reassembly, pairing) must get the chance to finish it.
"""

from __future__ import annotations

import io
import os
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO, cast

from skypeflux.capture.errors import CaptureError

# Link-layer header types (tcpdump.org/linktypes.html) this package can decode, and names for the
# ones it cannot, so an error can say what the file holds instead of a bare number.
LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW_DLT12 = 12  # DLT_RAW on most BSDs and Linux
LINKTYPE_RAW_DLT14 = 14  # DLT_RAW on OpenBSD
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276

DECODABLE_LINKTYPES = frozenset(
    {
        LINKTYPE_NULL,
        LINKTYPE_ETHERNET,
        LINKTYPE_RAW_DLT12,
        LINKTYPE_RAW_DLT14,
        LINKTYPE_RAW,
        LINKTYPE_LOOP,
        LINKTYPE_LINUX_SLL,
        LINKTYPE_IPV4,
        LINKTYPE_IPV6,
        LINKTYPE_LINUX_SLL2,
    }
)

LINKTYPE_NAMES: dict[int, str] = {
    0: "NULL (BSD loopback)",
    1: "ETHERNET",
    6: "IEEE802_5 (Token Ring)",
    9: "PPP",
    10: "FDDI",
    12: "RAW (IP)",
    14: "RAW (IP)",
    50: "PPP_HDLC",
    51: "PPP_ETHER (PPPoE)",
    101: "RAW (IP)",
    104: "C_HDLC (Cisco HDLC)",
    105: "IEEE802_11 (Wi-Fi)",
    108: "LOOP (OpenBSD loopback)",
    113: "LINUX_SLL (Linux cooked)",
    119: "PRISM (Wi-Fi)",
    127: "IEEE802_11_RADIOTAP (Wi-Fi)",
    187: "BLUETOOTH_HCI_H4",
    189: "USB_LINUX",
    192: "PPI",
    195: "IEEE802_15_4",
    201: "BLUETOOTH_HCI_H4_WITH_PHDR",
    220: "USB_LINUX_MMAPPED",
    228: "IPV4",
    229: "IPV6",
    239: "NFLOG",
    249: "USBPCAP",
    252: "WIRESHARK_UPPER_PDU",
    276: "LINUX_SLL2 (Linux cooked v2)",
}


def linktype_name(linktype: int) -> str:
    """``"105 (IEEE802_11 (Wi-Fi))"``: the number a user can look up, and what it means."""
    if 147 <= linktype <= 162:
        return f"{linktype} (USER{linktype - 147}, private use)"
    return f"{linktype} ({LINKTYPE_NAMES.get(linktype, 'unknown')})"


@dataclass(frozen=True, slots=True)
class RawPacket:
    """One captured packet as stored in the file, before any decoding.

    ``frame`` counts packets from 1 in file order, as Wireshark numbers them, so a frame number
    printed by this tool finds the same packet in Wireshark. ``caplen < wirelen`` means the
    capture's snap length cut the packet.
    """

    frame: int
    ts: float
    linktype: int
    data: bytes
    caplen: int
    wirelen: int
    interface: int = 0


# A record larger than this is taken as corruption rather than allocated (real snap lengths are
# at most 256 KiB; this leaves room for odd writers).
MAX_RECORD = 64 * 1024 * 1024
_BLOCK = 1 << 20

_PCAP_MAGICS: dict[bytes, tuple[str, int, int]] = {
    # first four bytes -> (struct byte order, sub-second units per second, record header size)
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000, 16),
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000, 16),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000, 16),
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000, 16),
    # Kuznetsov's "modified" pcap (old Red Hat tcpdump): 8 more bytes after each record header
    b"\x34\xcd\xb2\xa1": ("<", 1_000_000, 24),
    b"\xa1\xb2\xcd\x34": (">", 1_000_000, 24),
}
_PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"


class _Stream:
    """Sequential bytes from a file object, read in large blocks; knows its file offset."""

    __slots__ = ("_buf", "_pos", "_read", "offset")

    def __init__(self, fh: BinaryIO) -> None:
        # read1 returns what is available instead of waiting for a whole block, so packets from
        # a live pipe (tcpdump -w - | ...) come out as they arrive.
        self._read = getattr(fh, "read1", fh.read)
        self._buf = b""
        self._pos = 0
        self.offset = 0  # file offset of the next byte take() returns

    def take(self, n: int) -> bytes:
        """The next ``n`` bytes, or fewer only at end of file."""
        end = self._pos + n
        if end <= len(self._buf):
            out = self._buf[self._pos : end]
            self._pos = end
            self.offset += n
            return out
        parts = [self._buf[self._pos :]]
        have = len(parts[0])
        while have < n:
            block = self._read(max(_BLOCK, n - have))
            if not block:
                break
            parts.append(block)
            have += len(block)
        joined = b"".join(parts)
        out = joined[:n]
        self._buf = joined
        self._pos = len(out)
        self.offset += len(out)
        return out


def _hex_preview(data: bytes) -> str:
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in data)
    return f"{data.hex(' ')} ({text!r})"


class _Corruption(Exception):
    """A record that cannot be right; internal, turned into a warning or a CaptureError."""

    def __init__(self, what: str, offset: int) -> None:
        super().__init__(what)
        self.what = what
        self.offset = offset


class CaptureReader:
    """Iterates over the packets of one pcap or pcapng capture.

    Open it with :func:`open_capture`. After iteration, ``truncated`` says whether reading stopped
    before the end of the file (a cut or corrupt record; the packets before it were all
    delivered), ``stopped_at`` the byte offset of that record and ``warning`` says so in words.

    pcapng interfaces of a link type we cannot decode are skipped only with ``skip_unsupported``:
    ``skipped_linktypes`` counts their packets per link type, and ``has_decodable_interface`` says
    whether the file had anything else, so a caller can explain an empty result
    (:meth:`unsupported_note`).
    """

    def __init__(
        self,
        fh: BinaryIO,
        name: str,
        *,
        owns_file: bool,
        skip_unsupported: bool = False,
    ) -> None:
        self.name = name
        self.packets_read = 0
        self.truncated = False
        self.warning: str | None = None
        self.stopped_at: int | None = None  # byte offset of the cut or corrupt record
        self.skipped_unsupported = 0  # packets on interfaces whose link type we cannot decode
        self.skipped_linktypes: dict[int, int] = {}  # link type -> packets skipped
        self.has_decodable_interface = False  # any interface (pcap: the file) we can decode
        self._fh = fh
        self._owns = owns_file
        self._skip_unsupported = skip_unsupported
        self._src = _Stream(fh)
        magic = self._src.take(4)
        if not magic:
            raise CaptureError(f"{name}: empty file, not a packet capture", offset=0)
        if magic in _PCAP_MAGICS:
            self.format = "pcap"
            self._packets = self._pcap(magic)
        elif magic == _PCAPNG_SHB:
            self.format = "pcapng"
            self._packets = self._pcapng()
        else:
            more = magic + self._src.take(12)
            raise CaptureError(
                f"{name}: not a pcap or pcapng capture; it starts with {_hex_preview(more)}",
                offset=0,
            )
        self.linktypes: list[int] = []  # per interface, in interface-id order
        # Run the generator to its first yield point so header errors surface from open_capture.
        self._first: RawPacket | None = None
        self._started = False
        self._first = next(self._packets, None)

    # -- public ---------------------------------------------------------------------------

    def __iter__(self) -> Iterator[RawPacket]:
        if self._started:
            raise CaptureError(f"{self.name}: a capture can be iterated only once")
        self._started = True
        if self._first is not None:
            yield self._first
            self._first = None
        yield from self._packets

    @property
    def bytes_read(self) -> int:
        """Bytes consumed from the file so far (for progress against the file size)."""
        return self._src.offset

    def unsupported_note(self) -> str | None:
        """A sentence about skipped packets (``None`` when none were skipped), naming their link
        types; it says when they were *all* the packets, which explains an empty decode."""
        if not self.skipped_unsupported:
            return None
        kinds = ", ".join(
            f"{count} on {linktype_name(linktype)}"
            for linktype, count in sorted(self.skipped_linktypes.items())
        )
        total = self.skipped_unsupported
        if total == self.packets_read:
            lead = f"all {total} packets" if total > 1 else "the only packet"
            return f"{self.name}: {lead} were on link types this tool cannot decode ({kinds})"
        return (
            f"{self.name}: {total} of {self.packets_read} packets skipped, on link types this "
            f"tool cannot decode ({kinds})"
        )

    def close(self) -> None:
        if self._owns:
            self._fh.close()

    def __enter__(self) -> CaptureReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ------------------------------------------------------------------------

    def _unsupported(self, linktype: int, offset: int) -> CaptureError:
        return CaptureError(
            f"{self.name}: unsupported link type {linktype_name(linktype)}; this tool decodes "
            "Ethernet, Linux cooked (SLL, SLL2), raw IP and BSD loopback captures",
            offset=offset,
            packets_read=self.packets_read,
        )

    def _cut(self, what: str, offset: int, have: int, want: int) -> None:
        self.truncated = True
        self.stopped_at = offset
        self.warning = (
            f"{self.name}: file is truncated: {what} at byte {offset} has {have} of {want} "
            f"bytes; {self.packets_read} complete packets were read before it"
        )

    def _stop_corrupt(self, problem: _Corruption) -> None:
        """Corruption after the file header: keep what was read, say where reading stopped."""
        self.truncated = True
        self.stopped_at = problem.offset
        self.warning = (
            f"{self.name}: corrupt capture: {problem.what} at byte {problem.offset} "
            f"(packet {self.packets_read + 1}); reading stopped there, "
            f"{self.packets_read} complete packets were read before it"
        )

    def _header_error(self, problem: _Corruption) -> CaptureError:
        return CaptureError(
            f"{self.name}: corrupt capture: {problem.what} at byte {problem.offset} "
            "(in the file header: nothing could be read)",
            offset=problem.offset,
        )

    def _pcap(self, magic: bytes) -> Iterator[RawPacket]:
        order, units, rec_size = _PCAP_MAGICS[magic]
        src = self._src
        rest = src.take(20)
        if len(rest) < 20:
            raise CaptureError(
                f"{self.name}: truncated file: the pcap file header needs 24 bytes, "
                f"only {4 + len(rest)} present (0 packets read)",
                offset=0,
            )
        _vmaj, _vmin, _zone, _sigfigs, _snaplen, network = struct.unpack(order + "HHiIII", rest)
        linktype = network & 0xFFFF  # the upper bits may describe an FCS, not the link type
        self.linktypes = [linktype]
        if linktype not in DECODABLE_LINKTYPES:  # one link type for the whole file: say so now
            raise self._unsupported(linktype, 20)
        self.has_decodable_interface = True
        rec = struct.Struct(order + "IIII")
        frame = 0
        while True:
            at = src.offset
            head = src.take(rec_size)
            if len(head) < rec_size:
                if head:
                    self._cut("record header", at, len(head), rec_size)
                return
            sec, frac, caplen, wirelen = rec.unpack_from(head)
            if caplen > MAX_RECORD:
                self._stop_corrupt(_Corruption(f"record length {caplen}", at))
                return
            data = src.take(caplen)
            if len(data) < caplen:
                self._cut(f"packet {frame + 1}", at, len(data), caplen)
                return
            frame += 1
            self.packets_read = frame
            yield RawPacket(frame, sec + frac / units, linktype, data, caplen, wirelen)

    def _pcapng(self) -> Iterator[RawPacket]:
        try:
            yield from self._pcapng_blocks()
        except _Corruption as problem:
            if problem.offset == 0:  # the first section header is the file header
                raise self._header_error(problem) from None
            self._stop_corrupt(problem)

    def _pcapng_blocks(self) -> Iterator[RawPacket]:
        """The packets of a pcapng file; raises :class:`_Corruption` where the blocks stop
        making sense."""
        src = self._src
        order = "<"
        # per interface: (linktype, snaplen, units per second, offset seconds, decodable)
        interfaces: list[tuple[int, int, int, float, bool]] = []
        frame = 0
        first = True
        while True:
            at = src.offset - 4 if first else src.offset
            head = _PCAPNG_SHB + src.take(8) if first else src.take(12)
            if first and len(head) < 12:
                raise CaptureError(
                    f"{self.name}: truncated file: the pcapng section header is cut after "
                    f"{len(head)} bytes (0 packets read)",
                    offset=0,
                )
            first = False
            if len(head) < 12:
                if head:
                    self._cut("block header", at, len(head), 12)
                return
            btype = struct.unpack_from(order + "I", head)[0]
            if btype == 0x0A0D0D0A:  # a section header (re)defines the byte order
                bom = head[8:12]
                if bom == b"\x4d\x3c\x2b\x1a":
                    order = "<"
                elif bom == b"\x1a\x2b\x3c\x4d":
                    order = ">"
                else:
                    raise _Corruption(f"section header byte-order mark {bom.hex()}", at)
                interfaces = []  # interface ids restart in every section
                self.linktypes = []
            blen = struct.unpack_from(order + "I", head, 4)[0]
            if blen < 12 or blen % 4 or blen > MAX_RECORD:
                raise _Corruption(f"block length {blen}", at)
            body = head[8:] + src.take(blen - 12)
            if len(body) < blen - 8:
                self._cut(f"block of type 0x{btype:x}", at, 8 + len(body), blen)
                return
            if struct.unpack_from(order + "I", body, blen - 12)[0] != blen:
                raise _Corruption("block whose trailing length does not match", at)
            if btype == 0x0A0D0D0A:
                major = struct.unpack_from(order + "H", body, 4)[0]
                if major != 1:
                    raise _Corruption(f"pcapng version {major} section", at)
            elif btype == 1:  # interface description
                linktype, _res, snaplen = struct.unpack_from(order + "HHI", body)
                units, offset_s = _idb_time_options(body, 8, blen - 12, order)
                ok = linktype in DECODABLE_LINKTYPES
                self.has_decodable_interface |= ok
                interfaces.append((linktype, snaplen, units, offset_s, ok))
                self.linktypes.append(linktype)
            elif btype in (6, 2, 3):  # enhanced, obsolete and simple packet blocks
                if btype == 6:
                    iface, hi, lo, caplen, wirelen = struct.unpack_from(order + "IIIII", body)
                    start = 20
                elif btype == 2:
                    iface, _drops, hi, lo, caplen, wirelen = struct.unpack_from(
                        order + "HHIIII", body
                    )
                    start = 20
                else:
                    iface, hi, lo = 0, 0, 0
                    wirelen = struct.unpack_from(order + "I", body)[0]
                    start = 4
                    caplen = min(wirelen, blen - 16)
                    if interfaces and interfaces[0][1]:
                        caplen = min(caplen, interfaces[0][1])
                if iface >= len(interfaces):
                    raise _Corruption(f"packet on undeclared interface {iface}", at)
                if start + caplen > blen - 12:
                    raise _Corruption(f"packet length {caplen} beyond its block", at)
                linktype, _snap, units, offset_s, ok = interfaces[iface]
                if not ok:
                    if not self._skip_unsupported:
                        raise self._unsupported(linktype, at)
                    frame += 1
                    self.packets_read = frame  # read, not delivered: frame numbers stay true
                    self.skipped_unsupported += 1
                    skipped = self.skipped_linktypes
                    skipped[linktype] = skipped.get(linktype, 0) + 1
                    continue
                frame += 1
                self.packets_read = frame
                sec, frac = divmod((hi << 32) | lo, units)
                yield RawPacket(
                    frame,
                    sec + frac / units + offset_s,
                    linktype,
                    body[start : start + caplen],
                    caplen,
                    wirelen,
                    iface,
                )
            # name resolution, statistics, decryption secrets, custom blocks: not needed


def _idb_time_options(body: bytes, pos: int, end: int, order: str) -> tuple[int, float]:
    """Timestamp units per second (``if_tsresol``) and offset (``if_tsoffset``) of an interface."""
    units = 1_000_000
    offset_s = 0.0
    while pos + 4 <= end:
        code, length = struct.unpack_from(order + "HH", body, pos)
        pos += 4
        if code == 0:
            break
        value = body[pos : pos + length]
        if code == 9 and length >= 1:
            res = value[0]
            units = 2 ** (res & 0x7F) if res & 0x80 else 10 ** (res & 0x7F)
        elif code == 14 and length >= 8:
            offset_s = float(struct.unpack_from(order + "q", value)[0])
        pos += (length + 3) & ~3
    return units, offset_s


Source = str | os.PathLike[str] | BinaryIO


def open_capture(source: Source, *, skip_unsupported: bool = False) -> CaptureReader:
    """Open a pcap/pcapng capture from a path, ``"-"`` (standard input) or a binary file object.

    Header problems (missing file, not a capture, unsupported pcap link type) raise
    :class:`CaptureError` here, before any packet is read. With ``skip_unsupported`` packets on
    pcapng interfaces of an undecodable link type are counted and skipped instead of raising; a
    pcap file has one link type, so an undecodable one always raises.
    """
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path == "-":
            return CaptureReader(
                _buffered(sys.stdin.buffer),
                "<stdin>",
                owns_file=False,
                skip_unsupported=skip_unsupported,
            )
        try:
            fh = open(path, "rb")  # noqa: SIM115 - the reader owns and closes it
        except FileNotFoundError:
            raise CaptureError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CaptureError(f"{path}: is a directory, not a capture file") from None
        except OSError as exc:
            raise CaptureError(f"{path}: cannot open: {exc.strerror}") from None
        try:
            return CaptureReader(fh, path, owns_file=True, skip_unsupported=skip_unsupported)
        except BaseException:
            fh.close()
            raise
    name = str(getattr(source, "name", f"<{type(source).__name__}>"))
    return CaptureReader(
        _buffered(source), name, owns_file=False, skip_unsupported=skip_unsupported
    )


def read_packets(source: Source, *, skip_unsupported: bool = False) -> Iterator[RawPacket]:
    """Every packet of a capture; a cut or corrupt record just ends the iteration.

    Use :func:`open_capture` instead when the caller must report truncation.
    """
    with open_capture(source, skip_unsupported=skip_unsupported) as reader:
        yield from reader


def _buffered(fh: BinaryIO) -> BinaryIO:
    """Raw (unbuffered) streams such as a pipe's FileIO may return short reads: buffer them."""
    if isinstance(fh, io.RawIOBase):
        return cast(BinaryIO, io.BufferedReader(fh))
    return fh
