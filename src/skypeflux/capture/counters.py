"""Counters per flow and per host, fed with exactly the records the pipeline hands out.

``flows`` and the end-of-run summary are aggregations of the records ``decode`` shows: the
pipeline counts each record as it leaves (never inside a decoder), so the flows table, the
summary and ``decode --json`` cannot disagree. Traffic figures (packets, bytes, first and last
time) are counted per endpoint pair for every datagram and segment, as ``tshark -z conv`` does.

What counts as a *unit*: every record except ``note``, ``summary`` and ``tcp.end`` (those report
something, they are not traffic). Each unit is exactly one of verified, unverified or clear.
"""

from __future__ import annotations

import ipaddress
from collections import OrderedDict
from dataclasses import dataclass, field

from skypeflux.capture.records import CLEAR, VERIFIED, Record

NOT_UNITS = frozenset({"note", "summary", "tcp.end"})
MAX_TRAFFIC_PAIRS = 65536  # endpoint pairs whose traffic is counted before a Skype unit pins them


def endpoint_sort_key(endpoint: str) -> tuple[int, int, str]:
    """Order ``ip:port`` endpoints as addresses (10.0.0.9 before 10.0.0.10), not as text."""
    ip, _, port = endpoint.rpartition(":")
    try:
        number = int(ipaddress.IPv4Address(ip))
    except ValueError:
        return (1 << 32, 0, endpoint)
    return (number, int(port) if port.isdigit() else 0, "")


def pair_key(transport: str, a: str, b: str) -> tuple[str, str, str]:
    first, second = sorted((a, b), key=endpoint_sort_key)
    return transport, first, second


def udp_flow_key(src: str, dst: str) -> str:
    """The flow of a UDP datagram: its two endpoints in address order, either direction."""
    _, a, b = pair_key("udp", src, dst)
    return f"udp {a} <-> {b}"


@dataclass(slots=True)
class UnitCounts:
    """How many units were verified, unverified or clear, and how many command blocks."""

    units: int = 0
    verified: int = 0
    unverified: int = 0
    clear: int = 0
    blocks: int = 0

    def add(self, record: Record) -> bool:
        """Count ``record`` if it is a unit; False when it is not one."""
        if record.unit in NOT_UNITS:
            return False
        self.units += 1
        status = record.verification.status
        if status == VERIFIED:
            self.verified += 1
            self.blocks += len(record.blocks)
        elif status == CLEAR:
            self.clear += 1
        else:
            self.unverified += 1
        return True


@dataclass(slots=True)
class Traffic:
    """Packets and bytes of one endpoint pair, with the times of its first and last packet."""

    packets: int = 0
    bytes: int = 0
    first_time: float = 0.0
    last_time: float = 0.0

    def add(self, length: int, ts: float) -> None:
        if not self.packets:
            self.first_time = ts
        self.packets += 1
        self.bytes += length
        self.last_time = max(self.last_time, ts)


@dataclass(slots=True)
class FlowCounters:
    """One Skype flow: its units, the frames its records span, and what went wrong in it."""

    key: str
    transport: str
    a: str
    b: str
    counts: UnitCounts = field(default_factory=UnitCounts)
    first_frame: int = 0
    last_frame: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, record: Record) -> None:
        if record.unit == "note":
            return
        self.counts.add(record)
        frames = record.frames or [record.frame]
        low, high = min(frames), max(frames)
        self.first_frame = low if not self.first_frame else min(self.first_frame, low)
        self.last_frame = max(self.last_frame, high)
        if record.unit == "tcp.end":
            self.problems.append(f"{record.src} -> {record.dst}: {record.verification.detail}")


class FlowTable:
    """Every Skype flow's counters, and the traffic of the endpoint pairs behind them.

    Traffic is counted for all pairs, in a bounded table; a pair that carries a Skype unit is
    pinned, so memory grows with the Skype flows and stays bounded for everything else.
    """

    def __init__(self) -> None:
        self.flows: dict[str, FlowCounters] = {}
        self._traffic: OrderedDict[tuple[str, str, str], Traffic] = OrderedDict()
        self._pinned: dict[tuple[str, str, str], Traffic] = {}

    def packet(self, transport: str, src: str, dst: str, length: int, ts: float) -> None:
        key = pair_key(transport, src, dst)
        traffic = self._pinned.get(key)
        if traffic is None:
            traffic = self._traffic.get(key)
            if traffic is None:
                traffic = self._traffic[key] = Traffic()
                if len(self._traffic) > MAX_TRAFFIC_PAIRS:
                    self._traffic.popitem(last=False)
            else:
                self._traffic.move_to_end(key)
        traffic.add(length, ts)

    def record(self, record: Record) -> None:
        if not record.flow or record.unit in ("note", "summary"):
            return
        flow = self.flows.get(record.flow)
        if flow is None:
            transport = record.transport
            a, _, b = record.flow.partition(" ")[2].partition(" <-> ")
            flow = self.flows[record.flow] = FlowCounters(record.flow, transport, a, b)
            key = pair_key(transport, a, b)
            if key not in self._pinned:
                self._pinned[key] = self._traffic.pop(key, Traffic())
        flow.add(record)

    def traffic(self, flow: FlowCounters) -> Traffic:
        return self._pinned.get(pair_key(flow.transport, flow.a, flow.b)) or Traffic()
