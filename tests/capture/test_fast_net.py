"""The C parser of plain IPv4 UDP/TCP packets (``_fastnet.c``) against the Python decoder.

NetDecoder hands every packet to the C parser first and keeps its Python path for all that
the parser declines. Fed the same packets, a decoder with and one without the C parser must
give the same datagrams and segments (endpoints included) and the same statistics, packet for
packet: on the real capture, on synthesized scenes on every link layer the product writes, and
on thousands of mutations of both (bit flips, header fields, cuts, lengths).
"""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Callable
from dataclasses import astuple, dataclass, fields, replace
from pathlib import Path
from typing import Any

import pytest

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files import RawPacket
from skypeflux.capture.files.capture_set import CaptureFiles
from skypeflux.capture.files.source import open_capture
from skypeflux.capture.files.stream import BATCH_PACKETS
from skypeflux.capture.files.writer import Interface, Packet, capture_bytes
from skypeflux.capture.net import build, packets
from skypeflux.capture.net.packets import NetDecoder, TcpSegment, Transport, UdpDatagram
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


# -- whole pcap blocks at once (scan_pcap, NetDecoder.stream) ------------------------------


def _streamed(data: bytes, *, fast: bool) -> tuple[object, ...]:
    """What a decoding pass gets from a capture: every entry, the decoder's statistics and
    the reader's state after the last packet."""
    net = NetDecoder(fast=fast)
    try:
        with open_capture(io.BytesIO(data), skip_unsupported=True) as reader:
            entries = [
                (frame, ts, wirelen, _fields(item))
                for batch in net.stream(reader)
                for frame, ts, wirelen, item in batch
            ]
            state = (reader.packets_read, reader.truncated, reader.warning, reader.stopped_at)
    except CaptureError as error:
        return ("error", str(error))
    return entries, net.stats, net.reasons, net.fragments.stats, state


def _packet_wise(data: bytes) -> tuple[object, ...]:
    """The same, a packet at a time through the Python decoder (the reference)."""
    net = NetDecoder(fast=False)
    try:
        with open_capture(io.BytesIO(data), skip_unsupported=True) as reader:
            entries = [(p.frame, p.ts, p.wirelen, _fields(net.decode(p))) for p in reader]
            state = (reader.packets_read, reader.truncated, reader.warning, reader.stopped_at)
    except CaptureError as error:
        return ("error", str(error))
    return entries, net.stats, net.reasons, net.fragments.stats, state


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[int]]:
    """How many records each scan_pcap and scan_pcapng call took (so a test knows the C path
    ran)."""
    taken: dict[str, list[int]] = {"pcap": [], "pcapng": []}
    for name, kind in (("_fast_scan", "pcap"), ("_fast_scan_pcapng", "pcapng")):
        real = getattr(packets, name)
        assert real is not None, "the C network parser is not built"

        def counting(*args: Any, real: Any = real, kind: str = kind) -> Any:
            out = real(*args)
            taken[kind].append(len(out[0]))
            return out

        monkeypatch.setattr(packets, name, counting)
    return taken


def test_a_block_scan_gives_what_packet_by_packet_decoding_gives(
    skypeirc_path: Path, scans: dict[str, list[int]]
) -> None:
    # three copies: 1.3 MB, so records straddle the reader's 1 MiB blocks
    one = skypeirc_path.read_bytes()
    data = one + one[24:] * 2
    fast = _streamed(data, fast=True)
    assert fast == _streamed(data, fast=False) == _packet_wise(data)
    entries = fast[0]
    assert isinstance(entries, list) and len(entries) == 3 * 2263
    assert [e[0] for e in entries] == list(range(1, 3 * 2263 + 1))
    assert sum(scans["pcap"]) > 3 * 2000 and max(scans["pcap"]) == BATCH_PACKETS


def test_the_scan_makes_true_datagrams_and_segments(skypeirc_path: Path) -> None:
    """Filled slot by slot in C, past __init__: each is of its class, every field set, and
    equal to the one the Python decoder makes."""
    with open_capture(skypeirc_path) as reader:
        items = [e[3] for batch in NetDecoder().stream(reader) for e in batch]
    made = [i for i in items if i is not None]
    assert {type(i) for i in made} == {UdpDatagram, TcpSegment}
    for item in made[:300]:
        assert all(getattr(item, f.name) is not None for f in fields(item))
        assert item.frames == (item.frame,) and item.truncated is False
        assert (item.sport, item.dport) == (item.source.port, item.destination.port)
        assert replace(item) == item  # the dataclass machinery works on it


def _stream_mutated_files(
    rng: random.Random,
    seed: int,
    skypeirc_path: Path,
    write: Callable[[random.Random, list[Pkt]], mutate.Written],
) -> None:
    """60 captures written by ``write`` from packets (some mutated), half of the files then
    mutated: each streams the same with the scans, without them, and packet by packet."""
    pool = _scenes(rng) + mutate.real_packets(skypeirc_path)[seed::5]
    for _ in range(60):
        pkts = [replace(p) for p in rng.sample(pool, rng.randrange(1, 60))]
        if rng.random() < 0.5:
            rng.choice(MUTATIONS)(rng, pkts)
        written = write(rng, pkts)
        if rng.random() < 0.5:
            mutate._file_mutation(rng, written)
        data = bytes(written.data)
        assert _streamed(data, fast=True) == _streamed(data, fast=False) == _packet_wise(data)


@pytest.mark.parametrize("seed", range(6))
def test_written_and_mutated_pcaps_stream_the_same(
    seed: int, skypeirc_path: Path, scans: dict[str, list[int]]
) -> None:
    """Both byte orders, nanosecond and "modified" pcaps, cut files, bad record lengths,
    inserted bytes, bit flips, and mutated packets: the same entries, statistics and state."""
    rng = random.Random(seed)
    _stream_mutated_files(rng, seed, skypeirc_path, mutate.write_pcap)
    assert sum(scans["pcap"]) > 500


def test_a_pcapng_block_scan_gives_what_packet_by_packet_decoding_gives(
    skypeirc_path: Path, scans: dict[str, list[int]]
) -> None:
    # three copies as the product's own writer puts them: 1.4 MB of enhanced packet blocks on
    # two interfaces (microseconds and nanoseconds), so batches straddle the reader's blocks
    pkts = mutate.real_packets(skypeirc_path) * 3
    data = capture_bytes(
        (Packet(p.ts, p.data, p.wirelen, interface=i % 2) for i, p in enumerate(pkts)),
        format="pcapng",
        interfaces=(Interface(), Interface(tsresol=9)),
    )
    fast = _streamed(data, fast=True)
    assert fast == _streamed(data, fast=False) == _packet_wise(data)
    # all but the first batch (read as the reader opens) and the block that straddles the
    # 1 MiB edge of what the reader has read
    assert sum(scans["pcapng"]) == 3 * 2263 - BATCH_PACKETS - 1
    assert max(scans["pcapng"]) == BATCH_PACKETS


@pytest.mark.parametrize("seed", range(6))
def test_written_and_mutated_pcapngs_stream_the_same(
    seed: int, skypeirc_path: Path, scans: dict[str, list[int]]
) -> None:
    """Both byte orders, several sections and interfaces (undecodable ones too), random time
    resolutions and offsets (10**127 units per second among them), simple and obsolete packet
    blocks, blocks too short, cut files, bad lengths: the same entries, statistics and state."""
    rng = random.Random(100 + seed)
    _stream_mutated_files(rng, seed, skypeirc_path, mutate.write_pcapng)
    assert sum(scans["pcapng"]) > 100  # most packets are in the reader's first batch


def test_interface_times_the_scan_leaves_to_python_read_the_same() -> None:
    """Time units of 2**53 and more per second (if_tsresol 0x80 | 53, or 10**16) and offsets:
    C leaves those packets to Python, which keeps its exact integer arithmetic."""
    ip = build.udp("10.0.0.1", 1, "10.0.0.2", 2, b"x")
    frame = build.ethernet(ip)
    for res in (6, 9, 0x80 | 30, 0x80 | 52, 0x80 | 53, 16, 0x80 | 63):
        shb = struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
        idb = struct.pack("<HHI", 1, 0, 0) + struct.pack("<HHB3x", 9, 1, res)
        idb += struct.pack("<HHq", 14, 8, 1_000_000_000) + struct.pack("<HH", 0, 0)
        data = mutate._block("<", 0x0A0D0D0A, shb, [], 0)
        data += mutate._block("<", 1, idb, [], 0)
        for ticks in (0, 1, 999_999, (1 << 64) - 1, 0x1234_5678_9ABC_DEF0):
            head = struct.pack("<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(frame), 90)
            data += mutate._block("<", 6, head + frame, [], 0)
        assert _streamed(data, fast=True) == _packet_wise(data), res


def test_capture_sets_stream_as_packets(skypeirc_path: Path) -> None:
    pkts = mutate.real_packets(skypeirc_path)
    half = len(pkts) // 2
    parts = (mutate.pcap_bytes(pkts[:half]), mutate.pcap_bytes(pkts[half:]))
    joined = parts[0] + parts[1][24:]
    whole = CaptureFiles(tuple(io.BytesIO(p) for p in parts))
    net = NetDecoder()
    with open_capture(whole) as reader:
        entries = [
            (frame, ts, wirelen, _fields(item))
            for batch in net.stream(reader)
            for frame, ts, wirelen, item in batch
        ]
    assert entries == _streamed(joined, fast=True)[0]


def test_scans_refuse_wrong_arguments() -> None:
    scan, scan_ng = packets._fast_scan, packets._fast_scan_pcapng
    assert scan is not None and scan_ng is not None
    with pytest.raises(TypeError):
        scan_ng(b"", 0, False, 0, 1 << 26, 8, ())  # the interfaces as a list
    with pytest.raises(ValueError):
        scan_ng(b"", -1, False, 0, 1 << 26, 8, [])
    # a block on an interface with no description, or an undecodable one: nothing taken
    epb = mutate._block("<", 6, struct.pack("<IIIII", 0, 0, 0, 0, 0), [], 0)
    assert scan_ng(epb, 0, False, 0, 1 << 26, 8, [])[:3] == ([], 0, 0)
    assert scan_ng(epb, 0, False, 0, 1 << 26, 8, [None])[:3] == ([], 0, 0)
    # an empty packet is not a plain one: its RawPacket, for Python to count
    entries, pos, frame, slow, _udp, _tcp = scan_ng(epb, 0, False, 4, 1 << 26, 8, [(1, 10**6, 0.5)])
    assert (entries, pos, frame, slow) == ([RawPacket(5, 0.5, 1, b"", 0, 0, 0)], 32, 5, [0])
    with pytest.raises(TypeError):
        scan(bytearray(40), 0, 16, False, 1e6, 1, 0, 1 << 26, 8)
    with pytest.raises(TypeError):
        scan(b"", 0, 16, False, 1e6, 1, 0, 1 << 26)
    with pytest.raises(ValueError):
        scan(b"", -1, 16, False, 1e6, 1, 0, 1 << 26, 8)
    with pytest.raises(ValueError):
        scan(b"", 0, 8, False, 1e6, 1, 0, 1 << 26, 8)
    # a record header at the very end, or a length beyond the buffer: nothing taken
    head = struct.pack("<IIII", 1, 0, 100, 100)
    assert scan(head, 0, 16, False, 1e6, 1, 0, 1 << 26, 8)[:3] == ([], 0, 0)
    assert scan(head + bytes(99), 0, 16, False, 1e6, 1, 0, 1 << 26, 8)[:3] == ([], 0, 0)
    entries, pos, frame, slow, udp, tcp = scan(head + bytes(100), 0, 16, False, 1e6, 1, 7, 99, 8)
    assert (entries, pos, frame) == ([], 0, 7)  # above max_record: left to the reader
    entries, pos, frame, slow, udp, tcp = scan(head + bytes(100), 0, 16, False, 1e6, 1, 7, 100, 8)
    assert (pos, frame, slow, udp, tcp) == (116, 8, [0], 0, 0)
    assert entries == [RawPacket(8, 1.0, 1, bytes(100), 100, 100, 0)]


def test_use_types_refuses_classes_without_the_slots() -> None:
    from skypeflux.capture.net import _fastnet

    @dataclass
    class NoSlots:
        frame: int

    with pytest.raises(TypeError):
        _fastnet.use_types(RawPacket, NoSlots, TcpSegment)
    with pytest.raises(TypeError):
        _fastnet.use_types(UdpDatagram, UdpDatagram, TcpSegment)  # type: ignore[arg-type]
    with pytest.raises(TypeError):  # the first class good, the second not: nothing changes
        _fastnet.use_types(RawPacket, UdpDatagram, NoSlots)
    pkts = [
        Pkt(1, f, len(f), 2.0)
        for f in map(build.ethernet, mutate.synthesized_ips(random.Random(1))[0])
    ]
    data = mutate.pcap_bytes(pkts)
    assert _streamed(data, fast=True) == _packet_wise(data)
    assert tuple(f.name for f in fields(UdpDatagram)) == _fastnet.UDP_FIELDS
    assert tuple(f.name for f in fields(TcpSegment)) == _fastnet.TCP_FIELDS
