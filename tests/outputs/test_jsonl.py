"""JSON lines: schema validity on real decoded data, faithful trees, no plaintext unverified."""

from __future__ import annotations

import dataclasses
import io
import json
from typing import Any

import jsonschema
import pytest

from skypeflux.capture.records import CLEAR, UNVERIFIED, Method, Record, Verification
from skypeflux.objects import Obj, from_tree
from skypeflux.outputs.jsonl import (
    SCHEMA_VERSION,
    JsonLinesWriter,
    load_schema,
    object_to_json,
    record_to_json,
)
from tests.helpers.oracle import EPOCH, oracle_records
from tests.helpers.records import make_record


@pytest.fixture(scope="module")
def records(
    units_oracle: list[dict[str, Any]], blocks_oracle: list[dict[str, Any]]
) -> list[Record]:
    return oracle_records(units_oracle, blocks_oracle)


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def _as_vector_tree(objects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Our dotted object form back to the vectors' {family, id, value} form."""
    out = []
    for obj in objects:
        value = obj["skypeflux.obj.value"]
        if obj["skypeflux.obj.family"] == 5:
            value = _as_vector_tree(value)
        out.append(
            {"family": obj["skypeflux.obj.family"], "id": obj["skypeflux.obj.id"], "value": value}
        )
    return out


def _lines(records: list[Record]) -> list[dict[str, Any]]:
    out = io.StringIO()
    writer = JsonLinesWriter(out, origin=EPOCH)
    for record in records:
        writer.write(record)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.slow
def test_every_line_validates_and_carries_the_version(
    records: list[Record], validator: jsonschema.Draft202012Validator
) -> None:
    lines = _lines(records)
    assert len(lines) == len(records)
    for line in lines:
        validator.validate(line)
        assert line["schema_version"] == SCHEMA_VERSION


def test_trees_survive_the_json_form(
    records: list[Record], blocks_oracle: list[dict[str, Any]]
) -> None:
    ours = [
        _as_vector_tree(block["skypeflux.objects"])
        for line in _lines(records)
        for block in line["skypeflux.blocks"]
    ]
    assert sorted(map(json.dumps, ours)) == sorted(json.dumps(b["tree"]) for b in blocks_oracle)


def test_fields_match_the_oracle(records: list[Record], units_oracle: list[dict[str, Any]]) -> None:
    by_frame = {u["frame"]: u for u in units_oracle if u["proto"] == "udp"}
    for line in _lines(records):
        if line["skypeflux.unit"] != "udp.payload":
            continue
        unit = by_frame[line["frame"]]
        assert f"{line['ip.src']}:{line['srcport']}" == unit["src"]
        assert f"{line['ip.dst']}:{line['dstport']}" == unit["dst"]
        assert line["skypeflux.seed"] == unit["seed"]
        assert line["skypeflux.udp.id"] == int(unit["id"], 16)
        assert line["skypeflux.plaintext"] == unit["plaintext"]
        assert line["skypeflux.verified"] is True


def test_unverified_lines_have_no_plaintext_and_no_blocks(
    records: list[Record], validator: jsonschema.Draft202012Validator
) -> None:
    failed = Verification(UNVERIFIED, Method.CRC32, "crc mismatch", seed=1)
    bad = [dataclasses.replace(record, verification=failed) for record in records]
    for line in _lines(bad):
        validator.validate(line)
        assert line["skypeflux.plaintext"] is None
        assert line["skypeflux.blocks"] == []
        assert line["skypeflux.verified"] is False


def test_schema_rejects_plaintext_on_an_unverified_line(
    records: list[Record], validator: jsonschema.Draft202012Validator
) -> None:
    line = _lines(records[:1])[0]
    line["skypeflux.verified"] = False
    line["skypeflux.verify.status"] = UNVERIFIED
    assert not validator.is_valid(line)  # plaintext and blocks still present
    line["skypeflux.plaintext"] = None
    line["skypeflux.blocks"] = []
    assert validator.is_valid(line)


def test_schema_rejects_unknown_fields_and_bad_seeds(
    records: list[Record], validator: jsonschema.Draft202012Validator
) -> None:
    line = _lines(records[:1])[0]
    assert not validator.is_valid({**line, "skypeflux.typo": 1})
    assert not validator.is_valid({**line, "skypeflux.seed": "12345"})
    missing = dict(line)
    del missing["frame"]
    assert not validator.is_valid(missing)


@pytest.mark.slow
def test_every_object_vector_renders_to_a_valid_object(
    object_vectors: list[dict[str, Any]],
) -> None:
    schema = load_schema()
    object_schema = {"$ref": "#/$defs/object", "$defs": schema["$defs"]}
    checker = jsonschema.Draft202012Validator(object_schema)
    checked = 0
    for vector in object_vectors:
        if not vector.get("ok"):
            continue
        for node, obj in zip(vector["tree"], from_tree(vector["tree"]), strict=True):
            rendered = object_to_json(obj)
            checker.validate(rendered)
            assert _as_vector_tree([rendered]) == [node]
            checked += 1
    assert checked > 0


def test_string_text_only_when_printable() -> None:
    name = object_to_json(Obj(3, 0, b"diego"))
    assert name["skypeflux.obj.text"] == "diego"
    binary = object_to_json(Obj(3, 0, b"\xff\x01"))
    assert binary["skypeflux.obj.text"] is None
    number = object_to_json(Obj(0, 1, 5))
    assert "skypeflux.obj.text" not in number


def test_notes_and_clear_records_validate(validator: jsonschema.Draft202012Validator) -> None:
    note = make_record(
        frame=333,
        time=EPOCH + 3,
        unit="note",
        src="82.253.163.244:38930",
        dst="192.168.1.2:35990",
        transport="udp",
        verification=Verification(CLEAR, Method.EVIDENCE, "192.168.1.2 is 86.128.245.115 (NAck)"),
        info={"note": "public-address", "evidence": b"\x56\x80\xf5\x73"},
    )
    ack = make_record(
        frame=200,
        time=EPOCH + 2,
        unit="udp.ack",
        src="1.2.3.4:5",
        dst="192.168.1.2:35990",
        transport="udp",
        verification=Verification(CLEAR, Method.NONE),
        udp_type=5,
        udp_func=0x35,
        packet_id=0x15E8,
    )
    note_line, ack_line = (record_to_json(record, EPOCH) for record in (note, ack))
    validator.validate(note_line)
    validator.validate(ack_line)
    assert note_line["skypeflux.note"] == "192.168.1.2 is 86.128.245.115 (NAck)"
    assert note_line["skypeflux.info"]["evidence"] == "5680f573"
    assert (note_line["ip.src"], note_line["srcport"]) == ("82.253.163.244", 38930)
    assert ack_line["frame.time_relative"] == 2.0
    assert ack_line["skypeflux.udp.id"] == 0x15E8 and ack_line["skypeflux.note"] is None


@pytest.mark.slow
def test_64_bit_values_also_come_as_exact_hex(
    records: list[Record], validator: jsonschema.Draft202012Validator
) -> None:
    # The node id of cmd 30 (0xe1578809c1364cf2) is above 2^53: JavaScript would round the
    # number, so family-1 objects carry the same value as hex too.
    seen = []
    for record in records:
        line = record_to_json(record, 0.0)
        validator.validate(line)
        for block in line["skypeflux.blocks"]:
            for obj in block["skypeflux.objects"]:
                if obj["skypeflux.obj.family"] == 1:
                    assert int(obj["skypeflux.obj.hex"], 16) == obj["skypeflux.obj.value"]
                    seen.append(obj["skypeflux.obj.hex"])
                else:
                    assert "skypeflux.obj.hex" not in obj
    assert "0xe1578809c1364cf2" in seen
