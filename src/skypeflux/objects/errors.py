"""The objects layer's one exception type."""

from __future__ import annotations


class ObjectsError(ValueError):
    """An object list could not be decoded, encoded or built.

    Decoders raise it for every kind of bad input (truncation, unknown family, depth or memory
    budget exceeded, an arithmetic-coded stream that reads too far...), so a caller that handles
    this one type handles hostile bytes completely. ``offset`` is the decoder's read position in
    the input when it gave up (the same position the reference decoder stops at for the failing
    vectors); it is ``None`` for errors that are not about input bytes (an invalid value given
    to the model, a tree that cannot be encoded).
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.offset = offset
        self.reason = message
