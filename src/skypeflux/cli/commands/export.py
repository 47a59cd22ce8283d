"""``skypeflux export``: a pcapng with every verified unit decrypted (Exported PDUs)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from itertools import chain

import click

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.capture_set import CaptureFiles
from skypeflux.capture.records import Record
from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK, OutputFailure, safe_text, say, user_errors
from skypeflux.cli.help_text import COMMAND_EPILOG
from skypeflux.cli.options import (
    decoded,
    limits_option,
    make_decoder,
    one_capture,
    one_capture_argument,
    progress_option,
    public_ip_option,
)
from skypeflux.cli.outcome import say_no_skype
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.export import SpoolError, write_export


@click.command(
    epilog=COMMAND_EPILOG,
    short_help="Write a pcapng with every verified unit decrypted, for Wireshark.",
)
@one_capture_argument
@click.option(
    "-o", "--output", "output", required=True, metavar="OUT.pcapng", help="The pcapng to write."
)
@click.option(
    "--with-other",
    "with_other",
    is_flag=True,
    help="Interleave the capture's other packets, untouched (not with - as CAPTURE).",
)
@public_ip_option
@limits_option
@progress_option
def export(
    captures: tuple[str, ...],
    concatenate: bool,
    output: str,
    with_other: bool,
    public_ip: tuple[str, ...],
    no_progress: bool,
) -> None:
    """Write OUT.pcapng: every verified unit of CAPTURE decrypted, as Wireshark Exported PDUs
    with the original addresses, ports, timestamps and frame numbers.

    Wireshark shows the plaintext bytes as they are, and the full command and object tree with
    the plugin (skypeflux wireshark install).
    """
    members, capture = one_capture(captures, concatenate)
    if with_other and not all(m != "-" and os.path.isfile(m) for m in members):
        raise click.BadParameter(
            "needs capture files to read again (not standard input or a FIFO)",
            param_hint="--with-other",
        )
    others = members[0] if len(members) == 1 else CaptureFiles(tuple(members))
    decoder = make_decoder(public_ip)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with user_errors(progress):
        records = decoded(decoder, members, progress)
        first = next(records, None)  # nothing is written for a capture without Skype
        if first is None:
            say_no_skype(decoder, capture)
            raise click.exceptions.Exit(EXIT_NO_SKYPE)
        try:  # streamed: units are written (or, with --with-other, spooled) as they come
            counts = write_export(
                output,
                _reading(chain([first], records)),
                others_from=others if with_other else None,
            )
        except _ReadFailure as failure:  # the capture, not OUT: said as decode says it
            raise failure.error from None
        except SpoolError as exc:
            raise OutputFailure(f"{safe_text(output)}: {exc.strerror}") from None
        except CaptureError as exc:  # a value the pcapng format cannot hold (a crafted time)
            raise OutputFailure(f"{safe_text(output)}: cannot write: {exc}") from None
        except OSError as exc:
            reason = (exc.strerror or str(exc)).lower()
            raise OutputFailure(f"{safe_text(output)}: cannot write: {reason}") from None
        also = f" and {counts.others} other packets" if with_other else ""
        say(f"skypeflux: wrote {counts.units} decrypted units{also} to {output}")
    raise click.exceptions.Exit(EXIT_OK)


class _ReadFailure(Exception):
    """The capture failed while the export was being written: not the export's fault."""

    def __init__(self, error: CaptureError | OSError) -> None:
        super().__init__(str(error))
        self.error = error


def _reading(records: Iterator[Record]) -> Iterator[Record]:
    """The records, with a failure to read the capture told apart from one to write OUT."""
    try:
        yield from records
    except (CaptureError, OSError) as exc:
        raise _ReadFailure(exc) from exc
