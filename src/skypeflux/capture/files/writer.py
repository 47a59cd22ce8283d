"""Write pcap and pcapng files: the other half of :mod:`skypeflux.capture.files.reader`.

The product's one writer: the synthesizer (``skypeflux synth``), the tests and the pcapng
export all write through it, so what the reader accepts and what the project writes are
described once. Two formats:

* **pcap** (:class:`PcapWriter`): one link type and one snap length for the whole file,
  micro- or nanosecond timestamps, either byte order.
* **pcapng** (:class:`PcapngWriter`): a section header, then any number of interfaces, each
  with its own link type, snap length and timestamp resolution (``if_tsresol``), and enhanced
  packet blocks with an optional comment. Interfaces may be added between packets.

A packet longer than its interface's snap length is cut to it, and the record keeps the
original length, exactly as a capturing tool does; ``wirelen`` may also be given to describe a
packet that was already cut before it reached the writer. Writers take any binary file object
and never seek, so they can write to a pipe.
"""

from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import BinaryIO, Literal

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.linktypes import LINKTYPE_ETHERNET

DEFAULT_SNAPLEN = 262144  # what tcpdump and dumpcap use today
ByteOrder = Literal["<", ">"]
CaptureFormat = Literal["pcap", "pcapng"]

_PCAP_MAGIC_US = 0xA1B2C3D4
_PCAP_MAGIC_NS = 0xA1B23C4D

_SHB = 0x0A0D0D0A
_IDB = 0x00000001
_EPB = 0x00000006
_BYTE_ORDER_MAGIC = 0x1A2B3C4D
_OPT_END = 0
_OPT_COMMENT = 1
_SHB_USERAPPL = 4
_IF_NAME = 2
_IF_TSRESOL = 9


@dataclass(frozen=True, slots=True)
class Packet:
    """One packet to write: when it was seen, its link-layer bytes, and where.

    ``wirelen`` is the length the packet had on the wire when ``data`` is already cut (``None``:
    ``len(data)``); ``interface`` is a pcapng interface index (pcap has only 0).
    """

    ts: Timestamp
    data: bytes
    wirelen: int | None = None
    interface: int = 0
    comment: str | None = None


def _check_snaplen(snaplen: int) -> int:
    if not 0 < snaplen <= 0x7FFFFFFF:
        raise CaptureError(f"snap length {snaplen} out of range (1..2147483647)")
    return snaplen


Timestamp = float | Fraction | Decimal
"""Seconds since 1970; a float is exact to about a microsecond, a ``Fraction`` or ``Decimal``
to any resolution (nanosecond files)."""


def _units(ts: Timestamp, per_second: int) -> int:
    if ts < 0:
        raise CaptureError(f"timestamp {ts} is before 1970")
    return round(ts * per_second)


def _cut(data: bytes, wirelen: int | None, snaplen: int) -> tuple[bytes, int]:
    """The bytes a capture with this snap length keeps, and the packet's length on the wire."""
    wire = len(data) if wirelen is None else wirelen
    if wire < len(data):
        raise CaptureError(f"wire length {wire} is shorter than the {len(data)} bytes given")
    return data[:snaplen], wire


class PcapWriter:
    """A classic pcap file: ``PcapWriter(fh, linktype=1).write(frame, ts)``."""

    def __init__(
        self,
        fh: BinaryIO,
        *,
        linktype: int = LINKTYPE_ETHERNET,
        snaplen: int = DEFAULT_SNAPLEN,
        nanoseconds: bool = False,
        byte_order: ByteOrder = "<",
    ) -> None:
        self._fh = fh
        self.linktype = linktype
        self.snaplen = _check_snaplen(snaplen)
        self._per_second = 1_000_000_000 if nanoseconds else 1_000_000
        self._order = byte_order
        self._record = struct.Struct(byte_order + "IIII")
        magic = _PCAP_MAGIC_NS if nanoseconds else _PCAP_MAGIC_US
        fh.write(struct.pack(byte_order + "IHHiIII", magic, 2, 4, 0, 0, self.snaplen, linktype))
        self.packets = 0

    def write(self, data: bytes, ts: Timestamp, *, wirelen: int | None = None) -> None:
        """One record; ``data`` beyond the snap length is cut and ``wirelen`` kept."""
        kept, wire = _cut(bytes(data), wirelen, self.snaplen)
        units = _units(ts, self._per_second)
        seconds, sub = divmod(units, self._per_second)
        if seconds > 0xFFFFFFFF:
            raise CaptureError(f"timestamp {ts} does not fit a pcap record")
        self._fh.write(self._record.pack(seconds, sub, len(kept), wire) + kept)
        self.packets += 1

    def write_packet(self, packet: Packet) -> None:
        if packet.interface != 0:
            raise CaptureError("a pcap file has one interface; use pcapng for several")
        self.write(packet.data, packet.ts, wirelen=packet.wirelen)


@dataclass(frozen=True, slots=True)
class Interface:
    """A pcapng interface description: link type, snap length, clock resolution, name."""

    linktype: int = LINKTYPE_ETHERNET
    snaplen: int = DEFAULT_SNAPLEN
    tsresol: int = 6
    """Timestamp units are ``10**-tsresol`` seconds (6: microseconds, 9: nanoseconds)."""
    name: str | None = None


class PcapngWriter:
    """A pcapng file with one section and as many interfaces as :meth:`add_interface` makes."""

    def __init__(
        self,
        fh: BinaryIO,
        interfaces: Iterable[Interface] = (),
        *,
        application: str | None = "skypeflux",
        byte_order: ByteOrder = "<",
    ) -> None:
        self._fh = fh
        self._order = byte_order
        self.interfaces: list[Interface] = []
        self.packets = 0
        options = b""
        if application:
            options = self._option(_SHB_USERAPPL, application.encode()) + self._option(_OPT_END)
        # version 1.0, section length unknown (-1): nothing is ever seeked back to fill it in
        body = struct.pack(byte_order + "IHHq", _BYTE_ORDER_MAGIC, 1, 0, -1) + options
        self._block(_SHB, body)
        for interface in interfaces:
            self.add_interface(interface)

    def add_interface(self, iface: Interface = Interface()) -> int:
        """Describe one more interface; the index its packets are written with."""
        _check_snaplen(iface.snaplen)
        if not 0 <= iface.tsresol <= 18:
            raise CaptureError(f"if_tsresol 10**-{iface.tsresol} not supported (0..18)")
        options = b""
        if iface.name:
            options += self._option(_IF_NAME, iface.name.encode())
        if iface.tsresol != 6:  # 6 is the default a reader assumes
            options += self._option(_IF_TSRESOL, bytes([iface.tsresol]))
        if options:
            options += self._option(_OPT_END)
        body = struct.pack(self._order + "HHI", iface.linktype, 0, iface.snaplen) + options
        self._block(_IDB, body)
        self.interfaces.append(iface)
        return len(self.interfaces) - 1

    def write(
        self,
        data: bytes,
        ts: Timestamp,
        *,
        interface: int = 0,
        wirelen: int | None = None,
        comment: str | None = None,
    ) -> None:
        """One enhanced packet block on ``interface`` (cut to its snap length)."""
        if not 0 <= interface < len(self.interfaces):
            if not self.interfaces and interface == 0:
                self.add_interface(Interface())
            else:
                raise CaptureError(f"interface {interface} was never described")
        iface = self.interfaces[interface]
        kept, wire = _cut(bytes(data), wirelen, iface.snaplen)
        units = _units(ts, 10**iface.tsresol)
        if units >> 64:
            raise CaptureError(f"timestamp {ts} does not fit a pcapng block")
        head = struct.pack(
            self._order + "IIIII", interface, units >> 32, units & 0xFFFFFFFF, len(kept), wire
        )
        body = head + kept + b"\x00" * (-len(kept) % 4)
        if comment:
            body += self._option(_OPT_COMMENT, comment.encode()) + self._option(_OPT_END)
        self._block(_EPB, body)
        self.packets += 1

    def write_packet(self, packet: Packet) -> None:
        self.write(
            packet.data,
            packet.ts,
            interface=packet.interface,
            wirelen=packet.wirelen,
            comment=packet.comment,
        )

    def _option(self, code: int, value: bytes = b"") -> bytes:
        pad = b"\x00" * (-len(value) % 4)
        return struct.pack(self._order + "HH", code, len(value)) + value + pad

    def _block(self, btype: int, body: bytes) -> None:
        total = 12 + len(body)
        frame = struct.Struct(self._order + "II")
        self._fh.write(frame.pack(btype, total) + body + struct.pack(self._order + "I", total))


def write_capture(
    dest: str | os.PathLike[str] | BinaryIO,
    packets: Iterable[Packet],
    *,
    format: CaptureFormat = "pcap",
    interfaces: Iterable[Interface] = (Interface(),),
) -> int:
    """Write ``packets`` to a path or binary file; the number written.

    pcap takes its link type and snap length from the first (only) interface.
    """
    if isinstance(dest, str | os.PathLike):
        with open(dest, "wb") as fh:
            return write_capture(fh, packets, format=format, interfaces=interfaces)
    ifaces = list(interfaces)
    writer: PcapWriter | PcapngWriter
    if format == "pcap":
        if len(ifaces) != 1:
            raise CaptureError(f"a pcap file has exactly one interface, not {len(ifaces)}")
        (iface,) = ifaces
        if iface.tsresol not in (6, 9):
            raise CaptureError("pcap records time in micro- or nanoseconds only")
        writer = PcapWriter(
            dest,
            linktype=iface.linktype,
            snaplen=iface.snaplen,
            nanoseconds=iface.tsresol == 9,
        )
    elif format == "pcapng":
        writer = PcapngWriter(dest, ifaces)
    else:
        raise CaptureError(f"unknown capture format {format!r}; expected pcap or pcapng")
    for packet in packets:
        writer.write_packet(packet)
    return writer.packets


def capture_bytes(
    packets: Iterable[Packet],
    *,
    format: CaptureFormat = "pcap",
    interfaces: Iterable[Interface] = (Interface(),),
) -> bytes:
    """The whole capture file in memory (for a demo or a test that needs no file)."""
    out = io.BytesIO()
    write_capture(out, packets, format=format, interfaces=interfaces)
    return out.getvalue()


def format_for_path(path: str | os.PathLike[str]) -> CaptureFormat:
    """``pcapng`` for a name ending in ``.pcapng`` or ``.ntar``, else ``pcap``."""
    name = os.fspath(path).lower()
    return "pcapng" if name.endswith((".pcapng", ".ntar")) else "pcap"
