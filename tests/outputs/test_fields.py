"""The field registry behind the JSON lines, the schema and the Wireshark plugin."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skypeflux.capture.pipeline import Decoder
from skypeflux.outputs import schema_text
from skypeflux.outputs.fields import BY_NAME, FIELDS, Field, for_output
from skypeflux.outputs.jsonl import JsonLinesWriter, load_schema


@pytest.fixture(scope="module")
def lines(skypeirc_path: Path) -> list[dict[str, Any]]:
    out = io.StringIO()
    writer = JsonLinesWriter(out)
    for record in Decoder().run(skypeirc_path):
        writer.write(record)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _keys(line: dict[str, Any]) -> Iterator[str]:
    yield from line
    for block in line["skypeflux.blocks"]:
        yield from block
        yield from _object_keys(block["skypeflux.objects"] or [])


def _object_keys(objects: list[dict[str, Any]]) -> Iterator[str]:
    for obj in objects:
        yield from obj
        if obj["skypeflux.obj.family"] == 5:
            yield from _object_keys(obj["skypeflux.obj.value"])


def test_schema_descriptions_are_the_registry_s() -> None:
    schema = load_schema()
    assert schema_text.render(schema) == schema
    assert schema_text.main(["--check"]) == 0


def test_schema_keys_registry_and_real_lines_agree(lines: list[dict[str, Any]]) -> None:
    schema = load_schema()
    assert schema_text.unregistered(schema) == []
    in_schema = {key for table in schema_text.property_tables(schema) for key in table}
    assert in_schema == {f.name for f in for_output("json")}
    emitted = {key for line in lines for key in _keys(line)}
    assert emitted == in_schema  # every registered JSON field occurs in the example capture


def test_a_guessed_name_stays_the_name(lines: list[dict[str, Any]]) -> None:
    # jq '."skypeflux.cmd.name" == "address_reply"' finds the cmd 36 replies; the guess is a flag
    blocks = [b for line in lines for b in line["skypeflux.blocks"]]
    named = {(b["skypeflux.cmd"], b["skypeflux.cmd.name"], b["skypeflux.cmd.name_guessed"])
             for b in blocks}
    assert (36, "address_reply", True) in named
    assert (27, "probe", False) in named
    assert not [b for b in blocks if "?" in (b["skypeflux.cmd.name"] or "")]
    objects = [o for b in blocks for o in b["skypeflux.objects"] or []]
    assert not [o for o in objects if "?" in (o["skypeflux.obj.name"] or "")]
    assert {o["skypeflux.obj.name_guessed"] for o in objects if o["skypeflux.obj.name"]} == {
        True, False
    }


def test_header_fields_are_registered_fields_not_only_info(lines: list[dict[str, Any]]) -> None:
    payloads = [line for line in lines if line["skypeflux.unit"] == "udp.payload"]
    assert len(payloads) == 233
    for line in payloads:
        info = line["skypeflux.info"]
        assert line["skypeflux.udp.iv"] == int(info["iv"], 16)
        assert line["skypeflux.udp.crc"] == int(info["crc"], 16)
    nacks = [line for line in lines if line["skypeflux.unit"] == "udp.nack"]
    assert {line["skypeflux.udp.ip"] for line in nacks} == {"86.128.245.115"}
    fragments = [line for line in lines if line["skypeflux.unit"] == "udp.fragment"]
    assert sorted(line["skypeflux.udp.frag.index"] for line in fragments) == sorted(
        list(range(9)) * 6
    )
    tcp = [line for line in lines if line["skypeflux.unit"] in ("tcp.data", "tcp.control")]
    assert len(tcp) == 52 and all(line["skypeflux.tcp.frame.kind"] for line in tcp)
    assert all(line["skypeflux.udp.iv"] is None for line in tcp)


def test_registry_refuses_what_no_output_could_carry() -> None:
    with pytest.raises(ValueError):
        Field("skypeflux.x", "list", "X", "A list has no Wireshark type.")
    with pytest.raises(ValueError):
        Field("skypeflux.x", "uint32", "X", "Unknown output.", outputs=frozenset({"xml"}))
    assert len(BY_NAME) == len(FIELDS)


def test_text_labels_are_the_registry_s(skypeirc_path: Path) -> None:
    # the -V detail of every unit labels its header fields with the registered labels, so
    # text, JSON keys and the plugin's ProtoFields name the same thing the same way
    from skypeflux.outputs.fields import INFO_FIELDS, label
    from skypeflux.outputs.text import record_lines

    assert all(name in BY_NAME for name in INFO_FIELDS.values())
    seen: set[str] = set()
    for record in Decoder().run(skypeirc_path):
        detail = record_lines(record, record.time, verbose=True)[1:]
        for key in record.info:
            if key in INFO_FIELDS and any(f"    {label(INFO_FIELDS[key])}: " in x for x in detail):
                seen.add(key)
            assert not any(x.startswith(f"    {key}: ") for x in detail if key in INFO_FIELDS)
    assert {"iv", "index", "ref_id", "ip", "challenge"} <= seen  # crc: quoted by the verdict
