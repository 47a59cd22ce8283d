"""Joining 0x0F fragments back into one payload (spec 1.6), sans-IO and with bounded memory.

The caller decrypts each fragment (each has its own IV and CRC) and hands it in with a key that
names the message: the two endpoints and the outer id. Only CRC-verified pieces are kept, so a
wrong guess of public addresses can never be glued into a message.

Index and ``last`` bit are outside every CRC, so the assembler also insists that they form one
run: ``0..last`` with exactly one ``last`` bit, on the highest index. Two ``last`` bits, or a
piece beyond the last one, break the message (it is handed back by :meth:`take_conflicts`
with the reason); the caller still has to check that the joined plaintext parses exactly.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Final

from skypeflux.wire.udp import FRAGMENT_HEADER_LEN, FRAGMENT_LAST_BIT, FULL_FRAGMENT_LEN, Fragment
from skypeflux.wire.udp_crypt import Opened

LCG_MULTIPLIER = 69069  # Skype's generator for IVs and filler (protocol.md 3.3)
LCG_INCREMENT = 0x4271
IV_STEPS = 2  # generator steps between the IVs of consecutive fragments of one message


def lcg_next(value: int) -> int:
    """One step of Skype's linear congruential generator."""
    return (LCG_MULTIPLIER * value + LCG_INCREMENT) & 0xFFFFFFFF


def iv_follows(previous: int, iv: int) -> bool:
    """Whether ``iv`` is what Skype generates IV_STEPS after ``previous``.

    A fragment's IV is part of its seed, so its CRC proves it; in SkypeIRC.cap every fragment's
    IV is two generator steps after the one of the fragment before it (all 6 messages). The
    chain therefore proves the index order that the clear index field only claims.
    """
    for _ in range(IV_STEPS):
        previous = lcg_next(previous)
    return previous == iv


def fragment_ivs(first: int, count: int) -> list[int]:
    """IVs for ``count`` fragments as Skype chooses them: ``first``, then IV_STEPS generator
    steps apart (what :func:`iv_follows` checks on the way in)."""
    out = [first & 0xFFFFFFFF]
    while len(out) < count:
        value = out[-1]
        for _ in range(IV_STEPS):
            value = lcg_next(value)
        out.append(value)
    return out


DONE_MEMORY = 60.0
"""Seconds (of the caller's clock, ``now``) during which a piece of a finished message is taken
for a retransmission; after that the same id and request id start a new message."""


@dataclass(slots=True)
class Reassembled:
    """A complete message: ``plaintext`` is the fragments' plaintexts in index order."""

    key: Final[Hashable]
    plaintext: Final[bytes]
    count: Final[int]
    ref_id: Final[int]
    frames: Final[tuple[int, ...]]
    """The caller's tag (a capture frame number) of each fragment, in index order."""
    ivs: Final[tuple[int, ...]]
    """Each fragment's IV, in index order (see :func:`iv_follows`)."""
    last_is_full: Final[bool]
    """The fragment flagged last has the full size of a middle one: the message may go on."""

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        key: Hashable,
        plaintext: bytes,
        count: int,
        ref_id: int,
        frames: tuple[int, ...] = (),
        ivs: tuple[int, ...] = (),
        last_is_full: bool = False,
    ) -> None:
        self.key = key
        self.plaintext = plaintext
        self.count = count
        self.ref_id = ref_id
        self.frames = frames
        self.ivs = ivs
        self.last_is_full = last_is_full

    @property
    def iv_chain_ok(self) -> bool:
        return all(iv_follows(a, b) for a, b in zip(self.ivs, self.ivs[1:], strict=False))


@dataclass(frozen=True, slots=True)
class Incomplete:
    """A message still missing pieces when the caller gave up on it (end of capture)."""

    key: Hashable
    ref_id: int
    have: int
    last_index: int | None
    frames: tuple[int, ...]
    reason: str = ""  # why the pieces cannot form one message ("" when merely incomplete)


@dataclass(slots=True)
class _Pending:
    ref_id: int
    pieces: dict[int, bytes] = field(default_factory=dict)
    frames: dict[int, int] = field(default_factory=dict)
    ivs: dict[int, int] = field(default_factory=dict)
    last_index: int | None = None
    last_is_full: bool = False
    size: int = 0

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        ref_id: int,
        pieces: dict[int, bytes] | None = None,
        frames: dict[int, int] | None = None,
        ivs: dict[int, int] | None = None,
        last_index: int | None = None,
        last_is_full: bool = False,
        size: int = 0,
    ) -> None:
        self.ref_id = ref_id
        self.pieces = {} if pieces is None else pieces
        self.frames = {} if frames is None else frames
        self.ivs = {} if ivs is None else ivs
        self.last_index = last_index
        self.last_is_full = last_is_full
        self.size = size


class FragmentAssembler:
    """Collects opened fragments until indexes ``0..last`` are all present.

    Bounds: at most ``max_messages`` messages in progress (the oldest is given up first) and at
    most ``max_bytes`` of plaintext held for one message. What is given up is counted and
    handed out by :meth:`take_conflicts` with the reason, so it can be reported.
    """

    def __init__(self, max_messages: int = 256, max_bytes: int = 1 << 20) -> None:
        self._pending: OrderedDict[Hashable, _Pending] = OrderedDict()
        # Messages completed lately: a retransmitted piece of one must not open a new message.
        self._done: OrderedDict[Hashable, tuple[int, float]] = OrderedDict()  # (ref, when)
        self.max_messages = max_messages
        self.max_bytes = max_bytes
        self.rejected = 0
        self.evicted = 0
        self.duplicates = 0
        self._conflicts: list[Incomplete] = []

    def __len__(self) -> int:
        return len(self._pending)

    def add(
        self, key: Hashable, fragment: Fragment, opened: Opened, frame: int = 0, now: float = 0.0
    ) -> Reassembled | None:
        """Store one fragment; return the whole message once its last missing piece arrives."""
        if not opened.crc_ok or not 0 <= fragment.index < FRAGMENT_LAST_BIT:
            self.rejected += 1
            return None
        done = self._done.get(key)
        if done is not None and done[0] == fragment.ref_id and now - done[1] <= DONE_MEMORY:
            self.duplicates += 1
            return None
        entry = self._pending.get(key)
        if entry is not None and entry.ref_id != fragment.ref_id:
            # Same addresses and id but another request answered: the id came round again.
            # Never splice pieces of two messages; the stale one is given up (and said).
            del self._pending[key]
            self._give_up(
                key, entry, f"id used again (ref_id {fragment.ref_id}) before it was whole"
            )
            entry = None
        if entry is None:
            entry = _Pending(fragment.ref_id)
            self._pending[key] = entry
            while len(self._pending) > self.max_messages:
                old_key, old = self._pending.popitem(last=False)
                self._give_up(
                    old_key, old, f"given up: more than {self.max_messages} messages in progress"
                )
        if fragment.index in entry.pieces:
            self.duplicates += 1
            return None
        conflict = _run_conflict(entry, fragment)
        if conflict:
            del self._pending[key]
            entry.frames[fragment.index] = frame
            self._conflicts.append(_incomplete(key, entry, conflict))
            return None
        if entry.size + len(opened.plaintext) > self.max_bytes:
            del self._pending[key]
            self._give_up(key, entry, f"given up: larger than {self.max_bytes} bytes")
            return None
        entry.pieces[fragment.index] = opened.plaintext
        entry.frames[fragment.index] = frame
        entry.ivs[fragment.index] = fragment.iv
        entry.size += len(opened.plaintext)
        if fragment.last:
            entry.last_index = fragment.index
            entry.last_is_full = len(fragment.ciphertext) + FRAGMENT_HEADER_LEN == FULL_FRAGMENT_LEN
        if entry.last_index is None or len(entry.pieces) <= entry.last_index:
            return None
        if any(i not in entry.pieces for i in range(entry.last_index + 1)):
            return None
        del self._pending[key]
        self._done[key] = (entry.ref_id, now)
        self._done.move_to_end(key)
        if len(self._done) > self.max_messages:
            self._done.popitem(last=False)
        order = range(entry.last_index + 1)
        joined = b"".join([entry.pieces[i] for i in order])
        frames = tuple(entry.frames[i] for i in order)
        ivs = tuple(entry.ivs[i] for i in order)
        count = entry.last_index + 1
        return Reassembled(key, joined, count, entry.ref_id, frames, ivs, entry.last_is_full)

    def _give_up(self, key: Hashable, entry: _Pending, reason: str) -> None:
        """A message dropped to keep the bounds (or for a reused id): said, never silent."""
        self.evicted += 1
        if entry.pieces:
            self._conflicts.append(_incomplete(key, entry, reason))

    def take_conflicts(self) -> list[Incomplete]:
        """Messages broken or given up since the last call (two ``last`` bits, a piece beyond
        the last, a bound reached, an id used again), with the reason."""
        found, self._conflicts = self._conflicts, []
        return found

    def pending_keys(self) -> list[Hashable]:
        """Messages still waiting for pieces, oldest first."""
        return list(self._pending)

    def drop(self, key: Hashable) -> Incomplete | None:
        """Give up on one message (it waited too long); ``None`` if it is not pending."""
        entry = self._pending.pop(key, None)
        if entry is None:
            return None
        return _incomplete(key, entry)

    def flush(self) -> list[Incomplete]:
        """Give up on every message still in progress (end of capture) and say what is missing."""
        return [found for key in list(self._pending) if (found := self.drop(key)) is not None]


def _run_conflict(entry: _Pending, fragment: Fragment) -> str:
    """Why ``fragment`` cannot belong to the same run as the pieces already held, or ""."""
    highest = max(entry.pieces, default=-1)
    if fragment.last:
        if entry.last_index is not None:
            return f"two fragments marked last (indexes {entry.last_index} and {fragment.index})"
        if highest > fragment.index:
            return f"fragment {fragment.index} marked last but fragment {highest} exists"
    elif entry.last_index is not None and fragment.index > entry.last_index:
        return f"fragment {fragment.index} beyond the last one ({entry.last_index})"
    return ""


def _incomplete(key: Hashable, entry: _Pending, reason: str = "") -> Incomplete:
    frames = tuple(entry.frames[i] for i in sorted(entry.frames))
    return Incomplete(key, entry.ref_id, len(entry.pieces), entry.last_index, frames, reason)
