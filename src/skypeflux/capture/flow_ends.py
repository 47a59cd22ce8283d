"""Which frames are the last of their flow: learned by the survey, asked by the decoding pass.

A message still incomplete when its flow ends is reported at the flow's last frame, and a
finished flow's counters can leave memory there. The survey sees every packet, so it knows
each flow's last frame; the decoding pass only needs to ask, for the frame in hand, "is this
the last one of its flow?". That answer is one bit per frame (a capture of 20 million packets
needs 2.5 MB), so nothing per flow is kept for the whole capture.

While the survey runs it remembers the latest frame of each *open* flow; a flow's bit is set
when it closes, so a packet costs one table update and no bit work. That table is bounded:
once it holds more than ``floor`` flows, a flow idle for ``idle_seconds`` of capture time is
closed (its bit set at its latest frame), and it never holds more than ``max_open`` (least
recently active closed first). A flow closed that way and seen again later is a new flow from
then on: the decoding pass ends the first part at its last frame, as it would for two
captures. :meth:`FlowEnds.finish` closes the flows still open, so the bits are complete only
after it.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable, Iterator

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
        # Least recently active first. An OrderedDict, not a dict: a dict's oldest entry is
        # found by skipping the slots of every entry deleted before it, and with more flows
        # open than the floor that search ran for every packet (24 us a packet on a capture
        # of new flows, against 1 us).
        self._open: OrderedDict[Hashable, tuple[int, float]] = OrderedDict()
        # the least recently active flow and its time, while more than the floor are open:
        # looked at again only when it moves, or has been idle long enough to be closed
        self._front: Hashable | None = None
        self._front_ts = 0.0

    def saw(self, key: Hashable, frame: int, ts: float) -> None:
        """``frame`` (numbered from 1, increasing) carried a packet of flow ``key``."""
        table = self._open
        table[key] = (frame, ts)
        table.move_to_end(key)  # the most recently active last
        if len(table) <= self.floor:
            self._front = None
        elif (
            self._front is None
            or key == self._front
            or len(table) > self.max_open
            or ts - self._front_ts > self.idle_seconds
        ):
            self._close_idle(ts)

    def is_end(self, frame: int) -> bool:
        """Whether ``frame`` is the last of its flow (after :meth:`finish`)."""
        return frame in self._ends

    def frames(self) -> Iterator[int]:
        """The last frames, ascending (after :meth:`finish`): a pass that meets frames in order
        compares each with the next of these instead of asking for every one."""
        return iter(self._ends)

    @property
    def open_flows(self) -> int:
        return len(self._open)

    def finish(self) -> None:
        """The capture is over: the flows still open end at their latest frame, and the table
        of open flows is not needed any more."""
        for frame, _ts in self._open.values():
            self._ends.add(frame)
        self._open.clear()
        self._front = None

    def _close_idle(self, now: float) -> None:
        table = self._open
        self._front = None
        while table:
            key, (frame, ts) = next(iter(table.items()))
            if len(table) <= self.max_open and not (
                len(table) > self.floor and now - ts > self.idle_seconds
            ):
                self._front, self._front_ts = key, ts
                return
            table.popitem(last=False)
            self._ends.add(frame)
            self.closed_early += 1
