"""The small filter language of ``decode``: which records to show.

Deliberately not a display-filter language: a handful of options that cover what people ask of a
Skype capture (this command, this peer, only what verified, these frames). Repeating an option
widens it (``--cmd 36 --cmd 29``: either command); different options narrow each other (all must
hold). Filters select whole records: a record is shown with all its blocks when one block matches.
Parsing is separate from matching so the command line can report a bad value as a usage error.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from skypeflux.capture.records import Record, Status, Transport, UnitKind
from skypeflux.ipv4 import Endpoint, ip_number
from skypeflux.messages.names import command_by_name, command_suggestions

TRANSPORTS = tuple(str(transport) for transport in Transport)


@dataclass(frozen=True, slots=True)
class AddressPattern:
    """An IP address (a number), optionally with a port; matches an endpoint on either side of
    a record."""

    ip: int
    port: int | None = None

    def matches_endpoint(self, endpoint: Endpoint) -> bool:
        return endpoint.ip == self.ip and (self.port is None or endpoint.port == self.port)


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
    addresses: tuple[AddressPattern, ...] = ()
    verified: bool | None = None  # True: verified only; False: failed verification only
    units: frozenset[UnitKind] = frozenset()
    transport: Transport | None = None
    frames: FrameRange | None = None

    @property
    def is_empty(self) -> bool:
        return self == RecordFilter()

    def matches(self, record: Record) -> bool:
        if self.verified is not None and self.verified != record.verification.ok:
            return False
        if self.verified is False and record.verification.status != Status.UNVERIFIED:
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
        return not self.commands or self._matches_command(record)

    def _matches_command(self, record: Record) -> bool:
        if not record.verification.ok:
            return False
        return any(block.command in self.commands for block in record.blocks)

    def apply(self, records: Iterable[Record]) -> Iterator[Record]:
        return (record for record in records if self.matches(record))


# Names are resolved to numbers when the filter is built, so a typo is reported at once instead of
# silently matching nothing, and a guessed name (shown as "address_reply?") matches with or
# without its '?'.
def _unknown_command(text: str) -> ValueError:
    close = command_suggestions(text)
    hint = f"; did you mean {' or '.join(close)}?" if close else "; give its number instead"
    return ValueError(f"unknown command name {text.strip()!r}{hint}")


def parse_command(text: str) -> int:
    """``36``, ``0x24`` or a name from the command table (``address_reply``) -> 36.

    Numbers are taken as they are (a capture may hold commands no table names); names must be in
    the table, else ValueError suggests the closest ones.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty command")
    try:
        number = int(text, 0)
    except ValueError:
        found = command_by_name(text)
        if found is None:
            raise _unknown_command(text) from None
        return found
    if number < 0:
        raise ValueError(f"command number must not be negative: {text}")
    return number


def parse_address(text: str) -> AddressPattern:
    """``IP`` or ``IP:PORT`` (IPv4, as Skype classic used)."""
    host, sep, port_text = text.strip().rpartition(":")
    if not sep:
        host, port_text = text.strip(), ""
    try:
        ip = ip_number(host)
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
    if first == 0 or last == 0:
        raise ValueError(f"frames count from 1, so {text!r} names no frame")
    if not dash:
        last = first
    if first is not None and last is not None and first > last:
        raise ValueError(f"empty frame range: {text!r}")
    return FrameRange(first, last)


def parse_unit(text: str) -> UnitKind:
    try:
        return UnitKind(text)
    except ValueError:
        kinds = ", ".join(UnitKind)
        raise ValueError(f"unknown unit {text!r} (one of {kinds})") from None


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
    numbers = frozenset(parse_command(text) for text in commands)
    if transport is not None and transport not in TRANSPORTS:
        raise ValueError(f"transport must be udp or tcp, not {transport!r}")
    wanted = Transport(transport) if transport is not None else None
    return RecordFilter(
        commands=numbers,
        addresses=tuple(parse_address(text) for text in addresses),
        verified=verified,
        units=frozenset(parse_unit(text) for text in units),
        transport=wanted,
        frames=parse_frame_range(frames) if frames is not None else None,
    )
