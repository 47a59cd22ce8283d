"""Flows end at their last frame: the survey marks it (one bit per frame), the decoding pass
retires the flow's counters there, so a capture of many flows does not grow memory."""

from __future__ import annotations

import random
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.capture import DecodeOptions, Decoder
from skypeflux.capture.flow_ends import FlowEnds
from skypeflux.capture.frame_bits import FrameBits
from skypeflux.capture.limits import Limits
from skypeflux.capture.skype import survey
from skypeflux.outputs.jsonl import record_to_json
from tests.helpers.captures import repeated_capture


@given(st.lists(st.integers(0, 7), max_size=300))
def test_the_last_frame_of_each_flow_is_marked_and_no_other(flows: list[int]) -> None:
    ends = FlowEnds()
    last: dict[int, int] = {}
    for frame, key in enumerate(flows, start=1):
        ends.saw(key, frame, float(frame))
        last[key] = frame
    ends.finish()
    marked = {f for f in range(1, len(flows) + 2) if ends.is_end(f)}
    assert marked == set(last.values())
    assert list(ends.frames()) == sorted(last.values())


@given(st.sets(st.integers(0, 5000), max_size=200))
def test_frame_bits_hold_a_set_and_give_it_back_in_order(frames: set[int]) -> None:
    bits = FrameBits()
    for frame in sorted(frames, key=lambda f: (f * 7919) % 5003):  # in no particular order
        bits.add(frame)
    assert list(bits) == sorted(frames)
    assert {f for f in range(5010) if f in bits} == frames


def _closing_rule(
    packets: list[tuple[int, float]], max_open: int, idle: float, floor: int
) -> tuple[set[int], int]:
    """The rule, stated plainly: after each packet, the least recently active flow closes
    while more than ``max_open`` are open, or more than ``floor`` are and it has been idle for
    longer than ``idle``; every flow still open closes at the end."""
    table: dict[int, tuple[int, float]] = {}
    ends: set[int] = set()
    early = 0
    for frame, (key, now) in enumerate(packets, start=1):
        table.pop(key, None)
        table[key] = (frame, now)
        while table:
            oldest = next(iter(table))
            last, ts = table[oldest]
            if len(table) > max_open or (len(table) > floor and now - ts > idle):
                del table[oldest]
                ends.add(last)
                early += 1
            else:
                break
    ends.update(last for last, _ in table.values())
    return ends, early


@given(
    st.lists(st.tuples(st.integers(0, 30), st.floats(0, 100, allow_nan=False)), max_size=400),
    st.integers(1, 12),
    st.floats(0.5, 40),
    st.integers(0, 12),
)
def test_flows_close_by_the_rule_whatever_the_clock_does(
    packets: list[tuple[int, float]], max_open: int, idle: float, floor: int
) -> None:
    # times jump back and forth (merged captures, clock steps): only the order of activity
    # and the times the rule compares decide
    ends = FlowEnds(max_open=max_open, idle_seconds=idle, floor=floor)
    for frame, (key, ts) in enumerate(packets, start=1):
        ends.saw(key, frame, ts)
    ends.finish()
    expected, early = _closing_rule(packets, max_open, idle, min(floor, max_open))
    assert set(ends.frames()) == expected
    assert ends.closed_early == early


def test_the_open_flow_table_is_bounded_and_idle_flows_close_early() -> None:
    ends = FlowEnds(max_open=100, idle_seconds=10.0, floor=50)
    rng = random.Random(7)
    for frame in range(1, 5001):
        ends.saw(rng.randrange(1000), frame, frame * 0.1)
        assert ends.open_flows <= 100
    assert ends.closed_early > 0
    # a flow that went quiet beyond the limits keeps its last frame marked
    quiet = FlowEnds(max_open=2, floor=1)
    quiet.saw("a", 1, 0.0)
    quiet.saw("b", 2, 0.0)
    quiet.saw("c", 3, 0.0)
    quiet.saw("a", 4, 0.0)
    quiet.finish()
    assert [f for f in range(1, 5) if quiet.is_end(f)] == [1, 2, 3, 4]


def test_without_rows_the_run_gives_the_same_figures(skypeirc_path: Path) -> None:
    kept, lean = Decoder(DecodeOptions(keep_flows=True)), Decoder(DecodeOptions(keep_flows=False))
    records = [record_to_json(r, 0.0) for r in kept.run(skypeirc_path)]
    assert [record_to_json(r, 0.0) for r in lean.run(skypeirc_path)] == records
    assert lean.flows == [] and len(kept.flows) == kept.totals.flows > 0
    assert lean.summary() == kept.summary()
    assert lean.summary()["units"] == sum(f.counts.units for f in kept.flows)
    assert lean.stats == kept.stats


def _peak(path: Path) -> tuple[int, Decoder]:
    # the tables of endpoints are bounded by limits of 65,536 by default: small ones here, so
    # that what is left to grow is whatever the flows leave behind
    limits = Limits(udp_senders=512, skype_endpoints=512, open_flows=512)
    decoder = Decoder(DecodeOptions(keep_flows=False, limits=limits))
    tracemalloc.start()
    try:
        for _record in decoder.run(path):
            pass
        return tracemalloc.get_traced_memory()[1], decoder
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_does_not_grow_with_the_number_of_flows(
    skypeirc_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three times the flows, the same heap: every finished flow leaves memory at its end.

    The bounded tables (endpoints, first datagrams, the survey's idle TCP connections, 256 of
    them before idle ones are closed) are full after 8 copies; what could still grow is
    whatever a finished flow leaves behind."""
    monkeypatch.setattr(survey, "MAX_FIRSTS", 64)  # first datagrams kept (4096 by default)
    few, decoded_few = _peak(repeated_capture(skypeirc_path, tmp_path / "few.pcap", 8))
    many, decoded_many = _peak(repeated_capture(skypeirc_path, tmp_path / "many.pcap", 24))
    kept = Decoder(DecodeOptions(keep_flows=True))
    for _record in kept.run(tmp_path / "many.pcap"):
        pass
    assert len(kept.flows) == decoded_many.totals.flows
    assert decoded_many.totals.flows == 3 * decoded_few.totals.flows > 0
    assert decoded_many.totals.verified == 3 * decoded_few.totals.verified
    print(
        f"heap peak: 8 copies {few / 2**20:.2f} MiB, 24 copies {many / 2**20:.2f} MiB, "
        f"flows {decoded_few.totals.flows} / {decoded_many.totals.flows}"
    )
    assert many - few < 256 * 1024  # 2,688 more flows: under 100 bytes each


def test_repeated_copies_are_new_flows_that_verify_alike(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    one, two = Decoder(DecodeOptions()), Decoder(DecodeOptions())
    for _record in one.run(skypeirc_path):
        pass
    records = list(two.run(repeated_capture(skypeirc_path, tmp_path / "two.pcap", 2)))
    assert two.totals.flows == 2 * one.totals.flows
    assert two.totals.verified == 2 * one.totals.verified > 300
    second = [r for r in records if r.frame > 2263]
    start = min(r.time for r in records)
    assert second and all(r.time >= start + 3600 for r in second)
    firsts = {f.key for f in two.flows if f.counts.first_frame <= 2263}
    assert not firsts & {f.key for f in two.flows if f.counts.first_frame > 2263}
