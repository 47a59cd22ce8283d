"""The pcapng format: a sequence of typed blocks in sections; each section header sets the byte
order and restarts the interface numbering, each interface description gives a link type and a
timestamp resolution, and packet blocks (enhanced, simple, obsolete) refer to an interface.

Name resolution, statistics, decryption secrets and custom blocks are skipped: nothing here
needs them.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import islice

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.linktypes import DECODABLE_LINKTYPES
from skypeflux.capture.files.stream import (
    BATCH_PACKETS,
    MAX_RECORD,
    Batch,
    BlockScan,
    ByteStream,
    Corruption,
    RawPacket,
    ReadState,
    ScanInterfaces,
)

PCAPNG_SHB = b"\x0a\x0d\x0d\x0a"
_SHB_TYPE = 0x0A0D0D0A
_IDB_TYPE = 1
_EPB_TYPE = 6  # enhanced packet block
_OPB_TYPE = 2  # obsolete packet block
_SPB_TYPE = 3  # simple packet block
_BOM_LITTLE = b"\x4d\x3c\x2b\x1a"
_BOM_BIG = b"\x1a\x2b\x3c\x4d"
_OPT_END, _OPT_TSRESOL, _OPT_TSOFFSET = 0, 9, 14
# Interface descriptions a section may hold. Each one is kept for the packets that name it, so a
# file of nothing but descriptions would otherwise grow memory with its size (about 180 bytes
# each); real captures have a handful, and a capturing host no more than some thousands.
MAX_INTERFACES = 65536
# Smallest total length of each block type: 12 bytes of framing plus its fixed fields. A shorter
# block is corruption (not a packet of negative length, not a "version 16" section).
_MIN_BLOCK = {_SHB_TYPE: 28, _IDB_TYPE: 20, _EPB_TYPE: 32, _OPB_TYPE: 32, _SPB_TYPE: 16}
_BLOCK_NAMES = {
    _SHB_TYPE: "section header",
    _IDB_TYPE: "interface description",
    _EPB_TYPE: "enhanced packet block",
    _OPB_TYPE: "obsolete packet block",
    _SPB_TYPE: "simple packet block",
}


@dataclass(frozen=True, slots=True)
class Interface:
    """One interface description block: what its packets are and how their time is counted."""

    linktype: int
    snaplen: int
    units: int  # timestamp units per second (if_tsresol)
    offset_s: float  # seconds added to every timestamp (if_tsoffset)
    decodable: bool  # a link type this tool can decode

    def packet(
        self, frame: int, ticks: int, data: bytes, caplen: int, wirelen: int, index: int
    ) -> RawPacket:
        """Packet ``frame`` of this interface (number ``index``), time stamped ``ticks``."""
        sec, frac = divmod(ticks, self.units)
        return RawPacket(
            frame, sec + frac / self.units + self.offset_s, self.linktype, data, caplen, wirelen,
            index,
        )  # fmt: skip


def pcapng_batches(src: ByteStream, state: ReadState, *, skip_unsupported: bool) -> Iterator[Batch]:
    """The packets after the first section header's four-byte type (already read from ``src``),
    in lists of :class:`RawPacket`: those lying whole in the block already read, or one.

    Corruption in the first section header raises :class:`CaptureError`; later on it ends the
    iteration with ``state`` saying where and why.
    """
    parser = _Parser(src, state, skip_unsupported)
    try:
        yield from parser.batches()
    except Corruption as problem:
        if problem.offset == 0:  # the first section header is the file header
            raise state.header_error(problem) from None
        state.stop_corrupt(problem)


class _Parser:
    """Block by block; raises :class:`Corruption` where the blocks stop making sense."""

    def __init__(self, src: ByteStream, state: ReadState, skip_unsupported: bool) -> None:
        self._src = src
        self._state = state
        self._skip_unsupported = skip_unsupported
        self._order = "<"
        self._interfaces: list[Interface] = []
        self._scan_interfaces: ScanInterfaces = []  # the same, as a BlockScan takes them
        self._frame = state.frame_base  # the number of the packet last read

    def batches(self) -> Iterator[Batch]:
        first = True
        while True:
            if not first:
                yield from self._in_place()
            block = self._read_block(first)
            first = False
            if block is None:
                return
            btype, body, at = block
            if btype == _SHB_TYPE:
                major = struct.unpack_from(self._order + "H", body, 4)[0]
                if major != 1:
                    raise Corruption(f"pcapng version {major} section", at)
            elif btype == _IDB_TYPE:
                self._interface(body, at)
            elif btype in (_EPB_TYPE, _OPB_TYPE, _SPB_TYPE):
                packet = self._packet(btype, body, at)
                if packet is not None:
                    yield False, [packet]

    def _in_place(self) -> Iterator[Batch]:
        """The packets lying whole in the block already read, for as long as they are the
        common case: to the reader's scan when it has one, else :meth:`_buffered_packets`. A
        scan is given only once the reader is open, which reads up to the first packet: the
        rest of that block goes to it too."""
        while True:
            scan = self._state.scan
            if scan is not None:
                yield from self._scanned(scan)
            buffered = self._buffered_packets()
            while batch := list(islice(buffered, BATCH_PACKETS)):
                yield False, batch
                if scan is None and self._state.scan is not None:
                    break  # the reader was given a scan meanwhile: it takes the rest
            else:
                return

    def _scanned(self, scan: BlockScan) -> Iterator[Batch]:
        """The in-place common case handed to ``scan`` (in C), a batch at a time, for as long
        as it takes blocks; what it stops at goes on to :meth:`_buffered_packets`."""
        src, state = self._src, self._state
        while True:
            buf, pos = src.buffered()
            entries, stop, frame = scan.pcapng(
                buf, pos, self._order == ">", self._frame, BATCH_PACKETS, self._scan_interfaces
            )
            if not entries:
                return
            src.consume(stop - pos)
            self._frame = frame
            state.packets_read = frame - state.frame_base
            yield True, entries

    def _buffered_packets(self) -> Iterator[RawPacket]:
        """The common case in place: enhanced packet blocks on decodable interfaces that lie
        whole in the block already read, with every check :meth:`_read_block` and
        :meth:`_packet` make passed. It stops at the first block that is anything else (that
        one, and what follows, go the general way). Reading a block there copies it twice and
        unpacks its fields in three steps: this made pcapng 2.5 times slower to read than pcap.
        """
        src, state, interfaces = self._src, self._state, self._interfaces
        base = state.frame_base
        head = struct.Struct(self._order + "7I")  # type, length, interface, time, lengths
        trailer = struct.Struct(self._order + "I")
        buf, pos = src.buffered()
        size = len(buf)
        while pos + 32 <= size:
            btype, blen, iface, hi, lo, caplen, wirelen = head.unpack_from(buf, pos)
            if (
                btype != _EPB_TYPE
                or blen < 32
                or blen & 3
                or blen > MAX_RECORD
                or pos + blen > size
                or iface >= len(interfaces)
                or caplen > blen - 32
                or trailer.unpack_from(buf, pos + blen - 4)[0] != blen
            ):
                return
            interface: Interface = interfaces[iface]
            if not interface.decodable:
                return
            src.consume(blen)
            self._frame += 1
            state.packets_read = self._frame - base
            data = buf[pos + 28 : pos + 28 + caplen]
            yield interface.packet(self._frame, (hi << 32) | lo, data, caplen, wirelen, iface)
            pos += blen

    def _read_block(self, first: bool) -> tuple[int, bytes, int] | None:
        """The next block as (type, body after type and length, file offset); ``None`` at the
        end of the file or where it is cut (then the state says so)."""
        src, state = self._src, self._state
        at = src.offset - 4 if first else src.offset
        head = PCAPNG_SHB + src.take(8) if first else src.take(12)
        if first and len(head) < 12:
            raise CaptureError(
                f"{state.name}: truncated file: the pcapng section header is cut after "
                f"{len(head)} bytes (0 packets read)",
                offset=0,
            )
        if len(head) < 12:
            if head:
                state.cut("block header", at, len(head), 12)
            return None
        btype = struct.unpack_from(self._order + "I", head)[0]
        if btype == _SHB_TYPE:
            self._start_section(head[8:12], at)
        blen = struct.unpack_from(self._order + "I", head, 4)[0]
        if blen < 12 or blen % 4 or blen > MAX_RECORD:
            raise Corruption(f"block length {blen}", at)
        body = head[8:] + src.take(blen - 12)
        if len(body) < blen - 8:
            state.cut(f"block of type 0x{btype:x}", at, 8 + len(body), blen)
            return None
        if struct.unpack_from(self._order + "I", body, blen - 12)[0] != blen:
            raise Corruption("block whose trailing length does not match", at)
        least = _MIN_BLOCK.get(btype, 12)
        if blen < least:
            raise Corruption(f"{_BLOCK_NAMES[btype]} of {blen} bytes (at least {least})", at)
        return btype, body, at

    def _start_section(self, bom: bytes, at: int) -> None:
        """A section header (re)defines the byte order; interface ids restart in every section."""
        if bom == _BOM_LITTLE:
            self._order = "<"
        elif bom == _BOM_BIG:
            self._order = ">"
        else:
            raise Corruption(f"section header byte-order mark {bom.hex()}", at)
        self._interfaces = []
        self._scan_interfaces = []
        self._state.linktypes = []

    def _interface(self, body: bytes, at: int) -> None:
        if len(self._interfaces) >= MAX_INTERFACES:
            raise Corruption(f"more than {MAX_INTERFACES} interface descriptions in a section", at)
        linktype, _res, snaplen = struct.unpack_from(self._order + "HHI", body)
        units, offset_s = _time_options(body, 8, len(body) - 4, self._order)
        decodable = linktype in DECODABLE_LINKTYPES
        self._state.has_decodable_interface |= decodable
        self._interfaces.append(Interface(linktype, snaplen, units, offset_s, decodable))
        self._scan_interfaces.append((linktype, units, offset_s) if decodable else None)
        self._state.linktypes.append(linktype)

    def _packet(self, btype: int, body: bytes, at: int) -> RawPacket | None:
        """The packet of a packet block; ``None`` when its link type is skipped."""
        order, end = self._order, len(body) - 4
        if btype == _EPB_TYPE:
            iface, hi, lo, caplen, wirelen = struct.unpack_from(order + "IIIII", body)
            start = 20
        elif btype == _OPB_TYPE:
            iface, _drops, hi, lo, caplen, wirelen = struct.unpack_from(order + "HHIIII", body)
            start = 20
        else:  # simple: no interface id (always the first), no timestamp, no captured length
            iface, hi, lo = 0, 0, 0
            wirelen = struct.unpack_from(order + "I", body)[0]
            start = 4
            caplen = min(wirelen, end - 4)
            if self._interfaces and self._interfaces[0].snaplen:
                caplen = min(caplen, self._interfaces[0].snaplen)
        if iface >= len(self._interfaces):
            raise Corruption(f"packet on undeclared interface {iface}", at)
        if start + caplen > end:
            raise Corruption(f"packet length {caplen} beyond its block", at)
        interface: Interface = self._interfaces[iface]
        state = self._state
        if not interface.decodable and not self._skip_unsupported:
            raise state.unsupported(interface.linktype, at)
        self._frame += 1
        if not interface.decodable:
            state.skip(interface.linktype)
            return None
        state.packets_read = self._frame - state.frame_base
        data = body[start : start + caplen]
        return interface.packet(self._frame, (hi << 32) | lo, data, caplen, wirelen, iface)


def _time_options(body: bytes, pos: int, end: int, order: str) -> tuple[int, float]:
    """Timestamp units per second (``if_tsresol``) and offset (``if_tsoffset``) of an interface."""
    units = 1_000_000
    offset_s = 0.0
    while pos + 4 <= end:
        code, length = struct.unpack_from(order + "HH", body, pos)
        pos += 4
        if code == _OPT_END:
            break
        if pos + length > end:  # an option running past its block: ignore it and the rest
            break
        value = body[pos : pos + length]
        if code == _OPT_TSRESOL and length >= 1:
            res = value[0]
            units = 2 ** (res & 0x7F) if res & 0x80 else 10 ** (res & 0x7F)
        elif code == _OPT_TSOFFSET and length >= 8:
            offset_s = float(struct.unpack_from(order + "q", value)[0])
        pos += (length + 3) & ~3
    return units, offset_s
