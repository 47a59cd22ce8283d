"""What ``decode`` shows: a display filter (``-Y``) and the fixed options that stand for one.

Every fixed option is spelled as the display filter it stands for (``--cmd 36`` is
``skypeflux.cmd in {36}``, ``--addr 10.0.0.0/8:80`` is ``(ip.src == 10.0.0.0/8 && srcport ==
80) || (ip.dst ...)``), so there is one matcher and one meaning: a repeated option widens (its
values are OR-ed), different options and ``-Y`` narrow (AND-ed). Matching is at block level where
the filter names a block field (see :mod:`skypeflux.outputs.display_filter`): ``--cmd 38`` shows
the cmd 38 blocks of a datagram, not its neighbours. Parsing is separate from matching so the
command line can report a bad value as a usage error.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from skypeflux.capture.records import Record
from skypeflux.outputs.command_lookup import is_known_command, parse_command
from skypeflux.outputs.filter_syntax import (
    All,
    Any_,
    Compare,
    Item,
    Literal,
    Member,
    Node,
    quote,
    to_text,
)
from skypeflux.outputs.jsonl import REPLY_IN_FRAME, add_reply_frames, record_to_json
from skypeflux.outputs.naming import UNIT_KINDS
from skypeflux.outputs.reply_frames import ReplyFrames

if TYPE_CHECKING:  # at run time imported by build_filter, for a run that filters at all
    from skypeflux.outputs.display_filter import DisplayFilter

__all__ = [
    "TRANSPORTS",
    "AddressPattern",
    "FrameRange",
    "RecordFilter",
    "build_filter",
    "is_known_command",
    "parse_address",
    "parse_command",
    "parse_frame_range",
]

TRANSPORTS = ("udp", "tcp")


@dataclass(frozen=True, slots=True)
class AddressPattern:
    """An IPv4 address or network (``a.b.c.d/n``), optionally with a port."""

    ip: str
    port: int | None = None

    def node(self) -> Node:
        ip = Literal("IPV4", self.ip)
        if self.port is None:
            return Compare("ip.addr", "==", ip)
        port = Literal("NUMBER", str(self.port))
        return Any_(
            (
                All((Compare("ip.src", "==", ip), Compare("srcport", "==", port))),
                All((Compare("ip.dst", "==", ip), Compare("dstport", "==", port))),
            )
        )


@dataclass(frozen=True, slots=True)
class FrameRange:
    """Frames ``first``..``last`` inclusive; None leaves that end open."""

    first: int | None = None
    last: int | None = None

    def node(self) -> Node:
        if self.first is not None and self.last is not None:
            low, high = Literal("NUMBER", str(self.first)), Literal("NUMBER", str(self.last))
            return Member("frames", (Item(low, None if self.first == self.last else high),))
        if self.first is not None:
            return Compare("frames", ">=", Literal("NUMBER", str(self.first)))
        return Compare("frames", "<=", Literal("NUMBER", str(self.last)))


def reply_frames(records: Iterable[Record]) -> ReplyFrames:
    """(request frame, reqid) -> reply frame, for every reply a run paired with its request."""
    return ReplyFrames(
        (block.reply_to_frame, block.reqid, record.frame)
        for record in records
        for block in record.blocks
        if block.reply_to_frame is not None and block.reqid is not None
    )


@dataclass(frozen=True)
class RecordFilter:
    """The compiled filter; an empty one selects every record with all its blocks."""

    display: DisplayFilter | None = None
    commands: frozenset[int] = field(default=frozenset())
    replies: Mapping[tuple[int, int], int] | None = None
    """(request frame, reqid) -> frame of its reply, from an earlier pass over the capture;
    given only when the filter names ``skypeflux.reply_in_frame`` (:attr:`needs_replies`)."""

    @property
    def needs_replies(self) -> bool:
        """Whether the filter asks what comes later (``skypeflux.reply_in_frame``), which a
        single pass in frame order cannot know: the caller then reads the capture once more."""
        return self.display is not None and REPLY_IN_FRAME in self.display.fields

    @property
    def is_empty(self) -> bool:
        return self.display is None

    @property
    def text(self) -> str:
        """The whole filter as one display-filter expression (what ``--explain`` would print)."""
        return "" if self.display is None else to_text(self.display.node)

    def select(self, record: Record, origin: float | None = None) -> list[int] | None:
        """None when the record is not shown, else the indices of its blocks to show."""
        if self.display is None:
            return list(range(len(record.blocks) if record.verification.ok else 0))
        start = record.time if origin is None else origin
        data = record_to_json(record, start)
        if self.replies is not None:
            add_reply_frames(data, record.frame, self.replies)
        return self.display.select(data)

    def matches(self, record: Record, origin: float | None = None) -> bool:
        return self.select(record, origin) is not None

    def apply(self, records: Iterable[Record]) -> Iterator[Record]:
        return (record for record in records if self.matches(record))

    def unknown_commands(self) -> list[int]:
        """Command numbers the filter names that no table knows (for a hint when none matched)."""
        return sorted(number for number in self.commands if not is_known_command(number))


def parse_address(text: str) -> AddressPattern:
    """``IP``, ``IP/PREFIX`` (a network), ``IP:PORT`` or ``IP/PREFIX:PORT`` (IPv4)."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host, port_text = text.strip(), ""
    try:
        if "/" in host:
            ip = str(ipaddress.IPv4Network(host, strict=False))
        else:
            ip = str(ipaddress.IPv4Address(host))
    except ValueError:
        raise ValueError(f"not an IPv4 address or network: {host!r}") from None
    if not port_text:
        if sep:
            raise ValueError(f"missing port after ':' in {text!r}")
        return AddressPattern(ip)
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"not a port number: {port_text!r}")
    return AddressPattern(ip, int(port_text))


_RANGE = re.compile(r"^\s*(\d*)\s*(-?)\s*(\d*)\s*$")


def parse_frame_range(text: str) -> FrameRange:
    """``N``, ``N-M``, ``N-`` (from N on) or ``-M`` (up to M); frames count from 1."""
    match = _RANGE.match(text)
    if not match or not (match.group(1) or match.group(3)):
        raise ValueError(f"not a frame range (N, N-M, N- or -M): {text!r}")
    first_text, dash, last_text = match.groups()
    first = int(first_text) if first_text else None
    last = int(last_text) if last_text else None
    if first == 0 or last == 0:
        raise ValueError(f"frames count from 1, so {text!r} names no frame")
    if not dash:
        last = first
    if first is not None and last is not None and first > last:
        raise ValueError(f"empty frame range: {text!r}")
    return FrameRange(first, last)


def parse_unit(text: str) -> str:
    if text not in UNIT_KINDS:
        raise ValueError(f"unknown unit {text!r} (one of {', '.join(UNIT_KINDS)})")
    return text


def parse_transport(text: str) -> str:
    lowered = text.strip().lower()
    if lowered not in TRANSPORTS:
        raise ValueError(f"transport must be udp or tcp, not {text!r}")
    return lowered


def _either(nodes: Sequence[Node]) -> Node | None:
    if not nodes:
        return None
    return nodes[0] if len(nodes) == 1 else Any_(tuple(nodes))


def _set(field_name: str, literals: Iterable[Literal]) -> Node | None:
    items = tuple(Item(literal) for literal in literals)
    return Member(field_name, items) if items else None


def build_filter(
    *,
    commands: Iterable[str] = (),
    addresses: Iterable[str] = (),
    verified: Iterable[bool] = (),
    units: Iterable[str] = (),
    transports: Iterable[str] = (),
    frames: Iterable[str] = (),
    expression: str | None = None,
) -> RecordFilter:
    """A filter from the command line's text values; raises ValueError naming the bad value.

    ``verified`` holds True for ``--verified`` and False for ``--unverified`` (tried and failed;
    clear ACKs and notes are neither); both together widen to either.
    """
    numbers = sorted({parse_command(text) for text in commands})
    verdicts = [
        Compare("skypeflux.verified", "==", Literal("NAME", "true"))
        if wanted
        else Compare("skypeflux.verify.status", "==", quote("unverified"))
        for wanted in dict.fromkeys(verified)
    ]
    groups = [
        _set("skypeflux.cmd", (Literal("NUMBER", str(number)) for number in numbers)),
        _either([parse_address(text).node() for text in addresses]),
        _either(verdicts),
        _set("skypeflux.unit", (quote(parse_unit(text)) for text in dict.fromkeys(units))),
        _set("transport", (quote(parse_transport(t)) for t in dict.fromkeys(transports))),
        _either([parse_frame_range(text).node() for text in frames]),
    ]
    parts = [group for group in groups if group is not None]
    if not parts and expression is None:
        return RecordFilter()
    # the matching machinery (field access, typed comparisons) only for a run that filters
    from skypeflux.outputs.display_filter import compile_filter, compile_node

    typed = compile_filter(expression) if expression is not None else None
    if typed is not None:
        parts.append(typed.node)
    if not parts:
        return RecordFilter()
    node = parts[0] if len(parts) == 1 else All(tuple(parts))
    display = compile_node(node, to_text(node))
    return RecordFilter(display, frozenset(numbers) | display.commands)
