"""The JSON schema says what the decoder emits: its enums and descriptions against the code's
enums, and against the lines the pipeline writes for the real capture.

The schema is prose for people as much as a validator; this is where a description that drifted
from the code (a TCP flow key documented as ``tcp a -> b`` while ``tcp a <-> b`` was emitted)
fails a test instead of misleading a jq user.
"""

from __future__ import annotations

import io
import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest

from skypeflux.capture import Decoder
from skypeflux.capture.records import Method, Status, Transport, UnitKind
from skypeflux.outputs.jsonl import JsonLinesWriter, load_schema


@pytest.fixture(scope="module")
def lines(skypeirc_path: Path) -> list[dict[str, Any]]:
    decoder = Decoder()
    out = io.StringIO()
    writer = JsonLinesWriter(out)
    for record in decoder.run(skypeirc_path):
        writer.write(record)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _field(name: str) -> dict[str, Any]:
    field: dict[str, Any] = load_schema()["properties"][name]
    return field


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("skypeflux.unit", UnitKind),
        ("skypeflux.verify.status", Status),
        ("skypeflux.verify.method", Method),
        ("transport", Transport),
    ],
)
def test_enum_fields_list_exactly_the_codes_values_and_describe_each(
    name: str, kind: type[StrEnum], lines: list[dict[str, Any]]
) -> None:
    field = _field(name)
    values = {str(member) for member in kind}
    assert set(field["enum"]) == values
    for value in values:
        assert re.search(rf"(^|[\s(;,]){re.escape(value)}([\s(;,.:]|$)", field["description"]), (
            f"{name}: {value!r} not described"
        )
    emitted = {line[name] for line in lines}
    assert emitted <= values and len(emitted) > 1


def test_flow_key_description_and_pattern_match_what_is_emitted(
    lines: list[dict[str, Any]],
) -> None:
    field = _field("skypeflux.flow")
    documented = dict(re.findall(r"'(udp|tcp) a:p (\S+) b:q'", field["description"]))
    assert set(documented) == {"udp", "tcp"}
    emitted: dict[str, set[str]] = {}
    for line in lines:
        flow = line["skypeflux.flow"]
        assert re.fullmatch(field["pattern"], flow), flow
        transport, a, arrow, b = flow.split(" ")
        assert transport == line["transport"]
        ends = {f"{line['ip.src']}:{line['srcport']}", f"{line['ip.dst']}:{line['dstport']}"}
        assert {a, b} == ends
        emitted.setdefault(transport, set()).add(arrow)
    assert {transport: {arrow} for transport, arrow in documented.items()} == emitted
