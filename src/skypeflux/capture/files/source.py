"""Where a capture comes from: a path, ``"-"`` for standard input, or a binary file object.

A gzip, bzip2, xz or zstd stream is decompressed on the way (:mod:`.compressed`).

Opening is kept apart from parsing so the readers see only a byte stream, and the errors a
user can cause before any byte is read (no such file, a directory) are said in words here.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO, cast, overload

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.capture_set import CaptureFiles, CaptureSet, Part
from skypeflux.capture.files.compressed import decompressed
from skypeflux.capture.files.reader import CaptureReader
from skypeflux.capture.files.stream import RawPacket

Source = str | os.PathLike[str] | BinaryIO | CaptureFiles


@overload
def open_capture(source: CaptureFiles, *, skip_unsupported: bool = False) -> CaptureSet: ...


@overload
def open_capture(source: Part, *, skip_unsupported: bool = False) -> CaptureReader: ...


def open_capture(source: Source, *, skip_unsupported: bool = False) -> CaptureReader | CaptureSet:
    """Open a pcap/pcapng capture from a path, ``"-"`` (standard input), a binary file object,
    or several of them read as one (:class:`CaptureFiles`).

    Header problems (missing file, not a capture, unsupported pcap link type) raise
    :class:`CaptureError` here, before any packet is read (for several files: of the first).
    With ``skip_unsupported`` packets on pcapng interfaces of an undecodable link type are
    counted and skipped instead of raising; a pcap file has one link type, so an undecodable
    one always raises.
    """
    if isinstance(source, CaptureFiles):
        return CaptureSet(source, _open_one, skip_unsupported=skip_unsupported)
    return _open_one(source, skip_unsupported=skip_unsupported)


def _open_one(
    source: Part, *, skip_unsupported: bool = False, frame_base: int = 0
) -> CaptureReader:
    if isinstance(source, str | os.PathLike):
        path = os.fspath(source)
        if path == "-":
            return CaptureReader(
                decompressed(_buffered(sys.stdin.buffer), owns=False),
                "<stdin>",
                owns_file=False,
                skip_unsupported=skip_unsupported,
                frame_base=frame_base,
            )
        try:
            fh = open(path, "rb")  # noqa: SIM115 - the reader owns and closes it
        except FileNotFoundError:
            raise CaptureError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise CaptureError(f"{path}: is a directory, not a capture file") from None
        except OSError as exc:
            raise CaptureError(f"{path}: cannot open: {exc.strerror}") from None
        try:
            stream = decompressed(fh)
            return CaptureReader(
                stream,
                path,
                owns_file=True,
                skip_unsupported=skip_unsupported,
                frame_base=frame_base,
            )
        except BaseException:
            fh.close()
            raise
    check_file_object(source)
    name = str(getattr(source, "name", f"<{type(source).__name__}>"))
    return CaptureReader(
        decompressed(_buffered(source), owns=False),
        name,
        owns_file=False,
        skip_unsupported=skip_unsupported,
        frame_base=frame_base,
    )


def check_file_object(source: object) -> None:
    """A wrong kind of source is the caller's mistake, said as this layer's error (not an
    AttributeError or TypeError from deep inside the reader)."""
    kind = type(source).__name__
    if isinstance(source, bytes | bytearray | memoryview):
        raise CaptureError(
            f"a capture source is a path, '-' or a binary file object, not {kind} "
            "(wrap bytes in io.BytesIO)"
        )
    if isinstance(source, io.TextIOBase):
        raise CaptureError(
            f"{getattr(source, 'name', kind)}: opened in text mode; a capture is read as bytes "
            "(open it with 'rb')"
        )
    if not callable(getattr(source, "read", None)):
        raise CaptureError(f"a capture source is a path, '-' or a binary file object, not {kind}")


def read_packets(source: Source, *, skip_unsupported: bool = False) -> Iterator[RawPacket]:
    """Every packet of a capture; a cut or corrupt record just ends the iteration.

    Use :func:`open_capture` instead when the caller must report truncation.
    """
    with open_capture(source, skip_unsupported=skip_unsupported) as reader:
        yield from reader


def _buffered(fh: BinaryIO) -> BinaryIO:
    """Raw (unbuffered) streams such as a pipe's FileIO may return short reads: buffer them."""
    if isinstance(fh, io.RawIOBase):
        return cast(BinaryIO, io.BufferedReader(fh))
    return fh
