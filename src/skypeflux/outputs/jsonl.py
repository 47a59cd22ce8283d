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
from functools import cache
from importlib import resources
from typing import Any, TextIO

from skypeflux.capture.records import BlockInfo, Record
from skypeflux.outputs.naming import command_kind, family_name, note_text
from skypeflux.outputs.values import json_safe, split_endpoint, string_text

SCHEMA_VERSION = 1
SCHEMA_RESOURCE = "record.schema.json"


@cache
def load_schema() -> dict[str, Any]:
    """The packaged JSON Schema every line of :func:`record_to_json` conforms to."""
    text = resources.files("skypeflux.outputs").joinpath(SCHEMA_RESOURCE).read_text("utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def object_to_json(node: dict[str, Any]) -> dict[str, Any]:
    """One node of a decoded object tree, in the dotted form (family 5 nests the same form)."""
    family = int(node["family"])
    value = node.get("value")
    out: dict[str, Any] = {
        "skypeflux.obj.id": int(node["id"]),
        "skypeflux.obj.family": family,
        "skypeflux.obj.family_name": family_name(family),
        "skypeflux.obj.name": node.get("name"),
    }
    if family == 5 and isinstance(value, list):
        out["skypeflux.obj.value"] = [object_to_json(child) for child in value]
    else:
        out["skypeflux.obj.value"] = json_safe(value)
    if family == 3:
        out["skypeflux.obj.text"] = string_text(value)
    if family == 1 and isinstance(value, int):
        out["skypeflux.obj.hex"] = f"0x{value:016x}"  # exact where JSON numbers are doubles
    return out


def block_to_json(block: BlockInfo) -> dict[str, Any]:
    return {
        "skypeflux.block.offset": block.offset,
        "skypeflux.block.length": block.length,
        "skypeflux.cmd": block.command,
        "skypeflux.cmd.name": block.name,
        "skypeflux.cmd.flags": block.flags,
        "skypeflux.cmd.kind": command_kind(block.flags),
        "skypeflux.reqid": block.reqid,
        "skypeflux.reply_to_frame": block.reply_to_frame,
        "skypeflux.resend_of_frame": block.resend_of_frame,
        "skypeflux.list.form": block.list_form,
        "skypeflux.list.hex": block.list_hex,
        "skypeflux.error": block.error,
        "skypeflux.objects": (
            [object_to_json(node) for node in block.tree] if block.tree is not None else None
        ),
    }


def record_to_json(record: Record, origin: float) -> dict[str, Any]:
    """The JSON object for one record; ``origin`` is the capture's first packet time."""
    verification = record.verification
    verified = verification.ok
    src_ip, src_port = split_endpoint(record.src)
    dst_ip, dst_port = split_endpoint(record.dst)
    udp = record.transport == "udp"
    return {
        "schema_version": SCHEMA_VERSION,
        "frame": record.frame,
        "frame.time_epoch": record.time,
        "frame.time_relative": round(record.time - origin, 6),
        "frames": list(record.frames) or [record.frame],
        "ip.src": src_ip,
        "ip.dst": dst_ip,
        "srcport": src_port,
        "dstport": dst_port,
        "transport": record.transport,
        "skypeflux.flow": record.flow,
        "skypeflux.unit": record.unit,
        "skypeflux.udp.id": record.packet_id if udp else None,
        "skypeflux.udp.type": record.udp_type,
        "skypeflux.udp.func": record.udp_func,
        "skypeflux.tcp.packet_id": record.packet_id if record.transport == "tcp" else None,
        "skypeflux.verified": verified,
        "skypeflux.verify.status": verification.status,
        "skypeflux.verify.method": verification.method,
        "skypeflux.verify.detail": verification.detail,
        "skypeflux.seed": f"{verification.seed:08x}" if verification.seed is not None else None,
        "skypeflux.public.src": verification.public_src,
        "skypeflux.public.dst": verification.public_dst,
        "skypeflux.plaintext": (
            record.plaintext.hex() if verified and record.plaintext is not None else None
        ),
        "skypeflux.blocks": [block_to_json(block) for block in record.blocks] if verified else [],
        "skypeflux.note": note_text(record) if record.unit == "note" else None,
        "skypeflux.info": json_safe(record.info),
    }


class JsonLinesWriter:
    """Writes one compact JSON object per line; the origin defaults to the first record's time."""

    def __init__(self, out: TextIO, *, origin: float | None = None) -> None:
        self._out = out
        self.origin = origin

    def write(self, record: Record) -> None:
        if self.origin is None:
            self.origin = record.time
        line = json.dumps(record_to_json(record, self.origin), separators=(",", ":"))
        self._out.write(line + "\n")
