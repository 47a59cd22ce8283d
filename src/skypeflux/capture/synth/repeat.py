"""A capture many times over, as new conversations: the input of load and memory tests.

A long capture of many hosts holds many flows, each opened and finished; repeating one capture
back to back only repeats the same flows. So each copy here is moved later in time (by
``spacing`` seconds) and every UDP and TCP port of an unfragmented IPv4 packet is moved by the
copy number, which makes every copy new flows, new TCP connections and new IP fragment sets,
while the Skype traffic still verifies (ports are in no seed or CRC). UDP and TCP checksums are
left as they were, so they no longer match: neither skypeflux nor tshark checks them by default.
Packets of other link types and IPv4 fragments are copied as they are, shifted in time.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Iterator

from skypeflux.capture.files.linktypes import LINKTYPE_ETHERNET
from skypeflux.capture.files.source import Source, open_capture
from skypeflux.capture.files.writer import Packet

_ETHERNET_IPV4 = b"\x08\x00"


def _moved(frame: bytes, copy: int) -> bytes:
    if copy == 0 or len(frame) < 34 or frame[12:14] != _ETHERNET_IPV4 or frame[23] not in (6, 17):
        return frame
    at = 14 + (frame[14] & 0x0F) * 4
    if len(frame) < at + 4 or struct.unpack_from("!H", frame, 20)[0] & 0x1FFF:
        return frame  # a fragment after the first carries no ports
    moved = bytearray(frame)
    ports = struct.unpack_from("!HH", moved, at)
    struct.pack_into("!HH", moved, at, *((port + copy) % 65535 or 1 for port in ports))
    return bytes(moved)


def packets_of(source: Source) -> list[tuple[float, int, bytes, int]]:
    """A capture's packets as :func:`repeated` takes them, all in memory (a small capture,
    such as SkypeIRC.cap, that tests and benchmarks repeat)."""
    with open_capture(source) as reader:
        return [(p.ts, p.linktype, p.data, p.wirelen) for p in reader]


def repeated(
    packets: Iterable[tuple[float, int, bytes, int]], copies: int, *, spacing: float = 3600.0
) -> Iterator[Packet]:
    """``copies`` copies of ``packets`` ((time, link type, bytes, wire length), in capture
    order, held in memory by the caller), each ``spacing`` seconds after the previous one and
    on ports moved by its number (Ethernet IPv4 UDP/TCP)."""
    kept = list(packets)
    for copy in range(copies):
        for ts, linktype, data, wirelen in kept:
            frame = _moved(data, copy) if linktype == LINKTYPE_ETHERNET else data
            yield Packet(ts + copy * spacing, frame, wirelen=wirelen)
