"""What both capture formats share: the packet record, block-wise sequential reading, and the
state a reader reports after iteration (how far it got, and why it stopped).

The format readers (``pcap``, ``pcapng``) write into a :class:`ReadState`; the
:class:`~skypeflux.capture.files.reader.CaptureReader` a caller holds *is* that state, so what a
format reader records is what the caller reads.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, BinaryIO, NamedTuple, Protocol

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.linktypes import linktype_name

# A record larger than this is taken as corruption rather than allocated (real snap lengths are
# at most 256 KiB; this leaves room for odd writers).
MAX_RECORD = 64 * 1024 * 1024
_BLOCK = 1 << 20
# Packets a reader hands on at once (CaptureReader.batches): enough to spread a call over many
# packets, few enough that a batch's objects are still in the processor's cache when the
# decoding passes reach them. Decoding a whole 1 MiB block at once ran no faster than a packet
# at a time, though with 17% fewer instructions; 16 to 64 at once ran 0.75-0.85 of the time.
BATCH_PACKETS = 32


class RawPacket(NamedTuple):
    """One captured packet as stored in the file, before any decoding.

    ``frame`` counts packets from 1 in file order, as Wireshark numbers them, so a frame number
    printed by this tool finds the same packet in Wireshark. ``caplen < wirelen`` means the
    capture's snap length cut the packet. A named tuple: one is made for every packet read,
    and a tuple is made far faster than a frozen dataclass.
    """

    frame: int
    ts: float
    linktype: int
    data: bytes
    caplen: int
    wirelen: int
    interface: int = 0


# What a format reader yields: (scanned, entries). The entries are RawPacket values, or, when
# ``scanned``, whatever the reader's BlockScan made of a block of records.
Batch = tuple[bool, list[Any]]


# What pcapng.scan_interfaces gives a scan: per interface of the section, (link type, time
# units per second, time offset in seconds), or None for one whose link type is not decodable.
ScanInterfaces = list[tuple[int, int, float] | None]


class BlockScan(Protocol):
    """Decodes the records lying whole in a reader's block, many in one call (the network
    decoder does it in C); the reader hands each batch's entries on as they are. Each method
    takes up to ``count`` records from ``pos`` on, frame numbers following ``frame``, and
    stops at the first record it cannot take whole (not all there, a captured length above
    MAX_RECORD, a pcapng block other than a checked enhanced packet block on a decodable
    interface), which the reader then reads its own way. It returns its entries, one a
    record, and the position and frame number after the last it took."""

    def pcap(
        self,
        buf: bytes,
        pos: int,
        record_size: int,
        big_endian: bool,
        units: int,
        linktype: int,
        frame: int,
        count: int,
        /,
    ) -> tuple[list[Any], int, int]: ...

    def pcapng(
        self,
        buf: bytes,
        pos: int,
        big_endian: bool,
        frame: int,
        count: int,
        interfaces: ScanInterfaces,
        /,
    ) -> tuple[list[Any], int, int]: ...


class StreamDamaged(CaptureError):
    """The bytes under the capture could not be produced (corrupt compressed data). A
    :class:`ByteStream` takes it as the end of the file, so reading stops there as at a cut,
    with what was read before kept, and the reader says why."""


class ByteStream:
    """Sequential bytes from a file object, read in large blocks; knows its file offset."""

    __slots__ = ("_buf", "_pos", "_read", "damage", "offset")

    def __init__(self, fh: BinaryIO) -> None:
        # read1 returns what is available instead of waiting for a whole block, so packets from
        # a live pipe (tcpdump -w - | ...) come out as they arrive.
        self._read = getattr(fh, "read1", fh.read)
        self._buf = b""
        self._pos = 0
        self.offset = 0  # file offset of the next byte take() returns
        self.damage: str | None = None  # why the bytes ended early (StreamDamaged)

    def take_records(self, head: struct.Struct, size: int) -> list[tuple[tuple[int, ...], bytes]]:
        """Every whole record in the block already read, up to the first that is not wholly
        there or whose length is not sane (left for :meth:`take`): each a record header
        (``size`` bytes, its first fields unpacked with ``head``, the third the captured
        length) and the bytes after it. One call for a block of records, not one a record:
        the per-packet cost of reading is most of what a packet of other traffic costs."""
        buf, pos = self._buf, self._pos
        start, end_of_block = pos, len(buf)
        unpack = head.unpack_from
        out: list[tuple[tuple[int, ...], bytes]] = []
        while pos + size <= end_of_block:
            fields = unpack(buf, pos)
            stop = pos + size + fields[2]
            if fields[2] > MAX_RECORD or stop > end_of_block:
                break
            out.append((fields, buf[pos + size : stop]))
            pos = stop
        self._pos = pos
        self.offset += pos - start
        return out

    def buffered(self) -> tuple[bytes, int]:
        """The block read so far and where the next byte lies in it, for a format reader to
        parse records in place; :meth:`consume` then moves past what it took."""
        return self._buf, self._pos

    def consume(self, n: int) -> None:
        """Move past ``n`` bytes of :meth:`buffered` (the caller checked they are there)."""
        self._pos += n
        self.offset += n

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
        while have < n and self.damage is None:
            try:
                block = self._read(max(_BLOCK, n - have))
            except StreamDamaged as exc:
                self.damage = str(exc)
                break
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


def hex_preview(data: bytes) -> str:
    """Bytes as hex and as printable text, for saying what a file starts with."""
    text = "".join(chr(b) if 32 <= b < 127 else "." for b in data)
    return f"{data.hex(' ')} ({text!r})"


class Corruption(Exception):
    """A record that cannot be right; internal, turned into a warning or a CaptureError."""

    def __init__(self, what: str, offset: int) -> None:
        super().__init__(what)
        self.what = what
        self.offset = offset


@dataclass(slots=True)
class ReadState:
    """How far reading one capture got, and the words for why it stopped."""

    name: str
    packets_read: int = 0  # of this file (a file of a set numbers its frames after frame_base)
    truncated: bool = False
    warning: str | None = None
    stopped_at: int | None = None  # byte offset of the cut or corrupt record
    skipped_unsupported: int = 0  # packets on interfaces whose link type we cannot decode
    skipped_linktypes: dict[int, int] = field(default_factory=dict)  # link type -> skipped
    has_decodable_interface: bool = False  # any interface (pcap: the file) we can decode
    linktypes: list[int] = field(default_factory=list)  # per interface, in interface-id order
    frame_base: int = 0  # frames before this file's first (the files before it in a set)
    scan: BlockScan | None = None  # what a reader hands its blocks of records to

    def unsupported(self, linktype: int, offset: int) -> CaptureError:
        """The error for a packet (or a pcap file) on a link type this tool cannot decode."""
        return CaptureError(
            f"{self.name}: unsupported link type {linktype_name(linktype)}; this tool decodes "
            "Ethernet, Linux cooked (SLL, SLL2), raw IP, BSD loopback, 802.11 (plain, radiotap, "
            "PPI, Prism, AVS), PPP, Cisco HDLC and NFLOG captures",
            offset=offset,
            packets_read=self.packets_read,
        )

    def cut(self, what: str, offset: int, have: int, want: int) -> None:
        """The file ends inside a record: keep what was read, say where."""
        self.truncated = True
        self.stopped_at = offset
        self.warning = (
            f"{self.name}: file is truncated: {what} at byte {offset} has {have} of {want} "
            f"bytes; {self.packets_read} complete packets were read before it"
        )

    def stop_corrupt(self, problem: Corruption) -> None:
        """Corruption after the file header: keep what was read, say where reading stopped."""
        self.truncated = True
        self.stopped_at = problem.offset
        self.warning = (
            f"{self.name}: corrupt capture: {problem.what} at byte {problem.offset} "
            f"(packet {self.packets_read + 1}); reading stopped there, "
            f"{self.packets_read} complete packets were read before it"
        )

    def header_error(self, problem: Corruption) -> CaptureError:
        """Corruption in the file header: nothing in the file can be trusted."""
        return CaptureError(
            f"{self.name}: corrupt capture: {problem.what} at byte {problem.offset} "
            "(in the file header: nothing could be read)",
            offset=problem.offset,
        )

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

    def skip(self, linktype: int) -> None:
        """A packet read but not delivered (undecodable link type): frame numbers stay true."""
        self.packets_read += 1
        self.skipped_unsupported += 1
        self.skipped_linktypes[linktype] = self.skipped_linktypes.get(linktype, 0) + 1
