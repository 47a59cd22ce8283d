"""A stream that must be read more than once, copied to an anonymous temporary file first.

Standard input or a pipe cannot be rewound, and the decoder reads a capture twice (a filter on
``skypeflux.reply_in_frame`` once more): such a stream is copied block by block to a
``tempfile.TemporaryFile`` (the system's temporary folder, ``TMPDIR``), deleted when done. The
copy needs room for the whole capture there; when it has none, the error names the folder and
what to do, instead of reading as a capture that cannot be read.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO, cast

from skypeflux.capture.errors import CaptureError

SPOOL_BLOCK = 1 << 20  # bytes copied at a time


def _problem(name: str, exc: OSError) -> CaptureError:
    """Where the copy of a stream could not be written: the temporary folder, not the
    capture (reading the stream itself fails as it would when read once)."""
    folder = tempfile.gettempdir()
    return CaptureError(
        f"{name}: cannot copy the stream to a temporary file in {folder} (a stream is read "
        f"more than once): {exc.strerror or exc}; set TMPDIR to a folder with room for the "
        "capture, or give the capture as a file"
    )


@contextmanager
def spooled(stream: BinaryIO, name: str) -> Iterator[BinaryIO]:
    """A temporary file holding all of ``stream``, copied block by block
    (``shutil.copyfileobj`` cannot tell a failed read from a failed write)."""
    try:
        spool = tempfile.TemporaryFile(prefix="skypeflux-")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise _problem(name, exc) from exc
    with spool:
        while block := stream.read(SPOOL_BLOCK):
            try:
                spool.write(block)
            except OSError as exc:
                raise _problem(name, exc) from exc
        try:
            spool.flush()
        except OSError as exc:
            raise _problem(name, exc) from exc
        yield cast(BinaryIO, spool)
