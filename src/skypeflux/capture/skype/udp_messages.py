"""Fragments (type 0x0F) joined into messages, and what makes a joined message verified.

Each fragment carries its own CRC, but the index, the ``last`` bit and the reference id sit in
the clear header, outside every CRC: a swapped index or a re-flagged ``last`` bit leaves every
piece "CRC ok" and still scrambles or shortens the message. So a message is verified only when

1. every piece's CRC held (only such pieces are ever stored),
2. the indexes form one complete run ``0..last`` with the ``last`` bit on the highest index,
   no piece beyond it, and a last piece shorter than a full one (a full-size "last" piece
   may be a middle one re-flagged: the message could go on),
3. the order is proven: each piece's IV (covered by its CRC, through the seed) is two steps of
   Skype's generator after the IV of the piece before it (``wire.fragments.iv_follows``), and
4. the joined plaintext parses exactly: command blocks and object lists consume every byte.

Otherwise the message is an unverified record saying which check failed; its plaintext is not
shown. A message still incomplete when its flow goes quiet for FRAGMENT_TIMEOUT seconds, or
when its flow's last datagram has passed, is reported at a frame of that flow.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import cast

from skypeflux.capture.records import (
    PROOF_CRC,
    PROOF_NONE,
    STRUCTURE_EXACT,
    STRUCTURE_FAILED,
    UNVERIFIED,
    VERIFIED,
    BlockInfo,
    FlowKey,
    Method,
    Record,
    Transport,
    UnitKind,
    Verification,
)
from skypeflux.capture.skype.describe import describe_blocks
from skypeflux.ipv4 import Endpoint
from skypeflux.objects import BackendArg
from skypeflux.wire import udp as wudp
from skypeflux.wire.fragments import FragmentAssembler, Incomplete, Reassembled
from skypeflux.wire.udp_crypt import Opened

MAX_FRAGMENT_SETS = 256
FRAGMENT_TIMEOUT = 60.0  # seconds of capture time a fragmented message may take to complete

_Key = tuple[Endpoint, Endpoint, int]  # src endpoint, dst endpoint, outer id


def structure_problem(plaintext: bytes, blocks: list[BlockInfo]) -> str | None:
    """Why ``plaintext`` does not parse exactly into ``blocks``, or None when it does."""
    for block in blocks:
        if block.error:
            return f"block at offset {block.offset}: {block.error}"
    covered = sum(block.length for block in blocks)
    if covered != len(plaintext):
        return f"blocks cover {covered} of {len(plaintext)} bytes"
    return None


class MessageJoiner:
    """Collects verified fragments per (endpoints, id) and reports whole or broken messages."""

    def __init__(
        self,
        emit: Callable[[Record, bytes | None, list[BlockInfo] | None], None],
        *,
        objects_backend: BackendArg = None,
        max_sets: int = MAX_FRAGMENT_SETS,
        timeout: float = FRAGMENT_TIMEOUT,
    ) -> None:
        self._objects = objects_backend
        self._max_sets = max_sets
        self._timeout = timeout
        self._emit = emit  # (record, plaintext, its blocks) -> the decoder's record output
        self._assembler = FragmentAssembler(max_messages=max_sets)
        self._started: dict[_Key, tuple[float, FlowKey]] = {}  # key -> (first time, flow)
        # Seed of each verified fragment by (key, frame) until its message is reported: a
        # message says every fragment's seed, not only the last one's. Bounded like the sets.
        self._seeds: OrderedDict[tuple[_Key, int], int] = OrderedDict()

    def counts(self) -> dict[str, int]:
        a = self._assembler
        return {
            "udp_fragments_duplicate": a.duplicates,
            "udp_fragments_rejected": a.rejected,
            "udp_messages_evicted": a.evicted,
        }

    def add(
        self,
        fragment_record: Record,
        parsed: wudp.Fragment,
        opened: Opened,
        verification: Verification,
    ) -> None:
        """A CRC-verified fragment; reports the message when its run is complete."""
        key: _Key = (fragment_record.src, fragment_record.dst, parsed.id)
        frame, ts = fragment_record.frame, fragment_record.time
        self._expire(fragment_record.flow, frame, ts)
        self._seeds[(key, frame)] = opened.seed
        while len(self._seeds) > self._max_sets * 16:
            self._seeds.popitem(last=False)
        done = self._assembler.add(key, parsed, opened, frame, ts)
        if done is not None:
            self._started.pop(key, None)
            self._message(fragment_record, parsed, done, verification)
        elif key in self._assembler.pending_keys():
            self._started.setdefault(key, (ts, fragment_record.flow))
        for conflict in self._assembler.take_conflicts():
            started = self._started.pop(cast(_Key, conflict.key), None)
            self._broken(conflict, frame, ts, started[1] if started else fragment_record.flow)

    def _expire(self, flow: FlowKey, frame: int, ts: float) -> None:
        """Give up on this flow's messages older than the timeout (reported here)."""
        for key, (first, owner) in list(self._started.items()):
            if owner == flow and ts - first > self._timeout:
                self._give_up(key, frame, ts)

    def flow_ended(self, flow: FlowKey, frame: int, ts: float) -> None:
        """The flow's last datagram has been seen: what is still incomplete is reported now."""
        for key, (_, owner) in list(self._started.items()):
            if owner == flow:
                self._give_up(key, frame, ts)

    def finish(self, frame: int, ts: float) -> None:
        for key in list(self._started):
            self._give_up(key, frame, ts)
        for incomplete in self._assembler.flush():
            self._broken(incomplete, frame, ts, None)

    def _give_up(self, key: _Key, frame: int, ts: float) -> None:
        _, flow = self._started.pop(key)
        incomplete = self._assembler.drop(key)
        if incomplete is not None:
            self._broken(incomplete, frame, ts, flow)

    def _message(
        self, last: Record, parsed: wudp.Fragment, done: Reassembled, verification: Verification
    ) -> None:
        blocks = describe_blocks(done.plaintext, objects_backend=self._objects)
        if not done.iv_chain_ok:
            problem: str | None = "the pieces' IVs do not follow Skype's generator in index order"
        elif done.last_is_full:
            problem = "the piece marked last has the full size of a middle one"
        else:
            problem = structure_problem(done.plaintext, blocks)
        if problem is None:
            verdict = Verification(
                VERIFIED,
                Method.CRC32,
                f"{done.count} fragments 0..{done.count - 1}, each CRC ok, IVs in order, "
                "blocks exact",
                verification.seed,
                verification.public_src,
                verification.public_dst,
                key=PROOF_CRC,
                content=PROOF_CRC,
                structure=STRUCTURE_EXACT,
            )
        else:
            verdict = Verification(
                UNVERIFIED,
                Method.CRC32,
                f"{done.count} fragments each CRC ok, but {problem}: "
                "pieces misordered or mislabelled",
                key=PROOF_CRC,
                content=PROOF_NONE,
                structure=STRUCTURE_FAILED,
            )
        record = Record(
            frame=max(done.frames),
            time=last.time,
            unit=UnitKind.UDP_MESSAGE,
            src=last.src,
            dst=last.dst,
            transport=Transport.UDP,
            verification=verdict,
            frames=list(done.frames),
            flow=last.flow,
            udp_type=wudp.TYPE_FRAGMENT,
            udp_func=parsed.func,
            packet_id=parsed.id,
        )
        seeds = [self._seeds.pop((done.key, frame), None) for frame in done.frames]  # type: ignore[arg-type]
        record.info = {
            "ref_id": done.ref_id,
            "fragments": done.count,
            "seeds": [f"{seed:08x}" if seed is not None else "?" for seed in seeds],
        }
        if problem is None:
            self._emit(record, done.plaintext, blocks)
        else:
            self._emit(record, None, None)

    def _broken(self, incomplete: Incomplete, frame: int, ts: float, flow: FlowKey | None) -> None:
        """A message that will not complete, reported at ``frame`` (a frame of its flow)."""
        src, dst, packet_id = cast(_Key, incomplete.key)
        if incomplete.reason:
            why = incomplete.reason
        elif incomplete.last_index is None:
            why = "incomplete message: last fragment never seen"
        else:
            missing = incomplete.last_index + 1 - incomplete.have
            why = f"incomplete message: missing {missing} fragment(s)"
        expected = "?" if incomplete.last_index is None else str(incomplete.last_index + 1)
        record = Record(
            frame=max(frame, *incomplete.frames) if incomplete.frames else frame,
            time=ts,
            unit=UnitKind.UDP_MESSAGE,
            src=src,
            dst=dst,
            transport=Transport.UDP,
            verification=Verification(UNVERIFIED, Method.CRC32, why, key=PROOF_CRC),
            frames=list(incomplete.frames) or [frame],
            flow=flow or FlowKey.udp(src, dst),
            packet_id=packet_id,
            udp_type=wudp.TYPE_FRAGMENT,
        )
        record.info = {
            "ref_id": incomplete.ref_id,
            "fragments": incomplete.have,
            "expected": expected,
            "complete": False,
        }
        self._emit(record, None, None)
