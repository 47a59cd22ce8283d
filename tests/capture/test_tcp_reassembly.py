"""TCP reassembly: the real capture's obfuscated connections, hand-made edge cases, and properties.

The real streams are checked against the decrypted oracle (SkypeIRC.units.jsonl), which was made
by other tools: same first frame, same seed in the first four bytes, same length, same frames.
The properties compare the reassembler with a byte-by-byte model of "first copy wins, deliver the
contiguous prefix, report the first hole".
"""

from __future__ import annotations

import itertools
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.capture.files import read_packets
from skypeflux.capture.net.packets import ACK, FIN, PSH, RST, SYN, NetDecoder, TcpSegment
from skypeflux.capture.net.tcp_connections import FlowEvent, TcpTracker
from skypeflux.capture.net.tcp_reassembly import (
    END_CAPTURE,
    END_FIN,
    END_IDLE,
    END_REUSED,
    END_RST,
    FRAME_HISTORY,
    BufferBudget,
    Chunk,
    End,
    Gap,
    StreamEvent,
    StreamReassembler,
)

# -- the real capture ---------------------------------------------------------------------


def _segments(path: Path, drop: frozenset[int] = frozenset()) -> list[TcpSegment]:
    decoder = NetDecoder()
    return [
        s
        for s in decoder.decode_all(read_packets(path))
        if isinstance(s, TcpSegment) and s.frame not in drop
    ]


def _run(segments: list[TcpSegment]) -> tuple[TcpTracker, list[FlowEvent]]:
    tracker = TcpTracker()
    events = [e for s in segments for e in tracker.add(s)]
    events += tracker.finish()
    return tracker, events


def _by_direction(events: list[FlowEvent]) -> dict[str, list[StreamEvent]]:
    out: dict[str, list[StreamEvent]] = {}
    for e in events:
        key = f"{e.direction.src}:{e.direction.sport} -> {e.direction.dst}:{e.direction.dport}"
        out.setdefault(key, []).append(e.event)
    return out


def _stream(items: list[StreamEvent]) -> bytes:
    chunks = [i for i in items if isinstance(i, Chunk)]
    offset = 0
    for chunk in chunks:
        assert chunk.offset == offset
        offset += len(chunk.data)
    return b"".join(c.data for c in chunks)


@pytest.fixture(scope="module")
def frame_times(skypeirc_path: Path) -> dict[int, float]:
    """Capture time of every frame, as the reader gives it (events must carry the same)."""
    return {p.frame: p.ts for p in read_packets(skypeirc_path)}


@pytest.fixture(scope="module")
def skypeirc_tcp(skypeirc_path: Path) -> tuple[TcpTracker, list[FlowEvent]]:
    return _run(_segments(skypeirc_path))


@pytest.fixture(scope="module")
def tcp_units(units_oracle: list[dict[str, Any]]) -> list[dict[str, Any]]:
    units = [u for u in units_oracle if u["proto"] == "tcp"]
    assert [u["frame"] for u in units] == [273, 274, 788, 790, 1892, 1899, 2115, 2118]
    return units


def test_obfuscated_streams_match_the_oracle(
    skypeirc_tcp: tuple[TcpTracker, list[FlowEvent]], tcp_units: list[dict[str, Any]]
) -> None:
    _, events = skypeirc_tcp
    directions = _by_direction(events)
    for unit in tcp_units:
        items = directions[f"{unit['src']} -> {unit['dst']}"]
        stream = _stream(items)
        first = next(i for i in items if isinstance(i, Chunk))
        assert first.frame == unit["frame"]
        assert stream[:4] == bytes.fromhex(unit["seed"])
        # stream_len counts the seed: the oracle's plaintext is what follows it
        assert len(stream) == unit["stream_len"] == 4 + len(unit["plaintext"]) // 2
        assert not any(isinstance(i, Gap) for i in items)
        assert isinstance(items[-1], End) and items[-1].offset == unit["stream_len"]
    # the seed printed in captures/README.md for the first client -> supernode direction
    assert _stream(directions["192.168.1.2:1312 -> 68.206.150.243:57322"])[:4] == bytes.fromhex(
        "0790C7DD"
    )


def test_data_frames_and_initiators(
    skypeirc_tcp: tuple[TcpTracker, list[FlowEvent]], tcp_units: list[dict[str, Any]]
) -> None:
    _, events = skypeirc_tcp
    directions = {e.direction.label(): e.direction for e in events}
    for unit in tcp_units:
        direction = directions[f"{unit['src']} -> {unit['dst']}"]
        assert list(direction.data_frames) == unit["frames"][-FRAME_HISTORY:]
        assert set(direction.data_frames) <= set(direction.frames)
    # the client opened the two supernode connections; peers opened the two to its port 35990
    initiators = {(e.connection.initiator.src, e.connection.initiator.sport) for e in events}
    assert ("192.168.1.2", 1312) in initiators and ("192.168.1.2", 1092) in initiators
    assert ("84.228.208.91", 4464) in initiators and ("189.132.176.243", 2330) in initiators


def test_supernode_reply_direction_is_complete(
    skypeirc_tcp: tuple[TcpTracker, list[FlowEvent]], frame_times: dict[int, float]
) -> None:
    """spec/protocol.md speaks of a 654-byte hole in 67.71.69.121:12492 -> client. The TCP layer
    has none: sequence numbers run without a break over 1,548 bytes (37 + 578 + 660 + 48 + 82 +
    20 + 48 + 75, frames 1899 ... 2193) and every frame is captured whole. The 654 bytes are the
    body of the TCP frame carried by frame 1932, so whatever is odd about them is above TCP."""
    _, events = skypeirc_tcp
    items = _by_direction(events)["67.71.69.121:12492 -> 192.168.1.2:1092"]
    assert [len(i.data) for i in items if isinstance(i, Chunk)] == [
        37,
        578,
        660,
        48,
        82,
        20,
        48,
        75,
    ]
    assert items[-1] == End(1548, END_RST, 2194, frame_times[2194])


def test_a_missing_frame_becomes_a_gap(skypeirc_path: Path, frame_times: dict[int, float]) -> None:
    # Without frame 1932 (660 bytes at stream offset 615) the direction must stop there.
    _, events = _run(_segments(skypeirc_path, drop=frozenset({1932})))
    items = _by_direction(events)["67.71.69.121:12492 -> 192.168.1.2:1092"]
    assert len(_stream(items)) == 615
    gaps = [i for i in items if isinstance(i, Gap)]
    # 1990 carries the first bytes after the hole
    assert gaps == [Gap(615, 660, 1990, frame_times[1990])]
    assert items[-1] is gaps[0]


def test_fin_before_the_data_it_closes_is_a_gap(
    skypeirc_tcp: tuple[TcpTracker, list[FlowEvent]], frame_times: dict[int, float]
) -> None:
    # Frame 882: 213.165.187.162 sends FIN at ISN+1+138 but the 138 bytes never appear. The
    # direction waits for them (a retransmission could still come), and when the connection
    # ends without them the hole is reported at the FIN, the first frame after it.
    _, events = skypeirc_tcp
    items = _by_direction(events)["213.165.187.162:60229 -> 192.168.1.2:2627"]
    assert items == [Gap(0, 138, 882, frame_times[882])]


def test_connections_are_bounded(skypeirc_path: Path) -> None:
    tracker = TcpTracker(max_connections=5)
    open_counts = []
    for segment in _segments(skypeirc_path):
        tracker.add(segment)
        open_counts.append(len(tracker.open_connections))
    assert max(open_counts) == 5
    # every connection no longer open was evicted, or replaced by a new SYN on its ports
    assert 0 < tracker.evicted <= tracker.connections_seen - 5


# -- one direction, by hand ---------------------------------------------------------------


def _feed(r: StreamReassembler, *segments: tuple[int, bytes, int]) -> list[StreamEvent]:
    return [e for seq, data, frame in segments for e in r.add(seq, data, frame)]


def test_out_of_order_is_held_then_released() -> None:
    r = StreamReassembler()
    r.syn(99)
    assert _feed(r, (105, b"fgh", 2)) == []
    assert r.buffered == 3
    assert _feed(r, (100, b"abcde", 3)) == [Chunk(0, b"abcde", 3), Chunk(5, b"fgh", 2)]
    assert r.buffered == 0 and r.next_offset == 8


def test_retransmission_and_overlap_keep_the_first_copy() -> None:
    r = StreamReassembler()
    r.syn(0)
    assert _feed(r, (1, b"abcd", 1), (1, b"ABCD", 2)) == [Chunk(0, b"abcd", 1)]
    assert _feed(r, (3, b"CDef", 3)) == [Chunk(4, b"ef", 3)]
    # held bytes keep precedence over a later in-order copy that covers them
    assert _feed(r, (9, b"xy", 4)) == []
    assert _feed(r, (7, b"GHXYZ", 5)) == [
        Chunk(6, b"GH", 5),
        Chunk(8, b"xy", 4),
        Chunk(10, b"Z", 5),
    ]
    assert r.duplicate_bytes == 4 + 2 + 2


def test_sequence_wrap_around() -> None:
    r = StreamReassembler()
    r.syn(0xFFFF_FFFA)
    out = _feed(r, (0xFFFF_FFFB, b"0123", 1), (3, b"89", 3), (0xFFFF_FFFF, b"4567", 2))
    assert out == [Chunk(0, b"0123", 1), Chunk(4, b"4567", 2), Chunk(8, b"89", 3)]


def test_without_syn_offsets_start_at_the_first_byte_seen() -> None:
    r = StreamReassembler()
    assert _feed(r, (5000, b"later", 7), (4998, b"..la", 6)) == [Chunk(0, b"later", 7)]


def test_buffer_limit_turns_a_hole_into_a_gap() -> None:
    r = StreamReassembler(max_buffered=10)
    r.syn(0)
    assert _feed(r, (1, b"ab", 1), (6, b"x" * 6, 2)) == [Chunk(0, b"ab", 1)]
    assert _feed(r, (12, b"y" * 6, 3)) == [Gap(2, 3, 2)]
    assert r.done and _feed(r, (3, b"cde", 4)) == []


def test_fin_and_rst() -> None:
    clean = StreamReassembler()
    clean.syn(0)
    assert clean.add(1, b"bye", 4, fin=True) == [Chunk(0, b"bye", 4), End(3, END_FIN, 4)]
    holed = StreamReassembler()
    holed.syn(0)
    assert holed.add(11, b"", 5, fin=True, ts=5.5) == []  # the 10 bytes may still come
    assert holed.finish(9, ts=9.5) == [Gap(0, 10, 5, 5.5)]  # they did not: a hole at the FIN
    reset = StreamReassembler()
    reset.syn(0)
    assert _feed(reset, (1, b"a", 1)) == [Chunk(0, b"a", 1)]
    assert reset.add(2, b"", 2, rst=True) == [End(1, END_RST, 2)]


def test_fin_before_a_retransmission_waits_for_it() -> None:
    """A lost segment retransmitted after the FIN: the stream is complete, not holed."""
    r = StreamReassembler()
    r.syn(1000)
    assert r.add(1001, b"aaaa", 1, ts=1.0) == [Chunk(0, b"aaaa", 1)]
    assert r.add(1009, b"cccc", 3, fin=True, ts=3.0) == []
    assert not r.done
    assert r.add(1005, b"bbbb", 4, ts=4.0) == [
        Chunk(4, b"bbbb", 4),
        Chunk(8, b"cccc", 3),
        End(12, END_FIN, 4, 4.0),
    ]
    assert r.done and r.add(1013, b"late", 5) == []


def test_fin_with_a_hole_ends_as_a_gap_on_rst_or_buffer_limit() -> None:
    reset = StreamReassembler()
    reset.syn(0)
    assert _feed(reset, (1, b"ab", 1)) == [Chunk(0, b"ab", 1)]
    assert reset.add(9, b"ij", 2, fin=True, ts=2.0) == []
    # the reset names the first bytes after the hole (frame 2), not the reset itself
    assert reset.add(11, b"", 3, rst=True, ts=3.0) == [Gap(2, 6, 2, 2.0)]
    bounded = StreamReassembler(max_buffered=4)
    bounded.syn(0)
    assert bounded.add(20, b"", 1, fin=True, ts=1.0) == []
    assert bounded.add(5, b"xyz", 2, ts=2.0) == []
    assert bounded.add(9, b"pq", 3, ts=3.0) == [Gap(0, 4, 2, 2.0)]  # 5 bytes held > 4


def test_bytes_beyond_the_fin_are_not_stream_bytes() -> None:
    r = StreamReassembler()
    r.syn(0)
    assert r.add(12, b"after", 1) == []  # held: the FIN is not known yet
    assert r.add(5, b"efgh", 2, fin=True) == []  # ends the stream at offset 8
    assert r.buffered == 4
    assert r.add(1, b"abcdXY", 3) == [
        Chunk(0, b"abcd", 3),
        Chunk(4, b"efgh", 2),
        End(8, END_FIN, 3),
    ]


def test_finish_reports_a_hole_left_open() -> None:
    r = StreamReassembler()
    r.syn(0)
    _feed(r, (1, b"a", 1), (10, b"j", 2))
    assert r.finish(9) == [Gap(1, 8, 2)]
    untouched = StreamReassembler()
    assert untouched.finish(9) == []


# -- connections --------------------------------------------------------------------------

A, B = ("10.0.0.1", 1111), ("10.0.0.2", 2222)


def _seg(
    src: tuple[str, int],
    dst: tuple[str, int],
    seq: int,
    flags: int,
    data: bytes = b"",
    frame: int = 1,
    ts: float = 0.0,
) -> TcpSegment:
    return TcpSegment(
        frame, ts, src[0], src[1], dst[0], dst[1], seq, 0, flags, data, False, (frame,)
    )


def test_initiator_is_the_syn_sender_or_inferred_from_syn_ack() -> None:
    tracker = TcpTracker()
    tracker.add(_seg(B, A, 500, SYN | ACK, frame=1))  # the SYN itself was not captured
    (ev,) = tracker.add(_seg(A, B, 101, PSH | ACK, b"hi", frame=2))
    assert (ev.connection.initiator.src, ev.connection.initiator.sport) == A
    assert ev.direction is ev.connection.initiator and ev.event == Chunk(0, b"hi", 2)
    (reply,) = tracker.add(_seg(B, A, 501, PSH | ACK, b"yo", frame=3))
    assert reply.event == Chunk(0, b"yo", 3)  # offset 0 = the byte after the SYN/ACK
    assert reply.connection.handshake_seen


def test_without_handshake_the_first_sender_initiates() -> None:
    tracker = TcpTracker()
    (ev,) = tracker.add(_seg(B, A, 7000, PSH | ACK, b"mid", frame=4))
    assert (ev.connection.initiator.src, ev.connection.initiator.sport) == B
    assert not ev.connection.handshake_seen


def test_rst_ends_both_directions() -> None:
    tracker = TcpTracker()
    tracker.add(_seg(A, B, 100, SYN, frame=1))
    tracker.add(_seg(B, A, 500, SYN | ACK, frame=2))
    tracker.add(_seg(B, A, 501, PSH | ACK, b"x", frame=3))
    tracker.add(_seg(B, A, 510, PSH | ACK, b"z", frame=4))  # 8 bytes missing before it
    events = tracker.add(_seg(A, B, 101, RST, frame=5, ts=5.0))
    assert [(e.direction.sport, e.event) for e in events] == [
        (1111, End(0, END_RST, 5, 5.0)),
        (2222, Gap(1, 8, 4)),  # frame 4 came at time 0.0
    ]


def test_idle_connections_are_evicted_in_capture_time() -> None:
    tracker = TcpTracker(idle_timeout=60.0, idle_floor=0)
    tracker.add(_seg(A, B, 100, SYN, frame=1, ts=0.0))
    tracker.add(_seg(A, B, 101, PSH | ACK, b"abc", frame=2, ts=1.0))
    other = (("10.0.0.3", 3333), ("10.0.0.4", 4444))
    events = tracker.add(_seg(*other, 9, PSH | ACK, b"new", frame=3, ts=62.0))
    assert [(e.direction.sport, e.event) for e in events] == [
        (1111, End(3, END_IDLE, 3, 62.0)),  # at the segment that showed the time had passed
        (3333, Chunk(0, b"new", 3)),
    ]
    assert len(tracker.open_connections) == 1


def test_a_clock_jump_does_not_end_a_small_table() -> None:
    # One segment stamped far ahead (a clock step, merged captures) must not end the few open
    # connections: idle eviction only trims a table larger than idle_floor.
    tracker = TcpTracker(idle_timeout=60.0, idle_floor=4)
    tracker.add(_seg(A, B, 100, SYN, frame=1, ts=0.0))
    tracker.add(_seg(A, B, 101, PSH | ACK, b"abc", frame=2, ts=1.0))
    other = (("10.0.0.3", 3333), ("10.0.0.4", 4444))
    assert [e.event for e in tracker.add(_seg(*other, 9, PSH | ACK, b"x", frame=3, ts=700.0))] == [
        Chunk(0, b"x", 3)
    ]
    (ev,) = tracker.add(_seg(A, B, 104, PSH | ACK, b"def", frame=4, ts=2.0))
    assert ev.event == Chunk(3, b"def", 4) and ev.connection.number == 1


def test_a_new_syn_on_the_same_ports_is_a_new_connection() -> None:
    tracker = TcpTracker()
    tracker.add(_seg(A, B, 100, SYN, frame=1))
    tracker.add(_seg(A, B, 101, PSH | ACK, b"one", frame=2))
    tracker.add(_seg(A, B, 104, FIN | ACK, frame=3))
    assert tracker.add(_seg(A, B, 100, SYN, frame=4)) == []  # retransmitted SYN: same ISN
    events = tracker.add(_seg(A, B, 9000, SYN, frame=5))
    assert [e.event for e in events] == []  # the old one had ended cleanly, nothing to report
    (ev,) = tracker.add(_seg(A, B, 9001, PSH | ACK, b"two", frame=6))
    assert ev.connection.number == 2 and ev.event == Chunk(0, b"two", 6)
    still_open = TcpTracker()
    still_open.add(_seg(A, B, 100, SYN, frame=1))
    still_open.add(_seg(A, B, 101, PSH | ACK, b"one", frame=2))
    events = still_open.add(_seg(A, B, 7777, SYN, frame=3))
    assert [(e.connection.number, e.event) for e in events] == [(1, End(3, END_REUSED, 3))]


def test_finish_closes_what_is_still_open() -> None:
    tracker = TcpTracker()
    tracker.add(_seg(A, B, 100, SYN, frame=1, ts=1.0))
    tracker.add(_seg(A, B, 101, PSH | ACK, b"abc", frame=2, ts=2.0))
    tracker.add(_seg(B, A, 7, PSH | ACK, b"q", frame=3, ts=3.0))
    tracker.add(_seg(B, A, 20, PSH | ACK, b"r", frame=4, ts=4.0))
    tracker.add(_seg(A, B, 104, ACK, frame=5, ts=5.0))
    # each direction ends at its own last frame, with that frame's time
    assert [(e.direction.sport, e.event) for e in tracker.finish()] == [
        (1111, End(3, END_CAPTURE, 5, 5.0)),
        (2222, Gap(1, 12, 4, 4.0)),
    ]
    assert tracker.open_connections == []


# -- properties ---------------------------------------------------------------------------


@st.composite
def _segmentation(draw: st.DrawFn) -> tuple[bytes, int, list[tuple[int, int]]]:
    """A stream, an ISN (often near the wrap), and arrival-ordered (start, end) slices of it,
    covering all of it, shuffled, some sent twice with other boundaries."""
    data = draw(st.binary(min_size=1, max_size=2000))
    isn = draw(st.one_of(st.integers(0, 2**32 - 1), st.integers(2**32 - 2100, 2**32 - 1)))
    cuts = (
        sorted(draw(st.sets(st.integers(1, len(data) - 1), max_size=30))) if len(data) > 1 else []
    )
    bounds = [0, *cuts, len(data)]
    pieces = list(itertools.pairwise(bounds))
    extra = draw(
        st.lists(st.tuples(st.integers(0, len(data) - 1), st.integers(1, 300)), max_size=10)
    )
    pieces += [(s, min(len(data), s + n)) for s, n in extra]
    order = draw(st.randoms(use_true_random=False))
    order.shuffle(pieces)
    return data, isn, pieces


@settings(max_examples=300, deadline=None)
@given(_segmentation())
def test_any_segmentation_reassembles_to_the_original(
    case: tuple[bytes, int, list[tuple[int, int]]],
) -> None:
    data, isn, pieces = case
    r = StreamReassembler()
    r.syn(isn)
    events: list[StreamEvent] = []
    for frame, (start, end) in enumerate(pieces, start=1):
        events += r.add((isn + 1 + start) & 0xFFFF_FFFF, data[start:end], frame)
    events += r.finish(len(pieces) + 1)
    assert _stream(events) == data
    assert events[-1] == End(len(data), END_CAPTURE, len(pieces) + 1)


@settings(max_examples=300, deadline=None)
@given(_segmentation())
def test_a_fin_in_any_arrival_order_ends_the_complete_stream(
    case: tuple[bytes, int, list[tuple[int, int]]],
) -> None:
    """Every segment that reaches the end carries the FIN, wherever it falls in the arrival
    order: the stream still comes out whole and ends with END_FIN at the last missing piece."""
    data, isn, pieces = case
    r = StreamReassembler()
    r.syn(isn)
    events: list[StreamEvent] = []
    for frame, (start, end) in enumerate(pieces, start=1):
        fin = end == len(data)
        events += r.add((isn + 1 + start) & 0xFFFF_FFFF, data[start:end], frame, fin=fin)
    covered: set[int] = set()
    completing = 0
    for frame, (start, end) in enumerate(pieces, start=1):
        covered.update(range(start, end))
        if len(covered) == len(data):
            completing = frame
            break
    assert _stream(events) == data
    assert events[-1] == End(len(data), END_FIN, completing)
    assert r.done and r.finish(len(pieces) + 1) == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 60), st.binary(min_size=1, max_size=12)), max_size=25),
    st.integers(0, 2**32 - 1),
)
def test_matches_the_first_copy_model(pieces: list[tuple[int, bytes]], isn: int) -> None:
    """Conflicting copies, holes and all: each delivered byte is the first copy that arrived,
    delivery is the contiguous prefix, and the first hole after it is the reported gap."""
    first: dict[int, tuple[int, int]] = {}  # offset -> (byte, frame) of the first copy
    for frame, (start, piece) in enumerate(pieces, start=1):
        for i, byte in enumerate(piece):
            first.setdefault(start + i, (byte, frame))
    prefix = 0
    while prefix in first:
        prefix += 1
    r = StreamReassembler()
    r.syn(isn)
    events: list[StreamEvent] = []
    for frame, (start, piece) in enumerate(pieces, start=1):
        events += r.add((isn + 1 + start) & 0xFFFF_FFFF, piece, frame)
    events += r.finish(999)
    chunks = [e for e in events if isinstance(e, Chunk)]
    assert _stream(events) == bytes(first[i][0] for i in range(prefix))
    assert [f for c in chunks for f in [c.frame] * len(c.data)] == [
        first[i][1] for i in range(prefix)
    ]
    later = [i for i in first if i > prefix]
    if later:
        nxt = min(later)
        assert events[-1] == Gap(prefix, nxt - prefix, first[nxt][1])
    else:
        assert events[-1] == End(prefix, END_CAPTURE, 999) or (not pieces and events == [])


def test_random_interleaving_of_two_directions() -> None:
    """Both directions of a connection, segments shuffled within a window (as on a real wire)."""
    rng = random.Random(42)
    streams = {
        A: bytes(rng.randrange(256) for _ in range(5000)),
        B: bytes(rng.randrange(256) for _ in range(3000)),
    }
    isns = {A: 0xFFFF_FF00, B: 12345}
    segments = [_seg(A, B, isns[A], SYN, frame=0), _seg(B, A, isns[B], SYN | ACK, frame=0)]
    wire: list[tuple[tuple[str, int], int, int]] = []
    for side, data in streams.items():
        pos = 0
        while pos < len(data):
            n = rng.randint(1, 700)
            wire.append((side, pos, min(len(data), pos + n)))
            pos += n
    rng.shuffle(wire)
    for side, start, end in wire:
        dst = B if side == A else A
        seq = (isns[side] + 1 + start) & 0xFFFF_FFFF
        segments.append(_seg(side, dst, seq, PSH | ACK, streams[side][start:end]))
    tracker = TcpTracker()
    events = [e for s in segments for e in tracker.add(s)] + tracker.finish()
    got = _by_direction(events)
    assert _stream(got["10.0.0.1:1111 -> 10.0.0.2:2222"]) == streams[A]
    assert _stream(got["10.0.0.2:2222 -> 10.0.0.1:1111"]) == streams[B]


def test_a_syn_after_a_finished_connection_opens_a_new_one_even_with_the_same_isn() -> None:
    tracker = TcpTracker()
    tracker.add(_seg(A, B, 100, SYN, frame=1))
    tracker.add(_seg(A, B, 101, PSH | ACK, b"one", frame=2))
    tracker.add(_seg(A, B, 104, RST, frame=3))
    tracker.add(_seg(A, B, 100, SYN, frame=4))  # same ISN, but the first one is over
    (ev,) = tracker.add(_seg(A, B, 101, PSH | ACK, b"two", frame=5))
    assert ev.connection.number == 2 and ev.event == Chunk(0, b"two", 5)


def test_a_direction_nobody_reads_holds_nothing_and_still_ends_on_its_fin() -> None:
    """Once the reader says it needs no more bytes (a direction that is not Skype), held bytes
    are released from the shared budget, later data is neither held nor delivered, and the
    FIN still ends the direction where the stream ends."""
    budget = BufferBudget()
    r = StreamReassembler(budget=budget)
    r.syn(99)
    assert _feed(r, (100, b"ab", 1)) == [Chunk(0, b"ab", 1)]
    assert _feed(r, (110, b"late", 2)) == [] and budget.used > 0
    r.stop_delivering()
    assert budget.used == 0 and r.buffered == 0
    assert _feed(r, (102, b"cdefgh", 3)) == [] and r.buffered == 0
    assert r.add(114, b"", 4, fin=True) == [End(14, END_FIN, 4, 0.0)]
    assert r.done


def _reassembler_state(r: StreamReassembler) -> tuple[object, ...]:
    # its attributes are slots of the plain class, getset descriptors of the mypyc-compiled one
    names = [
        name
        for name, value in vars(StreamReassembler).items()
        if type(value).__name__ in ("member_descriptor", "getset_descriptor")
    ]
    assert len(names) > 5
    return tuple(repr(getattr(r, name, None)) for name in names if name != "budget")


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 80),
            st.binary(max_size=12),
            st.sampled_from(["", "fin", "rst", "stop"]),
            st.integers(0, 2**32 - 1),
        ),
        max_size=20,
    ),
    st.integers(0, 2**32 - 1),
    st.booleans(),
)
def test_a_bare_ack_is_a_noop_while_delivering(
    steps: list[tuple[int, bytes, str, int]], isn: int, handshake: bool
) -> None:
    """What TcpTracker.add relies on to skip bare ACKs: with no payload, FIN or RST, ``add``
    releases nothing and changes nothing while the reassembler delivers, at any sequence
    number, before the origin is known, with a FIN waiting for missing bytes, or after the end."""
    r = StreamReassembler(max_buffered=40)
    if handshake:
        r.syn(isn)
    for frame, (start, piece, action, ack_seq) in enumerate(steps, start=1):
        if r.delivering:
            before = _reassembler_state(r)
            assert r.add(ack_seq, b"", frame, ts=float(frame)) == []
            assert _reassembler_state(r) == before
        if action == "stop":
            r.stop_delivering()
        r.add(
            (isn + 1 + start) & 0xFFFF_FFFF,
            piece,
            frame,
            fin=action == "fin",
            rst=action == "rst",
            ts=float(frame),
        )
