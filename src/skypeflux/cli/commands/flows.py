"""``skypeflux flows``: one line per Skype flow of a capture."""

from __future__ import annotations

import json
import sys

import click

from skypeflux.cli.errors import user_errors, writing
from skypeflux.cli.help_text import COMMAND_EPILOG
from skypeflux.cli.options import (
    decoded,
    echo_out,
    limits_option,
    make_decoder,
    one_capture,
    one_capture_argument,
    progress_option,
    public_ip_option,
    require_stdout,
)
from skypeflux.cli.outcome import finish_run
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.flows import flow_to_json, format_flows_table


@click.command(
    epilog=COMMAND_EPILOG,
    short_help="One line per Skype flow: endpoints, frames, verified units, status.",
)
@one_capture_argument
@click.option("--json", "as_json", is_flag=True, help="JSON lines, one object per flow.")
@public_ip_option
@limits_option
@progress_option
def flows(
    captures: tuple[str, ...],
    concatenate: bool,
    as_json: bool,
    public_ip: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Summarise the Skype flows of CAPTURE: endpoints, units (verified, unverified, clear),
    blocks, traffic (packets, bytes, first time, duration, as tshark -z conv) and status.

    The counts are exactly those of the records `decode` shows for the same capture."""
    members, capture = one_capture(captures, concatenate)
    decoder = make_decoder(public_ip, keep_flows=True)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with user_errors(progress):
        require_stdout()
        for _record in decoded(decoder, members, progress):
            pass
        table = decoder.flows
        if table and as_json:
            for flow in table:
                echo_out(json.dumps(flow_to_json(flow), separators=(",", ":")))
        elif table:
            echo_out(format_flows_table(table), nl=False)
        with writing():
            sys.stdout.flush()
    raise click.exceptions.Exit(finish_run(decoder, capture, summary=False))
