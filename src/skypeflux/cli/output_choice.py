"""Which writer ``decode`` prints with, from its output options (-T, -e, -E, -V, -x, -t, --color).

Options that would change nothing are refused rather than silently ignored: ``-e`` without
``-T fields``, ``-V`` with JSON (every line already carries the whole tree), ``--full``
without ``-V``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import click

from skypeflux.capture.records import Record
from skypeflux.cli.options import RecordWriter
from skypeflux.outputs.clock import Clock
from skypeflux.outputs.field_output import FieldsWriter, parse_field_options, resolve_fields
from skypeflux.outputs.jsonl import JsonLinesWriter
from skypeflux.outputs.text_printer import TextPrinter

FORMATS = ("text", "json", "fields")
COLOURS = ("auto", "always", "never")


@dataclass(frozen=True, slots=True)
class OutputChoice:
    """The output options of one ``decode`` call, as given."""

    fmt: str = "text"
    fields: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()
    verbose: bool = False
    full: bool = False
    hex_dump: bool = False
    time_format: str = "r"
    colour: str = "auto"
    json_flag: bool = False  # spelled --json (so messages name what the user typed)
    quiet: bool = False  # -q: no records, only what --stats prints


class NoRecords:
    """``-q``: counts still happen (``--stats``), nothing per record is printed."""

    origin: float | None = None

    def write(self, record: Record, only: Sequence[int] | None = None) -> None:
        del record, only


def _usage(message: str) -> click.UsageError:
    return click.UsageError(message)


def check(choice: OutputChoice) -> None:
    """Refuse combinations that would change nothing (a usage error, before any decoding)."""
    if choice.fmt != "text":
        for given, option in (
            (choice.verbose, "-V"),
            (choice.full, "--full"),
            (choice.hex_dump, "-x"),
            (choice.time_format != "r", "-t"),
        ):
            if given:
                what = (
                    "every JSON line already carries the whole object tree and the plaintext"
                    if choice.fmt == "json"
                    else "-T fields prints only the fields named with -e"
                )
                spelled = "--json" if choice.json_flag else f"-T {choice.fmt}"
                raise _usage(f"{spelled} and {option} do not combine: {what}")
    if choice.full and not choice.verbose:
        raise _usage("--full only changes the -V object tree; add -V")
    if choice.fmt == "fields" and not choice.fields:
        raise _usage("-T fields needs at least one -e FIELD (skypeflux fields lists them)")
    if choice.fmt != "fields" and (choice.fields or choice.settings):
        option = "-e" if choice.fields else "-E"
        raise _usage(f"{option} only applies to -T fields")


def _colour_wanted(colour: str) -> bool:
    if colour == "always":
        return True
    if colour == "never" or os.environ.get("NO_COLOR"):
        return False
    stream = sys.stdout
    return bool(getattr(stream, "isatty", None) and stream.isatty())


def make_writer(choice: OutputChoice) -> RecordWriter | JsonLinesWriter:
    """The writer for these options; raises click.UsageError for a bad -e, -E or -t value."""
    check(choice)
    if choice.quiet:
        return NoRecords()
    out = sys.stdout
    if choice.fmt == "json":
        return JsonLinesWriter(out)
    if choice.fmt == "fields":
        try:
            return FieldsWriter(
                out, resolve_fields(choice.fields), parse_field_options(choice.settings)
            )
        except ValueError as exc:
            raise _usage(str(exc)) from None
    try:
        clock = Clock(choice.time_format)
    except ValueError as exc:
        raise _usage(str(exc)) from None
    return TextPrinter(
        out,
        verbose=choice.verbose,
        full=choice.full,
        hex_dump=choice.hex_dump,
        clock=clock,
        colour=_colour_wanted(choice.colour),
    )
