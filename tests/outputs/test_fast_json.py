"""The C line writer (``_fastjson.c``) against its definition, ``record_line``.

``JsonLinesWriter`` hands every record to the C writer first and builds in Python each line it
declines. For every record the C line must be ``None`` or exactly the Python line: on the real
capture, on every built-in scenario, on records decoded from mutated captures, and on made
records with every object family, nesting, odd text and odd values. The C writer must also
take the ordinary records (a writer that declined everything would pass the rest).
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.capture import Decoder
from skypeflux.capture.errors import CaptureError
from skypeflux.capture.records import BlockInfo, FlowKey, Record
from skypeflux.capture.synth import builtin_names, load_scenario, synthesize
from skypeflux.ipv4 import Endpoint
from skypeflux.objects import Address, Obj, ObjectList
from skypeflux.outputs import _fastjson
from skypeflux.outputs.jsonl import JsonLinesWriter, fast_available, record_line
from tests.helpers import mutate
from tests.helpers.fuzz_run import load_seeds
from tests.helpers.records import ack_record, payload_record
from tests.objects.test_properties import object_lists


def _compare(records: list[Record], origin: float | None = None) -> tuple[int, int]:
    """Both lines of every record; how many the C writer took and declined."""
    start = records[0].time if origin is None else origin
    taken = 0
    for record in records:
        line = _fastjson.record_line(record, start)
        expected = record_line(record, start)
        if line is not None:
            assert line == expected, record
            taken += 1
    return taken, len(records) - taken


def test_the_c_writer_is_built() -> None:
    assert fast_available()  # CI's check-fast says so too: the tests below compare C with Python


def test_every_record_of_the_real_capture(skypeirc_path: Path) -> None:
    records = list(Decoder().run(skypeirc_path))
    taken, declined = _compare(records)
    notes = sum(record.unit == "note" for record in records)
    assert notes and declined == notes and taken == len(records) - notes


def test_every_record_of_every_builtin_scenario(tmp_path: Path) -> None:
    for name in builtin_names():
        built = synthesize(load_scenario(name), seed=5)
        path = tmp_path / f"{name}.pcap"
        built.write(path)
        records = list(Decoder().run(path))
        taken, _ = _compare(records)
        assert taken, name


@pytest.mark.slow
def test_records_of_mutated_captures(skypeirc_path: Path) -> None:
    seeds = load_seeds(skypeirc_path)
    taken = cases = 0
    for index in range(400):
        case = mutate.make_case(seeds, 11, index)
        try:
            records = list(Decoder().run(io.BytesIO(case.data)))
        except CaptureError:
            continue
        if records:
            cases += 1
            taken += _compare(records)[0]
    assert cases > 100 and taken > 1000


def test_the_writer_writes_the_same_text_either_way(skypeirc_path: Path) -> None:
    texts = []
    for fast in (True, False):
        out = io.StringIO()
        writer = JsonLinesWriter(out, fast=fast)
        for record in Decoder().run(skypeirc_path):
            writer.write(record)
        texts.append(out.getvalue())
    assert texts[0] == texts[1] and texts[0].count("\n") > 300


def _record(objects: ObjectList, detail: str, error: str | None, info: dict[str, Any]) -> Record:
    return payload_record(objects, detail=detail, error=error, info=info)


ODD_VALUES = st.one_of(
    st.text(max_size=12),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.binary(max_size=6),
    st.lists(st.integers(0, 9), max_size=3).map(tuple),
    st.frozensets(st.integers(0, 3), max_size=2),
)


@settings(max_examples=400, deadline=None)
@given(
    object_lists(4),
    st.text(max_size=20),
    st.none() | st.text(max_size=30),
    st.dictionaries(
        st.sampled_from(["iv", "crc", "ip", "index", "last", "kind", "odd", "x"]),
        ODD_VALUES,
        max_size=5,
    ),
    st.floats(min_value=-1e7, max_value=1e7),
)
def test_made_records_with_odd_values(
    objects: ObjectList, detail: str, error: str | None, info: dict[str, Any], origin: float
) -> None:
    record = _record(objects, detail, error, info)
    try:
        expected = record_line(record, origin)
    except ValueError:  # a hex field that is not hex: the Python path's error
        assert _fastjson.record_line(record, origin) is None
        return
    line = _fastjson.record_line(record, origin)
    assert line is None or line == expected


# Capture times: microseconds since 1970 (pcap), nanoseconds (pcapng), and their differences;
# the C writer writes those on the microsecond grid without the shortest-digits search.
MICROSECONDS = st.integers(-(2**33) * 10**6, 2**33 * 10**6).map(lambda n: n / 10**6)
TIMES = st.one_of(
    MICROSECONDS,
    st.integers(0, 2**34 * 10**9).map(lambda n: n / 10**9),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 1e-4, 9.99999e-05, 0.0001, 2.0**33, 2.0**33 - 1e-6, 1e16]),
)


@settings(max_examples=2000, deadline=None)
@given(TIMES, TIMES)
def test_times_are_written_as_repr_writes_them(time: float, origin: float) -> None:
    record = payload_record(ObjectList([Obj(0, 1, 5)]), detail="d", error=None, info={})
    record.time = time
    expected = json.loads(record_line(record, origin))
    line = _fastjson.record_line(record, origin)
    if line is None:  # exponents and non-finite values are the Python path's
        assert "e" in repr(time) + repr(time - origin) or "n" in repr(time - origin)
        return
    assert line == record_line(record, origin)
    written = line.split('"frame.time_epoch":', 1)[1].split(",", 1)[0]
    assert written == repr(time) and json.loads(line) == expected


@settings(max_examples=200, deadline=None)
@given(object_lists(4), st.text(max_size=20))
def test_ordinary_records_are_taken(objects: ObjectList, detail: str) -> None:
    record = _record(objects, detail, None, {"iv": "00ff00ff", "crc": "0a0b0c0d"})
    line = _fastjson.record_line(record, 1_156_499_000.0)
    assert line == record_line(record, 1_156_499_000.0)


@pytest.mark.parametrize(
    "text", ["caf\u00e9", "\U0001f600", "a\x7fb", "\x1b[31m", "\ud800", 'tab\tnew\nline\\"']
)
def test_text_is_escaped_as_the_reference_escapes_it(text: str) -> None:
    strings = ObjectList([Obj(3, 1, text.encode("utf-8", "surrogatepass")), Obj(0, 2, 7)])
    record = _record(strings, text, text, {"kind": text, "peer": Endpoint.parse("1.2.3.4:5")})
    line = _fastjson.record_line(record, 0.0)
    assert line is not None and line == record_line(record, 0.0)
    assert (
        line.isascii()
        and "\x7f" not in line
        and json.loads(line)["skypeflux.verify.detail"] == text
    )


def test_values_it_leaves_to_python() -> None:
    deep: ObjectList = ObjectList([Obj(0, 1, 1)])
    for _ in range(40):  # deeper than the C writer goes
        deep = ObjectList([Obj(5, 1, deep)])
    plain = ObjectList([Obj(2, 1, Address.parse("1.2.3.4:5")), Obj(1, 2, 2**63)])
    cases = {
        "deep lists": _record(deep, "", None, {}),
        "a set in info": _record(plain, "", None, {"odd": frozenset({1})}),
        "an exponent float": _record(plain, "", None, {"odd": 1e-7}),
        "bytes keys": _record(plain, "", None, {b"k": 1}),  # type: ignore[dict-item]
    }
    for what, record in cases.items():
        assert _fastjson.record_line(record, 0.0) is None, what
        assert json.loads(record_line(record, 0.0))  # still a line
    taken = _record(plain, "", None, {"odd": 0.5})
    assert _fastjson.record_line(taken, 0.0) == record_line(taken, 0.0)


def test_a_clear_record_has_no_blocks() -> None:
    objects = ObjectList([Obj(0, 1, 3)])
    record = ack_record([BlockInfo(0, 10, 36, 2, 7, None, 0x42, objects, b"\x42\x00", None)])
    line = _fastjson.record_line(record, 1_156_500_000.0)
    assert line == record_line(record, 1_156_500_000.0)
    assert json.loads(line)["skypeflux.blocks"] == []


def test_huge_lines_are_written_whole() -> None:
    big = ObjectList([Obj(4, 1, random.Random(1).randbytes(3 << 20))])  # a 3 MB blob
    record = _record(big, "", None, {})
    line = _fastjson.record_line(record, 0.0)
    assert line is not None and line == record_line(record, 0.0) and len(line) > 12 << 20
    small = _record(ObjectList([]), "", None, {})
    assert _fastjson.record_line(small, 0.0) == record_line(small, 0.0)  # the buffer let go


def test_more_object_paths_than_the_writer_keeps() -> None:
    # The C writer keeps 16,384 object texts by path, then starts again, also in the middle of
    # a list: lines of 20,000 distinct ids in a nested list, twice, are still the Python lines.
    inner = ObjectList([Obj(0, oid, oid) for oid in range(20_000)])
    outer = ObjectList([Obj(5, 7, inner), *(Obj(1, oid, oid) for oid in range(3_000))])
    for _ in range(2):
        record = _record(outer, "", None, {})
        line = _fastjson.record_line(record, 0.0)
        assert line is not None and line == record_line(record, 0.0)
        assert len(json.loads(line)["skypeflux.blocks"][0]["skypeflux.objects"]) == 3_001


# Relative times are rounded to six decimals in C, except within 0.01 us of a half, where
# Python's round() decides: around and at those ties both must write round()'s digits.
NEAR_TIES = st.builds(
    lambda k, off: (k + 0.5 + off) / 10**6,
    st.integers(-(2**47), 2**47),
    st.sampled_from([0.0, 1e-9, -1e-9, 0.009, -0.009, 0.011, -0.011, 0.3, -0.49, 0.5]),
)


@settings(max_examples=1500, deadline=None)
@given(NEAR_TIES, st.sampled_from([0.0, 1_156_499_000.0, 1_156_499_000.123457, -3.5]))
def test_relative_times_are_rounded_as_round_rounds(delta: float, origin: float) -> None:
    record = payload_record(ObjectList([Obj(0, 1, 5)]), detail="d", error=None, info={})
    record.time = origin + delta
    line = _fastjson.record_line(record, origin)
    if line is None:  # an exponent: the Python path's
        assert "e" in repr(record.time) + repr(round(record.time - origin, 6))
        return
    assert line == record_line(record, origin)
    written = line.split('"frame.time_relative":', 1)[1].split(",", 1)[0]
    assert written == repr(round(record.time - origin, 6))


class _OwnText(Endpoint):
    __slots__ = ()

    def __str__(self) -> str:
        return "elsewhere"


@pytest.mark.parametrize(
    ("src", "dst"),
    [
        (Endpoint(0, 0), Endpoint(0xFFFFFFFF, 65535)),
        (Endpoint(0x0A000001, 9), Endpoint(0x01020304, 100)),
        (Endpoint(2**32, 1), Endpoint(1, 1)),  # ip_text refuses it: so must the line
        (Endpoint(-1, 1), Endpoint(1, 1)),
        (Endpoint(1, 2**40), Endpoint(1, -5)),  # str() writes any port
        (_OwnText(1, 2), Endpoint(3, 4)),  # a subclass with its own text
    ],
)
def test_endpoints_and_flows_are_written_as_their_text(src: Endpoint, dst: Endpoint) -> None:
    record = payload_record(
        ObjectList([Obj(2, 1, Address(src.ip % 2**32, 7))]),
        detail="d",
        error=None,
        info={"peer": dst},
    )
    record.src, record.dst = src, dst
    record.flow = FlowKey.udp(src, dst)
    try:
        expected = record_line(record, 0.0)
    except ValueError:  # the address is not one ip_text writes
        assert _fastjson.record_line(record, 0.0) is None
        return
    line = _fastjson.record_line(record, 0.0)
    if type(src) is not Endpoint:  # a record of other endpoint classes is the Python path's
        assert line is None
        return
    assert line is not None and line == expected
    data = json.loads(line)
    assert data["skypeflux.flow"] == str(record.flow) and data["ip.src"] == src.host
