"""The wire layer's one exception type.

Library calls that are handed bytes they cannot parse raise :class:`WireError`; the streaming
decoders never raise on bad traffic but report a status instead (a capture is full of data that is
not Skype, and one bad stream must not stop the run).
"""

from __future__ import annotations


class WireError(ValueError):
    """Malformed or truncated wire data; ``offset`` is where in the input the problem was found."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.reason = message
        self.offset = offset
