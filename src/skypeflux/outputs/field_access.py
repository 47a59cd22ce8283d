"""The fields a display filter (``-Y``) and ``-T fields -e`` can name, and their values in a record.

One small accessor, so that the filter language and the field output never reach into the JSON
form themselves. Names, types and descriptions come from the field registry
(:mod:`skypeflux.outputs.fields`, the names the Wireshark plugin shows) where it has them, and
from the JSON lines schema (``record.schema.json``) for the fields only ``decode`` has
(``frame``, ``ip.src``, ``skypeflux.cmd.kind``, ``skypeflux.plaintext``...), plus a few
Wireshark aliases (``ip.addr``, ``udp.port``...). Values are always read from the JSON form of a
record, so ``-Y``, ``-e`` and ``--json`` can never disagree.

Every field lives at one level: ``record`` (the unit), ``block`` (one command block) or ``object``
(one object of a block's tree, nested lists included). A field can occur several times (the
frames of a reassembled message, the blocks of a datagram, the objects of a tree); a ``null`` in
the JSON means the field is absent. Registry fields that only the Wireshark plugin can show
(the ciphertext, a request's reply frame, which needs the future) are refused by name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from skypeflux.outputs import fields as registry
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

Json = dict[str, Any]
Extract = Callable[[Json], list[Any]]  # one record, block or object -> its occurrences

# Keys of the JSON form that are containers, not fields: they are reached through their items.
_CONTAINERS = frozenset(
    {"schema_version", "skypeflux.blocks", "skypeflux.objects", "skypeflux.info"}
)
_ADDRESSES = frozenset({"ip.src", "ip.dst", "skypeflux.public.src", "skypeflux.public.dst"})
_HEX = frozenset({"skypeflux.plaintext", "skypeflux.list.hex"})
_KIND_TYPES = {
    "bool": BOOLEAN,
    "uint8": INTEGER,
    "uint16": INTEGER,
    "uint32": INTEGER,
    "uint64": INTEGER,
    "framenum": INTEGER,
    "int": INTEGER,
    "number": NUMBER,
    "list": ANY,
    "object": ANY,
    "string": STRING,
    "bytes": HEX,
    "ipv4": ADDRESS,
    "none": ANY,
}
_HEX_WIDTH = {"uint8": 2, "uint16": 4, "uint32": 8, "uint64": 16}

PLUGIN_ONLY = {
    "skypeflux": "the protocol item of the Wireshark plugin",
    "skypeflux.udp.ciphertext": "decode shows only what was verified, never the ciphertext",
    "skypeflux.udp.count": "decode does not keep a resend's byte 3",
    "skypeflux.block.size": "use skypeflux.block.length (the whole block)",
    "skypeflux.orig_frame": "it exists only in captures written by skypeflux export",
    "skypeflux.heuristic": "it is the Wireshark plugin's own evidence",
    "skypeflux.tcp.frame": "use skypeflux.tcp.frame.kind",
}
"""Registered fields ``decode`` cannot show, with what to use instead."""


@dataclass(frozen=True, slots=True)
class Field:
    """One filterable field: its dotted name, level, value type and what it means."""

    name: str
    level: str
    type: str
    description: str
    extract: Extract | None = None  # how to read it; None: the JSON key of the same name
    hex_width: int = 0  # >0: -T fields prints integers as 0x and this many digits (tshark)


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


def _spread(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _key(name: str) -> Extract:
    return lambda item: _spread(item.get(name))


def _either(*keys: str) -> Extract:
    return lambda record: [record[key] for key in keys if record.get(key) is not None]


def _port(transport: str, *keys: str) -> Extract:
    either = _either(*keys)
    return lambda record: either(record) if record.get("transport") == transport else []


def _hex_int(name: str) -> Extract:
    """A JSON hex string (``"1c97ab26"``) as the number the registry declares."""

    def extract(item: Json) -> list[Any]:
        value = item.get(name)
        return [int(value, 16)] if isinstance(value, str) and value else []

    return extract


def _info(key: str, *, hex_int: bool = False, units: tuple[str, ...] = ()) -> Extract:
    def extract(record: Json) -> list[Any]:
        if units and record.get("skypeflux.unit") not in units:
            return []
        value = (record.get("skypeflux.info") or {}).get(key)
        if value is None or isinstance(value, dict | list):
            return []
        if hex_int:
            return [int(value, 16)] if isinstance(value, str) and value else []
        return [value]

    return extract


def _of_family(family: int, what: Callable[[Any], list[Any]]) -> Extract:
    def extract(obj: Json) -> list[Any]:
        if obj.get("skypeflux.obj.family") != family:
            return []
        return what(obj.get("skypeflux.obj.value"))

    return extract


def _address_part(index: int) -> Callable[[Any], list[Any]]:
    def part(value: Any) -> list[Any]:
        if not isinstance(value, str) or ":" not in value:
            return []
        host, _, port = value.rpartition(":")
        return [host] if index == 0 else [int(port)] if port.isdigit() else []

    return part


def _count(obj: Json) -> list[Any]:
    value = obj.get("skypeflux.obj.value")
    return (
        [len(value)]
        if obj.get("skypeflux.obj.family") in (5, 6) and isinstance(value, list)
        else []
    )


_TCP_FRAMES = ("tcp.data", "tcp.control")

# Registered fields whose value is not the JSON key of the same name: where decode has it.
_EXTRACT: dict[str, tuple[str, Extract]] = {
    # set on request blocks by the filter from an earlier pass (decode reads the capture twice
    # when a filter names it): absent on a request nobody answered
    "skypeflux.reply_in_frame": (BLOCK, _key("skypeflux.reply_in_frame")),
    "skypeflux.seed": (RECORD, _hex_int("skypeflux.seed")),
    "skypeflux.udp.iv": (RECORD, _info("iv", hex_int=True)),
    "skypeflux.udp.crc": (RECORD, _info("crc", hex_int=True)),
    "skypeflux.udp.challenge": (RECORD, _info("challenge", hex_int=True)),
    "skypeflux.udp.dest_ip": (RECORD, _info("dest_ip")),
    "skypeflux.udp.ip": (RECORD, _info("ip", units=("udp.ack", "udp.nack"))),
    "skypeflux.udp.value": (RECORD, _info("value", hex_int=True)),
    "skypeflux.udp.ref_id": (RECORD, _info("ref_id")),
    "skypeflux.udp.frag.index": (RECORD, _info("index", units=("udp.fragment",))),
    "skypeflux.udp.frag.last": (RECORD, _info("last", units=("udp.fragment",))),
    "skypeflux.udp.frag.count": (RECORD, _info("fragments", units=("udp.message",))),
    "skypeflux.udp.frag.frame": (
        RECORD,
        lambda r: list(r.get("frames") or []) if r.get("skypeflux.unit") == "udp.message" else [],
    ),
    "skypeflux.tcp.seed": (RECORD, _info("seed", hex_int=True, units=("tcp.header",))),
    "skypeflux.tcp.header": (RECORD, _info("header", units=("tcp.header",))),
    "skypeflux.tcp.tls_prefix": (
        RECORD,
        lambda r: [] if not (r.get("skypeflux.info") or {}).get("tls_prefix") else [1],
    ),
    "skypeflux.tcp.frame.offset": (RECORD, _info("stream_offset", units=_TCP_FRAMES)),
    "skypeflux.tcp.frame.length": (RECORD, _info("length", units=_TCP_FRAMES)),
    "skypeflux.tcp.frame.kind": (RECORD, _info("kind", units=_TCP_FRAMES)),
    "skypeflux.block": (BLOCK, lambda block: [True]),
    "skypeflux.obj": (OBJECT, lambda obj: [True]),
    "skypeflux.obj.number": (OBJECT, _of_family(0, _spread)),
    "skypeflux.obj.u64": (OBJECT, _of_family(1, _spread)),
    "skypeflux.obj.addr": (OBJECT, _of_family(2, _spread)),
    "skypeflux.obj.ip": (OBJECT, _of_family(2, _address_part(0))),
    "skypeflux.obj.port": (OBJECT, _of_family(2, _address_part(1))),
    "skypeflux.obj.blob": (OBJECT, _of_family(4, _spread)),
    "skypeflux.obj.count": (OBJECT, _count),
    "skypeflux.obj.int": (OBJECT, _of_family(6, _spread)),
}

_ALIASES = (
    Field("frame.number", RECORD, INTEGER, "Wireshark's name for 'frame'.", _key("frame")),
    Field("ip.addr", RECORD, ADDRESS, "Source or destination IP.", _either("ip.src", "ip.dst")),
    Field("udp.port", RECORD, INTEGER, "Either UDP port.", _port("udp", "srcport", "dstport")),
    Field("udp.srcport", RECORD, INTEGER, "Source UDP port.", _port("udp", "srcport")),
    Field("udp.dstport", RECORD, INTEGER, "Destination UDP port.", _port("udp", "dstport")),
    Field("tcp.port", RECORD, INTEGER, "Either TCP port.", _port("tcp", "srcport", "dstport")),
    Field("tcp.srcport", RECORD, INTEGER, "Source TCP port.", _port("tcp", "srcport")),
    Field("tcp.dstport", RECORD, INTEGER, "Destination TCP port.", _port("tcp", "dstport")),
)


def _schema_fields() -> Iterator[Field]:
    schema = load_schema()
    for properties, level in (
        (schema["properties"], RECORD),
        (schema["$defs"]["block"]["properties"], BLOCK),
        (schema["$defs"]["object"]["properties"], OBJECT),
    ):
        for name, spec in properties.items():
            if name in _CONTAINERS:
                continue
            kind = ADDRESS if name in _ADDRESSES else HEX if name in _HEX else _schema_type(spec)
            yield Field(name, level, kind, str(spec.get("description", "")))


@cache
def all_fields() -> dict[str, Field]:
    """Every field by name: the registry's that decode can show, then the JSON-only ones,
    then the aliases."""
    from_schema = {field.name: field for field in _schema_fields()}
    fields: dict[str, Field] = {}
    for entry in registry.FIELDS:
        if entry.name in PLUGIN_ONLY or entry.name in _CONTAINERS:
            continue
        known = from_schema.get(entry.name)
        level, extract = _EXTRACT.get(entry.name, (known.level if known else "", None))
        if not level:
            continue  # registered, but neither in the JSON nor derivable from it
        width = _HEX_WIDTH.get(entry.kind, 0) if entry.base == "hex" else 0
        kind = _KIND_TYPES[entry.kind]
        if known is not None and extract is None and known.type != kind:
            kind = known.type  # the JSON's own form decides how a literal compares
        fields[entry.name] = Field(entry.name, level, kind, entry.description, extract, width)
    for field in (*from_schema.values(), *_ALIASES):
        fields.setdefault(field.name, field)
    return fields


def lookup(name: str) -> Field | None:
    return all_fields().get(name)


def _objects(objects: list[Json] | None) -> Iterator[Json]:
    """Objects depth first, a list before its children, as the text tree shows them."""
    for node in objects or ():
        yield node
        value = node.get("skypeflux.obj.value")
        if node.get("skypeflux.obj.family") == 5 and isinstance(value, list):
            yield from _objects(value)


def values(field: Field, record: Json, blocks: list[Json]) -> list[Any]:
    """Every occurrence of ``field`` in the JSON form of a record, for the given blocks.

    ``blocks`` is the record's blocks for the field output, or the one block a filter is
    matching; record fields ignore it. A list of objects (family 5) is not a value itself: its
    ``skypeflux.obj.value`` occurrences are its children's.
    """
    extract = field.extract or _key(field.name)
    if field.level == RECORD:
        return extract(record)
    if field.level == BLOCK:
        return [value for block in blocks for value in extract(block)]
    out: list[Any] = []
    for block in blocks:
        for node in _objects(block.get("skypeflux.objects")):
            if field.name == "skypeflux.obj.value" and node.get("skypeflux.obj.family") == 5:
                continue
            out.extend(extract(node))
    return out
