"""One bit per frame number: a set of frames that costs an eighth of a byte per packet.

Several passes need to remember a yes/no fact about frames of the whole capture (where a flow
ends, which frames a record covered) without keeping anything per packet that grows faster;
frames are numbered from 1 in file order, so a growing bytearray indexed by number does it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SET_BYTE = re.compile(rb"[^\x00]")  # a byte with a frame in it: the scan runs in C


class FrameBits:
    """A set of frame numbers (non-negative ints), stored as bits."""

    __slots__ = ("_bits",)

    def __init__(self) -> None:
        self._bits = bytearray()

    def add(self, frame: int) -> None:
        index = frame >> 3
        bits = self._bits
        if index >= len(bits):
            bits.extend(bytes(index + 1 - len(bits) + len(bits) // 2))  # grow by half at least
        bits[index] |= 1 << (frame & 7)

    def __contains__(self, frame: int) -> bool:
        index = frame >> 3
        return index < len(self._bits) and bool(self._bits[index] & (1 << (frame & 7)))

    def __iter__(self) -> Iterator[int]:
        """The frames, ascending."""
        for match in _SET_BYTE.finditer(self._bits):
            index = match.start()
            byte = self._bits[index]
            for bit in range(8):
                if byte >> bit & 1:
                    yield index << 3 | bit
