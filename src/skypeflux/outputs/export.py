"""A pcapng in which every verified unit appears decrypted: Wireshark's Exported PDU packets.

Each verified unit becomes one packet of link type 252 (``LINKTYPE_WIRESHARK_UPPER_PDU``):
a list of tags, then the plaintext. The tags keep what the original packet said: the IPv4
addresses and ports (Wireshark shows them as the packet's own), the original frame number
(``exported_pdu.orig_fno``), and a protocol column "SKYPE"; the packet keeps its original
timestamp. Which dissector Wireshark calls is a tag too:

* units that hold command blocks (UDP payloads, resends, reassembled messages, TCP data
  frames) name ``skypeflux``: with the plugin installed Wireshark shows the blocks and objects
  as in the original capture with a key log; without it, "dissector not found" and the
  plaintext bytes, still readable;
* the other units (a fragment's share of a message, TCP control frames, stream headers) name
  ``data``: their plaintext as bytes.

The payload of a TCP data frame is its blocks (the 2-byte packet id is left out, so every
``skypeflux`` payload is a sequence of command blocks). With ``others=True`` the capture's
non-Skype packets are interleaved, untouched, on their own interfaces, each with a comment
naming its original frame.
"""

from __future__ import annotations

import heapq
import os
import struct
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, cast

from skypeflux.capture.files import read_packets
from skypeflux.capture.files.capture_set import CaptureFiles
from skypeflux.capture.files.writer import Interface, Packet, write_capture
from skypeflux.capture.frame_bits import FrameBits
from skypeflux.capture.records import Record
from skypeflux.ipv4 import Endpoint

LINKTYPE_WIRESHARK_UPPER_PDU = 252

TAG_END = 0
TAG_DISSECTOR_NAME = 12
TAG_IPV4_SRC = 20
TAG_IPV4_DST = 21
TAG_PORT_TYPE = 24
TAG_SRC_PORT = 25
TAG_DST_PORT = 26
TAG_ORIG_FNO = 30
TAG_COL_PROT_TEXT = 33

PORT_TYPES = {"tcp": 2, "udp": 3}
"""Wireshark's ``port_type`` numbers (PT_TCP, PT_UDP)."""

BLOCK_UNITS = frozenset({"udp.payload", "udp.resend", "udp.message", "tcp.data"})
DISSECTOR = "skypeflux"
"""The plugin's dissector, which reads a payload of command blocks."""


def _tag(kind: int, value: bytes) -> bytes:
    return struct.pack("!HH", kind, len(value)) + value


def _text(value: str) -> bytes:
    """A NUL-terminated string padded to a multiple of 4 bytes, as Wireshark writes them."""
    raw = value.encode("ascii") + b"\0"
    return raw + b"\0" * (-len(raw) % 4)


def _endpoint(endpoint: Endpoint) -> tuple[bytes, int]:
    return endpoint.ip.to_bytes(4, "big"), endpoint.port


def exported_payload(record: Record) -> tuple[str, bytes] | None:
    """(dissector name, payload) of a verified unit; ``None`` for anything not exported."""
    if not record.verification.ok or record.plaintext is None or record.unit == "note":
        return None
    if record.unit in BLOCK_UNITS:
        body = record.plaintext[2:] if record.unit == "tcp.data" else record.plaintext
        return DISSECTOR, body
    return "data", record.plaintext


def exported_pdu(record: Record) -> bytes | None:
    """The link-layer bytes of one Exported PDU packet for ``record``, or ``None``."""
    payload = exported_payload(record)
    if payload is None:
        return None
    name, body = payload
    src_ip, sport = _endpoint(record.src)
    dst_ip, dport = _endpoint(record.dst)
    tags = [
        _tag(TAG_DISSECTOR_NAME, _text(name)),
        _tag(TAG_COL_PROT_TEXT, _text("SKYPE")),
        _tag(TAG_IPV4_SRC, src_ip),
        _tag(TAG_IPV4_DST, dst_ip),
        _tag(TAG_PORT_TYPE, struct.pack("!I", PORT_TYPES[record.transport])),
        _tag(TAG_SRC_PORT, struct.pack("!I", sport)),
        _tag(TAG_DST_PORT, struct.pack("!I", dport)),
        _tag(TAG_ORIG_FNO, struct.pack("!I", record.frame)),
        _tag(TAG_END, b""),
    ]
    return b"".join(tags) + body


@dataclass(slots=True)
class ExportCounts:
    units: int = 0
    others: int = 0


def _units(records: Iterable[Record], counts: ExportCounts) -> Iterator[tuple[int, Packet]]:
    for record in records:
        data = exported_pdu(record)
        if data is not None:
            counts.units += 1
            yield record.frame, Packet(record.time, data, interface=0)


def write_export(
    dest: str | os.PathLike[str],
    records: Iterable[Record],
    *,
    others_from: str | os.PathLike[str] | CaptureFiles | None = None,
) -> ExportCounts:
    """Write the export of ``records`` (in frame order) to ``dest``; with ``others_from`` (the
    original capture) its packets that no record covers are interleaved in frame order."""
    counts = ExportCounts()
    if others_from is None:
        write_capture(
            dest,
            (packet for _, packet in _units(records, counts)),
            format="pcapng",
            interfaces=[Interface(LINKTYPE_WIRESHARK_UPPER_PDU)],
        )
        return counts
    # Streamed, so a capture of gigabytes exports in constant memory: the units go to a
    # temporary file while a bitmap marks every frame a record covers (a record can cover
    # frames before its own, so the original's packets wait for the end of decoding); then
    # the original is read twice, for its link types (the pcapng interfaces come first) and
    # to merge its uncovered packets with the units, both in frame order.
    covered = FrameBits()
    with _spool_file() as spool:
        try:
            for record in records:
                for frame in record.frames or [record.frame]:
                    covered.add(frame)
                for frame, packet in _units([record], counts):
                    spool.write(_SPOOLED.pack(frame, float(packet.ts), len(packet.data)))
                    spool.write(packet.data)
            spool.flush()
        except OSError as exc:
            raise SpoolError(exc) from exc
        interfaces = [Interface(LINKTYPE_WIRESHARK_UPPER_PDU)]
        by_linktype: dict[int, int] = {}
        for raw in read_packets(others_from):
            if raw.frame not in covered and raw.linktype not in by_linktype:
                by_linktype[raw.linktype] = len(interfaces)
                interfaces.append(Interface(raw.linktype))
        spool.seek(0)
        merged = heapq.merge(
            _others(others_from, covered, by_linktype, counts), _spooled(spool), key=_order
        )
        write_capture(dest, (p for _, _, p in merged), format="pcapng", interfaces=interfaces)
    return counts


_SPOOLED = struct.Struct("<QdI")  # frame, time, length of the exported bytes that follow


class SpoolError(OSError):
    """The temporary copy of the units (``others_from``) could not be written: a problem of the
    temporary folder (``TMPDIR``), not of the export's destination."""

    def __init__(self, cause: OSError) -> None:
        folder = tempfile.gettempdir()
        super().__init__(
            cause.errno,
            f"cannot keep the units in a temporary file in {folder} until the capture's other "
            f"packets are merged in: {cause.strerror or cause}; set TMPDIR to a folder with room",
        )


@contextmanager
def _spool_file() -> Iterator[BinaryIO]:
    try:
        spool = tempfile.TemporaryFile(prefix="skypeflux-export-")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SpoolError(exc) from exc
    with spool:
        yield cast(BinaryIO, spool)


def _order(item: tuple[int, int, Packet]) -> tuple[int, int]:
    return item[0], item[1]  # frame, then the original's packet before a unit


def _others(
    source: str | os.PathLike[str] | CaptureFiles,
    covered: FrameBits,
    by_linktype: dict[int, int],
    counts: ExportCounts,
) -> Iterator[tuple[int, int, Packet]]:
    for raw in read_packets(source):
        if raw.frame in covered:
            continue
        counts.others += 1
        packet = Packet(
            raw.ts,
            raw.data,
            wirelen=raw.wirelen,
            interface=by_linktype[raw.linktype],
            comment=f"original frame {raw.frame}",
        )
        yield raw.frame, 0, packet


def _spooled(spool: BinaryIO) -> Iterator[tuple[int, int, Packet]]:
    while head := spool.read(_SPOOLED.size):
        frame, ts, size = _SPOOLED.unpack(head)
        yield frame, 1, Packet(ts, spool.read(size), interface=0)
