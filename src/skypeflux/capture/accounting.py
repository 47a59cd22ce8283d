"""Where every packet of a capture went: one outcome per packet, and the outcomes add up.

A capture from an untrusted place can hold anything; a user must be able to see that nothing was
lost silently (596 malformed packets added to a capture must show somewhere). Each packet read
gets exactly one outcome:

* skipped: on a link type this tool cannot decode;
* not decoded by the network layer: IPv6, not IP, another IP protocol, malformed (with the
  reason), an IPv4 fragment that did not (yet) complete a datagram;
* a UDP datagram: a Skype unit (verified, unverified, or clear: ACK/NAck and opaque types), or
  not Skype;
* a TCP segment: in a direction proven Skype by its header, or not.

:meth:`PacketAccount.outcomes` lists them; ``unaccounted`` is what no outcome explains (a bug:
the pipeline fuzzer fails on any non-zero value). Counting is per datagram and segment, never
per flow or record kept, so it costs no memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skypeflux.capture.net.packets import NetDecoder
from skypeflux.capture.records import (
    CLEAR,
    NOT_APPLICABLE,
    UNVERIFIED,
    VERIFIED,
    Record,
    Transport,
    UnitKind,
)

# Record units that stand for one UDP datagram each (a message is made of fragments, a note
# of nothing on the wire)
_DATAGRAM_UNITS = frozenset(
    {
        UnitKind.UDP_PAYLOAD,
        UnitKind.UDP_RESEND,
        UnitKind.UDP_FRAGMENT,
        UnitKind.UDP_ACK,
        UnitKind.UDP_NACK,
        UnitKind.UDP_OTHER,
    }
)


@dataclass(slots=True)
class PacketAccount:
    """Outcome counters fed by the pipeline as records pass, totalled at the end of the run."""

    udp_verified: int = 0
    udp_unverified: int = 0
    udp_clear: int = 0
    reasons: dict[str, int] = field(default_factory=dict)

    def record(self, record: Record) -> None:
        """Count a record on its way out (call once per record)."""
        if record.transport != Transport.UDP or record.unit not in _DATAGRAM_UNITS:
            return
        status = record.verification.status
        if status == VERIFIED:
            self.udp_verified += 1
        elif status == UNVERIFIED:
            self.udp_unverified += 1
        elif status in (CLEAR, NOT_APPLICABLE):
            self.udp_clear += 1

    def outcomes(
        self,
        *,
        packets_read: int,
        skipped_link: int,
        net: NetDecoder,
        udp_not_skype: int,
        tcp_skype_segments: int,
    ) -> dict[str, int]:
        """Disjoint outcomes whose sum is ``packets_read``; ``unaccounted`` is the gap (reported,
        never hidden: zero unless the pipeline lost a packet, negative if it counted one twice)."""
        stats = net.stats
        out = {
            "skype_udp_verified": self.udp_verified,
            "skype_udp_unverified": self.udp_unverified,
            "skype_udp_clear": self.udp_clear,
            "skype_tcp": min(tcp_skype_segments, stats.tcp),
            "udp_not_skype": udp_not_skype,
            "tcp_not_skype": max(stats.tcp - tcp_skype_segments, 0),
            "ipv6": stats.ipv6,
            "not_ip": stats.not_ip,
            "other_ip_protocol": stats.other_protocol,
            "malformed": stats.malformed,
            "ip_fragment_pending": stats.fragment_pending,
            "unsupported_link_type": skipped_link,
        }
        out["unaccounted"] = packets_read - sum(out.values())
        return out
