"""The copy-with-one-change methods of the record types name every field by hand (for speed):
checked against ``dataclasses.replace`` with every field set to a value of its own, so a field
added later and forgotten there fails here."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any

from skypeflux.capture.records import BlockInfo, Method, Status, Verification
from skypeflux.objects import ObjectList


def _distinct(cls: type[Any], **known: Any) -> Any:
    """An instance whose every field differs from its default and from the others."""
    values: dict[str, Any] = {}
    for n, f in enumerate(fields(cls)):
        values[f.name] = known.get(f.name, f"{f.name}-{n}" if f.type.startswith("str") else n + 7)
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
