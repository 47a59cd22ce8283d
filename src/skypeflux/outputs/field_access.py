"""The fields a display filter (``-Y``) and ``-T fields -e`` can name, and their values in a record.

One small accessor, so that the filter language and the field output never reach into the JSON
form themselves: the names, types and descriptions come from the JSON lines schema
(``record.schema.json``: the keys of a record, of a command block and of an object), plus a few
Wireshark-style aliases (``ip.addr``, ``udp.port``, ...). When the Wireshark field registry
(``outputs/fields.py``) lands, this module is the one place that switches to it.

Every field lives at one level: ``record`` (the unit), ``block`` (one command block) or ``object``
(one object of a block's tree, nested lists included). A field can occur several times (the
frames of a reassembled message, the blocks of a datagram, the objects of a tree); a ``null`` in
the JSON means the field is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from skypeflux.outputs.jsonl import load_schema

RECORD, BLOCK, OBJECT = "record", "block", "object"

# Types a literal is checked against when a filter is compiled.
INTEGER, NUMBER, STRING, BOOLEAN, ADDRESS, HEX, ANY = (
    "integer",
    "number",
    "string",
    "boolean",
    "address",
    "hex",
    "any",
)

# Keys of the JSON form that are containers, not fields: they are reached through their items.
_CONTAINERS = frozenset(
    {"schema_version", "skypeflux.blocks", "skypeflux.objects", "skypeflux.info"}
)
_ADDRESSES = frozenset({"ip.src", "ip.dst", "skypeflux.public.src", "skypeflux.public.dst"})
_HEX = frozenset({"skypeflux.plaintext", "skypeflux.list.hex"})


@dataclass(frozen=True, slots=True)
class Field:
    """One filterable field: its dotted name, level, value type and what it means."""

    name: str
    level: str
    type: str
    description: str
    derive: Callable[[dict[str, Any]], list[Any]] | None = None  # aliases only


def _schema_type(spec: dict[str, Any]) -> str:
    kinds: list[Any] = []
    raw = spec.get("type")
    if isinstance(raw, str):
        kinds.append(raw)
    elif isinstance(raw, list):
        kinds.extend(raw)
    for option in spec.get("anyOf", []):
        kinds.append(option.get("type"))
    for value in spec.get("enum", []):
        if value is not None:
            kinds.append({bool: "boolean", int: "integer", str: "string"}.get(type(value)))
    if raw == "array":
        return _schema_type(spec.get("items", {}))
    concrete = {kind for kind in kinds if kind not in (None, "null")}
    if len(concrete) == 1:
        return {"integer": INTEGER, "number": NUMBER, "string": STRING, "boolean": BOOLEAN}.get(
            concrete.pop(), ANY
        )
    return ANY


def _either(*keys: str) -> Callable[[dict[str, Any]], list[Any]]:
    def derive(record: dict[str, Any]) -> list[Any]:
        return [record[key] for key in keys if record.get(key) is not None]

    return derive


def _port(transport: str, *keys: str) -> Callable[[dict[str, Any]], list[Any]]:
    either = _either(*keys)

    def derive(record: dict[str, Any]) -> list[Any]:
        return either(record) if record.get("transport") == transport else []

    return derive


_ALIASES = (
    Field(
        "ip.addr", RECORD, ADDRESS, "Source or destination IP address.", _either("ip.src", "ip.dst")
    ),
    Field(
        "udp.port",
        RECORD,
        INTEGER,
        "Source or destination UDP port.",
        _port("udp", "srcport", "dstport"),
    ),
    Field("udp.srcport", RECORD, INTEGER, "Source UDP port.", _port("udp", "srcport")),
    Field("udp.dstport", RECORD, INTEGER, "Destination UDP port.", _port("udp", "dstport")),
    Field(
        "tcp.port",
        RECORD,
        INTEGER,
        "Source or destination TCP port.",
        _port("tcp", "srcport", "dstport"),
    ),
    Field("tcp.srcport", RECORD, INTEGER, "Source TCP port.", _port("tcp", "srcport")),
    Field("tcp.dstport", RECORD, INTEGER, "Destination TCP port.", _port("tcp", "dstport")),
)


def _level_fields(properties: dict[str, Any], level: str) -> Iterator[Field]:
    for name, spec in properties.items():
        if name in _CONTAINERS:
            continue
        kind = ADDRESS if name in _ADDRESSES else HEX if name in _HEX else _schema_type(spec)
        yield Field(name, level, kind, str(spec.get("description", "")))


@cache
def all_fields() -> dict[str, Field]:
    """Every field by name, in schema order (records, then blocks, then objects), aliases last."""
    schema = load_schema()
    fields: dict[str, Field] = {}
    for field in (
        *_level_fields(schema["properties"], RECORD),
        *_level_fields(schema["$defs"]["block"]["properties"], BLOCK),
        *_level_fields(schema["$defs"]["object"]["properties"], OBJECT),
        *_ALIASES,
    ):
        fields[field.name] = field
    return fields


def lookup(name: str) -> Field | None:
    return all_fields().get(name)


def _objects(objects: list[dict[str, Any]] | None) -> Iterator[dict[str, Any]]:
    """Objects depth first, a list before its children, as the text tree shows them."""
    for node in objects or ():
        yield node
        value = node.get("skypeflux.obj.value")
        if node.get("skypeflux.obj.family") == 5 and isinstance(value, list):
            yield from _objects(value)


def _spread(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def values(field: Field, record: dict[str, Any], blocks: list[dict[str, Any]]) -> list[Any]:
    """Every occurrence of ``field`` in the JSON form of a record, for the given blocks.

    ``blocks`` is the record's blocks for the field output, or the one block a filter is
    matching; record fields ignore it. A list of objects (family 5) is not a value itself: its
    ``skypeflux.obj.value`` occurrences are its children's.
    """
    if field.derive is not None:
        return field.derive(record)
    if field.level == RECORD:
        return _spread(record.get(field.name))
    if field.level == BLOCK:
        return [block[field.name] for block in blocks if block.get(field.name) is not None]
    out: list[Any] = []
    for block in blocks:
        for node in _objects(block.get("skypeflux.objects")):
            value = node.get(field.name)
            if field.name == "skypeflux.obj.value" and node.get("skypeflux.obj.family") == 5:
                continue
            out.extend(_spread(value))
    return out
