"""Read pcap and pcapng files, packet by packet, from a file object.

Why our own readers and not ``dpkt.pcap.Reader`` / ``dpkt.pcapng.Reader``: dpkt's pcapng reader
keeps only the first interface description block (so several interfaces, their link types and
``if_tsresol`` per interface are lost), ignores simple packet blocks and a second section, and its
pcap reader hands back a short last record as if it were complete. Telling a user "the file is
cut, here is what was read" needs control over every read, and the two formats are small (one
module each: ``pcap``, ``pcapng``). Reading in large blocks and slicing records out with
``struct.unpack_from`` is also faster than a read call per header and per packet.

The format is recognised by its first four bytes, never by the file name. Nothing is read twice
and nothing seeks, so a pipe or standard input works like a file; memory holds one read block.

Only a bad *file header* raises (:class:`CaptureError`): then nothing in the file can be trusted.
A record that is cut or corrupt later on ends the iteration instead, with ``truncated`` set and a
``warning`` that says what was wrong and where, because the packets before it are good and a
caller that has buffered work for them (reassembly, pairing) must get the chance to finish it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import BinaryIO, TypeVar

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.pcap import PCAP_MAGICS, pcap_batches
from skypeflux.capture.files.pcapng import PCAPNG_SHB, pcapng_batches
from skypeflux.capture.files.stream import (
    Batch,
    BlockScan,
    ByteStream,
    RawPacket,
    ReadState,
    hex_preview,
)

T = TypeVar("T")


class CaptureReader(ReadState):
    """Iterates over the packets of one pcap or pcapng capture.

    Open it with :func:`~skypeflux.capture.files.source.open_capture`. After iteration,
    ``truncated`` says whether reading stopped before the end of the file (a cut or corrupt
    record; the packets before it were all delivered), ``stopped_at`` the byte offset of that
    record and ``warning`` says so in words.

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
        frame_base: int = 0,
    ) -> None:
        """``frame_base``: the packets before this file when it is a piece of a capture read as
        one (:class:`~skypeflux.capture.files.capture_set.CaptureSet`): its first frame is
        ``frame_base + 1``."""
        ReadState.__init__(self, name, frame_base=frame_base)
        self._fh = fh
        self._owns = owns_file
        self._src = ByteStream(fh)
        magic = self._src.take(4)
        if not magic:
            if self._src.damage is not None:
                raise CaptureError(f"{name}: {self._src.damage}", offset=0)
            raise CaptureError(f"{name}: empty file, not a packet capture", offset=0)
        self._batches: Iterator[Batch]
        if magic in PCAP_MAGICS:
            self.format = "pcap"
            self._batches = pcap_batches(self._src, magic, self)
        elif magic == PCAPNG_SHB:
            self.format = "pcapng"
            self._batches = pcapng_batches(self._src, self, skip_unsupported=skip_unsupported)
        else:
            more = magic + self._src.take(12)
            raise CaptureError(
                f"{name}: not a pcap or pcapng capture; it starts with {hex_preview(more)}",
                offset=0,
            )
        # Run the generator to its first yield point so header errors surface from open_capture.
        self._started = False
        self._first: Batch | None = next(self._batches, None)

    def __iter__(self) -> Iterator[RawPacket]:
        for _scanned, packets in self._take_batches():
            yield from packets

    def batches(
        self, scan: BlockScan | None, convert: Callable[[list[RawPacket]], list[T]]
    ) -> Iterator[list[T]]:
        """The packets a list at a time, as the file gives them: a pcap block of records at
        once goes to ``scan`` (when given), every other list of packets to ``convert``. A
        caller that does per-packet work in one call a block (the network decoder) gets its
        results without a generator step, a named tuple and a call per packet in between."""
        self.scan = scan
        for scanned, entries in self._take_batches():
            if entries:
                yield entries if scanned else convert(entries)

    def _take_batches(self) -> Iterator[Batch]:
        if self._started:
            raise CaptureError(f"{self.name}: a capture can be iterated only once")
        self._started = True
        if self._first is not None:
            yield self._first
            self._first = None
        yield from self._batches
        damage = self._src.damage
        if damage is not None:  # the bytes ended early: a cut, whatever the records say
            self.truncated = True
            if self.stopped_at is None:
                self.stopped_at = self._src.offset
            said = self.warning or (
                f"{self.name}: reading stopped at byte {self._src.offset} of the capture, "
                f"{self.packets_read} complete packets were read before it"
            )
            self.warning = f"{said} ({damage})"

    @property
    def bytes_read(self) -> int:
        """Bytes consumed from the file so far (for progress against the file size)."""
        return self._src.offset

    def close(self) -> None:
        if self._owns:
            self._fh.close()

    def __enter__(self) -> CaptureReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
