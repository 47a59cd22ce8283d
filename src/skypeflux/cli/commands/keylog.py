"""``skypeflux keylog``: the key log the Wireshark plugin decrypts a capture with."""

from __future__ import annotations

import sys

import click

from skypeflux.cli.errors import (
    EXIT_NO_SKYPE,
    EXIT_OK,
    OutputFailure,
    safe_text,
    say,
    user_errors,
    writing,
)
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
from skypeflux.cli.outcome import say_no_skype
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.keylog import KeyLog


@click.command(
    epilog=COMMAND_EPILOG,
    short_help="Write the key log: one RC4 key per verified unit, for the plugin.",
)
@one_capture_argument
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    metavar="FILE",
    help="Where to write the key log (- for standard output).",
)
@public_ip_option
@limits_option
@progress_option
def keylog(
    captures: tuple[str, ...],
    concatenate: bool,
    output: str,
    public_ip: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Write the key log for CAPTURE: one RC4 key per verified seed, and public addresses.

    Point Wireshark's preference skypeflux.keylog at FILE (with the plugin from `skypeflux
    wireshark install`) to see every verified unit decrypted. Only verified units are covered.
    """
    members, capture = one_capture(captures, concatenate)
    decoder = make_decoder(public_ip)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    log = KeyLog()
    found = False
    with user_errors(progress):
        if output == "-":
            require_stdout()
        for record in decoded(decoder, members, progress):
            found = True
            log.add(record)
        if not found:
            say_no_skype(decoder, capture)
            raise click.exceptions.Exit(EXIT_NO_SKYPE)
        text = log.text()
        if output == "-":
            echo_out(text, nl=False)
            with writing():
                sys.stdout.flush()
        else:
            try:
                with open(output, "w", encoding="ascii") as fh:
                    fh.write(text)
            except OSError as exc:
                reason = (exc.strerror or str(exc)).lower()
                raise OutputFailure(f"{safe_text(output)}: cannot write: {reason}") from None
            say(f"skypeflux: wrote {len(log.seeds)} keys ({log.units} verified units) to {output}")
    raise click.exceptions.Exit(EXIT_OK)
