"""UDP events as datagrams: payloads (fragmented when long), NAcks, ACKs and resends.

Seeds use the addresses the *sender* believes in (spec 1.2): its own public address (or
0.0.0.0 before it knows it, ``own_address = "unknown"``) and the receiver's public address;
the IP header shows the captured addresses (private ones behind NAT).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skypeflux.capture.net.build import udp
from skypeflux.capture.records import UnitKind
from skypeflux.capture.synth.blocks import Ids, event_blocks
from skypeflux.capture.synth.errors import ScenarioError
from skypeflux.capture.synth.scenario import Event, Host
from skypeflux.capture.synth.units import Build, Unit, WireItem
from skypeflux.ipv4 import Endpoint
from skypeflux.wire.fragment_split import fragment_count, split_message
from skypeflux.wire.fragments import fragment_ivs
from skypeflux.wire.udp import FULL_FRAGMENT_LEN, PAYLOAD_HEADER_LEN, Ack, Nack, ip_number
from skypeflux.wire.udp_crypt import UNKNOWN_ADDRESS, seal_payload, seal_resend


@dataclass(slots=True)
class _Sent:
    """What a labelled datagram was, for the NAck, ACK or resend that refers to it."""

    packet_id: int
    plaintext: bytes
    blocks: tuple[object, ...]
    fragmented: bool


@dataclass(slots=True)
class UdpBuilder:
    hosts: dict[str, Host]
    ids: Ids
    out: Build
    sent: dict[str, _Sent] = field(default_factory=dict)
    challenges: dict[str, int] = field(default_factory=dict)
    ip_ident: int = 0x3000

    def _filler(self, base: int) -> int:
        return base | self.ids.rng.randrange(8) << 4  # bits 0x70 are random (spec 1.1)

    def _send(
        self, ts: float, src: Host, dst: Host, payload: bytes, index: int, event: Event
    ) -> None:
        self.ip_ident = (self.ip_ident + 1) & 0xFFFF
        packet = udp(src.ip, src.port, dst.ip, dst.port, payload, ident=self.ip_ident)
        self.out.items.append(
            WireItem(
                ts,
                packet,
                datagram=index,
                protected=event.kind in ("nack", "ack"),
                label=event.label,
            )
        )

    def _unit(self, unit: UnitKind, event: Event, **fields: object) -> Unit:
        src, dst = self.hosts[event.src], self.hosts[event.dst]
        made = Unit(
            unit,
            Endpoint.of(src.ip, src.port),
            Endpoint.of(dst.ip, dst.port),
            event.where,
            event.label,
            **fields,  # type: ignore[arg-type]
        )
        self.out.units.append(made)
        return made

    def event(self, event: Event, ts: float) -> None:
        src, dst = self.hosts[event.src], self.hosts[event.dst]
        if event.kind == "udp":
            self._payload(event, ts, src, dst)
        elif event.kind in ("nack", "ack"):
            target = self.sent[event.answers or ""]
            value = self.ids.rng.getrandbits(32)
            wire: Nack | Ack
            if event.kind == "nack":
                self.challenges[event.answers or ""] = value
                wire = Nack(target.packet_id, ip_number(dst.seen_as), value, self._filler(7))
            else:
                wire = Ack(target.packet_id, ip_number(dst.seen_as), value, self._filler(5))
            index = self.out.new_datagram()
            self._send(ts, src, dst, wire.build(), index, event)
            kind = UnitKind.UDP_NACK if event.kind == "nack" else UnitKind.UDP_ACK
            self._unit(kind, event, packet_id=target.packet_id, datagrams=(index,))
        else:
            self._resend(event, ts, src, dst)

    def _payload(self, event: Event, ts: float, src: Host, dst: Host) -> None:
        packet_id = self.ids.packet_id(event.src)
        plain, blocks = event_blocks(event, self.ids, packet_id)
        own = UNKNOWN_ADDRESS if event.own_address == "unknown" else src.seen_as
        rng = self.ids.rng
        fragmented = PAYLOAD_HEADER_LEN + len(plain) > FULL_FRAGMENT_LEN
        if event.label is not None:
            self.sent[event.label] = _Sent(packet_id, plain, tuple(blocks), fragmented)
        if not fragmented:
            index = self.out.new_datagram()
            sealed = seal_payload(
                plain,
                packet_id=packet_id,
                iv=rng.getrandbits(32),
                src_ip=own,
                dst_ip=dst.seen_as,
                func=self._filler(2),
            )
            self._send(ts, src, dst, sealed.build(), index, event)
            self._unit(
                UnitKind.UDP_PAYLOAD,
                event,
                packet_id=packet_id,
                blocks=tuple(blocks),
                plaintext=plain,
                datagrams=(index,),
            )
            return
        count = fragment_count(len(plain))
        ref = next((m.reply_to for m in event.messages if m.reply_to), None)
        ref_id = self.sent[ref].packet_id if ref in self.sent else packet_id
        pieces = split_message(
            plain,
            packet_id=packet_id,
            ref_id=ref_id,
            ivs=fragment_ivs(rng.getrandbits(32), count),  # Skype's generator, 2 steps apart
            src_ip=own,
            dst_ip=dst.seen_as,
            funcs=[self._filler(0x0F) for _ in range(count)],
        )
        indexes = []
        for n, piece in enumerate(pieces):
            index = self.out.new_datagram()
            indexes.append(index)
            self._send(ts + n * 0.0001, src, dst, piece.build(), index, event)
            self._unit(UnitKind.UDP_FRAGMENT, event, packet_id=packet_id, datagrams=(index,))
        self._unit(
            UnitKind.UDP_MESSAGE,
            event,
            packet_id=packet_id,
            blocks=tuple(blocks),
            plaintext=plain,
            datagrams=tuple(indexes),
        )

    def _resend(self, event: Event, ts: float, src: Host, dst: Host) -> None:
        label = event.answers or ""
        original = self.sent[label]
        challenge = self.challenges.get(label)
        if challenge is None:
            raise ScenarioError(f"{label!r} was never NAcked: nothing to resend", event.where)
        if original.fragmented:
            raise ScenarioError(f"{label!r} was fragmented; only payloads are resent", event.where)
        sealed = seal_resend(
            original.plaintext,
            packet_id=original.packet_id,
            challenge=challenge,
            dest_ip=dst.seen_as,
            func=self._filler(3),
        )
        index = self.out.new_datagram()
        self._send(ts, src, dst, sealed.build(), index, event)
        self._unit(
            UnitKind.UDP_RESEND,
            event,
            packet_id=original.packet_id,
            blocks=original.blocks,
            plaintext=original.plaintext,
            datagrams=(index,),
        )
