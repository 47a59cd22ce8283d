"""Classic Skype over TCP: one obfuscated stream per direction, verified by its known header.

Each direction opens with a clear 32-bit seed and ten encrypted bytes of known plaintext; when they
decrypt to ``00 xx 00 00 00 01 00 00 00 01/03/0F`` the direction is Skype and the rest of it
decrypts with RC4 restarted from the same key. The reassembled bytes are cut into frames as they
arrive; a frame is reported at the capture frame that completed it: the one that carried its last
byte, or a later one that filled a hole before it (as tshark does for reassembled PDUs). A hole
in the capture ends the direction with a clear status instead of decrypting garbage; a direction
whose header does not verify is not Skype and is not reported.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field

from skypeflux import crypto, objects
from skypeflux.capture.flows import FlowCounters
from skypeflux.capture.limits import Limits
from skypeflux.capture.net.packets import SYN, TcpSegment
from skypeflux.capture.net.tcp_connections import (
    ConnectionKey,
    FlowEvent,
    TcpConnection,
    TcpDirection,
    TcpTracker,
    connection_key,
)
from skypeflux.capture.net.tcp_reassembly import END_IDLE, Chunk, End, Gap
from skypeflux.capture.records import (
    CONTENT_KNOWN,
    CONTENT_UNPROTECTED,
    PROOF_TCP_HEADER,
    STRUCTURE_EXACT,
    STRUCTURE_FAILED,
    UNVERIFIED,
    VERIFIED,
    FlowKey,
    Method,
    Record,
    Transport,
    UnitKind,
    Verification,
)
from skypeflux.capture.skype.describe import describe_blocks, may_hold_claims
from skypeflux.ipv4 import Endpoint
from skypeflux.wire.tcp import Frame, FrameKind
from skypeflux.wire.tcp_stream import DecoderStatus, StreamDecoder

MAX_CUT_FRAMES = 1024
MAX_COUNTED = 1024  # connections remembered as counted (their other direction ends soon after)
# Connections remembered as holding no Skype, oldest dropped first: one dropped and seen again
# is tracked from there and judged again at its next data (a few segments' work, no output).
MAX_SETTLED = 4096


@dataclass(slots=True)
class _Direction:
    """Decoding state of one direction: its decoder and which capture frame holds which bytes."""

    decoder: StreamDecoder
    src: Endpoint
    dst: Endpoint
    flow: FlowKey
    skype: bool | None = None  # None until the header is complete
    fed: int = 0  # stream bytes fed so far
    base: int = 0  # stream offset of the first byte after the header
    ends: list[int] = field(default_factory=list)  # stream end offset of each chunk
    frames: list[int] = field(default_factory=list)  # frame that completed each chunk
    carried: list[int] = field(default_factory=list)  # frame that carried each chunk
    times: list[float] = field(default_factory=list)
    counts: FlowCounters = field(default_factory=FlowCounters)
    status: str = ""
    wire: TcpDirection | None = None  # the reassembler's direction (its segment count)
    connection: int = 0  # the tracker's number for the connection

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        decoder: StreamDecoder,
        src: Endpoint,
        dst: Endpoint,
        flow: FlowKey,
        skype: bool | None = None,
        fed: int = 0,
        base: int = 0,
        ends: list[int] | None = None,
        frames: list[int] | None = None,
        carried: list[int] | None = None,
        times: list[float] | None = None,
        counts: FlowCounters | None = None,
        status: str = "",
        wire: TcpDirection | None = None,
        connection: int = 0,
    ) -> None:
        self.decoder = decoder
        self.src = src
        self.dst = dst
        self.flow = flow
        self.skype = skype
        self.fed = fed
        self.base = base
        self.ends = [] if ends is None else ends
        self.frames = [] if frames is None else frames
        self.carried = [] if carried is None else carried
        self.times = [] if times is None else times
        self.counts = FlowCounters() if counts is None else counts
        self.status = status
        self.wire = wire
        self.connection = connection

    def decoding(self) -> bool:
        """Proven Skype by its header and not ended. A call, not a test of the two fields in
        place: calls between two tests change them (``_end`` sets the status), which mypy's
        narrowing of a field does not see, and compiled code trusts the narrowed type."""
        return self.skype is True and not self.status

    def closed_by(self, seg: TcpSegment) -> bool:
        ends = {seg.source, seg.destination}
        return {self.src, self.dst} == ends

    def frame_at(self, stream_end: int) -> tuple[int, float]:
        """Capture frame (and time) that carried stream byte ``stream_end - 1``."""
        i = bisect_left(self.ends, stream_end)
        i = min(i, len(self.frames) - 1)
        return self.frames[i], self.times[i]

    def frames_between(self, start: int, end: int) -> list[int]:
        """Every capture frame that carried a byte of stream range ``[start, end)``."""
        first = bisect_right(self.ends, start)
        last = min(bisect_left(self.ends, end), len(self.carried) - 1)
        return sorted(set(self.carried[first : last + 1]))

    def forget_before(self, stream_offset: int) -> None:
        """Drop chunk bookkeeping wholly before ``stream_offset`` (keeps memory bounded)."""
        i = bisect_left(self.ends, stream_offset)
        if i > 0:
            del self.ends[:i], self.frames[:i], self.times[:i], self.carried[:i]


class _NotSkype:
    """A direction its first bytes showed is not Skype (or that is not wanted): only what
    settling and closing ask of it."""

    __slots__ = ("_ends", "wire")
    skype = False
    status = ""

    def __init__(self, wire: TcpDirection) -> None:
        self.wire = wire
        self._ends: set[Endpoint] | None = None  # made when first asked (closed_by)

    def closed_by(self, seg: TcpSegment) -> bool:
        ends = self._ends
        if ends is None:  # every open direction is asked at each end of a connection
            w = self.wire
            ends = self._ends = {Endpoint.of(w.src, w.sport), Endpoint.of(w.dst, w.dport)}
        return {seg.source, seg.destination} == ends


class TcpDecoder:
    """Sans-IO over TCP segments in capture order; records come out through ``emit``."""

    def __init__(
        self,
        emit: Callable[[Record], None],
        *,
        crypto_backend: crypto.BackendArg = None,
        objects_backend: objects.BackendArg = None,
        limits: Limits | None = None,
        wanted: Callable[[Endpoint], bool] | None = None,
        claims_only: bool = False,
    ) -> None:
        """``wanted`` picks the directions to decode by their receiving endpoint (the survey
        only reads replies to private hosts); the others are followed but never decrypted.
        ``claims_only`` (the survey too) hands out only the data frames whose blocks could
        claim a public address, unread otherwise beyond their block headers."""
        limits = limits or Limits()
        self._wanted = wanted
        self._claims_only = claims_only
        self._crypto = crypto.get_backend(crypto_backend)
        self._objects = objects.get_backend(objects_backend)
        self._emit = emit
        self._tracker = TcpTracker(
            max_connections=limits.tcp_connections,
            idle_timeout=limits.tcp_idle_seconds,
            max_buffered=limits.tcp_buffer_bytes,
            max_memory=limits.tcp_buffer_memory,
            max_pieces=limits.tcp_buffer_pieces,
            max_memory_total=limits.tcp_memory_total,
        )
        self._dirs: dict[int, _Direction | _NotSkype] = {}  # id(TcpDirection) -> state
        self._now = 0  # the capture frame being fed: bytes held for it are delivered "now"
        self._now_ts = 0.0
        self._cut_frames: set[int] = set()  # frames whose segment the snap length cut short
        self.skype_connections = 0  # connections with at least one Skype direction
        self._counted: dict[int, None] = {}  # connections counted lately (oldest first)
        # Connections whose every direction is known not to be Skype (or not wanted): nothing
        # more of them can be reported, so their segments skip the tracker until a SYN opens
        # a new connection on the same addresses and ports. Most of a capture is such traffic.
        self._settled: dict[ConnectionKey, None] = {}
        self._settling: list[TcpConnection] = []
        self.counts: dict[str, int] = {}

    def _count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    @property
    def connections_seen(self) -> int:
        return self._tracker.connections_seen

    @property
    def segments_tracked(self) -> int:
        """Segments that went through the tracker (the others skipped it: ``_settled``)."""
        return self._tracker.segments

    def feed(self, seg: TcpSegment) -> None:
        self._now, self._now_ts = seg.frame, seg.ts
        settled = self._settled
        if settled:
            key = connection_key((seg.src, seg.sport), (seg.dst, seg.dport))
            if key in settled:
                if not seg.flags & SYN:
                    return
                del settled[key]  # a new connection on the same addresses and ports
        if seg.truncated and seg.payload:
            self._cut_frames.add(seg.frame)
        for event in self._tracker.add(seg):
            self._event(event, seg.ts)
        if self._settling:
            self._settle(seg)
        if len(self._cut_frames) > MAX_CUT_FRAMES:  # cut segments still buffered out of order
            self._cut_frames = set(sorted(self._cut_frames)[-MAX_CUT_FRAMES // 2 :])

    def close_connection(self, seg: TcpSegment) -> None:
        """``seg`` was the last segment of its connection in the capture: end it here, so what
        ends unfinished is reported at this frame, not at the capture's last one."""
        self._now, self._now_ts = seg.frame, seg.ts
        if self._settled:
            self._settled.pop(connection_key((seg.src, seg.sport), (seg.dst, seg.dport)), None)
        for event in self._tracker.close((seg.src, seg.sport), (seg.dst, seg.dport), *self._at()):
            self._event(event, seg.ts)
        for key in [k for k, state in self._dirs.items() if state.closed_by(seg)]:
            self._close(key)

    def _settle(self, seg: TcpSegment) -> None:
        """Connections judged in this segment whose both directions are now known not to be
        Skype end here in the tracker, and are skipped from now on (see ``_settled``)."""
        settling, self._settling = self._settling, []
        for conn in settling:
            states = [self._dirs.get(id(d)) for d in (conn.initiator, conn.responder)]
            if any(state is None or state.skype is not False for state in states):
                continue
            ini = conn.initiator
            a, b = (ini.src, ini.sport), (ini.dst, ini.dport)
            if self._tracker.current(a, b) is not conn:
                continue  # already ended (evicted, or replaced by a new connection)
            for event in self._tracker.close(a, b, seg.frame, seg.ts):
                self._event(event, seg.ts)
            self._settled[connection_key(a, b)] = None
            if len(self._settled) > MAX_SETTLED:
                del self._settled[next(iter(self._settled))]
        self._settling.clear()  # closing judged nothing new; nothing can be left to settle

    def _at(self) -> tuple[int, float]:
        return self._now, self._now_ts

    def finish(self, last_frame: int = 0, last_ts: float = 0.0) -> None:
        """End of capture: directions still open end here, at the capture's last frame."""
        if last_frame >= self._now:
            self._now, self._now_ts = last_frame, last_ts
        for event in self._tracker.finish():
            self._event(event, None)
        for key in list(self._dirs):
            self._close(key)

    # -- events ------------------------------------------------------------------------------

    def _first_chunk(self, event: FlowEvent, chunk: Chunk, ts: float) -> None:
        """A direction's first bytes. Most directions of a capture are other traffic, judged
        on them at once: those get a :class:`_NotSkype` and no decoding state at all (the
        decoder that judged the header is dropped); the others a :class:`_Direction` that
        takes the bytes as any later chunk."""
        d: TcpDirection = event.direction
        key = id(d)
        dst = Endpoint.of(d.dst, d.dport)
        if self._wanted is not None and not self._wanted(dst):
            d.reassembler.stop_delivering()  # not wanted: its bytes are not needed
            self._not_skype(event)
            return
        if chunk.offset != 0:  # the direction started before the capture: no header to check
            self._not_skype(event)
            return
        decoder = StreamDecoder(strict_header=True, backend=self._crypto)
        frames = decoder.feed(chunk.data)
        if decoder.status is not DecoderStatus.WAITING and not (
            decoder.header is not None and decoder.header.ok
        ):
            self._not_skype(event)
            return
        ini = event.connection.initiator
        flow = FlowKey.tcp(Endpoint.of(ini.src, ini.sport), Endpoint.of(ini.dst, ini.dport))
        state = self._dirs[key] = _Direction(
            decoder,
            Endpoint.of(d.src, d.sport),
            dst,
            flow,
            wire=d,
            connection=event.connection.number,
        )
        self._chunk(state, chunk, ts, fed=frames)

    def _not_skype(self, event: FlowEvent) -> None:
        self._dirs[id(event.direction)] = _NotSkype(event.direction)
        self._settling.append(event.connection)

    def _event(self, event: FlowEvent, ts: float | None) -> None:
        item = event.event
        state = self._dirs.get(id(event.direction))
        if state is None:
            # The end (or a hole) of a direction that never delivered a byte: nothing to
            # report or count. Most directions of other traffic (handshakes, resets, the
            # quiet side of a download) end this way; building their state cost more than
            # the rest of their segments' way through the decoder.
            if isinstance(item, Chunk):
                self._first_chunk(event, item, ts if ts is not None else 0.0)
            return
        if isinstance(state, _NotSkype):
            if isinstance(item, Chunk):
                state.wire.reassembler.stop_delivering()  # not Skype: its bytes are not needed
                self._settling.append(event.connection)
            else:
                self._close(id(event.direction))
            return
        if isinstance(item, Chunk):
            self._chunk(state, item, ts if ts is not None else 0.0)
            if state.skype is False:  # judged (or not wanted): at most a chunk or two each
                self._settling.append(event.connection)
        elif isinstance(item, Gap):
            if state.decoding():
                self._end(
                    state,
                    f"hole of {item.missing} bytes at stream offset {item.offset} "
                    f"(before frame {item.frame}): decoding of this direction stopped",
                )
            self._close(id(event.direction))
        elif isinstance(item, End):
            if item.reason == END_IDLE and state.decoding():
                self._end(state, "no traffic for a long time: connection forgotten (idle)")
            self._close(id(event.direction))

    def _chunk(
        self, state: _Direction, chunk: Chunk, ts: float, fed: list[Frame] | None = None
    ) -> None:
        """Take a chunk of a direction; ``fed``: the frames of the decoder that already took
        this (first) chunk to judge its header."""
        if state.skype is False or state.status:
            if state.skype is False and state.wire is not None:
                state.wire.reassembler.stop_delivering()  # not Skype: its bytes are not needed
            return
        if state.fed == 0 and chunk.offset != 0:
            state.skype = False  # the direction started before the capture: no header to check
            return
        decoder = state.decoder
        # Bytes that waited for a hole to fill are complete only at the frame that filled it;
        # their own earlier frame would put later stream frames before earlier ones.
        completed_at = max(chunk.frame, self._now)
        state.fed += len(chunk.data)
        state.ends.append(state.fed)
        state.frames.append(completed_at)
        state.carried.append(chunk.frame)
        state.times.append(ts)
        if not state.counts.first_frame:
            state.counts.first_frame = completed_at
        if fed is None:
            was_waiting = decoder.status is DecoderStatus.WAITING
            frames = decoder.feed(chunk.data)
        else:
            was_waiting, frames = True, fed
        if was_waiting and decoder.status is not DecoderStatus.WAITING:
            state.skype = decoder.header is not None and decoder.header.ok
            if not state.skype:
                return
            state.base = state.fed - decoder.position
            self._header(state)
        for frame in frames:
            self._frame(state, frame)
        if decoder.status is DecoderStatus.BROKEN and state.decoding():
            self._end(state, f"framing lost: {decoder.error}")
        if chunk.frame in self._cut_frames:
            # The bytes present are genuine; the rest of the segment is not in the capture.
            self._cut_frames.discard(chunk.frame)
            if state.decoding():
                self._end(
                    state,
                    f"segment in frame {chunk.frame} cut by the snap length: "
                    "decoding of this direction stopped",
                )
            elif state.skype is None:
                state.skype = False  # cut inside the header: nothing can be verified
        state.forget_before(state.base + (decoder.position - decoder.pending))

    def _header(self, state: _Direction) -> None:
        header = state.decoder.header
        assert header is not None
        frame, ts = state.frame_at(state.base)
        prefix = state.decoder.tls_prefix
        detail = f"seed {header.seed:08x}, known header {header.plain.hex()}"
        if prefix is not None:
            detail += ", after a pseudo-TLS prefix"
        record = self._record(
            state,
            frame,
            ts,
            UnitKind.TCP_HEADER,
            Verification(
                VERIFIED,
                Method.TCP_HEADER,
                detail,
                header.seed,
                key=PROOF_TCP_HEADER,
                content=CONTENT_KNOWN,
                structure=STRUCTURE_EXACT,
            ),
            state.frames_between(0, state.base),
        )
        record.info = {
            "seed": f"{header.seed:08x}",
            "header": header.plain.hex(),
            "role": header.role.value,
            "tls_prefix": prefix is not None,
        }
        self._count("tcp_directions")
        self._out(state, record)

    def _frame(self, state: _Direction, frame: Frame) -> None:
        header = state.decoder.header
        assert header is not None
        start = state.base + frame.offset
        end = start + frame.total_len
        capture_frame, ts = state.frame_at(end)
        carriers = state.frames_between(start, end)
        kind = frame.kind
        seed = header.seed
        if self._claims_only and (kind is not FrameKind.DATA or not may_hold_claims(frame.blocks)):
            return
        if kind is FrameKind.DATA:
            blocks = describe_blocks(
                frame.blocks, frame.payload_offset, objects_backend=self._objects
            )
            bad = [b.error for b in blocks if b.error]
            if bad:
                verification = Verification(
                    UNVERIFIED,
                    Method.TCP_HEADER_FRAMING,
                    bad[0],
                    seed,
                    key=PROOF_TCP_HEADER,
                    structure=STRUCTURE_FAILED,
                )
            else:
                verification = _framing_verified("frame and blocks exact", seed)
            record = self._record(
                state, capture_frame, ts, UnitKind.TCP_DATA, verification, carriers
            )
            record.packet_id = frame.packet_id
            if not bad:
                record.plaintext = frame.body
                record.blocks = blocks
            self._count("tcp_data_frames")
        else:
            verification = _framing_verified(f"{kind.value} frame exact", seed)
            record = self._record(
                state, capture_frame, ts, UnitKind.TCP_CONTROL, verification, carriers
            )
            record.packet_id = frame.packet_id
            record.plaintext = frame.body
            self._count("tcp_control_frames")
        record.info = {"kind": kind.value, "stream_offset": frame.offset, "length": frame.length}
        self._out(state, record)

    def _end(self, state: _Direction, reason: str) -> None:
        """The direction stops here: reported at the frame being processed (or, at the end of
        the capture, its last frame), so records stay in frame order; the reason says where."""
        state.status = reason
        record = self._record(
            state,
            self._now,
            self._now_ts,
            UnitKind.TCP_END,
            Verification(UNVERIFIED, Method.NONE, reason),
        )
        self._count("tcp_directions_cut")
        self._out(state, record)

    def _close(self, key: int) -> None:
        """The direction is over: say how it ended, keep its summary, drop its state."""
        state = self._dirs.pop(key)
        if isinstance(state, _NotSkype) or not state.skype:
            return
        if state.wire is not None:
            self._count("tcp_skype_segments", state.wire.segments)
        if not state.status:
            decoder = state.decoder
            if decoder.pending:
                self._end(state, f"stream ends inside a frame ({decoder.pending} bytes)")
            else:
                state.status = "exact"
        connection = state.connection
        if connection not in self._counted:  # the other direction of a Skype connection
            self._counted[connection] = None
            self.skype_connections += 1
            if len(self._counted) > MAX_COUNTED:
                del self._counted[next(iter(self._counted))]

    # -- records -----------------------------------------------------------------------------

    def _record(
        self,
        state: _Direction,
        frame: int,
        ts: float,
        unit: UnitKind,
        verification: Verification,
        carriers: list[int] | None = None,
    ) -> Record:
        """A record reported at ``frame``; ``carriers`` are all the frames that held its bytes."""
        return Record(
            frame=frame,
            time=ts,
            unit=unit,
            src=state.src,
            dst=state.dst,
            transport=Transport.TCP,
            verification=verification,
            frames=carriers or [frame],
            flow=state.flow,
        )

    def _out(self, state: _Direction, record: Record) -> None:
        state.counts.add(record)
        self._emit(record)


def _framing_verified(what: str, seed: int) -> Verification:
    """A TCP frame whose direction's header proved the key and whose framing held: verified,
    with its content said to be unprotected (classic Skype TCP carries no checksum)."""
    return Verification(
        VERIFIED,
        Method.TCP_HEADER_FRAMING,
        f"key proven by the header, {what}; content not integrity-protected",
        seed,
        key=PROOF_TCP_HEADER,
        content=CONTENT_UNPROTECTED,
        structure=STRUCTURE_EXACT,
    )
