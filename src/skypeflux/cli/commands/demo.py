"""``skypeflux demo``: build the nat-login scenario in memory and decode it, or a given file.

The demo needs nothing beside the installed package: the synthesizer makes a capture of a
client behind NAT logging in (probes, NAck, resend, TCP session, a fragmented reply), and the
normal pipeline decodes it, as ``skypeflux decode`` would a file.
"""

from __future__ import annotations

import io
import sys
from typing import BinaryIO

import click

from skypeflux.capture.synth import load_scenario, synthesize
from skypeflux.cli.errors import user_errors
from skypeflux.cli.options import decode_to_stdout, make_decoder, open_source, progress_option
from skypeflux.cli.outcome import finish_run
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.filters import RecordFilter
from skypeflux.outputs.flows import format_flows_table
from skypeflux.outputs.text_printer import TextPrinter

DEMO_SCENARIO = "nat-login"
DEMO_SEED = 1


@click.command(short_help="Decode a capture synthesized on the spot (or --capture), list flows.")
@click.option("-V", "--verbose", is_flag=True, help="Print the object tree after each line.")
@click.option(
    "--capture",
    metavar="FILE",
    help="Decode this capture instead of the built-in one (e.g. Wireshark's SkypeIRC.cap).",
)
@progress_option
def demo(verbose: bool, capture: str | None, no_progress: bool) -> None:
    """Decode a capture synthesized on the spot (nat-login), then list its flows."""
    decoder = make_decoder((), keep_flows=True)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with user_errors(progress):
        if capture is None:
            built = synthesize(load_scenario(DEMO_SCENARIO), DEMO_SEED)
            memory = io.BytesIO()
            built.write(memory, "pcapng")
            memory.seek(0)
            source: str | BinaryIO = memory
            name = f"synthesized {DEMO_SCENARIO} (skypeflux synth {DEMO_SCENARIO} --seed 1)"
        else:
            source = open_source(capture)
            name = capture
        click.echo(f"# skypeflux decode {name}")
        writer = TextPrinter(sys.stdout, verbose=verbose)
        decode_to_stdout(decoder, source, RecordFilter(), progress, writer)
        click.echo(f"\n# skypeflux flows {name}")
        click.echo(format_flows_table(decoder.flows), nl=False)
    raise click.exceptions.Exit(finish_run(decoder, name, summary=True))
