"""The answers a first pass learns are looked up as a dict of them would be."""

from __future__ import annotations

import tracemalloc

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.outputs.reply_frames import ReplyFrames

ANSWERS = st.lists(
    st.tuples(st.integers(0, 60), st.integers(0, 3), st.integers(0, 1000)), max_size=200
)


@given(ANSWERS, st.lists(st.tuples(st.integers(-2, 62), st.integers(-1, 70000)), max_size=40))
def test_the_same_answers_as_a_dict(
    answers: list[tuple[int, int, int]], asked: list[tuple[int, int]]
) -> None:
    expected: dict[tuple[int, int], int] = {}
    for frame, reqid, reply in answers:
        expected.setdefault((frame, reqid), reply)  # the first reply given is kept
    frames = ReplyFrames(answers)
    assert dict(frames) == expected
    assert len(frames) == len(expected) and sorted(frames) == sorted(expected)
    for request in asked + list(expected):
        assert frames.get(request) == expected.get(request)
        assert (request in frames) is (request in expected)


def test_a_request_id_is_two_bytes_and_a_frame_is_not_negative() -> None:
    with pytest.raises(ValueError, match="16-bit request id"):
        ReplyFrames([(5, 0x10000, 9)])
    with pytest.raises(ValueError):
        ReplyFrames([(-1, 3, 9)])
    assert ReplyFrames([(5, 0xFFFF, 9)])[(5, 0xFFFF)] == 9


def test_a_hundred_thousand_answers_take_little_memory() -> None:
    tracemalloc.start()
    try:
        frames = ReplyFrames((3 * i + 1, i & 0xFFFF, 3 * i + 2) for i in range(100_000))
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert frames[(3 * 99_999 + 1, 99_999 & 0xFFFF)] == 3 * 99_999 + 2
    assert held < 40 * 100_000, held  # a dict of tuples held 194 bytes each
