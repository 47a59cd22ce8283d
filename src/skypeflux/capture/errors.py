"""The one exception the capture layer raises, so a caller has a single thing to catch.

Everything that makes a file unreadable from the start (missing file, not a capture, corrupt or
cut file header, link type we cannot decode) ends here with a sentence a user can act on. A record
cut or corrupt *after* good packets is not an exception: the reader stops there and says so in
its ``warning``, so the packets before it still get decoded. Problems inside a single packet are
not exceptions either: the decoders count them and move on, because one bad packet must not end
the analysis of a capture.
"""

from __future__ import annotations


class CaptureError(Exception):
    """A capture file could not be opened or read.

    ``offset`` is the byte offset in the file where the problem was found (``None`` when it is not
    about a position, e.g. a missing file); ``packets_read`` says how many packets were delivered
    before it, so a user knows how much of the file was usable.
    """

    def __init__(self, message: str, *, offset: int | None = None, packets_read: int = 0) -> None:
        super().__init__(message)
        self.offset = offset
        self.packets_read = packets_read
