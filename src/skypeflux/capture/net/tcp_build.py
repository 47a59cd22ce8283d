"""One TCP connection as packets: handshake, segmentation, retransmissions, closing.

The encoder of :mod:`.tcp_reassembly`. A :class:`TcpConversation` addresses each direction's
bytes by *stream offset* (0 = the first byte after the SYN) instead of raw sequence numbers, so a
caller says "these bytes, cut in 61-byte segments" and gets packets with the right sequence and
acknowledgement numbers, wrapping round 2**32 when the initial number is near it. What can go
wrong on the way (loss, reordering, retransmission, resegmented overlaps) is built from these
pieces and :func:`skypeflux.capture.net.build.impair`.
"""

from __future__ import annotations

from dataclasses import dataclass

from skypeflux.capture.net.build import tcp
from skypeflux.capture.net.packets import ACK, FIN, PSH, RST, SYN

_MASK = 0xFFFFFFFF

__all__ = ["ACK", "FIN", "PSH", "RST", "SYN", "Segment", "TcpConversation"]


@dataclass(frozen=True, slots=True)
class Segment:
    """One built segment and what it carries: direction, stream offset and payload length."""

    from_client: bool
    offset: int
    length: int
    packet: bytes


@dataclass(frozen=True, slots=True)
class TcpConversation:
    """Both directions of one TCP connection, client first."""

    client: str
    cport: int
    server: str
    sport: int
    isn_client: int = 0x1234_5678
    isn_server: int = 0xFFFF_FF00
    window: int = 65535

    def _ends(self, from_client: bool) -> tuple[str, int, str, int, int, int]:
        if from_client:
            return (
                self.client,
                self.cport,
                self.server,
                self.sport,
                self.isn_client,
                self.isn_server,
            )
        return self.server, self.sport, self.client, self.cport, self.isn_server, self.isn_client

    def segment(
        self,
        from_client: bool,
        offset: int,
        payload: bytes = b"",
        flags: int = PSH | ACK,
        *,
        acked: int = 0,
    ) -> bytes:
        """The segment carrying ``payload`` at stream ``offset``; it acknowledges ``acked``
        bytes of the other direction."""
        src, sport, dst, dport, isn, peer_isn = self._ends(from_client)
        return tcp(
            src,
            sport,
            dst,
            dport,
            seq=(isn + 1 + offset) & _MASK,
            ack=(peer_isn + 1 + acked) & _MASK,
            flags=flags,
            payload=payload,
            window=self.window,
        )

    def handshake(self) -> list[bytes]:
        """SYN, SYN-ACK, ACK."""
        syn = tcp(self.client, self.cport, self.server, self.sport, seq=self.isn_client, flags=SYN)
        syn_ack = tcp(
            self.server,
            self.sport,
            self.client,
            self.cport,
            seq=self.isn_server,
            ack=(self.isn_client + 1) & _MASK,
            flags=SYN | ACK,
            window=self.window,
        )
        return [syn, syn_ack, self.segment(True, 0, flags=ACK)]

    def stream(
        self, from_client: bool, data: bytes, mss: int, *, start: int = 0, acked: int = 0
    ) -> list[Segment]:
        """``data`` (which begins at stream offset ``start``) cut into segments of ``mss``."""
        return [
            Segment(
                from_client,
                start + at,
                len(data[at : at + mss]),
                self.segment(from_client, start + at, data[at : at + mss], acked=acked),
            )
            for at in range(0, len(data), mss)
        ]

    def fin(self, from_client: bool, offset: int, *, acked: int = 0) -> bytes:
        """The FIN that closes a direction after ``offset`` bytes."""
        return self.segment(from_client, offset, flags=FIN | ACK, acked=acked)

    def reset(self, from_client: bool, offset: int) -> bytes:
        return self.segment(from_client, offset, flags=RST | ACK)
