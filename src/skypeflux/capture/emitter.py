"""Hand records out in frame order although some wait for knowledge that comes later.

A UDP datagram that cannot be verified yet (its sender's public address is not known) is held
back; when a later NAck or reply reveals the address it is decoded and takes its place in frame
order. The emitter keeps every record behind the oldest held frame, within a bounded window, so
memory stays bounded however long the capture is.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator

from skypeflux.capture.records import Record


class OrderedEmitter:
    """Reorder buffer: records out in (frame, arrival) order, never ahead of a held frame."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Record]] = []
        self._seq = 0
        self._held: dict[int, int] = {}  # frame -> number of holds on it

    def push(self, record: Record) -> None:
        heapq.heappush(self._heap, (record.frame, self._seq, record))
        self._seq += 1

    def hold(self, frame: int) -> None:
        """Nothing at or after ``frame`` leaves until :meth:`release` is called for it."""
        self._held[frame] = self._held.get(frame, 0) + 1

    def release(self, frame: int) -> None:
        count = self._held.get(frame, 0) - 1
        if count > 0:
            self._held[frame] = count
        else:
            self._held.pop(frame, None)

    def oldest_hold(self) -> int | None:
        return min(self._held) if self._held else None

    def __len__(self) -> int:
        return len(self._heap)

    def drain(self) -> Iterator[Record]:
        """Yield every record that no held frame precedes."""
        limit = self.oldest_hold()
        heap = self._heap
        while heap and (limit is None or heap[0][0] < limit):
            yield heapq.heappop(heap)[2]

    def flush(self) -> Iterator[Record]:
        """Yield everything (end of capture)."""
        self._held.clear()
        while self._heap:
            yield heapq.heappop(self._heap)[2]
