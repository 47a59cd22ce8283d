"""``skypeflux decode``: every Skype unit of a capture, tshark style or as JSON lines."""

from __future__ import annotations

import sys

import click

from skypeflux.cli.errors import user_errors
from skypeflux.cli.help_text import EPILOG
from skypeflux.cli.options import (
    addresses_option,
    decode_to_stdout,
    limits_option,
    make_decoder,
    open_source,
    progress_option,
    public_ip_option,
    read_addresses,
    require_stdout,
)
from skypeflux.cli.outcome import finish_run
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.filters import TRANSPORTS, build_filter
from skypeflux.outputs.naming import UNIT_KINDS


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
@addresses_option
@click.option(
    "--cmd",
    "commands",
    multiple=True,
    metavar="NUM|NAME",
    help="Only records with a block of this command: a number, 0x.., or a name such as "
    "address_reply (case, - and _ and a trailing ? do not matter). Repeatable.",
)
@click.option(
    "--addr",
    "addresses",
    multiple=True,
    metavar="IP[:PORT]",
    help="Only records from or to this address. Repeatable.",
)
@click.option(
    "--verified/--unverified",
    "verified",
    default=None,
    help="Only verified records, or only those that failed verification (clear ACKs and "
    "notes are neither).",
)
@click.option(
    "--unit",
    "units",
    multiple=True,
    type=click.Choice(UNIT_KINDS),
    metavar="UNIT",
    help=f"Only this kind of unit ({', '.join(UNIT_KINDS)}). Repeatable.",
)
@click.option("--transport", type=click.Choice(TRANSPORTS), help="Only UDP or only TCP.")
@click.option(
    "--frame",
    "frames",
    metavar="N|N-M",
    help="Only records carried by these frames (N, N-M, N- or -M; frames count from 1).",
)
@limits_option
@progress_option
def decode(
    capture: str,
    verbose: bool,
    as_json: bool,
    full: bool,
    public_ip: tuple[str, ...],
    addresses_file: str | None,
    commands: tuple[str, ...],
    addresses: tuple[str, ...],
    verified: bool | None,
    units: tuple[str, ...],
    transport: str | None,
    frames: str | None,
    no_progress: bool,
) -> None:
    """Print every Skype unit of CAPTURE, one line per command block (tshark style).

    A datagram or TCP frame holding several command blocks gives one line per block, each with
    the frame, time and addresses repeated, so lines can be grepped and counted on their own.
    Filters select whole records; different filters must all hold, a repeated one widens.
    """
    try:
        record_filter = build_filter(
            commands=commands,
            addresses=addresses,
            verified=verified,
            units=units,
            transport=transport,
            frames=frames,
        )
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    check_output_options(as_json, verbose, full)
    decoder = make_decoder(read_addresses(addresses_file) + public_ip)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with user_errors(progress):
        require_stdout()
        decode_to_stdout(
            decoder, open_source(capture), record_filter, progress, as_json, verbose, full
        )
    raise click.exceptions.Exit(finish_run(decoder, capture, summary=not as_json))


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
