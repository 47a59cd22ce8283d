"""Counters per flow, fed with exactly the records the pipeline hands out, and flow summaries.

``flows`` and the end-of-run summary are aggregations of the records ``decode`` shows: the
pipeline counts each record as it leaves (:class:`FlowTable`), so the flows table, the summary
and ``decode --json`` cannot disagree. One counter type serves UDP flows and TCP directions.
Traffic figures (packets, bytes, first and last time) are counted per endpoint pair for every
datagram and segment, as ``tshark -z conv`` does.

What counts as a *unit*: every record except notes and ``tcp.end`` (those report something,
they are not traffic); a reassembled message is a unit of its own. Each unit is exactly one of
verified, unverified or clear; ``blocks`` counts the command blocks of verified units.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from skypeflux.capture.records import FlowKey, Record, Status, Transport, UnitKind
from skypeflux.ipv4 import Endpoint

NOT_UNITS = frozenset({UnitKind.NOTE, UnitKind.TCP_END})
MAX_TRAFFIC_PAIRS = 65536  # endpoint pairs whose traffic is counted before a Skype unit pins them

_Pair = tuple[Transport, Endpoint, Endpoint]


def pair_key(transport: Transport, one: Endpoint, other: Endpoint) -> _Pair:
    """Both directions of an endpoint pair, endpoints in address order."""
    return (transport, one, other) if one <= other else (transport, other, one)


@dataclass(slots=True)
class FlowCounters:
    """What one flow (or one TCP direction) carried, counted record by record."""

    units: int = 0
    verified: int = 0
    unverified: int = 0
    clear: int = 0
    blocks: int = 0
    first_frame: int = 0  # 0 until the first record (or TCP byte)
    last_frame: int = 0
    problems: list[str] = field(default_factory=list)  # why a TCP direction stopped early

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        units: int = 0,
        verified: int = 0,
        unverified: int = 0,
        clear: int = 0,
        blocks: int = 0,
        first_frame: int = 0,
        last_frame: int = 0,
        problems: list[str] | None = None,
    ) -> None:
        self.units = units
        self.verified = verified
        self.unverified = unverified
        self.clear = clear
        self.blocks = blocks
        self.first_frame = first_frame
        self.last_frame = last_frame
        self.problems = [] if problems is None else problems

    def add(self, record: Record) -> None:
        if record.unit == UnitKind.NOTE:
            return
        for frame in record.frames or (record.frame,):
            self.seen(frame)
        if record.unit == UnitKind.TCP_END:
            self.problems.append(f"{record.src} -> {record.dst}: {record.verification.detail}")
            return
        self.units += 1
        status = record.verification.status
        if status == Status.VERIFIED:
            self.verified += 1
            self.blocks += len(record.blocks)
        elif status == Status.CLEAR:
            self.clear += 1
        else:
            self.unverified += 1

    def seen(self, frame: int) -> None:
        """``frame`` carried part of the flow."""
        self.first_frame = min(self.first_frame, frame) if self.first_frame else frame
        self.last_frame = max(self.last_frame, frame)

    def merge(self, other: FlowCounters) -> None:
        """Add another direction of the same connection."""
        self.units += other.units
        self.verified += other.verified
        self.unverified += other.unverified
        self.clear += other.clear
        self.blocks += other.blocks
        self.problems += other.problems
        if other.first_frame:
            self.seen(other.first_frame)
        self.last_frame = max(self.last_frame, other.last_frame)


@dataclass(slots=True)
class Traffic:
    """Packets and bytes (frame lengths) of one endpoint pair, and its first and last time
    (counted by :meth:`FlowTable.packet`, its one writer)."""

    packets: int = 0
    bytes: int = 0
    first_time: float = 0.0
    last_time: float = 0.0

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        packets: int = 0,
        bytes: int = 0,
        first_time: float = 0.0,
        last_time: float = 0.0,
    ) -> None:
        self.packets = packets
        self.bytes = bytes
        self.first_time = first_time
        self.last_time = last_time


@dataclass(frozen=True, slots=True)
class FlowStats:
    """One Skype flow for the ``flows`` table: a UDP endpoint pair or one TCP connection.

    ``start`` is the pair's first packet in seconds since the capture's first packet,
    ``duration`` from its first to its last packet (tshark's "Rel Start" and "Duration").
    """

    key: FlowKey
    counts: FlowCounters = field(default_factory=FlowCounters)
    status: str = ""
    traffic: Traffic = field(default_factory=Traffic)
    start: float = 0.0

    @property
    def duration(self) -> float:
        return round(self.traffic.last_time - self.traffic.first_time, 6)


def flow_status(counts: FlowCounters) -> str:
    problems = list(counts.problems)
    if counts.unverified:
        problems.insert(0, f"{counts.unverified} unverified")
    if problems:
        return "; ".join(problems)
    return "verified" if counts.verified else "clear only"


@dataclass(slots=True)
class FlowTotals:
    """The run's figures over every flow, finished or not (the summary line's numbers)."""

    flows: int = 0
    units: int = 0
    verified: int = 0
    unverified: int = 0
    clear: int = 0

    def add(self, counts: FlowCounters) -> None:
        self.flows += 1
        self.units += counts.units
        self.verified += counts.verified
        self.unverified += counts.unverified
        self.clear += counts.clear


# per pair of addresses (a, b as numbers): flows with units, verified, unverified, clear
PairCounts = dict[tuple[int, int], list[int]]


class FlowTable:
    """Every Skype flow's counters, and the traffic of the endpoint pairs behind them.

    Traffic is counted for all pairs, in a bounded table; a pair that carries a Skype unit is
    pinned until its flow ends. When the survey says a flow is over (:meth:`end`), its counters
    leave the table: they are added to :attr:`totals` and to the per-address-pair counts the
    host summaries are made of, and kept as a row only when ``keep_rows`` (the ``flows``
    table). So memory holds the open flows, plus one row per flow only for those who asked.
    """

    def __init__(self, *, keep_rows: bool = True) -> None:
        self.keep_rows = keep_rows
        self.flows: dict[FlowKey, FlowCounters] = {}  # the open flows
        self.totals = FlowTotals()
        self.pairs: PairCounts = {}
        self._rows: list[tuple[int, FlowStats]] = []  # (order of the first record, row)
        self._order: dict[FlowKey, int] = {}
        self._seen = 0
        self._traffic: OrderedDict[_Pair, Traffic] = OrderedDict()
        self._pinned: dict[_Pair, Traffic] = {}

    def packet(
        self, transport: Transport, src: Endpoint, dst: Endpoint, length: int, ts: float
    ) -> None:
        # pair_key, inline: every packet of the capture comes here
        key = (transport, src, dst) if src <= dst else (transport, dst, src)
        traffic = self._pinned.get(key)
        if traffic is None:
            traffic = self._traffic.get(key)
            if traffic is None:
                traffic = self._traffic[key] = Traffic()
                if len(self._traffic) > MAX_TRAFFIC_PAIRS:
                    self._traffic.popitem(last=False)
            else:
                self._traffic.move_to_end(key)
        # counted here, not by a method of Traffic: a call for every packet cost 1.6% of a run
        if not traffic.packets:
            traffic.first_time = ts
        traffic.packets += 1
        traffic.bytes += length
        if ts > traffic.last_time:
            traffic.last_time = ts

    def record(self, record: Record) -> None:
        if record.unit == UnitKind.NOTE:
            return
        counts = self.flows.get(record.flow)
        if counts is None:
            counts = self.flows[record.flow] = FlowCounters()
            self._order[record.flow] = self._seen
            self._seen += 1
            key = pair_key(record.flow.transport, record.flow.a, record.flow.b)
            if key not in self._pinned:
                self._pinned[key] = self._traffic.pop(key, Traffic())
        counts.add(record)

    def end(self, transport: Transport, src: Endpoint, dst: Endpoint, origin: float) -> None:
        """The flow between ``src`` and ``dst`` carried its last packet: retire it (a UDP
        pair, or the TCP connection whichever side opened it) and forget its traffic."""
        if transport is Transport.UDP:
            keys = [FlowKey.udp(src, dst)]
        else:
            keys = [FlowKey.tcp(src, dst), FlowKey.tcp(dst, src)]
        for key in keys:
            counts = self.flows.pop(key, None)
            if counts is not None:
                self._retire(key, counts, origin)
        pair = pair_key(transport, src, dst)
        self._pinned.pop(pair, None)
        self._traffic.pop(pair, None)

    def _retire(self, key: FlowKey, counts: FlowCounters, origin: float) -> None:
        self.totals.add(counts)
        if counts.units:
            pair = self.pairs.setdefault((key.a.ip, key.b.ip), [0, 0, 0, 0])
            pair[0] += 1
            pair[1] += counts.verified
            pair[2] += counts.unverified
            pair[3] += counts.clear
        if self.keep_rows:
            traffic = self._pinned.get(pair_key(key.transport, key.a, key.b)) or Traffic()
            start = round(traffic.first_time - origin, 6) if traffic.packets else 0.0
            row = FlowStats(key, counts, flow_status(counts), traffic, start)
            self._rows.append((self._order[key], row))
        del self._order[key]

    def finish(self, origin: float) -> list[FlowStats]:
        """End of capture: retire the flows still open; the rows (when kept), in the order of
        their first frame, times relative to ``origin``."""
        for key, counts in self.flows.items():
            self._retire(key, counts, origin)
        self.flows.clear()
        self._pinned.clear()
        rows, self._rows = self._rows, []
        rows.sort(key=lambda r: (r[1].counts.first_frame, r[0]))
        return [row for _, row in rows]
