"""The C parser of plain IPv4 UDP/TCP packets (``_fastnet.c``) against the Python decoder.

NetDecoder hands every packet to the C parser first and keeps its Python path for all that
the parser declines. Fed the same packets, a decoder with and one without the C parser must
give the same datagrams and segments (endpoints included) and the same statistics, packet for
packet: on the real capture, on synthesized scenes on every link layer the product writes, and
on thousands of mutations of both (bit flips, header fields, cuts, lengths).
"""

from __future__ import annotations

import random
from dataclasses import astuple, replace
from pathlib import Path

import pytest

from skypeflux.capture.files import RawPacket
from skypeflux.capture.net import build
from skypeflux.capture.net.packets import NetDecoder, Transport
from skypeflux.ipv4 import Endpoint
from tests.helpers import mutate
from tests.helpers.mutate import Pkt

MUTATIONS = (mutate._bitflip, mutate._header_field, mutate._cut, mutate._lengths)


def _fields(item: Transport | None) -> tuple[object, ...] | None:
    return None if item is None else (*astuple(item), item.source, item.destination)


def _compare(pkts: list[Pkt]) -> tuple[int, int]:
    """Decode ``pkts`` both ways; return how many the C parser took and declined."""
    fast, slow = NetDecoder(fast=True), NetDecoder(fast=False)
    assert fast._fast is not None and slow._fast is None
    taken = 0
    for frame, p in enumerate(pkts, start=1):
        raw = RawPacket(frame, p.ts, p.linktype, p.data, len(p.data), p.wirelen)
        item = fast.decode(raw)
        assert _fields(item) == _fields(slow.decode(raw)), (frame, p)
        if item is not None:  # the C parser makes the endpoints itself: of the right type
            assert type(item.source) is Endpoint and type(item.destination) is Endpoint
        taken += fast._fast(p.data, p.linktype) is not None
    assert fast.stats == slow.stats and fast.reasons == slow.reasons
    assert fast.fragments.stats == slow.fragments.stats
    return taken, len(pkts) - taken


def _scenes(rng: random.Random) -> list[Pkt]:
    out = []
    for ips in mutate.synthesized_ips(rng):
        for name, link in build.LINKS.items():
            for i, ip in enumerate(ips):
                frame = link.frame(ip)
                out.append(Pkt(link.linktype, frame, len(frame), 1.0 + i + len(name)))
    return out


def test_the_real_capture_decodes_the_same(skypeirc_path: Path) -> None:
    taken, declined = _compare(mutate.real_packets(skypeirc_path))
    assert taken > 2000 and declined > 0  # the 20 traceroute (ICMP) packets, for one


def test_synthesized_scenes_on_every_link_decode_the_same() -> None:
    taken, declined = _compare(_scenes(random.Random(3)))
    assert taken and declined  # VLAN, SLL2, BSD null and loop are left to Python


@pytest.mark.parametrize("seed", range(4))
def test_mutated_packets_decode_the_same(seed: int, skypeirc_path: Path) -> None:
    rng = random.Random(seed)
    pool = _scenes(rng) + mutate.real_packets(skypeirc_path)[:: 7 + seed]
    totals = [0, 0]
    for _ in range(400):
        pkts = [replace(p) for p in rng.sample(pool, 8)]
        for _step in range(rng.randrange(1, 4)):
            rng.choice(MUTATIONS)(rng, pkts)
        for i, n in enumerate(_compare(pkts)):
            totals[i] += n
    assert min(totals) > 200


def test_the_c_parser_is_used_when_built() -> None:
    """Not a silent pure-vs-pure comparison: CI builds the extension (make check-fast)."""
    decoder = NetDecoder()
    ip = build.udp("10.0.0.1", 1, "10.0.0.2", 2, b"x")
    raw = RawPacket(1, 0.0, 1, build.ethernet(ip), 0, 0)
    assert decoder._fast is not None and decoder._fast(raw.data, raw.linktype) is not None


def test_transport_headers_cut_at_the_last_byte_decode_the_same() -> None:
    """IPv4 datagrams that end inside (or right at the start of) their UDP or TCP header, with
    nothing after them in the frame: the C parser must not read a byte past the end (it once
    read the ports before checking there was a header; the sanitizer step runs this too)."""
    whole = {
        17: build.udp("10.0.0.1", 1000, "10.0.0.2", 2000, b"")[20:],  # 8 bytes
        6: build.tcp("10.0.0.1", 1000, "10.0.0.2", 2000, seq=1)[20:],  # 20 bytes
    }
    pkts = []
    for proto, transport in whole.items():
        for size in range(len(transport) + 1):
            header = build.ipv4("10.0.0.1", "10.0.0.2", proto, transport[:size])
            for link, frame in ((1, build.ethernet(header)), (101, header)):
                pkts.append(Pkt(link, frame, len(frame), 1.0))
    taken, declined = _compare(pkts)
    # on both links only the whole headers are the C parser's; every cut one goes to Python
    assert (taken, declined) == (2 * 2, 2 * (8 + 20))


def test_every_octet_value_is_written_as_python_writes_it() -> None:
    """The C parser writes dotted addresses itself (digits by hand, for speed): every value
    0-255 in every position of both addresses, over UDP and TCP, gives Python's text."""
    pkts = []
    for value in range(256):
        octets = [value, (value * 7 + 3) % 256, 255 - value, value // 3]
        for shift in range(4):
            a = ".".join(map(str, octets[shift:] + octets[:shift]))
            b = ".".join(map(str, reversed(octets[shift:] + octets[:shift])))
            for ip in (build.udp(a, 53, b, 5353, b"q"), build.tcp(b, 80, a, 8080, seq=value)):
                frame = build.ethernet(ip)
                pkts.append(Pkt(1, frame, len(frame), 1.0))
    taken, declined = _compare(pkts)
    assert (taken, declined) == (len(pkts), 0)
