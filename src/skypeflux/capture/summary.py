"""The end of a run in figures, per Skype host.

Everything here is computed from the flow counters (:mod:`skypeflux.capture.flows`), i.e. from
the records the run handed out, plus what the address book proved. A *host* is the captured
address of the local side of each flow: the address that takes part in more Skype flows (a
client talks to many peers), the private one on a tie, else the first one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from skypeflux.capture.flows import PairCounts
from skypeflux.capture.skype.addresses import AddressBook, Learned, evidence_text
from skypeflux.ipv4 import ip_text, is_private

RECOVER_HINT = "skypeflux recover-ip FILE"


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


def host_summaries(pairs: PairCounts, book: AddressBook) -> list[HostSummary]:
    """One summary per host, from the counts per address pair of the flows that carried units
    (:attr:`FlowTable.pairs`: what the flows leave behind once they are over)."""
    uses: Counter[int] = Counter()
    for (a, b), (flows, *_counts) in pairs.items():
        uses[a] += flows
        uses[b] += flows
    per_host: dict[int, list[int]] = {}
    for (a, b), counts in pairs.items():
        owned = per_host.setdefault(_local(a, b, uses), [0, 0, 0, 0])
        for i, n in enumerate(counts):
            owned[i] += n
    out = []
    for number, (flows, verified, unverified, clear) in per_host.items():
        host = ip_text(number)
        behind = is_private(host)
        out.append(
            HostSummary(
                host,
                flows,
                verified,
                unverified,
                clear,
                behind,
                tuple(book.confirmed(host)) if behind else (),
            )
        )
    out.sort(key=lambda h: (-(h.verified + h.unverified + h.clear), h.host))
    return out


def _local(a: int, b: int, uses: Counter[int]) -> int:
    if uses[a] != uses[b]:
        return a if uses[a] > uses[b] else b
    if is_private(b) and not is_private(a):
        return b
    return a
