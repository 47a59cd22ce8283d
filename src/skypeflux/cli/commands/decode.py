"""``skypeflux decode``: every Skype unit of a capture, tshark style or as JSON lines."""

from __future__ import annotations

import sys

import click

from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK, user_errors
from skypeflux.cli.help_text import EPILOG
from skypeflux.cli.options import (
    decode_to_stdout,
    make_decoder,
    open_source,
    progress_option,
    public_ip_option,
    say_no_skype,
)
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.filter_syntax import FilterSyntaxError
from skypeflux.outputs.filters import TRANSPORTS, RecordFilter, build_filter
from skypeflux.outputs.jsonl import JsonLinesWriter
from skypeflux.outputs.naming import UNIT_KINDS
from skypeflux.outputs.text import TextWriter


@click.command(epilog=EPILOG)
@click.argument("capture", metavar="CAPTURE")
@click.option("-V", "--verbose", is_flag=True, help="Print the object tree after each line.")
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="JSON lines, one object per record, each with its whole object tree (so -V and "
    "--full do not apply).",
)
@click.option("--full", is_flag=True, help="With -V, show blobs and long lists in full.")
@public_ip_option
@click.option(
    "-Y",
    "--filter",
    "expression",
    metavar="EXPR",
    help="Display filter over the fields, as in Wireshark: skypeflux.cmd == 36 && "
    "ip.addr == 10.0.0.0/8; skypeflux fields lists the names.",
)
@click.option(
    "--cmd",
    "commands",
    multiple=True,
    metavar="NUM|NAME",
    help="Only blocks of this command: a number, 0x.., or a name such as address_reply "
    "(case, - and _ and a trailing ? do not matter). Repeatable.",
)
@click.option(
    "--addr",
    "addresses",
    multiple=True,
    metavar="IP[/N][:PORT]",
    help="Only records from or to this address or network (CIDR). Repeatable.",
)
@click.option(
    "--verified", "verified", is_flag=True, help="Only records whose decryption was verified."
)
@click.option(
    "--unverified",
    "unverified",
    is_flag=True,
    help="Only records that failed verification (clear ACKs and notes are neither).",
)
@click.option(
    "--unit",
    "units",
    multiple=True,
    type=click.Choice(UNIT_KINDS),
    metavar="UNIT",
    help=f"Only this kind of unit ({', '.join(UNIT_KINDS)}). Repeatable.",
)
@click.option(
    "--transport",
    "transports",
    multiple=True,
    type=click.Choice(TRANSPORTS, case_sensitive=False),
    help="Only UDP or only TCP.",
)
@click.option(
    "--frame",
    "frames",
    multiple=True,
    metavar="N|N-M",
    help="Only records carried by these frames (N, N-M, N- or -M; frames count from 1). "
    "Repeatable.",
)
@progress_option
def decode(
    capture: str,
    verbose: bool,
    as_json: bool,
    full: bool,
    public_ip: tuple[str, ...],
    expression: str | None,
    commands: tuple[str, ...],
    addresses: tuple[str, ...],
    verified: bool,
    unverified: bool,
    units: tuple[str, ...],
    transports: tuple[str, ...],
    frames: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Print every Skype unit of CAPTURE, one line per command block (tshark style).

    A datagram or TCP frame holding several command blocks gives one line per block, each with
    the frame, time and addresses repeated, so lines can be grepped and counted on their own.
    Filters (-Y and the shorthands) select records, and the blocks in them where they name a
    block field; different filters must all hold, a repeated one widens.
    """
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
    check_output_options(as_json, verbose, full)
    decoder = make_decoder(public_ip)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with user_errors(progress):
        writer = JsonLinesWriter(sys.stdout) if as_json else TextWriter(
            sys.stdout, verbose=verbose, full=full
        )
        result = decode_to_stdout(decoder, open_source(capture), record_filter, progress, writer)
    if not result.found:
        say_no_skype(decoder, capture)
    elif not result.shown:
        hint_nothing_matched(record_filter)
    raise click.exceptions.Exit(EXIT_OK if result.found else EXIT_NO_SKYPE)


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


def check_output_options(as_json: bool, verbose: bool, full: bool) -> None:
    """Options that would change nothing are refused, not silently ignored."""
    if as_json and (verbose or full):
        option = "-V" if verbose else "--full"
        raise click.UsageError(
            f"--json and {option} do not combine: every JSON line already carries the whole "
            "object tree (-V and --full shape the text output)"
        )
    if full and not verbose:
        raise click.UsageError("--full only changes the -V object tree; add -V")
