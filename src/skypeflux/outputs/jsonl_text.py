"""JSON lines rendered as text directly: the bytes ``json`` writes for ``record_to_json``, faster.

Most of a line is its objects (a supernode's reply holds hundreds), and building a dict per
object only for the encoder to walk it again was most of the cost of writing JSON lines. Here
objects are written straight to text; the other fields go through the same encoder with the
same options (:data:`skypeflux.outputs.jsonl.COMPACT`), and the pieces are joined where the
dict had them. ``record_to_json`` stays the definition (filters and fields read it);
tests/outputs/test_jsonl_text.py checks, record by record, that this gives the same bytes.
"""

from __future__ import annotations

from json.encoder import encode_basestring_ascii  # what the encoder uses with ensure_ascii
from typing import Any, TextIO

from skypeflux.capture.records import BlockInfo, Record
from skypeflux.objects import Address, Family, Obj, ObjectList
from skypeflux.outputs.jsonl import (
    COMPACT,
    FAMILY_FIELDS,
    NO_NAME,
    block_head,
    name_fields,
    record_head,
    record_tail,
    summary_to_json,
)
from skypeflux.outputs.values import plain_value, string_text

_encode = COMPACT.encode
_GUESSED = {None: "null", True: "true", False: "false"}
# per family: its number and name, already as JSON text
_FAMILY_TEXT = {
    family: (str(number), encode_basestring_ascii(name))
    for family, (number, name) in FAMILY_FIELDS.items()
}


def _optional_text(text: str | None) -> str:
    return "null" if text is None else encode_basestring_ascii(text)


def _value_text(value: Any) -> str:
    """An object's value as the encoder writes ``plain_value(value)``."""
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is bytes:
        return f'"{value.hex()}"'
    if isinstance(value, Address):
        return encode_basestring_ascii(str(value))
    if kind is tuple and all(type(item) is int for item in value):
        return "[" + ",".join(map(str, value)) + "]"
    return _encode(plain_value(value))


def object_text(obj: Obj, command: int | None, parents: tuple[tuple[int, int], ...] = ()) -> str:
    """The text of ``object_to_json(obj, command, parents=parents)``."""
    family, oid, value = obj
    name, guessed = name_fields(command, family, oid, parents) if command is not None else NO_NAME
    number, family_name = _FAMILY_TEXT[family]
    if family == Family.LIST and isinstance(value, ObjectList):
        inner = (*parents, (oid, int(family)))
        value_text = "[" + ",".join([object_text(child, command, inner) for child in value]) + "]"
    else:
        value_text = _value_text(value)
    extra = ""
    if family == Family.STRING:
        extra = ',"skypeflux.obj.text":' + _optional_text(string_text(value))
    elif family == Family.UINT64 and isinstance(value, int):
        extra = f',"skypeflux.obj.hex":"0x{value:016x}"'
    return (
        f'{{"skypeflux.obj.id":{oid},"skypeflux.obj.family":{number},'
        f'"skypeflux.obj.family_name":{family_name},"skypeflux.obj.name":{_optional_text(name)},'
        f'"skypeflux.obj.name_guessed":{_GUESSED[guessed]},"skypeflux.obj.value":{value_text}'
        f"{extra}}}"
    )


def block_text(block: BlockInfo) -> str:
    """The text of ``block_to_json(block)``."""
    objects = block.objects
    if objects is None:
        listed = "null"
    else:
        command = block.command
        listed = "[" + ",".join([object_text(obj, command) for obj in objects]) + "]"
    return _encode(block_head(block))[:-1] + ',"skypeflux.objects":' + listed + "}"


def record_text(record: Record, origin: float) -> str:
    """The text of ``COMPACT.encode(record_to_json(record, origin))``: one JSON line."""
    blocks = record.blocks if record.verification.ok else []
    return (
        _encode(record_head(record, origin))[:-1]
        + ',"skypeflux.blocks":['
        + ",".join([block_text(block) for block in blocks])
        + "],"
        + _encode(record_tail(record))[1:]
    )


class JsonLinesWriter:
    """Writes one compact JSON object per line; the origin defaults to the first record's time."""

    def __init__(self, out: TextIO, *, origin: float | None = None) -> None:
        self._out = out
        self.origin = origin

    def write(self, record: Record) -> None:
        if self.origin is None:
            self.origin = record.time
        line = record_text(record, self.origin)
        self._out.write(line + "\n")

    def write_summary(self, summary: dict[str, Any], frame: int, time: float) -> None:
        origin = self.origin if self.origin is not None else time
        line = COMPACT.encode(summary_to_json(summary, frame, time, origin))
        self._out.write(line + "\n")
