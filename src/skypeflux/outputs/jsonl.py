"""JSON lines: one object per record, with Wireshark-style dotted field names.

The field names are the ones a Wireshark user filters on (``frame``, ``ip.src``,
``skypeflux.cmd``) so that a jq filter and a display filter read alike. Every line carries
``schema_version``; the schema (``record.schema.json`` beside this module, JSON Schema 2020-12)
documents each field and is what the tests validate real output against. Fields are always
present (``null`` when they do not apply) so that consumers need no ``has`` checks; the schema
enforces that an unverified record has neither plaintext nor blocks.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from functools import cache, lru_cache
from importlib import resources
from typing import Any, TextIO

import orjson

from skypeflux.capture.records import BlockInfo, FlowKey, Record, Transport, UnitKind
from skypeflux.ipv4 import Endpoint
from skypeflux.messages.names import command_info
from skypeflux.objects import Address, Family, Obj, ObjectList
from skypeflux.outputs.fields import INFO_FIELDS
from skypeflux.outputs.naming import command_kind, family_name, note_text, object_name_info
from skypeflux.outputs.values import json_safe, plain_value, string_text

SCHEMA_VERSION = 2
SCHEMA_RESOURCE = "record.schema.json"


@cache
def load_schema() -> dict[str, Any]:
    """The packaged JSON Schema every line of :func:`record_to_json` conforms to."""
    text = resources.files("skypeflux.outputs").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def object_to_json(
    obj: Obj, command: int | None = None, *, parents: tuple[tuple[int, int], ...] = ()
) -> dict[str, Any]:
    """One object in the dotted form (family 5 nests the same form); objects are named for
    ``command`` and the lists ``parents`` that hold them: the plain name, and whether it is a
    guess as a field of its own."""
    return _object_json(obj, command, parents)


def _object_json(
    obj: Obj, command: int | None, parents: tuple[tuple[int, int], ...]
) -> dict[str, Any]:
    # this runs for every object of every line (eight a record on the real capture): the
    # fields an object's path decides come as one remembered dict, copied; the families are
    # compared by their plain numbers
    family, oid, value = obj
    out = dict(object_head(command, family, oid, parents))
    if family == _LIST and isinstance(value, ObjectList):
        inner = (*parents, (oid, _LIST))
        out["skypeflux.obj.value"] = [_object_json(child, command, inner) for child in value]
    elif type(value) is int:
        out["skypeflux.obj.value"] = value
    elif type(value) is bytes:  # plain_value's first case, without the call
        out["skypeflux.obj.value"] = value.hex()
    else:
        out["skypeflux.obj.value"] = plain_value(value)
    if family == _STRING:
        out["skypeflux.obj.text"] = string_text(value)
    elif family == _UINT64 and isinstance(value, int):
        out["skypeflux.obj.hex"] = f"0x{value:016x}"  # exact where JSON numbers are doubles
    return out


_LIST, _STRING, _UINT64 = int(Family.LIST), int(Family.STRING), int(Family.UINT64)
FAMILY_FIELDS: dict[int, tuple[int, str]] = {f: (int(f), family_name(f)) for f in Family}


@lru_cache(maxsize=1 << 14)  # at most 16,384 paths of about 360 bytes each: 6 MB
def object_head(
    command: int | None, family: int, oid: int, parents: tuple[tuple[int, int], ...]
) -> dict[str, Any]:
    """The fields of an object's JSON form that its path decides, in order (id, family, its
    name, the object's name and whether it is a guess): the name tables asked once per
    distinct path. Shared: callers copy it, never change it."""
    name = object_name_info(command, family, oid, parents) if command is not None else None
    number, family_text = FAMILY_FIELDS[family]
    return {
        "skypeflux.obj.id": oid,
        "skypeflux.obj.family": number,
        "skypeflux.obj.family_name": family_text,
        "skypeflux.obj.name": None if name is None else name.name,
        "skypeflux.obj.name_guessed": None if name is None else name.guessed,
    }


def block_to_json(block: BlockInfo) -> dict[str, Any]:
    out = block_head(block)
    objects = block.objects
    out["skypeflux.objects"] = (
        [object_to_json(obj, block.command) for obj in objects] if objects is not None else None
    )
    return out


def block_head(block: BlockInfo) -> dict[str, Any]:
    """A block's JSON fields before ``skypeflux.objects`` (its last), in order."""
    name, guessed, kind = command_fields(block.command, block.flags)
    return {
        "skypeflux.block.offset": block.offset,
        "skypeflux.block.length": block.length,
        "skypeflux.cmd": block.command,
        "skypeflux.cmd.name": name,
        "skypeflux.cmd.name_guessed": guessed,
        "skypeflux.cmd.flags": block.flags,
        "skypeflux.cmd.kind": kind,
        "skypeflux.reqid": block.reqid,
        "skypeflux.reply_to_frame": block.reply_to_frame,
        "skypeflux.resend_of_frame": block.resend_of_frame,
        "skypeflux.list.form": block.list_form,
        "skypeflux.list.hex": block.list_bytes.hex(),
        "skypeflux.error": block.error,
    }


@lru_cache(maxsize=1 << 12)
def command_fields(command: int, flags: int) -> tuple[str | None, bool | None, str]:
    """(name, guessed, kind) of a block's command: the tables asked once per command and
    flags met."""
    name = command_info(command)
    if name is None:
        return None, None, command_kind(flags)
    return name.name, name.guessed, command_kind(flags)


def record_to_json(record: Record, origin: float) -> dict[str, Any]:
    """The JSON object for one record; ``origin`` is the capture's first packet time.

    One dict, filled in field order (the head, the blocks, the tail): merging the parts as
    dicts of their own copied every field of every line twice."""
    data = record_head(record, origin)
    data["skypeflux.blocks"] = (
        [block_to_json(block) for block in record.blocks] if record.verification.ok else []
    )
    add_record_tail(data, record)
    return data


def record_head(record: Record, origin: float) -> dict[str, Any]:
    """The fields of a record's JSON object before ``skypeflux.blocks``, in order."""
    verification = record.verification
    verified = verification.ok
    udp = record.transport == Transport.UDP
    return {
        "schema_version": SCHEMA_VERSION,
        "frame": record.frame,
        "frame.time_epoch": record.time,
        "frame.time_relative": round(record.time - origin, 6),
        "frames": list(record.frames) or [record.frame],
        "ip.src": record.src.host,
        "ip.dst": record.dst.host,
        "srcport": record.src.port,
        "dstport": record.dst.port,
        "transport": str(record.transport),
        "skypeflux.flow": str(record.flow),
        "skypeflux.unit": str(record.unit),
        "skypeflux.udp.id": record.packet_id if udp else None,
        "skypeflux.udp.type": record.udp_type,
        "skypeflux.udp.func": record.udp_func,
        "skypeflux.tcp.packet_id": record.packet_id if record.transport == Transport.TCP else None,
        "skypeflux.verified": verified,
        "skypeflux.verify.status": str(verification.status),
        "skypeflux.verify.method": str(verification.method),
        "skypeflux.verify.detail": verification.detail,
        "skypeflux.verify.key": verification.key,
        "skypeflux.verify.content": verification.content,
        "skypeflux.verify.structure": verification.structure,
        "skypeflux.seed": f"{verification.seed:08x}" if verification.seed is not None else None,
        "skypeflux.public.src": verification.public_src,
        "skypeflux.public.dst": verification.public_dst,
        "skypeflux.plaintext": (
            record.plaintext.hex() if verified and record.plaintext is not None else None
        ),
    }


def add_record_tail(data: dict[str, Any], record: Record) -> None:
    """Add the fields of a record's JSON object after ``skypeflux.blocks`` to ``data``, in
    order."""
    data["skypeflux.note"] = note_text(record) if record.unit == UnitKind.NOTE else None
    add_registered_info(data, record)
    data["skypeflux.info"] = json_safe(record.info)


def summary_to_json(
    summary: dict[str, Any], frame: int, time: float, origin: float
) -> dict[str, Any]:
    """The last line of a run: ``skypeflux.unit`` "summary" and its figures in
    ``skypeflux.info`` (units, verified, unverified, clear, flows, hosts[], warnings[],
    packets: the outcome of every packet read)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "frame": max(frame, 1),
        "frame.time_epoch": time,
        "frame.time_relative": round(time - origin, 6),
        "skypeflux.unit": str(UnitKind.SUMMARY),
        "skypeflux.verified": False,
        "skypeflux.info": json_safe(summary),
    }


def _hex_int(value: Any) -> int | None:
    return int(value, 16) if isinstance(value, str) else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _bool(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


# How each header field of ``record.info`` (outputs/fields.py INFO_FIELDS) is written: always
# present in a line, null where the unit has no such field.
_CONVERT: dict[str, Any] = {
    "iv": _hex_int,
    "crc": _hex_int,
    "challenge": _hex_int,
    "dest_ip": _text,
    "ip": _text,
    "value": _hex_int,
    "ref_id": _int,
    "index": _int,
    "last": _bool,
    "fragments": _int,
    "kind": _text,
    "stream_offset": _int,
    "length": _int,
}
# the converters by the number _fastjson.c knows each by (its CONVERT_* constants)
_CONVERTER_CODES = {_hex_int: 0, _text: 1, _int: 2, _bool: 3}
_INFO_FIELDS: tuple[tuple[str, str, Any], ...] = tuple(
    (name, key, _CONVERT[key]) for key, name in INFO_FIELDS.items()
)
_UDP_ONLY = frozenset(name for name, _, _ in _INFO_FIELDS if name.startswith("skypeflux.udp."))


_NO_INFO: dict[str, Any] = {name: None for name, _, _ in _INFO_FIELDS}
# per transport, info key -> (registered name, converter): a record's info holds two or three
# of the keys, so its own items are looked up rather than every registered name asked for
_UDP_INFO = {key: (name, convert) for name, key, convert in _INFO_FIELDS if name in _UDP_ONLY}
_TCP_INFO = {key: (name, convert) for name, key, convert in _INFO_FIELDS if name not in _UDP_ONLY}
_TCP_UNITS = frozenset((UnitKind.TCP_DATA, UnitKind.TCP_CONTROL))


def add_registered_info(out: dict[str, Any], record: Record) -> None:
    """Add the unit's header fields from ``record.info`` to ``out`` under their registered
    names (every name present, in the registry's order; null where the unit has no such
    field)."""
    out.update(_NO_INFO)
    if record.transport == Transport.UDP and record.unit != UnitKind.NOTE:
        fields = _UDP_INFO
    elif record.transport == Transport.TCP and record.unit in _TCP_UNITS:
        fields = _TCP_INFO
    else:
        return
    for key, value in record.info.items():
        field = fields.get(key)
        if field is not None and value is not None:  # every converter gives None for None
            out[field[0]] = field[1](value)


REPLY_IN_FRAME = "skypeflux.reply_in_frame"


def add_reply_frames(
    data: dict[str, Any], frame: int, replies: Mapping[tuple[int, int], int]
) -> None:
    """Mark the request blocks of a record's JSON form with the frame of their reply, from
    ``replies`` ((request frame, reqid) -> reply frame) learned by an earlier pass; a request
    nobody answered gets no mark. Only ``-Y`` and ``-T fields`` read it: the JSON lines
    themselves stay as the schema says."""
    for block in data.get("skypeflux.blocks") or ():
        reqid = block.get("skypeflux.reqid")
        if reqid is not None and block.get("skypeflux.cmd.kind") == "request":
            reply = replies.get((frame, reqid))
            if reply is not None:
                block[REPLY_IN_FRAME] = reply


# The reference encoder: the bytes of a line are defined as what it writes.
COMPACT = json.JSONEncoder(separators=(",", ":"), check_circular=False)


def json_line(data: Any) -> str:
    """``COMPACT.encode(data)``, 9x faster (2.2 against 21 us a line of the real capture):
    orjson writes the same compact text for the trees built here. It writes non-ASCII text
    (and DEL) raw where ``json`` escapes it, and refuses integers beyond 64 bits and lone
    surrogates, which hostile bytes can produce: such a line goes through ``COMPACT``, so a
    line is always ASCII and never fails. The two differ only in how they spell some floats
    (``1e-05`` against ``0.00001``: the same number), and in NaN, which ``json`` writes as the
    invalid ``NaN`` and orjson as ``null``."""
    try:
        raw = orjson.dumps(data)
    except orjson.JSONEncodeError:
        return COMPACT.encode(data)
    if not raw.isascii() or b"\x7f" in raw:
        return COMPACT.encode(data)
    return raw.decode("ascii")


def record_line(record: Record, origin: float) -> str:
    """One record's line, newline included: ``json_line(record_to_json(...))``, the reference,
    which every line the C writer declines is built by."""
    return json_line(record_to_json(record, origin)) + "\n"


def object_prefix(
    command: int | None, family: int, oid: int, parents: tuple[tuple[int, int], ...]
) -> str:
    """:func:`object_head` as the C writer copies it: the text of an object's line up to its
    value (``{"skypeflux.obj.id":...`` with no closing brace). Asked once per path: the C
    writer keeps the texts (at most 16,384), so no cache here."""
    return COMPACT.encode(object_head(command, family, oid, parents))[:-1]


def _fast_info(fields: dict[str, tuple[str, Any]]) -> dict[str, tuple[int, int]]:
    """A transport's info fields as the C writer takes them: key -> (the name's place among
    the registered names, the converter's number)."""
    slots = {name: slot for slot, name in enumerate(_NO_INFO)}
    return {
        key: (slots[name], _CONVERTER_CODES[convert]) for key, (name, convert) in fields.items()
    }


_fast_line: Callable[[Record, float], str | None] | None
try:  # the same lines in C (optional, like the other fast paths): outputs/_fastjson.c
    from skypeflux.outputs import _fastjson

    _fastjson.configure(
        object_prefix,
        command_fields,
        Transport.UDP,
        Transport.TCP,
        UnitKind.NOTE,
        _TCP_UNITS,
        _fast_info(_UDP_INFO),
        _fast_info(_TCP_INFO),
        tuple(f"{COMPACT.encode(name)}:" for name in _NO_INFO),
        Endpoint,
        Address,
        ObjectList,
        SCHEMA_VERSION,
        _LIST,
        _STRING,
        _UINT64,
        FlowKey,
    )
    _fast_line = _fastjson.record_line
except ImportError:  # pragma: no cover - a build without a C compiler
    _fast_line = None


def fast_available() -> bool:
    """Whether the C line writer was built."""
    return _fast_line is not None


class JsonLinesWriter:
    """Writes one compact JSON object per line; the origin defaults to the first record's time.

    ``fast`` (default: when built) writes each line with the C writer, which gives the same
    text as :func:`record_line` and hands the lines it does not know back to it; ``False``
    builds every line in Python."""

    def __init__(
        self, out: TextIO, *, origin: float | None = None, fast: bool | None = None
    ) -> None:
        if fast and _fast_line is None:
            raise ValueError("the C JSON line writer (_fastjson) is not built")
        self._out = out
        self.origin = origin
        self._fast = _fast_line if fast is not False else None

    def write(self, record: Record) -> None:
        if self.origin is None:
            self.origin = record.time
        fast = self._fast
        line = fast(record, self.origin) if fast is not None else None
        self._out.write(line if line is not None else record_line(record, self.origin))

    def write_summary(self, summary: dict[str, Any], frame: int, time: float) -> None:
        origin = self.origin if self.origin is not None else time
        self._out.write(json_line(summary_to_json(summary, frame, time, origin)) + "\n")
