"""The fast line encoder against its definition: for every record, ``json_line`` is byte for
byte what the reference encoder writes for ``record_to_json`` (real capture, every built-in
scenario, and generated object lists with every family, nesting, names and odd text), and the
values orjson writes otherwise or refuses still give the reference's line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.capture import Decoder
from skypeflux.capture.records import BlockInfo, Record
from skypeflux.capture.synth import builtin_names, load_scenario, synthesize
from skypeflux.ipv4 import Endpoint
from skypeflux.objects import ObjectList
from skypeflux.outputs.jsonl import COMPACT, json_line, record_to_json
from tests.helpers.records import ack_record, payload_record
from tests.objects.test_properties import object_lists


def _same(records: list[Record]) -> None:
    assert records
    origin = records[0].time
    for record in records:
        data = record_to_json(record, origin)
        assert json_line(data) == COMPACT.encode(data)


def test_every_record_of_the_real_capture(skypeirc_path: Path) -> None:
    _same(list(Decoder().run(skypeirc_path)))


def test_every_record_of_every_builtin_scenario(tmp_path: Path) -> None:
    for name in builtin_names():
        built = synthesize(load_scenario(name), seed=3)
        path = tmp_path / f"{name}.pcap"
        built.write(path)
        _same(list(Decoder().run(path)))


@settings(max_examples=300, deadline=None)
@given(
    object_lists(4),
    st.sampled_from([2, 3, 36, 31, 63, 0x1FF]),
    st.sampled_from([1, 2, 3, 5]),
    st.text(max_size=20),
    st.none() | st.text(max_size=30),
)
def test_generated_lists_and_odd_text(
    objects: ObjectList, command: int, flags: int, detail: str, error: str | None
) -> None:
    block = BlockInfo(0, 10, command, flags, 7, None, 0x42, objects, b"\x42\x00", error)
    info = {
        "iv": "00ff00ff",
        "note": detail,
        "odd": [detail, b"\x00\xff", (1, 2)],
        "peer": Endpoint.parse("1.2.3.4:5"),  # a named tuple, written as text
    }
    verified = payload_record(
        objects, command=command, flags=flags, detail=detail, error=error, info=info
    )
    clear = ack_record([block], detail)
    _same([verified, clear])
    assert record_to_json(verified, 0.0)["skypeflux.info"]["peer"] == "1.2.3.4:5"


@pytest.mark.parametrize(
    "value",
    [
        "caf\u00e9",  # non-ASCII: orjson writes it raw, the reference escapes it
        "\U0001f600",  # beyond the BMP: a surrogate pair in the reference
        "a\x7fb",  # DEL: raw in orjson
        "line\u2028sep",
        "\x1b[31m",  # an escape sequence: escaped by both
        "\ud800",  # a lone surrogate: orjson refuses it
        2**64,  # beyond 64 bits: orjson refuses it
        -(2**63) - 1,
        [1, {"k": "\u00ff"}],
    ],
)
def test_what_orjson_writes_otherwise_or_refuses_gets_the_reference_line(value: Any) -> None:
    data = {"skypeflux.obj.value": value, "frame": 3}
    line = json_line(data)
    assert line == COMPACT.encode(data)
    assert line.isascii() and "\x7f" not in line


@pytest.mark.parametrize("number", [1e-05, 5e-06, 1e16, 1e22, 0.1, 1156534327.71347, -0.0])
def test_floats_may_be_spelled_otherwise_but_are_the_same_number(number: float) -> None:
    line = json_line({"t": number})
    assert json.loads(line)["t"] == number
    assert line.isascii()


def test_nan_is_null_where_the_reference_would_write_invalid_json() -> None:
    assert json.loads(json_line({"t": float("nan")})) == {"t": None}
