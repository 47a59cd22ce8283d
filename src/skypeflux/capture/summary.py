"""The end of a run in figures: per Skype flow (the ``flows`` table) and per Skype host.

Everything here is computed from the :class:`~skypeflux.capture.counters.FlowTable`, i.e. from
the records the run handed out, plus what the address book proved. A *host* is the captured
address of the local side of each flow: the address that takes part in more Skype flows (a
client talks to many peers), the private one on a tie, else the first one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from skypeflux.capture.counters import FlowCounters, FlowTable, Traffic
from skypeflux.capture.skype.addresses import AddressBook, Learned, evidence_text, is_private

RECOVER_HINT = "skypeflux recover-ip FILE"


@dataclass(frozen=True, slots=True)
class FlowStats:
    """One Skype flow for the ``flows`` table: a UDP endpoint pair or one TCP connection.

    ``units`` = ``verified`` + ``unverified`` + ``clear``; ``blocks`` counts command blocks of
    verified units. ``packets``, ``bytes`` and the times are the traffic of the endpoint pair
    (every datagram or segment, Skype or not, as ``tshark -z conv``), times relative to the
    capture's first packet.
    """

    key: str
    transport: str
    a: str
    b: str
    first_frame: int
    last_frame: int
    units: int
    verified: int
    unverified: int
    clear: int
    blocks: int
    packets: int
    bytes: int
    first_time: float
    last_time: float
    status: str

    @property
    def duration(self) -> float:
        return round(self.last_time - self.first_time, 6)


@dataclass(frozen=True, slots=True)
class HostSummary:
    """What the run found for one Skype host."""

    host: str
    flows: int
    verified: int
    unverified: int
    clear: int
    behind_nat: bool
    public: tuple[Learned, ...]  # proven public addresses (empty: unknown or not behind NAT)

    @property
    def address_unknown(self) -> bool:
        return self.behind_nat and not self.public

    def text(self, capture: str) -> str:
        figures = f"{self.verified} verified, {self.unverified} unverified, {self.clear} clear"
        if not self.behind_nat:
            where = "public address (not behind NAT)"
        elif self.public:
            where = "public address " + "; ".join(
                f"{e.public} ({evidence_text(e)})" for e in self.public
            )
        else:
            where = (
                f"public address unknown: find it with `{RECOVER_HINT.replace('FILE', capture)}`"
                f" or give it with --public-ip {self.host}=PUBLIC"
            )
        return f"host {self.host}: {figures} in {self.flows} flow(s); {where}"

    def to_json(self) -> dict[str, Any]:
        return {
            "host": self.host,
            "flows": self.flows,
            "verified": self.verified,
            "unverified": self.unverified,
            "clear": self.clear,
            "behind_nat": self.behind_nat,
            "public": [
                {
                    "address": e.public,
                    "method": e.method,
                    "evidence_frame": e.evidence_frame or None,
                    "proof_frame": e.frame,
                }
                for e in self.public
            ],
            "hint": (f"{RECOVER_HINT} or --public-ip {self.host}=PUBLIC")
            if self.address_unknown
            else None,
        }


def flow_status(flow: FlowCounters) -> str:
    problems = list(flow.problems)
    if flow.counts.unverified:
        problems.insert(0, f"{flow.counts.unverified} unverified")
    if problems:
        return "; ".join(problems)
    return "verified" if flow.counts.verified else "clear only"


def flow_stats(table: FlowTable, origin: float) -> list[FlowStats]:
    out = []
    for flow in table.flows.values():
        c = flow.counts
        traffic: Traffic = table.traffic(flow)
        out.append(
            FlowStats(
                flow.key,
                flow.transport,
                flow.a,
                flow.b,
                flow.first_frame,
                flow.last_frame,
                c.units,
                c.verified,
                c.unverified,
                c.clear,
                c.blocks,
                traffic.packets,
                traffic.bytes,
                round(traffic.first_time - origin, 6) if traffic.packets else 0.0,
                round(traffic.last_time - origin, 6) if traffic.packets else 0.0,
                flow_status(flow),
            )
        )
    out.sort(key=lambda f: f.first_frame)
    return out


def host_summaries(table: FlowTable, book: AddressBook) -> list[HostSummary]:
    flows = [f for f in table.flows.values() if f.counts.units]
    uses = Counter(end.rpartition(":")[0] for f in flows for end in (f.a, f.b))
    per_host: dict[str, list[FlowCounters]] = {}
    for flow in flows:
        per_host.setdefault(_local(flow, uses), []).append(flow)
    out = []
    for host, owned in per_host.items():
        behind = is_private(host)
        out.append(
            HostSummary(
                host,
                len(owned),
                sum(f.counts.verified for f in owned),
                sum(f.counts.unverified for f in owned),
                sum(f.counts.clear for f in owned),
                behind,
                tuple(book.confirmed(host)) if behind else (),
            )
        )
    out.sort(key=lambda h: (-(h.verified + h.unverified + h.clear), h.host))
    return out


def _local(flow: FlowCounters, uses: Counter[str]) -> str:
    ip_a, ip_b = flow.a.rpartition(":")[0], flow.b.rpartition(":")[0]
    if uses[ip_a] != uses[ip_b]:
        return ip_a if uses[ip_a] > uses[ip_b] else ip_b
    if is_private(ip_b) and not is_private(ip_a):
        return ip_b
    return ip_a
