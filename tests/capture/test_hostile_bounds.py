"""Inputs crafted to exhaust a limit stay within it (issue 13's reproductions, made here).

Each test builds the hostile input itself: 20,000 copies of one IP fragment, 200,000 one-byte
TCP segments in reverse order, many connections each holding data before a hole, an IPv4 packet
of total length 0 carrying megabytes. The assertions are about what is held (bytes, pieces,
sets) and what is reported, the quantities that made the old code quadratic or huge.
"""

from __future__ import annotations

import io
import struct

from skypeflux.capture import Decoder
from skypeflux.capture.files import RawPacket
from skypeflux.capture.net import build
from skypeflux.capture.net.ip_fragments import MAX_PIECES, FragmentReassembler
from skypeflux.capture.net.packets import MAX_IP_LENGTH_ZERO, NetDecoder, TcpSegment
from skypeflux.capture.net.tcp_connections import TcpTracker
from skypeflux.capture.net.tcp_reassembly import (
    PIECE_COST,
    BufferBudget,
    Gap,
    StreamReassembler,
)
from tests.helpers.mutate import Pkt, pcap_bytes

KEY = (b"\x01\x02\x03\x04", b"\x05\x06\x07\x08", 7, 17)


def test_duplicate_fragments_are_dropped_not_stored() -> None:
    frags = FragmentReassembler()
    for i in range(20_000):
        assert frags.add(KEY, 0, True, b"x" * 48, i + 1, 1.0) is None
    assert frags.stats.duplicates == 19_999
    assert frags.stored_bytes == 48 and frags.open_sets == 1
    # the set still completes with its last piece
    done = frags.add(KEY, 48, False, b"y" * 8, 20_001, 1.0)
    assert done is not None and done.payload == b"x" * 48 + b"y" * 8
    assert frags.stored_bytes == 0


def test_a_set_of_too_many_pieces_is_dropped() -> None:
    limit = 100
    frags = FragmentReassembler(max_pieces=limit)
    for i in range(limit + 50):  # distinct overlapping pieces, never complete
        frags.add(KEY, 8 * i, True, b"z" * 16, i + 1, 1.0)
    assert frags.stats.overflowed >= 1
    assert frags.stored_bytes <= 16 * limit


def test_the_default_piece_limit_admits_every_8_byte_offset() -> None:
    # The smallest legal fragment carries 8 bytes: a 64 KiB datagram may come in 8,192 pieces.
    assert MAX_PIECES * 8 >= 65535 - 20


def test_all_sets_together_are_bounded_in_bytes() -> None:
    frags = FragmentReassembler(max_bytes=100_000)
    for i in range(200):  # 200 sets of 1,400 bytes each: 280 kB offered
        key = (b"\x01\x02\x03\x04", b"\x05\x06\x07\x08", i, 17)
        frags.add(key, 0, True, b"q" * 1400, i + 1, 1.0)
        assert frags.stored_bytes <= 100_000
    assert frags.stats.overflowed > 0


def test_reversed_one_byte_segments_are_bounded() -> None:
    r = StreamReassembler()
    r.syn(0)
    gaps = []
    most = 0
    for i in range(200_000, 0, -1):  # byte i of the stream, the first one last
        gaps += [e for e in r.add(1 + i, b"a", i) if isinstance(e, Gap)]
        most = max(most, r.memory)
        if r.done:
            break
    assert r.done and len(gaps) == 1 and gaps[0].offset == 0
    assert most <= r.max_memory + PIECE_COST + 1
    assert r.memory == 0 and r.budget.used == 0


def test_every_direction_shares_one_memory_budget() -> None:
    tracker = TcpTracker(max_memory_total=1 << 20)
    budget: BufferBudget = tracker.budget
    highest = 0
    for conn in range(400):  # each connection holds 60 kB after a one-byte hole
        src = f"10.0.{conn // 200}.{conn % 200 + 1}"
        for k in range(60):
            seg = TcpSegment(
                conn * 100 + k, 1.0, src, 1000, "10.9.9.9", 80, 2 + 1000 * k, 0, 0x18,
                b"d" * 1000, False, (conn * 100 + k,),
            )  # fmt: skip
            tracker.add(seg)
            highest = max(highest, budget.used)
    assert highest <= budget.limit + 1000 + PIECE_COST
    tracker.finish()
    assert budget.used == 0


def _length_zero(small_ip: bytes, size: int) -> bytes:
    """``small_ip`` grown to ``size`` bytes with its IPv4 total length set to 0 (offload)."""
    ip = bytearray(small_ip + bytes(size - len(small_ip)))
    struct.pack_into("!H", ip, 2, 0)
    return bytes(ip)


def test_ip_length_zero_is_bounded() -> None:
    """Total length 0 (offload) on a 2 MB packet: at most MAX_IP_LENGTH_ZERO bytes of it."""
    ip = _length_zero(build.tcp("1.2.3.4", 1, "5.6.7.8", 2, seq=1, ack=0, flags=0x18), 2_000_000)
    packet = RawPacket(1, 1.0, 101, ip, len(ip), len(ip))
    net = NetDecoder()
    seg = net.decode(packet)
    assert isinstance(seg, TcpSegment) and seg.truncated
    assert len(seg.payload) == MAX_IP_LENGTH_ZERO - 40
    assert net.reasons == {"TCP segment cut by the snap length": 1}


def test_ip_length_zero_capture_decodes_in_bounded_memory() -> None:
    tcp = _length_zero(build.tcp("1.2.3.4", 1, "5.6.7.8", 2, seq=1, ack=0, flags=0x18), 3_000_000)
    udp = _length_zero(build.udp("1.2.3.4", 1, "5.6.7.8", 2, b"0123"), 3_000_000)
    pkts = [Pkt(101, tcp, len(tcp), 1.0), Pkt(101, udp, len(udp), 2.0)]
    decoder = Decoder()
    records = list(decoder.run(io.BytesIO(pcap_bytes(pkts))))
    assert records == [] and decoder.outcomes["unaccounted"] == 0
    assert decoder.outcomes["tcp_not_skype"] == 1 and decoder.outcomes["udp_not_skype"] == 1
    assert decoder.reasons == {"TCP segment cut by the snap length": 1}  # UDP said 12 bytes


def test_thousands_of_distinct_fragments_complete_exactly() -> None:
    """The last fragment first, then 8,190 eight-byte pieces, then the first: the set completes
    only with the first, with every byte where it belongs (completeness is not re-sorted)."""
    frags = FragmentReassembler()
    body = bytes(i % 251 for i in range(8 * 8192 - 8))
    last_at = len(body) - 8
    assert frags.add(KEY, last_at, False, body[last_at:], 1, 1.0) is None
    for at in range(8, last_at, 8):
        assert frags.add(KEY, at, True, body[at : at + 8], 2, 1.0) is None
    done = frags.add(KEY, 0, True, body[:8], 3, 1.0)
    assert done is not None and done.payload == body


def test_a_hole_smaller_than_eight_bytes_is_not_hidden() -> None:
    frags = FragmentReassembler()
    assert frags.add(KEY, 0, True, b"a" * 13, 1, 1.0) is None  # 13 bytes: not a whole unit
    assert frags.add(KEY, 16, False, b"c" * 8, 2, 1.0) is None  # bytes 13-15 never came
    done = frags.add(KEY, 8, True, b"b" * 8, 3, 1.0)
    assert done is not None and done.payload == b"a" * 13 + b"b" * 3 + b"c" * 8
