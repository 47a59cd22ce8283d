"""A single self-overwriting progress line on standard error, shown only to a person.

Progress goes to stderr and only when stderr is a terminal: in a pipe or a log file a stream of
carriage returns is noise. When stdout is the same terminal, the line is wiped before any record
is printed so the two never mix on one line.
"""

from __future__ import annotations

import time
from typing import TextIO

_MIN_INTERVAL_S = 0.1
_MB = 1024 * 1024


def format_progress(frames: int, bytes_done: int, bytes_total: int | None) -> str:
    """``frames 1,234  3.2 MB  45%`` (the percentage only when the size is known)."""
    text = f"skypeflux: frames {frames:,}  {bytes_done / _MB:.1f} MB"
    if bytes_total:
        text += (
            f" of {bytes_total / _MB:.1f} MB  {min(100.0, 100.0 * bytes_done / bytes_total):.0f}%"
        )
    return text


class ProgressLine:
    """Callable given to ``Decoder.run(progress=...)``; a no-op when disabled."""

    def __init__(self, stream: TextIO, *, enabled: bool) -> None:
        self._stream = stream
        self.enabled = enabled
        self._shown = 0  # width of the line on screen, 0 when nothing is shown
        self._last = float("-inf")

    @classmethod
    def for_terminal(cls, stream: TextIO, *, wanted: bool) -> ProgressLine:
        isatty = getattr(stream, "isatty", None)
        return cls(stream, enabled=wanted and bool(isatty and isatty()))

    def __call__(self, frames: int, bytes_done: int, bytes_total: int | None) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < _MIN_INTERVAL_S:
            return
        self._last = now
        text = format_progress(frames, bytes_done, bytes_total)
        self._stream.write("\r" + text.ljust(self._shown))
        self._stream.flush()
        self._shown = len(text)

    def clear(self) -> None:
        """Wipe the line (before printing records or an error on the same terminal)."""
        if self._shown:
            self._stream.write("\r" + " " * self._shown + "\r")
            self._stream.flush()
            self._shown = 0
