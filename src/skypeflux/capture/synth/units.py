"""What a synthesized capture holds: wire items (packets with what they carry) and units.

A *unit* is one thing the decoder must give back (a datagram, a reassembled message, a TCP
frame, a stream header), in the decoder's own vocabulary (``Record.unit``), with the command
blocks it carries. A *wire item* is one IPv4 packet and the facts needed to tell, after the
network has lost, reordered or cut packets, which units survived.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skypeflux.capture.records import UnitKind
from skypeflux.ipv4 import Endpoint


@dataclass(frozen=True, slots=True)
class ExpectedBlock:
    """A command block as the decoder reports it (``BlockInfo``)."""

    command: int
    flags: int
    reqid: int | None
    list_hex: str


@dataclass(slots=True)
class Unit:
    """One unit of the scenario; ``where`` is the scenario key of the event that made it."""

    unit: UnitKind
    src: Endpoint
    dst: Endpoint
    where: str
    label: str | None = None
    packet_id: int | None = None
    blocks: tuple[ExpectedBlock, ...] = ()
    plaintext: bytes | None = None
    # which wire data it needs: UDP datagram indexes, or a TCP direction and byte range
    datagrams: tuple[int, ...] = ()
    direction: tuple[str, bool] | None = None  # (connection, from_client)
    stream_end: int = 0
    lost: str | None = None
    """Why the unit is not in the capture as sent (``None``: it is there, whole)."""
    partial: bool = False
    """For a lost unit: some of its bytes are in the capture (a decoder can report it)."""


@dataclass(slots=True)
class WireItem:
    """One IPv4 packet: when it was sent, and what it carries.

    ``datagram`` is the UDP datagram index (the same for every IP fragment of it);
    ``direction``/``offset``/``length`` place a TCP segment's payload in its stream. Items
    with ``protected`` set are never lost (handshakes, FINs, the address evidence).
    """

    ts: float
    ip: bytes
    datagram: int | None = None
    direction: tuple[str, bool] | None = None
    offset: int = 0
    length: int = 0
    protected: bool = False
    may_repeat: bool = False
    frame: bytes = b""
    cut_to: int | None = None  # transport payload bytes kept when the snap length cut it
    label: str | None = None


@dataclass(slots=True)
class Build:
    """Everything the builders produce before the network acts on it."""

    items: list[WireItem] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    datagrams: int = 0

    def new_datagram(self) -> int:
        self.datagrams += 1
        return self.datagrams - 1
