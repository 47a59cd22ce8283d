"""The small filter language of ``decode``: which records to show.

Deliberately not a display-filter language: a handful of options that cover what people ask of a
Skype capture (this command, this peer, only what verified, these frames). Repeating an option
widens it (``--cmd 36 --cmd 29``: either command); different options narrow each other (all must
hold). Filters select whole records: a record is shown with all its blocks when one block matches.
Parsing is separate from matching so the command line can report a bad value as a usage error.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from skypeflux.capture.records import UNVERIFIED, Record
from skypeflux.outputs.naming import UNIT_KINDS
from skypeflux.outputs.values import split_endpoint

TRANSPORTS = ("udp", "tcp")


@dataclass(frozen=True, slots=True)
class AddressPattern:
    """An IP address, optionally with a port; matches an endpoint on either side of a record."""

    ip: str
    port: int | None = None

    def matches_endpoint(self, endpoint: str) -> bool:
        ip, port = split_endpoint(endpoint)
        return ip == self.ip and (self.port is None or port == self.port)


@dataclass(frozen=True, slots=True)
class FrameRange:
    """Frames ``first``..``last`` inclusive; None leaves that end open."""

    first: int | None = None
    last: int | None = None

    def __contains__(self, frame: object) -> bool:
        if not isinstance(frame, int):
            return False
        return (self.first is None or frame >= self.first) and (
            self.last is None or frame <= self.last
        )


@dataclass(frozen=True, slots=True)
class RecordFilter:
    """All conditions at once; an empty filter selects everything."""

    commands: frozenset[int] = frozenset()
    command_names: frozenset[str] = frozenset()
    addresses: tuple[AddressPattern, ...] = ()
    verified: bool | None = None  # True: verified only; False: failed verification only
    units: frozenset[str] = frozenset()
    transport: str | None = None
    frames: FrameRange | None = None

    @property
    def is_empty(self) -> bool:
        return self == RecordFilter()

    def matches(self, record: Record) -> bool:
        if self.verified is not None and self.verified != record.verification.ok:
            return False
        if self.verified is False and record.verification.status != UNVERIFIED:
            return False  # "unverified" means tried and failed, not clear ACKs or notes
        if self.units and record.unit not in self.units:
            return False
        if self.transport is not None and record.transport != self.transport:
            return False
        if self.frames is not None:
            carried = record.frames or [record.frame]
            if not any(frame in self.frames for frame in carried):
                return False
        if self.addresses and not any(
            pattern.matches_endpoint(record.src) or pattern.matches_endpoint(record.dst)
            for pattern in self.addresses
        ):
            return False
        return not (self.commands or self.command_names) or self._matches_command(record)

    def _matches_command(self, record: Record) -> bool:
        if not record.verification.ok:
            return False
        for block in record.blocks:
            if block.command in self.commands:
                return True
            if block.name is not None and _name_key(block.name) in self.command_names:
                return True
        return False

    def apply(self, records: Iterable[Record]) -> Iterator[Record]:
        return (record for record in records if self.matches(record))


def _name_key(name: str) -> str:
    return re.sub(r"[\s_-]+", "", name).lower()


def parse_command(text: str) -> int | str:
    """``36`` or ``0x24`` -> 36; anything else is a command name (matched loosely)."""
    text = text.strip()
    if not text:
        raise ValueError("empty command")
    try:
        number = int(text, 0)
    except ValueError:
        return _name_key(text)
    if number < 0:
        raise ValueError(f"command number must not be negative: {text}")
    return number


def parse_address(text: str) -> AddressPattern:
    """``IP`` or ``IP:PORT`` (IPv4, as Skype classic used)."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host, port_text = text.strip(), ""
    try:
        ip = str(ipaddress.IPv4Address(host))
    except ValueError:
        raise ValueError(f"not an IPv4 address: {host!r}") from None
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
    if not dash:
        last = first
    if first is not None and last is not None and first > last:
        raise ValueError(f"empty frame range: {text!r}")
    return FrameRange(first, last)


def parse_unit(text: str) -> str:
    if text not in UNIT_KINDS:
        raise ValueError(f"unknown unit {text!r} (one of {', '.join(UNIT_KINDS)})")
    return text


def build_filter(
    *,
    commands: Iterable[str] = (),
    addresses: Iterable[str] = (),
    verified: bool | None = None,
    units: Iterable[str] = (),
    transport: str | None = None,
    frames: str | None = None,
) -> RecordFilter:
    """A filter from the command line's text values; raises ValueError naming the bad value."""
    numbers: set[int] = set()
    names: set[str] = set()
    for text in commands:
        parsed = parse_command(text)
        if isinstance(parsed, int):
            numbers.add(parsed)
        else:
            names.add(parsed)
    if transport is not None and transport not in TRANSPORTS:
        raise ValueError(f"transport must be udp or tcp, not {transport!r}")
    return RecordFilter(
        commands=frozenset(numbers),
        command_names=frozenset(names),
        addresses=tuple(parse_address(text) for text in addresses),
        verified=verified,
        units=frozenset(parse_unit(text) for text in units),
        transport=transport,
        frames=parse_frame_range(frames) if frames is not None else None,
    )
