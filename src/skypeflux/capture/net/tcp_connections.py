"""TCP connections: both directions of each, from the handshake (or the first segment seen) on.

:class:`TcpTracker` sorts segments into connections, hands each direction's bytes to its
:class:`~skypeflux.capture.net.tcp_reassembly.StreamReassembler` and returns the stream events
tagged with their connection and direction (:class:`FlowEvent`). A SYN after a finished
connection on the same addresses opens a new one.

Memory is bounded by the open connections: all directions share one buffer budget
(``max_memory_total``), idle connections are evicted after ``idle_timeout`` seconds of capture
time once more than ``idle_floor`` are open, and at most ``max_connections`` are tracked (least
recently active evicted first).
"""

from __future__ import annotations

from collections import OrderedDict, deque
from dataclasses import dataclass, field
from typing import Final

from skypeflux.capture.net.packets import ACK, FIN, RST, SYN, TcpSegment
from skypeflux.capture.net.tcp_reassembly import (
    END_CAPTURE,
    END_IDLE,
    END_REUSED,
    END_RST,
    FRAME_HISTORY,
    MAX_BUFFERED,
    MAX_MEMORY,
    MAX_MEMORY_TOTAL,
    MAX_PIECES,
    BufferBudget,
    EndReason,
    StreamEvent,
    StreamReassembler,
)

_MASK = 0xFFFF_FFFF


@dataclass(eq=False, slots=True)
class TcpDirection:
    """One direction of a connection: its addresses, its stream and the frames that carried it."""

    src: str
    sport: int
    dst: str
    dport: int
    from_initiator: bool
    reassembler: StreamReassembler
    # The most recent frames of the direction (bounded: a long connection must not grow memory)
    frames: deque[int] = field(default_factory=lambda: deque(maxlen=FRAME_HISTORY))
    data_frames: deque[int] = field(default_factory=lambda: deque(maxlen=FRAME_HISTORY))
    isn: int | None = None  # tells a retransmitted SYN from one that opens a new connection
    last_ts: float = 0.0  # capture time of frames[-1]
    segments: int = 0  # segments seen in this direction (for the per-packet accounting)

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        src: str,
        sport: int,
        dst: str,
        dport: int,
        from_initiator: bool,
        reassembler: StreamReassembler,
        frames: deque[int] | None = None,
        data_frames: deque[int] | None = None,
        isn: int | None = None,
        last_ts: float = 0.0,
        segments: int = 0,
    ) -> None:
        self.src = src
        self.sport = sport
        self.dst = dst
        self.dport = dport
        self.from_initiator = from_initiator
        self.reassembler = reassembler
        self.frames = deque(maxlen=FRAME_HISTORY) if frames is None else frames
        self.data_frames = deque(maxlen=FRAME_HISTORY) if data_frames is None else data_frames
        self.isn = isn
        self.last_ts = last_ts
        self.segments = segments

    @property
    def done(self) -> bool:
        return self.reassembler.done

    def label(self) -> str:
        return f"{self.src}:{self.sport} -> {self.dst}:{self.dport}"


@dataclass(eq=False, slots=True)
class TcpConnection:
    """A TCP connection; the initiator is the SYN sender (or the first sender seen)."""

    number: int  # 1-based, in order of appearance
    initiator: TcpDirection  # initiator -> responder
    responder: TcpDirection  # responder -> initiator
    handshake_seen: bool
    first_frame: int
    last_ts: float

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        number: int,
        initiator: TcpDirection,
        responder: TcpDirection,
        handshake_seen: bool,
        first_frame: int,
        last_ts: float,
    ) -> None:
        self.number = number
        self.initiator = initiator
        self.responder = responder
        self.handshake_seen = handshake_seen
        self.first_frame = first_frame
        self.last_ts = last_ts

    @property
    def done(self) -> bool:
        return self.initiator.done and self.responder.done


@dataclass(slots=True)
class FlowEvent:
    """A stream event with the connection and direction it belongs to."""

    connection: Final[TcpConnection]
    direction: Final[TcpDirection]
    event: Final[StreamEvent]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        connection: TcpConnection,
        direction: TcpDirection,
        event: StreamEvent,
    ) -> None:
        self.connection = connection
        self.direction = direction
        self.event = event


_Address = tuple[str, int]
_Key = tuple[_Address, _Address]
ConnectionKey = _Key


def connection_key(a: _Address, b: _Address) -> _Key:
    """A connection's key from either side's (address, port) pair: the two in order."""
    return (a, b) if a <= b else (b, a)


class TcpTracker:
    """Follows every TCP connection of a capture and reassembles both directions of each."""

    def __init__(
        self,
        *,
        max_connections: int = 4096,
        idle_timeout: float = 600.0,
        max_buffered: int = MAX_BUFFERED,
        idle_floor: int = 256,
        max_memory: int = MAX_MEMORY,
        max_pieces: int = MAX_PIECES,
        max_memory_total: int = MAX_MEMORY_TOTAL,
    ) -> None:
        self.max_connections = max_connections
        self.idle_timeout = idle_timeout
        # Idle eviction only trims a table larger than this: a few open connections cost little,
        # and a clock step (or a merge of captures from hosts whose clocks differ) must not end
        # live connections just because one segment carries a time far ahead.
        self.idle_floor = idle_floor
        self.max_buffered = max_buffered
        self.max_memory = max_memory
        self.max_pieces = max_pieces
        self.budget = BufferBudget(max_memory_total)
        self.connections_seen = 0
        self.segments = 0  # segments added (the tests check which ones skip the tracker)
        self.evicted = 0
        self._table: OrderedDict[_Key, TcpConnection] = OrderedDict()  # least recent first

    @property
    def open_connections(self) -> list[TcpConnection]:
        return list(self._table.values())

    def add(self, seg: TcpSegment) -> list[FlowEvent]:
        """Process one segment; return the stream events it causes, in order."""
        events: list[FlowEvent] = []
        self.segments += 1
        if len(self._table) > self.idle_floor:
            self._evict_idle(seg.ts, seg.frame, events)
        a: _Address = (seg.src, seg.sport)
        b: _Address = (seg.dst, seg.dport)
        key = connection_key(a, b)
        conn = self._table.get(key)
        flags = seg.flags
        opening = flags & (SYN | ACK) == SYN
        if conn is not None and opening and (conn.initiator.isn != seg.seq or conn.done):
            # A SYN with a new ISN opens a new connection on the same addresses and ports,
            # unless the connection so far was only a SYN/ACK or ACKs waiting for this SYN.
            first = conn.initiator
            if (
                (first.src, first.sport) != a
                or first.isn is not None
                or first.reassembler.base is not None
                or conn.done
            ):
                self._finish(conn, seg.frame, seg.ts, END_REUSED, events)
                del self._table[key]
                conn = None
        if conn is None:
            conn = self._open(key, a, b, seg, events)
        else:
            self._table.move_to_end(key)
        conn.last_ts = seg.ts
        fwd = (conn.initiator.src, conn.initiator.sport) == a
        direction = conn.initiator if fwd else conn.responder
        other = conn.responder if fwd else conn.initiator
        direction.frames.append(seg.frame)
        direction.last_ts = seg.ts
        direction.segments += 1
        seq = seg.seq
        if flags & SYN:
            if direction.isn is None:
                direction.isn = seq
                direction.reassembler.syn(seq)
            seq = (seq + 1) & _MASK
        payload = seg.payload
        if payload:
            direction.data_frames.append(seg.frame)
        reassembler = direction.reassembler
        rst = bool(flags & RST)
        if payload or flags & (FIN | RST) or not reassembler.delivering:
            # a bare ACK changes nothing in a reassembler that delivers (see its idle_ack_is_noop
            # test): most segments of short connections are such ACKs
            for item in reassembler.add(
                seq, payload, seg.frame, fin=bool(flags & FIN), rst=rst, ts=seg.ts
            ):
                events.append(FlowEvent(conn, direction, item))
        if rst:  # a reset ends the connection for both sides
            for item in other.reassembler.finish(seg.frame, END_RST, ts=seg.ts):
                events.append(FlowEvent(conn, other, item))
        return events

    def current(self, a: _Address, b: _Address) -> TcpConnection | None:
        """The open connection between ``a`` and ``b``, if any."""
        return self._table.get(connection_key(a, b))

    def close(self, a: _Address, b: _Address, frame: int, ts: float) -> list[FlowEvent]:
        """The capture holds nothing more of the connection between ``a`` and ``b`` (a caller
        that read the capture before knows): end it now, at ``frame``, as the capture's end."""
        conn = self._table.pop(connection_key(a, b), None)
        events: list[FlowEvent] = []
        if conn is not None:
            self._finish(conn, frame, ts, END_CAPTURE, events)
        return events

    def finish(self) -> list[FlowEvent]:
        """End of capture: close every open direction (a hole still open becomes a Gap)."""
        events: list[FlowEvent] = []
        for conn in self._table.values():
            self._finish(conn, 0, 0.0, END_CAPTURE, events, last_frames=True)
        self._table.clear()
        return events

    # -- internals ------------------------------------------------------------------------

    def _open(
        self, key: _Key, a: _Address, b: _Address, seg: TcpSegment, events: list[FlowEvent]
    ) -> TcpConnection:
        syn_ack = seg.flags & (SYN | ACK) == SYN | ACK
        ini, res = (b, a) if syn_ack else (a, b)  # a SYN/ACK comes from the responder
        self.connections_seen += 1
        conn = TcpConnection(
            number=self.connections_seen,
            initiator=self._direction(ini, res, True),
            responder=self._direction(res, ini, False),
            handshake_seen=bool(seg.flags & SYN),
            first_frame=seg.frame,
            last_ts=seg.ts,
        )
        self._table[key] = conn
        while len(self._table) > self.max_connections:
            _, oldest = self._table.popitem(last=False)
            self.evicted += 1
            self._finish(oldest, seg.frame, seg.ts, END_IDLE, events)
        return conn

    def _direction(self, src: _Address, dst: _Address, from_initiator: bool) -> TcpDirection:
        return TcpDirection(
            src[0],
            src[1],
            dst[0],
            dst[1],
            from_initiator,
            StreamReassembler(
                max_buffered=self.max_buffered,
                max_memory=self.max_memory,
                max_pieces=self.max_pieces,
                budget=self.budget,
            ),
        )

    def _evict_idle(self, now: float, frame: int, events: list[FlowEvent]) -> None:
        table = self._table
        while len(table) > self.idle_floor:
            key, oldest = next(iter(table.items()))
            if now - oldest.last_ts <= self.idle_timeout:
                return
            del table[key]
            self.evicted += 1
            self._finish(oldest, frame, now, END_IDLE, events)

    @staticmethod
    def _finish(
        conn: TcpConnection,
        frame: int,
        ts: float,
        reason: EndReason,
        events: list[FlowEvent],
        *,
        last_frames: bool = False,
    ) -> None:
        """Close both directions at ``frame`` (or, with ``last_frames``, each at its own last)."""
        for direction in (conn.initiator, conn.responder):
            at, at_ts = frame, ts
            if last_frames and direction.frames:
                at, at_ts = direction.frames[-1], direction.last_ts
            for item in direction.reassembler.finish(at, reason, ts=at_ts):
                events.append(FlowEvent(conn, direction, item))
