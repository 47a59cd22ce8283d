"""The classic pcap format: a 24-byte file header, then 16-byte (or 24-byte, Kuznetsov's
"modified" pcap) record headers, each followed by its packet bytes."""

from __future__ import annotations

import struct
from collections.abc import Iterator
from typing import Any

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.linktypes import DECODABLE_LINKTYPES
from skypeflux.capture.files.stream import (
    BATCH_PACKETS,
    MAX_RECORD,
    Batch,
    ByteStream,
    Corruption,
    RawPacket,
    ReadState,
)

PCAP_MAGICS: dict[bytes, tuple[str, int, int]] = {
    # first four bytes -> (struct byte order, sub-second units per second, record header size)
    b"\xd4\xc3\xb2\xa1": ("<", 1_000_000, 16),
    b"\xa1\xb2\xc3\xd4": (">", 1_000_000, 16),
    b"\x4d\x3c\xb2\xa1": ("<", 1_000_000_000, 16),
    b"\xa1\xb2\x3c\x4d": (">", 1_000_000_000, 16),
    # Kuznetsov's "modified" pcap (old Red Hat tcpdump): 8 more bytes after each record header
    b"\x34\xcd\xb2\xa1": ("<", 1_000_000, 24),
    b"\xa1\xb2\xcd\x34": (">", 1_000_000, 24),
}


def pcap_batches(src: ByteStream, magic: bytes, state: ReadState) -> Iterator[Batch]:
    """The packets after the magic ``magic`` (already read from ``src``), a block at a time.

    One link type for the whole file, so an undecodable one raises before the first batch (an
    empty one, yielded once the file header is read); a cut or absurd record ends the
    iteration with ``state`` saying so. While ``state.scan`` is set, the records lying whole in
    the block already read are handed to it and its entries come out as they are (a batch
    marked scanned); every other batch is a list of :class:`RawPacket`.
    """
    order, units, rec_size = PCAP_MAGICS[magic]
    rest = src.take(20)
    if len(rest) < 20:
        raise CaptureError(
            f"{state.name}: truncated file: the pcap file header needs 24 bytes, "
            f"only {4 + len(rest)} present (0 packets read)",
            offset=0,
        )
    _vmaj, _vmin, _zone, _sigfigs, _snaplen, network = struct.unpack(order + "HHiIII", rest)
    linktype = network & 0xFFFF  # the upper bits may describe an FCS, not the link type
    state.linktypes = [linktype]
    if linktype not in DECODABLE_LINKTYPES:  # one link type for the whole file: say so now
        raise state.unsupported(linktype, 20)
    state.has_decodable_interface = True
    yield False, []
    rec = struct.Struct(order + "IIII")
    base = frame = state.frame_base
    take_records = src.take_records
    big_endian = order == ">"
    while True:
        scan = state.scan
        if scan is not None:
            buf, pos = src.buffered()
            entries, stop, frame = scan.pcap(
                buf, pos, rec_size, big_endian, units, linktype, frame, BATCH_PACKETS
            )
            if entries:
                src.consume(stop - pos)
                state.packets_read = frame - base
                yield True, entries
                continue
        else:
            whole = take_records(rec, rec_size)  # the common case: headers and bytes in the buffer
            if whole:
                for first in range(0, len(whole), BATCH_PACKETS):
                    batch: list[Any] = []
                    for (sec, frac, caplen, wirelen), data in whole[first : first + BATCH_PACKETS]:
                        frame += 1
                        packet = RawPacket(
                            frame, sec + frac / units, linktype, data, caplen, wirelen
                        )
                        batch.append(packet)
                    state.packets_read = frame - base
                    yield False, batch
                continue
        at = src.offset
        head = src.take(rec_size)
        if len(head) < rec_size:
            if head:
                state.cut("record header", at, len(head), rec_size)
            return
        sec, frac, caplen, wirelen = rec.unpack_from(head)
        if caplen > MAX_RECORD:
            state.stop_corrupt(Corruption(f"record length {caplen}", at))
            return
        data = src.take(caplen)
        if len(data) < caplen:
            state.cut(f"packet {frame - base + 1}", at, len(data), caplen)
            return
        frame += 1
        state.packets_read = frame - base
        yield False, [RawPacket(frame, sec + frac / units, linktype, data, caplen, wirelen)]
