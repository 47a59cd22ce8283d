"""Where ``decode`` reads from: CAPTURE arguments, ``-r FILE`` (tshark's habit), or stdin.

Several captures are decoded in the order given (arguments first, then each ``-r``), each on
its own, or as one capture with ``--concatenate``; none at all reads standard input when it is
not a terminal, as ``decode < file`` and ``tcpdump -w - | ...`` expect. A terminal on stdin with
no capture is a usage error rather than a silent wait.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def input_options(command: F) -> F:
    command = click.option(
        "-r",
        "--read-file",
        "read_files",
        multiple=True,
        metavar="FILE",
        help="A capture to read (tshark's -r); repeatable, like CAPTURE.",
    )(command)
    command = click.option(
        "--concatenate",
        is_flag=True,
        help="Read the captures as one, one after the other, as mergecap -a joins them (the "
        "pieces of a ring buffer, tcpdump -C or -G): frames are numbered on, and TCP streams, "
        "messages and learned addresses carry across the files.",
    )(command)
    return click.argument("captures", nargs=-1, metavar="[CAPTURE]...")(command)


def stdin_is_terminal() -> bool:
    stream = sys.stdin
    return bool(getattr(stream, "isatty", None) and stream.isatty())


def capture_names(captures: tuple[str, ...], read_files: tuple[str, ...]) -> list[str]:
    names = [*captures, *read_files]
    if names:
        if names.count("-") > 1:
            raise click.UsageError("standard input (-) can be read only once")
        return names
    if stdin_is_terminal():
        raise click.UsageError(
            "no capture given: name one (or -r FILE), or pipe one in (skypeflux decode < file)"
        )
    return ["-"]
