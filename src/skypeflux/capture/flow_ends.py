"""Which frames are the last of their flow: learned by the survey, asked by the decoding pass.

A message still incomplete when its flow ends is reported at the flow's last frame, and a
finished flow's counters can leave memory there. The survey sees every packet, so it knows
each flow's last frame; the decoding pass only needs to ask, for the frame in hand, "is this
the last one of its flow?". That answer is one bit per frame (a capture of 20 million packets
needs 2.5 MB), so nothing per flow is kept for the whole capture.

While the survey runs it remembers the latest frame of each *open* flow, to move the bit when
the flow carries another packet. That table is bounded: once it holds more than ``floor``
flows, a flow idle for ``idle_seconds`` of capture time is closed (its bit stays where it is),
and it never holds more than ``max_open`` (least recently active closed first). A flow closed
that way and seen again later is a new flow from then on: the decoding pass ends the first
part at its last frame, as it would for two captures.
"""

from __future__ import annotations

from collections.abc import Hashable

from skypeflux.capture.frame_bits import FrameBits

IDLE_FLOOR = 4096  # open flows below which nothing is closed for being idle


class FlowEnds:
    """One bit per frame: set on the last frame of each flow (or of each part of a flow)."""

    def __init__(
        self, *, max_open: int = 65536, idle_seconds: float = 600.0, floor: int = IDLE_FLOOR
    ) -> None:
        self.max_open = max_open
        self.idle_seconds = idle_seconds
        self.floor = min(floor, max_open)
        self.closed_early = 0  # flows closed for being idle or for room, not by the capture
        self._ends = FrameBits()
        # least recently active first (a dict keeps insertion order; a move re-inserts)
        self._open: dict[Hashable, tuple[int, float]] = {}

    def saw(self, key: Hashable, frame: int, ts: float) -> None:
        """``frame`` (numbered from 1, increasing) carried a packet of flow ``key``."""
        table = self._open
        previous = table.pop(key, None)
        if previous is not None:
            self._ends.discard(previous[0])
        table[key] = (frame, ts)
        self._ends.add(frame)
        if len(table) > self.floor:
            self._close_idle(ts)

    def is_end(self, frame: int) -> bool:
        return frame in self._ends

    @property
    def open_flows(self) -> int:
        return len(self._open)

    def finish(self) -> None:
        """The capture is over: the last frames are final; the open-flow table is not needed."""
        self._open.clear()

    def _close_idle(self, now: float) -> None:
        table = self._open
        while table:
            _key, (_frame, ts) = next(iter(table.items()))
            if len(table) <= self.max_open and not (
                len(table) > self.floor and now - ts > self.idle_seconds
            ):
                return
            del table[_key]
            self.closed_early += 1
