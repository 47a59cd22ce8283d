"""The copy-with-one-change methods of the record types name every field by hand (for speed):
checked against ``dataclasses.replace`` with every field set to a value of its own, so a field
added later and forgotten there fails here."""

from __future__ import annotations

import ast
from dataclasses import fields, replace
from typing import Any

from skypeflux.capture.records import BlockInfo, Method, Status, Verification
from skypeflux.objects import ObjectList
from tests.helpers.compiled import source_and_library


def _field_types(cls: type[Any]) -> dict[str, str]:
    """The fields' annotations as records.py writes them: a mypyc-compiled class keeps only
    part of them at run time (``int | None`` becomes ``type``)."""
    source = source_and_library("skypeflux.capture.records")[0]
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef) and node.name == cls.__name__:
            return {
                item.target.id: ast.unparse(item.annotation)
                for item in node.body
                if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
            }
    raise AssertionError(f"{cls.__name__} not found in {source}")


def _distinct(cls: type[Any], **known: Any) -> Any:
    """An instance whose every field differs from its default and from the others."""
    values: dict[str, Any] = {}
    types = _field_types(cls)
    for n, f in enumerate(fields(cls)):
        text = types[f.name].removeprefix("Final[")  # a native value class: Final fields
        values[f.name] = known.get(f.name, f"{f.name}-{n}" if text.startswith("str") else n + 7)
    return cls(**values)


def test_with_structure_keeps_every_other_field() -> None:
    verification = _distinct(Verification, status=Status.VERIFIED, method=Method.CRC32)
    assert verification.with_structure("exact") == replace(verification, structure="exact")


def test_paired_keeps_every_other_field() -> None:
    block = _distinct(
        BlockInfo,
        name="probe",
        objects=ObjectList([]),
        list_bytes=b"\x42\x00",
        error="an error",
    )
    assert block.paired(reply_to_frame=3) == replace(block, reply_to_frame=3)
    assert block.paired(resend_of_frame=4) == replace(block, resend_of_frame=4)
    assert block.paired() == block
