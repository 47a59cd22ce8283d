"""``skypeflux demo``: decode the example capture."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK, EXIT_UNREADABLE, Failure, fail, user_errors
from skypeflux.cli.options import decode_to_stdout, make_decoder, progress_option
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.filters import RecordFilter
from skypeflux.outputs.flows import format_flows_table
from skypeflux.outputs.text import TextWriter

DEMO_CAPTURE = Path("captures") / "SkypeIRC.cap"


def find_demo_capture(start: Path | None = None) -> Path | None:
    """SkypeIRC.cap in ../shared from the current directory, or beside this package's repo."""
    roots: list[Path] = []
    env = os.environ.get("SKYPEFLUX_SHARED")
    if env:
        roots.append(Path(env))
    here = start or Path.cwd()
    roots += [here.parent / "shared", here / "shared"]
    repo = Path(__file__).resolve().parents[4]  # the repository root
    roots.append(repo.parent / "shared")
    for root in roots:
        candidate = root / DEMO_CAPTURE
        if candidate.is_file():
            return candidate
    return None


@click.command(short_help="Decode the example capture SkypeIRC.cap, then list its flows.")
@click.option("-V", "--verbose", is_flag=True, help="Print the object tree after each line.")
@progress_option
def demo(verbose: bool, no_progress: bool) -> None:
    """Decode the example capture SkypeIRC.cap (Wireshark's sample), then list its flows."""
    capture = find_demo_capture()
    if capture is None:
        fail(
            Failure(
                EXIT_UNREADABLE,
                "the example capture ../shared/captures/SkypeIRC.cap was not found; "
                "pass a capture instead: skypeflux decode SkypeIRC.cap",
            )
        )
    decoder = make_decoder(())
    click.echo(f"# skypeflux decode {capture}")
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with user_errors(progress):
        writer = TextWriter(sys.stdout, verbose=verbose)
        found = decode_to_stdout(decoder, str(capture), RecordFilter(), progress, writer).found
        click.echo(f"\n# skypeflux flows {capture}")
        click.echo(format_flows_table(decoder.flows), nl=False)
    raise click.exceptions.Exit(EXIT_OK if found else EXIT_NO_SKYPE)
