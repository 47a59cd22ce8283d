"""In-order byte streams, one per TCP direction, with holes reported, not hidden.

An obfuscated Skype TCP direction is one RC4 keystream from its first byte, so the decoder needs
the exact byte stream: in order, each byte once, nothing invented. This module delivers exactly
that as :class:`Chunk` events (``offset`` counted from the first byte after the SYN, or from the
first byte seen when the handshake is missing), drops retransmitted bytes (keeping the first copy
where copies overlap), buffers early segments, and survives sequence-number wrap-around.

A FIN only marks where the stream ends: segments lost before it are often retransmitted after
it, so the direction ends (:class:`End`) once every byte before the FIN has been delivered, and
bytes claimed to lie beyond the FIN are dropped. Bytes are missing for good only when the
connection is reset (RST), the buffer of early data is full, or no more segments will come (end
of capture, idle eviction). Then it emits one :class:`Gap` with the offset and size of the first
hole and delivers nothing more in that direction: data after a hole cannot be framed, and
guessing would turn a capture problem into wrong plaintext.

Every :class:`Gap` and :class:`End` names a capture frame and that frame's capture time ``ts``,
so a caller can report where (and when) the direction stopped without keeping its own table.

Memory is bounded: early data per direction is capped in payload
bytes (``max_buffered``), in memory terms (``max_memory``: each held piece costs its bytes plus
``PIECE_COST`` of bookkeeping, so a flood of one-byte segments cannot hold 200 bytes of memory
per byte) and in pieces (``max_pieces``, which also keeps each insertion cheap); all directions
together share one memory budget (:class:`BufferBudget`, ``max_memory_total`` of the tracker).
A direction that would exceed a cap ends with a Gap. Connections (both directions, the
handshake, idle eviction) are followed by :mod:`skypeflux.capture.net.tcp_connections`.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

_MASK = 0xFFFF_FFFF
_HALF = 0x8000_0000

FRAME_HISTORY = 32  # frames remembered per direction (the last one ends it): memory per connection
PIECE_COST = 256  # bytes of memory a held piece costs beyond its payload (objects, table slots)
MAX_BUFFERED = 1 << 20  # payload bytes held per direction
MAX_MEMORY = 2 << 20  # memory held per direction, payload and bookkeeping
MAX_PIECES = 4096  # pieces held per direction
MAX_MEMORY_TOTAL = 64 << 20  # memory held by all directions together


class EndReason(StrEnum):
    """Why a direction ended with every byte delivered (carried by :class:`End`)."""

    FIN = "fin"  # the sender closed and every byte before its FIN was delivered
    RST = "rst"  # the connection was reset; every byte seen before it was delivered
    CAPTURE = "capture-end"  # the capture ended with the direction still open
    IDLE = "idle"  # evicted after idle_timeout (or to make room), nothing was missing
    REUSED = "reused"  # a new connection (new SYN) took the same addresses and ports


END_FIN = EndReason.FIN
END_RST = EndReason.RST
END_CAPTURE = EndReason.CAPTURE
END_IDLE = EndReason.IDLE
END_REUSED = EndReason.REUSED


@dataclass(slots=True)
class Chunk:
    """Contiguous in-order bytes of one direction starting at stream ``offset``, from ``frame``."""

    offset: Final[int]
    data: Final[bytes]
    frame: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        offset: int,
        data: bytes,
        frame: int,
    ) -> None:
        self.offset = offset
        self.data = data
        self.frame = frame


@dataclass(slots=True)
class Gap:
    """``missing`` bytes at ``offset`` never arrived; ``frame`` is the first frame after them
    (the one holding the next bytes, or the FIN), ``ts`` its capture time. Nothing more is
    delivered for this direction."""

    offset: Final[int]
    missing: Final[int]
    frame: Final[int]
    ts: Final[float]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        offset: int,
        missing: int,
        frame: int,
        ts: float = 0.0,
    ) -> None:
        self.offset = offset
        self.missing = missing
        self.frame = frame
        self.ts = ts


@dataclass(slots=True)
class End:
    """The direction ended after ``offset`` bytes, all delivered; ``reason`` says why,
    ``frame`` the frame that ended it and ``ts`` that frame's capture time."""

    offset: Final[int]
    reason: Final[EndReason]
    frame: Final[int]
    ts: Final[float]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        offset: int,
        reason: EndReason,
        frame: int,
        ts: float = 0.0,
    ) -> None:
        self.offset = offset
        self.reason = reason
        self.frame = frame
        self.ts = ts


StreamEvent = Chunk | Gap | End


@dataclass(slots=True)
class BufferBudget:
    """Memory held out of order by every direction together, against one limit."""

    limit: int = MAX_MEMORY_TOTAL
    used: int = 0


class StreamReassembler:
    """Reassembles one direction of a TCP connection from its segments."""

    # two for every connection of a capture: slots make them cheaper to make and read
    __slots__ = (
        "_buffered",
        "_fin_frame",
        "_fin_offset",
        "_fin_ts",
        "_pieces",
        "_starts",
        "base",
        "budget",
        "delivering",
        "done",
        "duplicate_bytes",
        "max_buffered",
        "max_memory",
        "max_pieces",
        "next_offset",
    )

    def __init__(
        self,
        *,
        max_buffered: int = MAX_BUFFERED,
        max_memory: int = MAX_MEMORY,
        max_pieces: int = MAX_PIECES,
        budget: BufferBudget | None = None,
    ) -> None:
        self.max_buffered = max_buffered
        self.max_memory = max_memory
        self.max_pieces = max_pieces
        self.budget = budget if budget is not None else BufferBudget()
        self.base: int | None = None  # sequence number of stream offset 0
        self.next_offset = 0  # every byte below this offset has been delivered
        self.done = False  # an End or a Gap was emitted
        self.duplicate_bytes = 0  # retransmitted / overlapping bytes dropped
        self._starts: list[int] = []  # offsets of the buffered pieces, sorted
        self._pieces: dict[int, tuple[bytes, int, float]] = {}  # offset -> (data, frame, ts)
        self._buffered = 0
        self.delivering = True  # False once the reader wants no more bytes (stop_delivering)
        self._fin_offset: int | None = None  # where the sender's FIN says the stream ends
        self._fin_frame = 0
        self._fin_ts = 0.0

    @property
    def buffered(self) -> int:
        """Bytes held that wait for a hole before them to be filled."""
        return self._buffered

    @property
    def memory(self) -> int:
        """Memory those bytes cost, bookkeeping included (what the caps count)."""
        return self._buffered + PIECE_COST * len(self._starts)

    def _over_limits(self) -> bool:
        return (
            self._buffered > self.max_buffered
            or len(self._starts) > self.max_pieces
            or self.memory > self.max_memory
            or self.budget.used > self.budget.limit
        )

    def stop_delivering(self) -> None:
        """The reader needs no more bytes of this direction (it is not Skype): from now on
        data only moves the stream's end, so a FIN or RST still ends it, and nothing is held
        (what was held is released)."""
        self.delivering = False
        self.budget.used -= self.memory
        self._starts.clear()
        self._pieces.clear()
        self._buffered = 0

    def syn(self, seq: int) -> None:
        """The SYN fixes the origin: offset 0 is the byte after it."""
        if self.base is None:
            self.base = (seq + 1) & _MASK

    def add(
        self,
        seq: int,
        payload: bytes,
        frame: int,
        *,
        fin: bool = False,
        rst: bool = False,
        ts: float = 0.0,
    ) -> list[StreamEvent]:
        """Take one segment (``seq`` of its first payload byte, captured in ``frame`` at ``ts``)
        and return what it releases.

        A segment with no payload, FIN or RST changes nothing while the reassembler delivers
        (``delivering``): the tracker does not hand such segments over."""
        if self.done:
            if payload:
                self.duplicate_bytes += len(payload)
            return []
        if self.base is None:
            if not payload and not fin:
                return self._close(END_RST, frame, ts) if rst else []
            self.base = seq & _MASK
        offset = self._unwrap(seq)
        events: list[StreamEvent] = []
        if fin and self._fin_offset is None:
            self._fin_offset = fin_at = offset + len(payload)
            self._fin_frame, self._fin_ts = frame, ts
            self._drop_beyond(fin_at)
        if not self.delivering:
            self.next_offset = max(self.next_offset, offset + len(payload))
        elif payload:
            self._take(offset, payload, frame, ts, events)
        if self.done:
            return events
        if self._fin_offset is not None and self.next_offset >= self._fin_offset:
            events.extend(self._close(END_FIN, frame, ts))
        elif rst:
            events.extend(self._close(END_RST, frame, ts))
        # A FIN with bytes still missing before it waits: they are usually retransmitted.
        return events

    def finish(
        self, frame: int, reason: EndReason = END_CAPTURE, *, ts: float = 0.0
    ) -> list[StreamEvent]:
        """No more segments will come (end of capture, eviction, reset by the peer): a hole
        still open becomes a Gap. ``frame`` and ``ts`` name the moment, for an End."""
        if self.done or self.base is None:
            self.done = True
            return []
        return self._close(reason, frame, ts)

    # -- internals ------------------------------------------------------------------------

    def _unwrap(self, seq: int) -> int:
        """Stream offset of ``seq``: the candidate nearest to what we expect next, which makes
        wrap-around of the 32-bit sequence space (and streams over 4 GiB) work."""
        assert self.base is not None
        delta = ((seq - self.base) - self.next_offset) & _MASK
        if delta >= _HALF:
            delta -= 1 << 32
        return self.next_offset + delta

    def _take(
        self, offset: int, payload: bytes, frame: int, ts: float, events: list[StreamEvent]
    ) -> None:
        end = offset + len(payload)
        fin = self._fin_offset
        if fin is not None and end > fin:  # bytes past the FIN cannot belong to the stream
            if offset >= fin:
                return
            payload = payload[: fin - offset]
            end = fin
        nxt = self.next_offset
        if end <= nxt:
            self.duplicate_bytes += len(payload)
            return
        if offset < nxt:
            self.duplicate_bytes += nxt - offset
            payload = payload[nxt - offset :]
            offset = nxt
        if offset == nxt and not self._starts:  # the common case: in order, nothing held
            events.append(Chunk(nxt, payload, frame))
            self.next_offset = end
            return
        # Through the buffer, so bytes held earlier keep precedence over this later copy.
        before = self.memory
        self._hold(offset, payload, frame, ts)
        self._release(events)
        self.budget.used += self.memory - before
        if self._over_limits():  # give up: the hole before the buffer stays
            events.extend(self._close(END_CAPTURE, frame, ts))

    def _release(self, events: list[StreamEvent]) -> None:
        """Deliver buffered pieces that the new data made contiguous."""
        starts, pieces = self._starts, self._pieces
        done = 0  # pieces released, removed from the front at once (no pop(0) per piece)
        while done < len(starts) and starts[done] <= self.next_offset:
            start = starts[done]
            done += 1
            data, frame, _ts = pieces.pop(start)
            self._buffered -= len(data)
            end = start + len(data)
            if end <= self.next_offset:
                self.duplicate_bytes += len(data)
                continue
            skip = self.next_offset - start
            self.duplicate_bytes += skip
            events.append(Chunk(self.next_offset, data[skip:], frame))
            self.next_offset = end
        if done:
            del starts[:done]

    def _hold(self, offset: int, payload: bytes, frame: int, ts: float) -> None:
        """Buffer the parts of a segment not already buffered (the first copy of a byte wins)."""
        starts, pieces = self._starts, self._pieces
        end = offset + len(payload)
        i = max(bisect_right(starts, offset) - 1, 0)
        cur = offset
        fresh: list[tuple[int, int]] = []
        while i < len(starts) and cur < end:
            p_start = starts[i]
            p_end = p_start + len(pieces[p_start][0])
            i += 1
            if p_end <= cur:
                continue
            if p_start >= end:
                break
            if p_start > cur:
                fresh.append((cur, p_start))
            cur = max(cur, p_end)
        if cur < end:
            fresh.append((cur, end))
        kept = 0
        for start, stop in fresh:
            insort(starts, start)
            pieces[start] = (payload[start - offset : stop - offset], frame, ts)
            kept += stop - start
        self._buffered += kept
        self.duplicate_bytes += len(payload) - kept

    def _drop_beyond(self, limit: int) -> None:
        """Forget buffered bytes at or after stream offset ``limit`` (the FIN's)."""
        starts, pieces = self._starts, self._pieces
        before = self.memory
        while starts and starts[-1] >= limit:
            self._buffered -= len(pieces.pop(starts.pop())[0])
        if starts:
            last = starts[-1]
            data, frame, ts = pieces[last]
            if last + len(data) > limit:
                pieces[last] = (data[: limit - last], frame, ts)
                self._buffered -= last + len(data) - limit
        self.budget.used += self.memory - before

    def _close(self, reason: EndReason, frame: int, ts: float) -> list[StreamEvent]:
        self.done = True
        event: StreamEvent
        nxt = self.next_offset
        if self._starts:
            first = self._starts[0]
            _data, at_frame, at_ts = self._pieces[first]
            event = Gap(nxt, first - nxt, at_frame, at_ts)
        elif self._fin_offset is not None and self._fin_offset > nxt:
            event = Gap(nxt, self._fin_offset - nxt, self._fin_frame, self._fin_ts)
        else:
            event = End(nxt, reason, frame, ts)
        self.budget.used -= self.memory
        self._starts.clear()
        self._pieces.clear()
        self._buffered = 0
        return [event]
