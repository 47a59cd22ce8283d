"""``skypeflux decode``: every Skype unit of one or more captures, tshark style, JSON or fields."""

from __future__ import annotations

import dataclasses
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO, TypeVar

import click

from skypeflux.capture.files.capture_set import CaptureFiles
from skypeflux.capture.files.spool import spooled
from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK, EXIT_UNVERIFIED, user_errors, writing
from skypeflux.cli.help_text import DECODE_EPILOG
from skypeflux.cli.inputs import capture_names, input_options
from skypeflux.cli.options import (
    RunResult,
    addresses_option,
    decode_to_stdout,
    echo_out,
    limits_option,
    make_decoder,
    open_run,
    progress_option,
    public_ip_option,
    read_addresses,
    require_stdout,
    run_name,
)
from skypeflux.cli.outcome import finish_run
from skypeflux.cli.output_choice import COLOURS, FORMATS, OutputChoice, make_writer
from skypeflux.cli.progress import ProgressLine
from skypeflux.cli.stats_option import StatsCollector, stats_option
from skypeflux.outputs.clock import FORMATS as TIME_FORMATS
from skypeflux.outputs.field_output import FieldsWriter
from skypeflux.outputs.filter_syntax import FilterSyntaxError
from skypeflux.outputs.filters import TRANSPORTS, RecordFilter, build_filter, reply_frames
from skypeflux.outputs.naming import UNIT_KINDS

F = TypeVar("F", bound=Callable[..., Any])


def filter_options(command: F) -> F:
    """-Y and the shorthands for it."""
    for option in reversed(
        [
            click.option(
                "-Y",
                "--filter",
                "expression",
                metavar="EXPR",
                help="Display filter, as in Wireshark: 'skypeflux.cmd == 36 && ip.addr == "
                "10.0.0.0/8' (skypeflux fields lists the names).",
            ),
            click.option(
                "--cmd",
                "commands",
                multiple=True,
                metavar="NUM|NAME",
                help="Only blocks of this command: a number, 0x.., or a name such as "
                "address_reply (case, - and _ and a trailing ? do not matter).",
            ),
            click.option(
                "--addr",
                "addresses",
                multiple=True,
                metavar="IP[/N][:PORT]",
                help="Only records from or to this address or network.",
            ),
            click.option("--verified", is_flag=True, help="Only records that were verified."),
            click.option(
                "--unverified",
                is_flag=True,
                help="Only records that failed verification (clear ACKs and notes are neither).",
            ),
            click.option(
                "--unit",
                "units",
                multiple=True,
                type=click.Choice(UNIT_KINDS),
                metavar="UNIT",
                help=f"Only this kind of unit ({', '.join(UNIT_KINDS)}).",
            ),
            click.option(
                "--transport",
                "transports",
                multiple=True,
                type=click.Choice(TRANSPORTS, case_sensitive=False),
                help="Only UDP or only TCP.",
            ),
            click.option(
                "--frame",
                "frames",
                multiple=True,
                metavar="N|N-M",
                help="Only records carried by these frames (N, N-M, N- or -M; from 1).",
            ),
        ]
    ):
        command = option(command)
    return command


def output_options(command: F) -> F:
    """tshark's output options."""
    for option in reversed(
        [
            click.option(
                "-T",
                "fmt",
                type=click.Choice(FORMATS),
                default=None,
                help="Output format: text (default), json (JSON lines), fields (-e).",
            ),
            click.option("--json", "as_json", is_flag=True, help="Same as -T json."),
            click.option(
                "-e", "fields", multiple=True, metavar="FIELD", help="A field for -T fields."
            ),
            click.option(
                "-E",
                "settings",
                multiple=True,
                metavar="KEY=VALUE",
                help="-T fields layout: header=y, separator=/t|/s|C, occurrence=f|l|a|N, "
                "aggregator=C, quote=d|s|n.",
            ),
            click.option("-V", "--verbose", is_flag=True, help="The object tree after each line."),
            click.option("--full", is_flag=True, help="With -V, blobs and long lists in full."),
            click.option(
                "-x", "hex_dump", is_flag=True, help="Hex and ASCII of the verified plaintext."
            ),
            click.option(
                "-t",
                "time_format",
                type=click.Choice(TIME_FORMATS),
                default="r",
                help="Time column: r relative (default), a/ad local time (and date), d delta, "
                "e epoch, u/ud UTC.",
            ),
            click.option(
                "--color",
                "--colour",
                "colour",
                type=click.Choice(COLOURS),
                default="auto",
                help="Colour the text lines by verdict (auto: when stdout is a terminal).",
            ),
            click.option(
                "-q",
                "quiet",
                is_flag=True,
                help="Print no records (with --stats: only the tables), as tshark -q.",
            ),
            click.option(
                "-c",
                "count",
                type=click.IntRange(min=1),
                default=None,
                metavar="N",
                help="Stop after N records shown.",
            ),
        ]
    ):
        command = option(command)
    return command


@click.command(
    epilog=DECODE_EPILOG,
    short_help="Every Skype unit, one line per command block; filters, fields, JSON, stats.",
)
@input_options
@filter_options
@output_options
@stats_option
@public_ip_option
@addresses_option
@limits_option
@progress_option
def decode(
    captures: tuple[str, ...],
    read_files: tuple[str, ...],
    concatenate: bool,
    expression: str | None,
    commands: tuple[str, ...],
    addresses: tuple[str, ...],
    verified: bool,
    unverified: bool,
    units: tuple[str, ...],
    transports: tuple[str, ...],
    frames: tuple[str, ...],
    fmt: str | None,
    as_json: bool,
    fields: tuple[str, ...],
    settings: tuple[str, ...],
    verbose: bool,
    full: bool,
    hex_dump: bool,
    time_format: str,
    colour: str,
    quiet: bool,
    count: int | None,
    stats: bool,
    public_ip: tuple[str, ...],
    addresses_file: str | None,
    no_progress: bool,
) -> None:
    """Print every Skype unit of CAPTURE..., one line per command block (tshark style).

    A datagram or TCP frame holding several command blocks gives one line per block, each with
    the frame, time and addresses repeated, so lines can be grepped and counted on their own.
    Several captures are decoded one after the other, or as one with --concatenate; none,
    or -, reads standard input.

    Filters (-Y and the shorthands) select records, and the blocks in them where they name a
    block field; different filters must all hold, a repeated one widens.
    """
    if as_json and fmt not in (None, "json"):
        raise click.UsageError(f"--json and -T {fmt} do not combine")
    choice = OutputChoice(
        "json" if as_json else fmt or "text",
        fields,
        settings,
        verbose,
        full,
        hex_dump,
        time_format,
        colour,
        json_flag=as_json,
        quiet=quiet,
    )
    verdicts = [wanted for wanted, given in ((True, verified), (False, unverified)) if given]
    try:
        record_filter = build_filter(
            commands=commands,
            addresses=addresses,
            verified=verdicts,
            units=units,
            transports=transports,
            frames=frames,
            expression=expression,
        )
    except FilterSyntaxError as exc:
        raise click.UsageError(f"-Y: {exc}") from None
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    names = capture_names(captures, read_files)
    runs = [names] if concatenate else [[name] for name in names]
    writer = make_writer(choice)
    collector = StatsCollector() if stats else None
    total = RunResult()
    codes: list[int] = []
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    for members in runs:
        name = run_name(members)
        decoder = make_decoder(read_addresses(addresses_file) + public_ip)
        writer.origin = None  # times count from each capture's first packet
        if choice.fmt == "text" and len(runs) > 1 and not quiet:
            echo_out(f"# {name}")
        left = None if count is None else count - total.shown
        with user_errors(progress):
            require_stdout()
            source = open_run(members)
            run_filter = record_filter
            fields_need = isinstance(writer, FieldsWriter) and writer.needs_replies
            if record_filter.needs_replies or fields_need:
                source = rereadable_run(source)
                first = make_decoder(read_addresses(addresses_file) + public_ip)
                replies = reply_frames(first.run(source))
                rewind_run(source)
                run_filter = dataclasses.replace(record_filter, replies=replies)
                if isinstance(writer, FieldsWriter):
                    writer.replies = replies
            result = decode_to_stdout(
                decoder,
                source,
                run_filter,
                progress,
                writer,
                left,
                collector.see if collector is not None else None,
            )
        if result.limited:  # -c: the run stopped early, so its end-of-run counts are partial
            codes.append(EXIT_OK)
        else:
            codes.append(finish_run(decoder, name, summary=choice.fmt != "json" and not quiet))
        if collector is not None:
            collector.add_run(decoder)
        total.found |= result.found
        total.shown += result.shown
        if result.limited:
            break
    if total.found and not total.shown:
        hint_nothing_matched(record_filter)
    if collector is not None:
        with user_errors(), writing():  # a full disk here is an output error too
            collector.report(sys.stderr if choice.fmt != "text" and not quiet else sys.stdout)
    raise click.exceptions.Exit(best_code(codes))


def rereadable_run(source: BinaryIO | CaptureFiles) -> BinaryIO | CaptureFiles:
    """:func:`rereadable` for one capture or for each stream of several."""
    if isinstance(source, CaptureFiles):
        return CaptureFiles(
            tuple(
                part if isinstance(part, str | os.PathLike) else rereadable(part)
                for part in source.parts
            )
        )
    return rereadable(source)


def rewind_run(source: BinaryIO | CaptureFiles) -> None:
    for part in source.parts if isinstance(source, CaptureFiles) else (source,):
        if not isinstance(part, str | os.PathLike):
            part.seek(0)


def rereadable(source: BinaryIO) -> BinaryIO:
    """A source that can be read twice: a seekable one as it is, standard input or a pipe copied
    to an anonymous temporary file first (a filter on skypeflux.reply_in_frame needs one pass to
    learn which requests are answered, and the second to show them)."""
    try:
        if source.seekable():
            source.seek(0)
            return source
    except (OSError, ValueError):
        pass
    name = str(getattr(source, "name", "<stdin>"))
    ctx = click.get_current_context()
    spool = ctx.with_resource(spooled(source, name))  # closed with the command
    spool.seek(0)
    return spool


def best_code(codes: list[int]) -> int:
    """Several captures: success when one had verified Skype traffic, else the best of the rest
    (7, Skype found but nothing verified, before 1, no Skype at all)."""
    for code in (EXIT_OK, EXIT_UNVERIFIED, EXIT_NO_SKYPE):
        if code in codes:
            return code
    return EXIT_NO_SKYPE


def hint_nothing_matched(record_filter: RecordFilter) -> None:
    """A filter naming a command no table knows may be a typo: say so (a number is still
    taken as it is, since a capture may hold commands nobody named)."""
    unknown = record_filter.unknown_commands()
    if unknown:
        numbers = ", ".join(str(number) for number in unknown)
        click.echo(
            f"skypeflux: nothing matched; command {numbers} is in no name table and not in this "
            "capture (skypeflux names lists the known commands)",
            err=True,
        )
