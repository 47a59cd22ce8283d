"""Hand records out in frame order although some are reported at a frame already read.

A reassembled message is reported at the frame of its last fragment, a TCP frame at the segment
that completed it, a note at the frame whose CRC proved an address, several records at one
frame: the decoders push them as they come and the emitter hands them out sorted by (frame,
arrival) after every packet, so the output is in frame order. Nothing waits beyond the packet
being processed (the survey pass has made waiting for evidence unnecessary), so memory holds at
most one packet's records.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sized

from skypeflux.capture.records import Record


class OrderedEmitter:
    """Reorder buffer: records out in (frame, arrival) order."""

    def __init__(self) -> None:
        self._heap: list[tuple[int, int, Record]] = []
        self._seq = 0
        # the records held, for a truth test without a call (asked after every packet)
        self.held: Sized = self._heap

    def push(self, record: Record) -> None:
        heapq.heappush(self._heap, (record.frame, self._seq, record))
        self._seq += 1

    def __len__(self) -> int:
        return len(self._heap)

    def drain(self) -> Iterator[Record]:
        """Yield every record pushed so far, in (frame, arrival) order."""
        heap = self._heap
        while heap:
            yield heapq.heappop(heap)[2]

    def flush(self) -> Iterator[Record]:
        """End of capture: every record still held, in the same order (a method, not an
        alias of :meth:`drain`: mypyc, which compiles this module, refuses class attributes
        that alias methods)."""
        return self.drain()
