"""TCP events as segments: a connection opens at its first event (handshake, optional
pseudo-TLS hellos, one obfuscated stream per direction) and closes at the end of the scenario.

Each data frame is encrypted on its direction's running keystream (:class:`StreamEncoder`) and
cut into segments of the connection's MSS at the event's time; with ``ack_frames`` the other
direction answers with an ack frame naming its packet id, as Skype's stack does.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from skypeflux.capture.net.tcp_build import TcpConversation
from skypeflux.capture.records import UnitKind
from skypeflux.capture.synth.blocks import Ids, event_blocks
from skypeflux.capture.synth.scenario import Connection, Event, Host
from skypeflux.capture.synth.units import Build, Unit, WireItem
from skypeflux.ipv4 import Endpoint
from skypeflux.wire.tcp import (
    LAST_WORD_INITIATOR,
    LAST_WORD_RESPONDER,
    STREAM_HEADER_LEN,
    ack_frame,
)
from skypeflux.wire.tcp_stream import StreamEncoder
from skypeflux.wire.tls_prefix import TlsPrefix, build_tls_prefix, tls_filler_len

SEGMENT_SPACING = 0.0002  # seconds between the segments of one frame


@dataclass(slots=True)
class _Direction:
    encoder: StreamEncoder
    src: Endpoint
    dst: Endpoint
    prefix: bytes
    sent: int = 0  # stream bytes so far (the offset of the next byte)
    packet_id: int = 0
    started: bool = False


@dataclass(slots=True)
class _Open:
    conv: TcpConversation
    dirs: dict[bool, _Direction]
    mss: int
    ack_frames: bool


@dataclass(slots=True)
class TcpBuilder:
    hosts: dict[str, Host]
    connections: dict[str, Connection]
    ids: Ids
    out: Build
    open: dict[str, _Open] = field(default_factory=dict)
    last_ts: float = 0.0

    def _open(self, name: str, ts: float) -> _Open:
        conn = self.connections[name]
        client, server = self.hosts[conn.client], self.hosts[conn.server]
        rng = self.ids.rng
        conv = TcpConversation(
            client.ip,
            conn.client_port or rng.randrange(1024, 65536),
            server.ip,
            conn.server_port or server.port,
            isn_client=rng.getrandbits(32),
            isn_server=rng.getrandbits(32),
        )
        for n, packet in enumerate(conv.handshake()):
            self.out.items.append(WireItem(ts + n * SEGMENT_SPACING, packet, protected=True))
        dirs = {}
        for from_client in (True, False):
            which = TlsPrefix.CLIENT if from_client else TlsPrefix.SERVER
            prefix = (
                build_tls_prefix(which, rng.randbytes(tls_filler_len(which))) if conn.tls else b""
            )
            encoder = StreamEncoder(
                rng.getrandbits(32),
                rng.getrandbits(16),
                LAST_WORD_INITIATOR if from_client else LAST_WORD_RESPONDER,
            )
            ends = (Endpoint.of(conv.client, conv.cport), Endpoint.of(conv.server, conv.sport))
            src, dst = ends if from_client else ends[::-1]
            dirs[from_client] = _Direction(encoder, src, dst, prefix, packet_id=rng.getrandbits(16))
        opened = _Open(conv, dirs, conn.mss, conn.ack_frames)
        self.open[name] = opened
        return opened

    def event(self, event: Event, ts: float) -> None:
        name = event.connection or ""
        opened = self.open.get(name) or self._open(name, ts)
        ts += 4 * SEGMENT_SPACING
        from_client = event.src == self.connections[name].client
        direction = opened.dirs[from_client]
        packet_id = direction.packet_id
        direction.packet_id = (packet_id + 2) & 0xFFFF
        blocks_plain, blocks = event_blocks(event, self.ids, packet_id)
        frame = direction.encoder.data(packet_id, blocks_plain)
        ts = self._send(name, opened, from_client, frame, ts, event.where)
        self._unit(
            UnitKind.TCP_DATA,
            event,
            direction,
            name,
            from_client,
            packet_id=packet_id,
            blocks=tuple(blocks),
        )
        if opened.ack_frames:
            other = opened.dirs[not from_client]
            ack = other.encoder.encrypt(ack_frame(packet_id))
            self._send(name, opened, not from_client, ack, ts + 0.01, event.where)
            self._unit(
                UnitKind.TCP_CONTROL, event, other, name, not from_client, packet_id=packet_id
            )

    def _unit(
        self,
        unit: UnitKind,
        event: Event,
        direction: _Direction,
        name: str,
        from_client: bool,
        **fields: object,
    ) -> None:
        self.out.units.append(
            Unit(
                unit,
                direction.src,
                direction.dst,
                event.where,
                event.label,
                direction=(name, from_client),
                stream_end=direction.sent,
                **fields,  # type: ignore[arg-type]
            )
        )

    def _send(
        self, name: str, opened: _Open, from_client: bool, data: bytes, ts: float, where: str
    ) -> float:
        """Segments carrying ``data`` next in this direction; the time after the last one."""
        direction = opened.dirs[from_client]
        if not direction.started:
            direction.started = True
            data = direction.prefix + data
            header_end = len(direction.prefix) + STREAM_HEADER_LEN
            self.out.units.append(
                Unit(
                    UnitKind.TCP_HEADER,
                    direction.src,
                    direction.dst,
                    where,
                    direction=(name, from_client),
                    stream_end=direction.sent + header_end,
                )
            )
        acked = opened.dirs[not from_client].sent
        for segment in opened.conv.stream(
            from_client, data, opened.mss, start=direction.sent, acked=acked
        ):
            self.out.items.append(
                WireItem(
                    ts,
                    segment.packet,
                    direction=(name, from_client),
                    offset=segment.offset,
                    length=segment.length,
                    may_repeat=True,
                )
            )
            ts += SEGMENT_SPACING
        direction.sent += len(data)
        self.last_ts = max(self.last_ts, ts)
        return ts

    def close_all(self, ts: float) -> None:
        """FINs for every connection still open (the scenario ended), client first."""
        for opened in self.open.values():
            for from_client in (True, False):
                sent = opened.dirs[from_client].sent
                acked = opened.dirs[not from_client].sent
                fin = opened.conv.fin(from_client, sent, acked=acked)
                self.out.items.append(WireItem(ts, fin, protected=True))
                ts += SEGMENT_SPACING
