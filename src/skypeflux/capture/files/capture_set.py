"""Several capture files read as one capture: the pieces of one recording, in order.

tcpdump ``-C``/``-G`` and dumpcap's ring buffer cut a long recording into files. Decoded one by
one, each piece loses what crosses a cut: a TCP stream, a fragmented message, the evidence of a
host's public address that sits in another piece; and frame numbers start again. Read as one
(:class:`CaptureFiles`), in the order given, the pieces give exactly what the file joined by
``mergecap -a`` gives: frames numbered on from piece to piece, every flow and every address
carried across. Each piece keeps its own format and link types, and is opened only when reached.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, BinaryIO, Protocol, TypeVar

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.stream import BATCH_PACKETS, BlockScan, RawPacket, ReadState

T = TypeVar("T")

if TYPE_CHECKING:
    from skypeflux.capture.files.reader import CaptureReader

Part = str | os.PathLike[str] | BinaryIO
ORDER_SLACK_S = 1.0  # a piece may start this much before the last ended (clock jitter)


@dataclass(frozen=True)
class CaptureFiles:
    """The pieces of one capture, in order: paths, ``"-"`` (standard input) or binary files."""

    parts: tuple[Part, ...]

    def __post_init__(self) -> None:
        if not self.parts:
            raise CaptureError("a capture of several files needs at least one file")

    @property
    def names(self) -> list[str]:
        return [part_name(part) for part in self.parts]

    @property
    def name(self) -> str:
        """How messages name the whole: ``a.pcap + b.pcap``, shortened past three pieces."""
        names = self.names
        if len(names) <= 3:
            return " + ".join(names)
        return f"{names[0]} + ... + {names[-1]} ({len(names)} files)"


def part_name(part: Part) -> str:
    if isinstance(part, str | os.PathLike):
        path = os.fspath(part)
        return "<stdin>" if path == "-" else path
    return str(getattr(part, "name", f"<{type(part).__name__}>"))


class Opener(Protocol):
    """How one piece is opened (``source.open_capture`` for a single file)."""

    def __call__(
        self, source: Part, *, skip_unsupported: bool = ..., frame_base: int = ...
    ) -> CaptureReader: ...


class CaptureSet(ReadState):
    """Iterates over the packets of several captures as one; read like a
    :class:`~skypeflux.capture.files.reader.CaptureReader`.

    The first piece is opened at once, so a first file that is not a capture fails here, as a
    single file would; a later one fails when it is reached (the decoder's first pass reaches
    every piece before anything is shown). A piece cut or corrupt at its end is said in
    ``warning`` and reading goes on with the next piece; ``truncated`` is set only when the
    last piece was cut, as it is only then that the capture ends early. ``packets_read`` and
    the skipped packets are counted over every piece read so far.
    """

    def __init__(self, files: CaptureFiles, opener: Opener, *, skip_unsupported: bool) -> None:
        ReadState.__init__(self, files.name)
        self._files = files
        self._opener = opener
        self._skip_unsupported = skip_unsupported
        self._current: CaptureReader | None = opener(
            files.parts[0], skip_unsupported=skip_unsupported
        )
        self.format = self._current.format  # the first piece's
        self._done_bytes = 0
        self._warnings: list[str] = []
        self._last_ts: float | None = None  # of the latest packet read
        self._started = False

    def __iter__(self) -> Iterator[RawPacket]:
        if self._started:
            raise CaptureError(f"{self.name}: a capture can be iterated only once")
        self._started = True
        parts = self._files.parts
        for index, part in enumerate(parts):
            reader = self._current
            if reader is None:
                reader = self._opener(
                    part, skip_unsupported=self._skip_unsupported, frame_base=self.packets_read
                )
                self._current = reader
            with reader:
                first = True
                for packet in reader:
                    if first:
                        first = False
                        self._check_order(index, packet.ts)
                    self._last_ts = packet.ts
                    yield packet
            self._take_in(
                reader, following=part_name(parts[index + 1]) if index + 1 < len(parts) else None
            )
            self._done_bytes += reader.bytes_read
            self._current = None

    def batches(
        self, scan: BlockScan | None, convert: Callable[[list[RawPacket]], list[T]]
    ) -> Iterator[list[T]]:
        """As :meth:`CaptureReader.batches`, in lists of up to :data:`BATCH_PACKETS`; the
        pieces' order is checked on their packets' times, which a scan's entries do not show
        the reader, so ``scan`` is not used."""
        del scan
        batch: list[RawPacket] = []
        for packet in self:
            batch.append(packet)
            if len(batch) >= BATCH_PACKETS:
                yield convert(batch)
                batch = []
        if batch:
            yield convert(batch)

    def _check_order(self, index: int, first_ts: float) -> None:
        """A piece that starts well before the one before it ended was probably given out of
        order: a shell sorts ``file10`` before ``file2``, and tcpdump -C names them so."""
        last = self._last_ts
        if index == 0 or last is None or first_ts >= last - ORDER_SLACK_S:
            return
        names = self._files.names
        self._warnings.append(
            f"{names[index]} starts {last - first_ts:.3f} s before {names[index - 1]} ends: "
            "are the files in capture order? (a shell sorts file10 before file2)"
        )
        self.warning = "; ".join(self._warnings)

    def _take_in(self, reader: CaptureReader, following: str | None) -> None:
        """What a finished piece had to say becomes the whole's."""
        self.packets_read += reader.packets_read
        self.skipped_unsupported += reader.skipped_unsupported
        for linktype, count in reader.skipped_linktypes.items():
            self.skipped_linktypes[linktype] = self.skipped_linktypes.get(linktype, 0) + count
        self.has_decodable_interface |= reader.has_decodable_interface
        self.linktypes.extend(reader.linktypes)
        if reader.warning is not None:
            if following is not None:
                self._warnings.append(f"{reader.warning}; reading went on with {following}")
            else:
                self._warnings.append(reader.warning)
                self.truncated, self.stopped_at = reader.truncated, reader.stopped_at
            self.warning = "; ".join(self._warnings)

    @property
    def bytes_read(self) -> int:
        """Bytes consumed from all the pieces so far (for progress against their total)."""
        current = self._current.bytes_read if self._current is not None else 0
        return self._done_bytes + current

    def close(self) -> None:
        if self._current is not None:
            self._current.close()
            self._current = None

    def __enter__(self) -> CaptureSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
