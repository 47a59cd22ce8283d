"""Exit codes and the one error format of the command line.

Exit codes (also in ``skypeflux --help``):

* 0: the run worked and found Skype traffic (or the reader of a pipe stopped early, as in
  ``| head``: like ripgrep, a closed pipe is not an error of ours);
* 1: the run worked but the capture holds nothing Skype (like ``grep`` finding no match, so a
  script can tell "no Skype here" from "decoded"); filters that select nothing do not count, the
  capture did hold Skype traffic;
* 2: usage error (click's convention), including a bad ``SKYPEFLUX_BACKEND`` or
  ``SKYPEFLUX_OBJECTS_BACKEND`` (the environment is part of how the command was called);
* 3: the capture file is missing or unreadable;
* 4: not a capture, unsupported link type, or truncated beyond use;
* 5: internal error, a bug of ours: one line asking to report it (the traceback only with
  ``SKYPEFLUX_DEBUG=1``), so a script can tell our failure from its own mistakes;
* 6: the output cannot be written (standard output closed, a full disk, an I/O error): the
  results are lost, so this must never read as success (a closed *pipe* is still 0, above);
* 7: Skype traffic found, but not one unit of it verified (unverified or clear units only:
  typically a NATed host whose public address nothing in the capture proves; the summary on
  stderr says which host and how to supply the address);
* 130: interrupted (Ctrl-C), the shell's convention, so it never reads as "no Skype" (1).

Every error is ``skypeflux: error: ...`` on stderr, usage errors included (click's own
``Error: ...`` format is replaced, see :class:`SkypefluxGroup`); a usage error ends with where
the help is, on the same line. No tracebacks for a user's mistake. Text from outside (file names,
messages that quote them) is shown with control characters escaped (:func:`safe_text`), so a
hostile file name cannot move the cursor or recolour the terminal.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, NoReturn

import click

from skypeflux.capture.errors import CaptureError
from skypeflux.cli.progress import ProgressLine

EXIT_OK = 0
EXIT_NO_SKYPE = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_NOT_A_CAPTURE = 4
EXIT_INTERNAL = 5
EXIT_OUTPUT = 6
EXIT_UNVERIFIED = 7
EXIT_INTERRUPTED = 130

DEBUG_ENV = "SKYPEFLUX_DEBUG"


class Failure(Exception):
    """A user-facing error with its exit code; printed as one line, no traceback."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


class OutputFailure(Failure):
    """Writing the results failed: exit code 6 (see the module docstring)."""

    def __init__(self, message: str) -> None:
        super().__init__(EXIT_OUTPUT, message)


def safe_text(text: str) -> str:
    """``text`` with control characters (C0 but tab, DEL, C1) escaped as ``\\xNN``."""
    if text.isprintable():
        return text
    return "".join(
        ch
        if ch.isprintable() or ch == "\t"
        else f"\\x{ord(ch):02x}"
        if ord(ch) < 0x100
        else f"\\u{ord(ch):04x}"
        for ch in text
    )


def say(message: str) -> None:
    """One line on standard error, escaped; quiet when standard error itself is gone."""
    with contextlib.suppress(OSError, ValueError):  # nowhere left to report anything
        click.echo(safe_text(message), err=True)


def fail(failure: Failure) -> NoReturn:
    say(f"skypeflux: error: {failure}")
    raise click.exceptions.Exit(failure.code)


def output_failure(exc: OSError) -> OutputFailure:
    reason = exc.strerror or str(exc) or type(exc).__name__
    return OutputFailure(f"cannot write the output: {reason.lower()}")


def output_error(exc: OSError) -> NoReturn:
    """An I/O error writing click's own output (help, version, usage): exit code 6, or 0 for a
    reader that closed the pipe early."""
    silence_stdout()
    if isinstance(exc, BrokenPipeError):
        raise click.exceptions.Exit(EXIT_OK)
    fail(output_failure(exc))


class _Writing:
    """Around writes to standard output: an I/O error there is an output failure (exit 6),
    not "cannot read the capture"; a closed pipe stays what it is. A class, not a
    contextlib generator: it wraps every record written."""

    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, _tb: Any
    ) -> None:
        if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):
            raise output_failure(exc) from None


_WRITING = _Writing()


def writing() -> _Writing:
    """The context for writes to standard output (see :class:`_Writing`)."""
    return _WRITING


class StyledUsageError(click.UsageError):
    """A click usage error shown in this tool's format: one line, ending with where the help is."""

    def show(self, file: IO[Any] | None = None) -> None:
        where = ""
        if self.ctx is not None:
            where = f" (see '{self.ctx.command_path} {self.ctx.help_option_names[0]}')"
        click.echo(f"skypeflux: error: {self.format_message()}{where}", file=file, err=True)


def restyled(exc: click.ClickException) -> NoReturn:
    """Re-raise a click error so that click shows it in this tool's format."""
    if type(exc).show not in (click.ClickException.show, click.UsageError.show):
        raise exc  # ours, or one with its own display (``skypeflux`` alone prints the help)
    if isinstance(exc, click.UsageError):
        raise StyledUsageError(exc.format_message(), exc.ctx) from None
    # Any other click error (none is raised today): one line, click's exit code.
    click.echo(f"skypeflux: error: {exc.format_message()}", err=True)
    raise click.exceptions.Exit(exc.exit_code) from None


def internal_error(exc: BaseException) -> NoReturn:
    """A bug: one line that says so and asks for a report, the traceback only on request."""
    what = " / ".join(str(exc).split("\n")) or "(no message)"
    click.echo(
        f"skypeflux: internal error: {type(exc).__name__}: {what}; this is a bug in skypeflux, "
        f"please report it with the command line (set {DEBUG_ENV}=1 for the traceback)",
        err=True,
    )
    if os.environ.get(DEBUG_ENV, "").strip() not in ("", "0"):
        click.echo(traceback.format_exc().rstrip("\n"), err=True)
    raise click.exceptions.Exit(EXIT_INTERNAL)


def as_failure(exc: Exception) -> Failure:
    """The exit code and message for an error a user can act on."""
    if isinstance(exc, Failure):
        return exc
    if isinstance(exc, CaptureError):
        cause = exc.__cause__ or exc.__context__
        code = EXIT_UNREADABLE if isinstance(cause, OSError) else EXIT_NOT_A_CAPTURE
        return Failure(code, str(exc))
    if isinstance(exc, OSError):
        return Failure(EXIT_UNREADABLE, f"cannot read the capture: {exc.strerror or exc}")
    raise exc


@contextmanager
def user_errors(progress: ProgressLine | None = None) -> Iterator[None]:
    """Turn capture errors into one-line messages and a closed stdout into a quiet exit."""
    try:
        yield
    except BrokenPipeError:
        silence_stdout()
        raise click.exceptions.Exit(EXIT_OK) from None
    except OutputFailure as exc:
        silence_stdout()  # what is still buffered must not fail again at exit
        if progress is not None:
            progress.clear()
        fail(exc)
    except (Failure, CaptureError, OSError) as exc:
        if progress is not None:
            progress.clear()
        fail(as_failure(exc))
    except BaseException:
        if progress is not None:
            progress.clear()  # the message that follows must not share a line with it
        raise


def silence_stdout() -> None:
    """After the reader closed the pipe, point stdout at /dev/null so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests): nothing will flush into a closed pipe
