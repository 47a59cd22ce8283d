"""The text output as ``decode`` prints it: the lines of :mod:`.text` with tshark's extras.

Adds what a terminal user asks for on top of the plain lines: the time column in ``-t``
formats, ``-x`` hex and ASCII of the verified plaintext after each record, and colour
(``--color``): red for what failed verification, yellow for notes, blue for clear ACK/NAck
datagrams, so a problem stands out on a screen of green ``CRC ok``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import click

from skypeflux.capture.records import CLEAR, UNVERIFIED, VERIFIED, Record
from skypeflux.outputs.clock import Clock
from skypeflux.outputs.hexdump import hex_dump
from skypeflux.outputs.text import INDENT, record_lines


def line_colour(record: Record) -> str | None:
    """The colour of a record's summary lines, or None for the terminal's own."""
    status = record.verification.status
    if record.unit == "note":
        return "yellow"
    if status == UNVERIFIED:
        return "red"
    if status == CLEAR:
        return "blue"
    if status == VERIFIED:
        return "green"
    return None


class TextPrinter:
    """Writes records as text; ``origin`` (the first packet's time) is set by the caller."""

    def __init__(
        self,
        out: TextIO,
        *,
        verbose: bool = False,
        full: bool = False,
        hex_dump: bool = False,
        clock: Clock | None = None,
        colour: bool = False,
    ) -> None:
        self._out = out
        self.origin: float | None = None
        self._verbose = verbose
        self._full = full
        self._hex = hex_dump
        self._clock = clock or Clock()
        self._colour = colour

    def write(self, record: Record, only: Sequence[int] | None = None) -> None:
        if self.origin is None:
            self.origin = record.time
        when = self._clock.text(record.time, self.origin)
        lines = record_lines(
            record, self.origin, verbose=self._verbose, full=self._full, only=only, when=when
        )
        colour = line_colour(record) if self._colour else None
        if colour is not None:
            lines = [
                line if line.startswith(INDENT) else click.style(line, fg=colour)
                for line in lines
            ]
        if self._hex and record.verification.ok and record.plaintext:
            lines.extend(hex_dump(record.plaintext))
            lines.append("")
        self._out.write("\n".join(lines) + "\n")
