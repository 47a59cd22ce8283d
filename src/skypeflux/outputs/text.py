"""The tshark-like text output: one line per command block, and with ``-V`` the object tree.

tshark puts every PDU of a frame on one line; here a record with several command blocks gives one
line per block, each repeating frame, time and addresses, so every line can be grepped and counted
on its own. A record without blocks (an ACK, a TCP header, a note, an unverified datagram) gives
one line.

Plaintext and objects are printed only for verified records: an unverified record shows its
verdict and reason, never what a wrong key made of its bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TextIO

from skypeflux.capture.records import BlockInfo, Record, UnitKind
from skypeflux.objects import Family, Obj, ObjectList
from skypeflux.outputs.fields import INFO_FIELDS, label
from skypeflux.outputs.naming import (
    command_kind_short,
    family_name,
    note_text,
    object_label,
    unit_label,
    verification_label,
)
from skypeflux.outputs.values import hex_preview, json_safe, render_value

INDENT = "    "


def relative_time(record: Record, origin: float) -> float:
    """Seconds since the capture's first packet (tshark's ``frame.time_relative``)."""
    return record.time - origin


def _block_summary(block: BlockInfo, index: int, count: int) -> str:
    parts = [f"cmd {block.command}"]
    if block.name:
        parts.append(block.name)
    parts.append(command_kind_short(block.flags))
    if block.reqid is not None:
        parts.append(f"reqid 0x{block.reqid:04x}")
    if block.reply_to_frame is not None:
        parts.append(f"reply to #{block.reply_to_frame}")
    if block.resend_of_frame is not None:
        parts.append(f"resend of #{block.resend_of_frame}")
    if count > 1:
        parts.append(f"[block {index + 1}/{count}]")
    if block.error:
        parts.append(f"(error: {block.error})")
    return " ".join(parts)


def _record_summary(record: Record) -> str:
    if record.unit == UnitKind.NOTE:
        return note_text(record)
    if record.unit == UnitKind.TCP_END:
        return ""  # the reason is the verdict's text already ("UNVERIFIED: hole of ...")
    if record.packet_id is not None:
        if record.unit == UnitKind.TCP_CONTROL and record.info.get("kind") == "ack":
            return f"acks id 0x{record.packet_id:04x}"  # the id of the data frame it acks
        return f"id 0x{record.packet_id:04x}"
    return ""


def record_lines(
    record: Record,
    origin: float,
    *,
    verbose: bool = False,
    full: bool = False,
    only: Sequence[int] | None = None,
    when: str | None = None,
) -> list[str]:
    """The lines ``decode`` prints for one record (``verbose`` adds the indented detail).

    ``only`` lists the blocks a filter selected (by index); each keeps its ``[block i/n]``.
    ``when`` replaces the time column (``-t`` formats); the default is the relative time.
    """
    if when is None:
        when = f"{relative_time(record, origin):>11.6f}"
    head = (
        f"{record.frame:>5} {when} "
        f"{record.src:>21} -> {record.dst:<21} {unit_label(record):<16}"
    )
    verdict = "" if record.unit == UnitKind.NOTE else verification_label(record)
    blocks = record.blocks if record.verification.ok else []
    lines: list[str] = []
    if not blocks:
        summary = _record_summary(record)
        lines.append(_join(head, summary, verdict))
        if verbose:
            lines.extend(_record_detail(record))
        return lines
    shown = range(len(blocks)) if only is None else [i for i in only if 0 <= i < len(blocks)]
    for position, index in enumerate(shown):
        block = blocks[index]
        summary = _block_summary(block, index, len(blocks))
        if record.packet_id is not None:  # tshark's Skype dissector shows the id too
            summary = f"id 0x{record.packet_id:04x} {summary}"
        lines.append(_join(head, summary, verdict))
        if verbose:
            if position == 0:
                lines.extend(_record_detail(record))
            lines.extend(block_detail_lines(block, full=full))
    return lines


def _join(head: str, summary: str, verdict: str) -> str:
    body = "  ".join(part for part in (summary, verdict) if part)
    return f"{head} {body}".rstrip()


def _record_detail(record: Record) -> list[str]:
    """Where the unit came from and how it was verified: the first layer of ``-V``."""
    verification = record.verification
    lines = [
        f"{INDENT}{label('skypeflux.unit')} {record.unit}, {label('skypeflux.flow')} {record.flow}"
    ]
    if len(record.frames) > 1:
        lines.append(f"{INDENT}frames {', '.join(str(frame) for frame in record.frames)}")
    verdict = f"{INDENT}verification {verification.status} by {verification.method}"
    if verification.detail:
        verdict += f": {verification.detail}"
    lines.append(verdict)
    lines.extend(_seed_lines(record))
    if record.udp_func is not None:
        lines.append(
            f"{INDENT}{label('skypeflux.udp.func')} 0x{record.udp_func:02x} "
            f"({label('skypeflux.udp.type')} 0x{record.udp_type or 0:02x})"
        )
    shown = _shown_elsewhere(record)
    for key, value in sorted(record.info.items()):
        if key not in shown:
            name = INFO_FIELDS.get(key)
            lines.append(f"{INDENT}{label(name) if name else key}: {_info_value(value)}")
    if verification.ok and record.plaintext is not None:
        lines.append(f"{INDENT}plaintext {len(record.plaintext)} bytes")
    return lines


def _seed_lines(record: Record) -> list[str]:
    """The seed, or for a reassembled message every fragment's seed in frame order; the
    public addresses only when the verdict line does not already say them."""
    verification = record.verification
    seeds = record.info.get("seeds")
    if isinstance(seeds, list) and seeds:
        pairs = ", ".join(
            f"#{frame} 0x{seed}" for frame, seed in zip(record.frames, seeds, strict=False)
        )
        return [f"{INDENT}seeds of the {len(seeds)} fragments: {pairs}"]
    if verification.seed is None:
        return []
    if f"seed {verification.seed:08x}" in verification.detail:
        return []  # a TCP header's verdict names its seed already
    seed = f"{INDENT}{label('skypeflux.seed')} 0x{verification.seed:08x}"
    public = f"{verification.public_src} -> {verification.public_dst}"
    said = f"with public {public}" in verification.detail
    if (verification.public_src or verification.public_dst) and not said:
        seed += f" from public {public}"
    return [seed]


def _shown_elsewhere(record: Record) -> set[str]:
    """Info keys the other ``-V`` lines already say, so no fact is printed twice."""
    shown = {"seeds"}
    detail = record.verification.detail
    for key, value in record.info.items():
        if key == "kind" and record.unit in (UnitKind.TCP_CONTROL, UnitKind.TCP_DATA):
            shown.add(key)  # the unit label says ack / filler / data
        elif isinstance(value, str) and len(value) >= 4 and value in detail:
            shown.add(key)  # crc, challenge, header: the verdict line quotes them
        elif key == "seed" and value == f"{record.verification.seed or 0:08x}":
            shown.add(key)
        elif key == "fragments" and record.unit == UnitKind.UDP_MESSAGE and record.verification.ok:
            shown.add(key)  # "UDP message (9 frags)"
    return shown


def _info_value(value: Any) -> str:
    safe = json_safe(value)
    if isinstance(safe, int) and not isinstance(safe, bool):
        return f"{safe} (0x{safe:x})" if safe >= 0 else str(safe)
    return str(safe)


def block_detail_lines(block: BlockInfo, *, full: bool = False) -> list[str]:
    """One block's header fields and its object tree, indented like ``tshark -V``."""
    header = f"{INDENT}block at offset {block.offset}, {block.length} bytes: cmd {block.command}"
    if block.name:
        header += f" ({block.name})"
    header += f", flags {block.flags}"
    if block.reqid is not None:
        header += f", reqid 0x{block.reqid:04x} ({block.reqid})"
    lines = [header]
    list_bytes = block.list_bytes
    if block.list_form is not None:
        lines.append(f"{INDENT * 2}object list 0x{block.list_form:02x}, {len(list_bytes)} bytes")
    if block.error:
        lines.append(f"{INDENT * 2}error: {block.error}")
        lines.append(f"{INDENT * 2}list bytes: {hex_preview(list_bytes, full=full)}")
    if block.objects is not None:
        lines.extend(object_tree_lines(block.objects, block.command, depth=3, full=full))
    return lines


def object_tree_lines(
    objects: Iterable[Obj],
    command: int | None = None,
    *,
    depth: int = 0,
    full: bool = False,
    parents: tuple[tuple[int, int], ...] = (),
) -> list[str]:
    """Objects as ``family id 0x0b (11) name: value``, nested lists indented below their parent.

    Objects are named for ``command`` and the lists ``parents`` that hold them (none without a
    command), only where the tables name exactly that.
    """
    lines: list[str] = []
    pad = INDENT * depth
    for obj in objects:
        family, ident, value = obj.family, obj.id, obj.value
        label = f"{pad}{family_name(family)} id 0x{ident:02x} ({ident})"
        name = object_label(command, family, ident, parents) if command is not None else None
        if name:
            label += f" {name}"
        if family == Family.LIST and isinstance(value, ObjectList):
            lines.append(f"{label}: {len(value)} objects")
            lines.extend(
                object_tree_lines(
                    value,
                    command,
                    depth=depth + 1,
                    full=full,
                    parents=(*parents, (ident, int(family))),
                )
            )
        else:
            lines.append(f"{label}: {render_value(family, value, full=full)}")
    return lines


class TextWriter:
    """Writes records as text lines; the time origin is the capture's first packet when known.

    When the caller cannot tell when the first packet was captured, the first record written
    becomes the origin (its relative time reads 0).
    """

    def __init__(
        self,
        out: TextIO,
        *,
        origin: float | None = None,
        verbose: bool = False,
        full: bool = False,
    ) -> None:
        self._out = out
        self.origin = origin
        self._verbose = verbose
        self._full = full

    def write(self, record: Record, only: Sequence[int] | None = None) -> None:
        if self.origin is None:
            self.origin = record.time
        lines = record_lines(
            record, self.origin, verbose=self._verbose, full=self._full, only=only
        )
        self._out.write("\n".join(lines) + "\n")
