"""IPv4 fragment reassembly, bounded in memory and in capture time.

Skype's large UDP replies can exceed the path MTU and arrive as IP fragments; the UDP header is
only in the first one, so nothing can be decoded until the set is complete. Sets are keyed as
RFC 791 says (source, destination, identification, protocol). Where fragments overlap, the bytes
that arrived first are kept (the rule of most stacks, and the only choice that does not let a
late, forged fragment rewrite data already seen). Incomplete sets are dropped after ``timeout``
seconds of *capture* time (not wall time, so results do not depend on how fast we read) and when
more than ``max_sets`` are open, oldest first.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

MAX_DATAGRAM = 65535  # largest IPv4 datagram; fragments reaching beyond it are dropped

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


@dataclass(slots=True)
class FragmentStats:
    fragments: int = 0
    reassembled: int = 0
    expired: int = 0  # sets dropped incomplete (timeout or too many open)
    invalid: int = 0  # fragments reaching beyond 65,535 bytes or contradicting the known end


class FragmentReassembler:
    """Collects fragments and returns each datagram once all its bytes are present."""

    def __init__(self, *, max_sets: int = 256, timeout: float = 30.0) -> None:
        self.max_sets = max_sets
        self.timeout = timeout
        self.stats = FragmentStats()
        self._sets: OrderedDict[FragmentKey, _Set] = OrderedDict()

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
                self._sets.popitem(last=False)
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
        frag_set.pieces.append((offset, data))
        frag_set.frames.append(frame)
        if frag_set.total is None or not _covers(frag_set.pieces, frag_set.total):
            return None
        del self._sets[key]
        self.stats.reassembled += 1
        total = frag_set.total
        buf = bytearray(total)
        for piece_offset, piece in reversed(frag_set.pieces):  # earlier pieces overwrite later
            if piece_offset < total:
                kept = piece[: total - piece_offset]
                buf[piece_offset : piece_offset + len(kept)] = kept
        return Reassembled(bytes(buf), tuple(frag_set.frames))

    def _expire(self, now: float) -> None:
        sets = self._sets
        while sets:
            key, oldest = next(iter(sets.items()))
            if now - oldest.started <= self.timeout:
                return
            del sets[key]
            self.stats.expired += 1


def _covers(pieces: list[tuple[int, bytes]], total: int) -> bool:
    """True when the pieces leave no hole in ``[0, total)``."""
    reached = 0
    for start, data in sorted(pieces, key=lambda p: p[0]):
        if start > reached:
            return False
        reached = max(reached, start + len(data))
        if reached >= total:
            return True
    return reached >= total
