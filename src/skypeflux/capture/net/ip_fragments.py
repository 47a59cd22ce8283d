"""IPv4 fragment reassembly, bounded in memory and in capture time.

Skype's large UDP replies can exceed the path MTU and arrive as IP fragments; the UDP header is
only in the first one, so nothing can be decoded until the set is complete. Sets are keyed as
RFC 791 says (source, destination, identification, protocol). Where fragments overlap, the bytes
that arrived first are kept (the rule of most stacks, and the only choice that does not let a
late, forged fragment rewrite data already seen). Incomplete sets are dropped after ``timeout``
seconds of *capture* time (not wall time, so results do not depend on how fast we read) and when
more than ``max_sets`` are open, oldest first.

Hostile input is bounded too: a set takes at most ``max_pieces`` fragments and ``max_set_bytes``
bytes (an exact duplicate is counted and dropped, never stored), and all open sets together hold
at most ``max_bytes``, so 20,000 copies of one fragment cost linear time and a few kilobytes.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

MAX_DATAGRAM = 65535  # largest IPv4 datagram; fragments reaching beyond it are dropped
MAX_PIECES = 8192  # fragments kept per set: one per 8-byte offset of the largest datagram
_UNITS = (MAX_DATAGRAM + 7) // 8  # 8-byte units a datagram can have (fragment offsets count them)
MAX_SET_BYTES = 2 * MAX_DATAGRAM  # stored bytes per set (overlaps included)
MAX_BYTES = 16 * 1024 * 1024  # stored bytes of all open sets together

FragmentKey = tuple[bytes, bytes, int, int]  # (src, dst, identification, protocol)


@dataclass(frozen=True, slots=True)
class Reassembled:
    """A complete IP payload rebuilt from fragments.

    ``frames`` lists every frame that carried a piece, in arrival order; the last one completed
    it, and the caller, which is handling that frame, already knows its number and time.
    """

    payload: bytes
    frames: tuple[int, ...]


@dataclass(slots=True)
class _Set:
    started: float
    pieces: list[tuple[int, bytes]] = field(default_factory=list)  # arrival order
    frames: list[int] = field(default_factory=list)
    total: int | None = None  # payload length, known once the last fragment (MF=0) arrived
    stored: int = 0  # bytes held in pieces
    seen: set[tuple[int, int]] = field(default_factory=set)  # (offset, length) of each piece
    # one byte per 8-byte unit: 1 where a piece covers the whole unit (or its end, at the end of
    # the datagram), so completeness is one scan in C, not a sort of every piece per fragment
    have: bytearray = field(default_factory=lambda: bytearray(_UNITS))


@dataclass(slots=True)
class FragmentStats:
    fragments: int = 0
    reassembled: int = 0
    expired: int = 0  # sets dropped incomplete (timeout or too many open)
    invalid: int = 0  # fragments reaching beyond 65,535 bytes or contradicting the known end
    duplicates: int = 0  # exact copies of a fragment already held (dropped)
    overflowed: int = 0  # sets dropped for holding too many fragments or bytes


class FragmentReassembler:
    """Collects fragments and returns each datagram once all its bytes are present."""

    def __init__(
        self,
        *,
        max_sets: int = 256,
        timeout: float = 30.0,
        max_pieces: int = MAX_PIECES,
        max_set_bytes: int = MAX_SET_BYTES,
        max_bytes: int = MAX_BYTES,
    ) -> None:
        self.max_sets = max_sets
        self.timeout = timeout
        self.max_pieces = max_pieces
        self.max_set_bytes = max_set_bytes
        self.max_bytes = max_bytes
        self.stats = FragmentStats()
        self._sets: OrderedDict[FragmentKey, _Set] = OrderedDict()
        self._stored = 0  # bytes held by all open sets

    @property
    def stored_bytes(self) -> int:
        return self._stored

    @property
    def open_sets(self) -> int:
        return len(self._sets)

    def add(
        self,
        key: FragmentKey,
        offset: int,
        more: bool,
        data: bytes,
        frame: int,
        ts: float,
    ) -> Reassembled | None:
        """Add one fragment (``offset`` in bytes); return the datagram when this completes it."""
        self.stats.fragments += 1
        self._expire(ts)
        end = offset + len(data)
        if end > MAX_DATAGRAM:
            self.stats.invalid += 1
            return None
        frag_set = self._sets.get(key)
        if frag_set is None:
            frag_set = self._sets[key] = _Set(started=ts)
            while len(self._sets) > self.max_sets:
                self._drop(next(iter(self._sets)))
                self.stats.expired += 1
        if not more:
            if frag_set.total is None:
                frag_set.total = end
            elif end != frag_set.total:  # a second, different "last" fragment: first one wins
                self.stats.invalid += 1
                return None
        elif frag_set.total is not None and end > frag_set.total:
            self.stats.invalid += 1
            return None
        shape = (offset, len(data))
        if shape in frag_set.seen:  # an exact copy: the first one wins, nothing to store
            self.stats.duplicates += 1
            return None
        if (
            len(frag_set.pieces) >= self.max_pieces
            or frag_set.stored + len(data) > self.max_set_bytes
        ):
            self._drop(key)
            self.stats.overflowed += 1
            return None
        frag_set.seen.add(shape)
        frag_set.pieces.append((offset, data))
        frag_set.frames.append(frame)
        frag_set.stored += len(data)
        self._stored += len(data)
        while self._stored > self.max_bytes and self._sets:
            oldest = next(iter(self._sets))
            self._drop(oldest)
            self.stats.overflowed += 1
            if oldest == key:
                return None
        _mark(frag_set, offset, end)
        if frag_set.total is None or frag_set.have.find(0, 0, (frag_set.total + 7) // 8) >= 0:
            return None
        self._drop(key)
        self.stats.reassembled += 1
        total = frag_set.total
        buf = bytearray(total)
        for piece_offset, piece in reversed(frag_set.pieces):  # earlier pieces overwrite later
            if piece_offset < total:
                kept = piece[: total - piece_offset]
                buf[piece_offset : piece_offset + len(kept)] = kept
        return Reassembled(bytes(buf), tuple(frag_set.frames))

    def _drop(self, key: FragmentKey) -> None:
        self._stored -= self._sets.pop(key).stored

    def _expire(self, now: float) -> None:
        sets = self._sets
        while sets:
            key, oldest = next(iter(sets.items()))
            if now - oldest.started <= self.timeout:
                return
            self._drop(key)
            self.stats.expired += 1


def _mark(frag_set: _Set, offset: int, end: int) -> None:
    """Mark the 8-byte units ``[offset, end)`` covers whole; a partial last unit only when the
    piece ends where the datagram does (a short piece elsewhere must not hide a hole)."""
    first = (offset + 7) // 8
    last = (end + 7) // 8 if end == frag_set.total else end // 8
    if last > first:
        frag_set.have[first:last] = b"\x01" * (last - first)
