"""The crypto layer's one exception type."""

from __future__ import annotations


class CryptoError(ValueError):
    """A crypto-layer call got an argument it cannot work with.

    Raised for a seed outside 0..2**32-1, a negative length, a TCP header shorter than 14 bytes,
    or an unknown backend. ``offset`` is the byte offset in the caller's data where the problem
    is, when there is one (``None`` otherwise), so higher layers can report it.
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.offset = offset
