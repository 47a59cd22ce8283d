"""The messages layer's one exception type (for API misuse; bad traffic becomes Block.error)."""

from __future__ import annotations


class MessagesError(ValueError):
    """A messages-layer call got arguments it cannot work with; ``offset`` when it applies."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.reason = message
        self.offset = offset
