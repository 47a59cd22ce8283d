"""Compressed captures (gzip, bzip2, xz, zstd), recognised by their first bytes, never the name.

tshark reads a gzipped capture as it is; so does this package: the stream is wrapped in a
decompressor before the pcap/pcapng reader sees it, nothing seeks and nothing is read twice, so
``zcat``-free pipes (``curl ... | skypeflux decode -``) work too. zstd comes from the standard
library where it has it (Python 3.14: ``compression.zstd``), else from the ``zstandard``
package.
"""

from __future__ import annotations

import bz2
import gzip
import importlib
import io
import lzma
from typing import Any, BinaryIO, cast

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.stream import StreamDamaged

GZIP_MAGIC = b"\x1f\x8b"
BZIP2_MAGIC = b"BZh"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class _Both(io.RawIOBase):
    """A decompressing stream that closes the file under it too when it owns it (gzip.GzipFile
    never does); a caller's file object stays open, so it can be rewound and read again."""

    def __init__(self, inner: Any, under: BinaryIO, kind: str, owns: bool) -> None:
        super().__init__()
        self._inner = inner
        self._under = under
        self._kind = kind
        self._owns = owns
        self._read = getattr(inner, "read1", inner.read)  # read() drops what it had at a cut
        self._produced = 0  # decompressed bytes handed out

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        problem = ""
        try:
            data = self._read(len(buffer))
        except EOFError:  # cut inside the compressed stream: said even between two records
            cut = f"the {self._kind} stream is cut: it ends before its end marker"
            raise StreamDamaged(cut) from None
        except CaptureError:
            raise
        except Exception as exc:  # each library has its own error type for corrupt data
            problem = str(exc) or type(exc).__name__
        if problem:  # raised out here: bad data is not an I/O error of the file
            raise StreamDamaged(f"corrupt {self._kind} data: {problem}")
        if not data and not self._produced and len(buffer):
            raise StreamDamaged(f"the {self._kind} stream ends before any data: cut or empty")
        self._produced += len(data)
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
            if self._owns:
                self._under.close()
        finally:
            super().close()


def _zstd_reader(fh: BinaryIO) -> Any:
    try:
        zstd: Any = importlib.import_module("compression.zstd")
        return zstd.ZstdFile(fh)
    except ImportError:
        pass
    try:
        zstandard: Any = importlib.import_module("zstandard")
    except ImportError:
        raise CaptureError(
            "the capture is zstd-compressed and this Python has no zstd support: "
            "pip install zstandard, or unzstd it first"
        ) from None
    return _ZstdFrames(fh, zstandard.ZstdDecompressor())


class _ZstdFrames:
    """zstandard's frames one after another, with a cut told apart from the end: its
    ``stream_reader`` ends a cut frame as quietly as a whole one, so a capture cut on a record
    boundary would lose its end unsaid. ``compression.zstd`` raises EOFError, as gzip does.

    The compressed bytes go in a kilobyte at a time: a kilobyte of zstd expands to at most
    some 45 MB, so a crafted stream cannot make one step hold gigabytes."""

    def __init__(self, fh: BinaryIO, decompressor: Any) -> None:
        self._fh = fh
        self._new = decompressor.decompressobj
        self._frame = self._new()
        self._started = False  # a frame has begun and not ended
        self._raw = b""  # compressed, not yet given to the frame
        self._out = b""  # decompressed, handed out from _at on
        self._at = 0

    def read(self, size: int) -> bytes:
        while self._at >= len(self._out):
            if not self._raw:
                self._raw = self._fh.read(1 << 16)
                if not self._raw:
                    if self._started:
                        raise EOFError("zstd frame cut")
                    return b""
            step, self._raw = self._raw[:ZSTD_STEP], self._raw[ZSTD_STEP:]
            self._started = True
            self._out, self._at = self._frame.decompress(step), 0
            if self._frame.eof:  # the next frame starts in the bytes left over
                self._raw = self._frame.unused_data + self._raw
                self._frame, self._started = self._new(), False
        out = self._out[self._at : self._at + size]
        self._at += len(out)
        return out

    def close(self) -> None:
        return None  # the file under it is _Both's to close


ZSTD_STEP = 1024  # compressed bytes decompressed at a time


def compression_of(head: bytes) -> str | None:
    """``gzip``, ``bzip2``, ``xz``, ``zstd`` or None, from a stream's first bytes."""
    for name, magic in (
        ("gzip", GZIP_MAGIC),
        ("bzip2", BZIP2_MAGIC),
        ("xz", XZ_MAGIC),
        ("zstd", ZSTD_MAGIC),
    ):
        if head.startswith(magic):
            return name
    return None


def decompressed(fh: BinaryIO, *, owns: bool = True) -> BinaryIO:
    """``fh`` itself when it is not compressed, else a buffered stream of its decompressed bytes.

    ``fh`` should be buffered (``peek``) or seekable; closing the result closes ``fh`` when
    ``owns`` (a file this package opened), never a caller's file object.
    """
    peek = getattr(fh, "peek", None)
    if peek is not None:
        head = peek(6)[:6]
    elif fh.seekable():
        start = fh.tell()
        head = fh.read(6)
        fh.seek(start)
    else:
        return fh
    kind = compression_of(head)
    if kind is None:
        return fh
    inner: Any
    if kind == "gzip":
        inner = gzip.GzipFile(fileobj=fh, mode="rb")
    elif kind == "bzip2":
        inner = bz2.BZ2File(fh)
    elif kind == "xz":
        inner = lzma.LZMAFile(fh)  # noqa: SIM115 - closed by _Both
    else:
        inner = _zstd_reader(fh)
    return cast(BinaryIO, io.BufferedReader(_Both(inner, fh, kind, owns), buffer_size=1 << 16))
