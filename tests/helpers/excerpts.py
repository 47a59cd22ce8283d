"""Excerpts of a real capture, made with the project's own reader and writer."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

from skypeflux.capture.files.source import read_packets
from skypeflux.capture.files.writer import Packet, write_capture


def write_frames(source: Path, target: Path, keep: Callable[[int], bool]) -> Path:
    """Copy the frames (numbered from 1) for which ``keep`` holds; later frames renumber."""
    kept = [Packet(p.ts, p.data, p.wirelen) for p in read_packets(source) if keep(p.frame)]
    write_capture(target, kept)
    return target


def frame_times(path: Path) -> dict[int, float]:
    return {p.frame: p.ts for p in read_packets(path)}


class Pipe(io.RawIOBase):
    """A stream that cannot seek, as standard input from a pipe is."""

    def __init__(self, data: bytes) -> None:
        self._inner = io.BytesIO(data)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        chunk = self._inner.read(min(len(buffer), 4096))
        buffer[: len(chunk)] = chunk
        return len(chunk)
