"""Per-flow counters, kept while decoding, and the flow summaries the ``flows`` table shows.

One counter type for UDP flows and TCP directions, so the table's columns mean the same thing for
both: ``units`` every record but a reassembled message (its fragments were counted already),
``verified``/``unverified`` by verdict, ``blocks`` command blocks, ``incomplete`` fragmented
messages given up on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skypeflux.capture.records import FlowKey, Record, Status, UnitKind


@dataclass(slots=True)
class FlowCounters:
    """What one flow (or one TCP direction) carried, counted record by record."""

    units: int = 0
    verified: int = 0
    unverified: int = 0
    blocks: int = 0
    incomplete: int = 0  # fragmented messages given up on
    first_frame: int = 0  # 0 until the first record (or TCP byte)
    last_frame: int = 0

    def add(self, record: Record) -> None:
        status = record.verification.status
        if record.unit != UnitKind.UDP_MESSAGE:
            self.units += 1
            if status == Status.VERIFIED:
                self.verified += 1
            elif status == Status.UNVERIFIED:
                self.unverified += 1
        elif status == Status.UNVERIFIED:
            self.incomplete += 1
        self.blocks += len(record.blocks)
        self.seen(record.frame)

    def seen(self, frame: int) -> None:
        """``frame`` carried part of the flow."""
        self.first_frame = min(self.first_frame, frame) if self.first_frame else frame
        self.last_frame = max(self.last_frame, frame)

    def merge(self, other: FlowCounters) -> None:
        """Add another direction of the same connection."""
        self.units += other.units
        self.verified += other.verified
        self.unverified += other.unverified
        self.blocks += other.blocks
        self.incomplete += other.incomplete
        if other.first_frame:
            self.seen(other.first_frame)
        self.last_frame = max(self.last_frame, other.last_frame)


@dataclass(frozen=True, slots=True)
class FlowStats:
    """One Skype flow for the ``flows`` table: a UDP endpoint pair or one TCP connection."""

    key: FlowKey
    counts: FlowCounters = field(default_factory=FlowCounters)
    status: str = ""
