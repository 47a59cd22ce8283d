"""The ``skypeflux`` command: decode, flows, demo.

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
* 130: interrupted (Ctrl-C), the shell's convention, so it never reads as "no Skype" (1).

Every error is ``skypeflux: error: ...`` on stderr, usage errors included (click's own
``Error: ...`` format is replaced, see :class:`SkypefluxGroup`); a usage error adds one line
saying where the help is. No tracebacks for a user's mistake.
"""

from __future__ import annotations

import ipaddress
import json
import os
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, BinaryIO, NoReturn

import click

from skypeflux import __version__, crypto, objects
from skypeflux.capture.errors import CaptureError
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import Record
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.filters import TRANSPORTS, RecordFilter, build_filter
from skypeflux.outputs.flows import flow_to_json, format_flows_table
from skypeflux.outputs.jsonl import JsonLinesWriter
from skypeflux.outputs.naming import UNIT_KINDS
from skypeflux.outputs.text import TextWriter

EXIT_OK = 0
EXIT_NO_SKYPE = 1
EXIT_USAGE = 2
EXIT_UNREADABLE = 3
EXIT_NOT_A_CAPTURE = 4
EXIT_INTERNAL = 5
EXIT_INTERRUPTED = 130

DEBUG_ENV = "SKYPEFLUX_DEBUG"

DEMO_CAPTURE = Path("captures") / "SkypeIRC.cap"

_EPILOG = """\b
Examples:
  skypeflux decode SkypeIRC.cap
  skypeflux decode SkypeIRC.cap -V --cmd 36
  skypeflux decode SkypeIRC.cap --json | jq 'select(."skypeflux.verified")'
  skypeflux decode home.pcap --public-ip 192.168.1.2=86.128.245.115
  tcpdump -w - udp | skypeflux decode -
  skypeflux flows SkypeIRC.cap

\b
Exit codes:
  0    decoded (or the reader of a pipe stopped early)
  1    the capture holds no Skype traffic
  2    usage error, or a bad SKYPEFLUX_BACKEND / SKYPEFLUX_OBJECTS_BACKEND
  3    capture missing or unreadable
  4    not a capture, unsupported link type, or truncated beyond use
  5    internal error (a bug: please report it)
  130  interrupted

\b
Environment:
  SKYPEFLUX_BACKEND          crypto back end: fast (C, the default when built) or pure
  SKYPEFLUX_OBJECTS_BACKEND  0x42 range coder: fast (C, the default when built) or pure
  SKYPEFLUX_DEBUG=1          print the traceback of an internal error
  SKYPEFLUX_SHARED           folder holding captures/SkypeIRC.cap, for demo
"""


class Failure(Exception):
    """A user-facing error with its exit code; printed as one line, no traceback."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code


def _fail(failure: Failure) -> NoReturn:
    click.echo(f"skypeflux: error: {failure}", err=True)
    raise click.exceptions.Exit(failure.code)


class _UsageError(click.UsageError):
    """A click usage error shown in this tool's format: the error, then where the help is."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"skypeflux: error: {self.format_message()}", file=file, err=True)
        if self.ctx is not None:
            hint = f"{self.ctx.command_path} {self.ctx.help_option_names[0]}"
            click.echo(f"Try '{hint}' for help.", file=file, err=True)


def _restyled(exc: click.ClickException) -> NoReturn:
    """Re-raise a click error so that click shows it in this tool's format."""
    if type(exc).show not in (click.ClickException.show, click.UsageError.show):
        raise exc  # ours, or one with its own display (``skypeflux`` alone prints the help)
    if isinstance(exc, click.UsageError):
        raise _UsageError(exc.format_message(), exc.ctx) from None
    # Any other click error (none is raised today): one line, click's exit code.
    click.echo(f"skypeflux: error: {exc.format_message()}", err=True)
    raise click.exceptions.Exit(exc.exit_code) from None


def _internal_error(exc: BaseException) -> NoReturn:
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


class SkypefluxGroup(click.Group):
    """The command group, with one error format and an exit code for every way a run can end.

    click shows usage errors as ``Error: ...`` and lets any other exception escape as a
    traceback. Catching both here, around parsing and around the subcommands, covers every
    entry point (the console script, ``python -m``, click's test runner) in one place.
    """

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            _restyled(exc)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            _restyled(exc)
        except (click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise  # ordinary ends: an exit code chosen on purpose, a closed pipe
        except KeyboardInterrupt:
            click.echo("skypeflux: interrupted", err=True)
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except Exception as exc:  # the last line of defence: reported as a bug
            _internal_error(exc)


def parse_public_ip(text: str) -> tuple[str | None, str]:
    """``[PRIVATE=]PUBLIC`` -> (private or None for every private host, public)."""
    private, sep, public = text.partition("=")
    if not sep:
        private, public = "", text
    try:
        public = str(ipaddress.IPv4Address(public.strip()))
        host = str(ipaddress.IPv4Address(private.strip())) if sep else None
    except ValueError:
        raise ValueError(f"expected [PRIVATE=]PUBLIC with IPv4 addresses, got {text!r}") from None
    return host, public


def _public_ips(values: tuple[str, ...]) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for text in values:
        try:
            host, public = parse_public_ip(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--public-ip") from None
        out[host] = public
    return out


def _source(capture: str) -> str | BinaryIO:
    """The capture as the pipeline takes it; unreadable files fail here with exit code 3."""
    if capture == "-":
        return sys.stdin.buffer
    try:
        with open(capture, "rb"):
            pass
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise Failure(EXIT_UNREADABLE, f"{capture}: cannot read: {reason}") from None
    return capture


def _as_failure(exc: Exception) -> Failure:
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
def _user_errors(progress: ProgressLine | None = None) -> Iterator[None]:
    """Turn capture errors into one-line messages and a closed stdout into a quiet exit."""
    try:
        yield
    except BrokenPipeError:
        _silence_stdout()
        raise click.exceptions.Exit(EXIT_OK) from None
    except (Failure, CaptureError, OSError) as exc:
        if progress is not None:
            progress.clear()
        _fail(_as_failure(exc))
    except BaseException:
        if progress is not None:
            progress.clear()  # the message that follows must not share a line with it
        raise


def _silence_stdout() -> None:
    """After the reader closed the pipe, point stdout at /dev/null so the final flush is quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass  # not a real file (tests): nothing will flush into a closed pipe


def _check_backends() -> None:
    """Resolve both back ends before decoding: a bad environment variable is the user's to fix,
    and deeper down it would be caught as a per-unit decoding failure and read as bad data."""
    try:
        crypto.backend_name()
        objects.backend_name()
    except (crypto.CryptoError, objects.ObjectsError) as exc:
        _fail(Failure(EXIT_USAGE, str(exc)))


def _decoder(public_ip: tuple[str, ...]) -> Decoder:
    _check_backends()
    return Decoder(DecodeOptions(public_ips=_public_ips(public_ip), try_seen_addresses=True))


def _say_no_skype(decoder: Decoder, capture: str) -> None:
    """Exit code 1 alone reads as a failure: say what the capture held instead."""
    stats = decoder.stats
    where = "standard input" if capture == "-" else capture
    packets = stats.get("packets", 0)
    click.echo(
        f"skypeflux: no Skype traffic in {where} ({packets} packet{'' if packets == 1 else 's'}: "
        f"{stats.get('udp', 0)} UDP, {stats.get('tcp', 0)} TCP)",
        err=True,
    )


def _stdout_is_terminal() -> bool:
    stream = sys.stdout
    return bool(getattr(stream, "isatty", None) and stream.isatty())


public_ip_option = click.option(
    "--public-ip",
    "public_ip",
    multiple=True,
    metavar="[PRIVATE=]PUBLIC",
    help="Public address of a host behind NAT (PRIVATE=PUBLIC), or of every private host "
    "(PUBLIC alone). Repeatable. Usually learned from the capture itself.",
)
progress_option = click.option(
    "--no-progress",
    is_flag=True,
    help="Never show the progress line (it is only shown when stderr is a terminal anyway).",
)


@click.group(
    "skypeflux",
    cls=SkypefluxGroup,
    epilog=_EPILOG,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="skypeflux")
def cli() -> None:
    """De-obfuscate, verify and decode classic peer-to-peer Skype traffic (2004-2014).

    CAPTURE is a pcap or pcapng file, or - for standard input. Nothing is shown as decrypted
    unless it was verified (CRC32, or a known TCP header with exact framing).
    """


@cli.command(epilog=_EPILOG)
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
@progress_option
def decode(
    capture: str,
    verbose: bool,
    as_json: bool,
    full: bool,
    public_ip: tuple[str, ...],
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
    _check_output_options(as_json, verbose, full)
    decoder = _decoder(public_ip)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with _user_errors(progress):
        found = _decode_to_stdout(
            decoder, _source(capture), record_filter, progress, as_json, verbose, full
        )
    if not found:
        _say_no_skype(decoder, capture)
    raise click.exceptions.Exit(EXIT_OK if found else EXIT_NO_SKYPE)


def _check_output_options(as_json: bool, verbose: bool, full: bool) -> None:
    """Options that would change nothing are refused, not silently ignored."""
    if as_json and (verbose or full):
        option = "-V" if verbose else "--full"
        raise click.UsageError(
            f"--json and {option} do not combine: every JSON line already carries the whole "
            "object tree (-V and --full shape the text output)"
        )
    if full and not verbose:
        raise click.UsageError("--full only changes the -V object tree; add -V")


def _decode_to_stdout(
    decoder: Decoder,
    source: str | BinaryIO,
    record_filter: RecordFilter,
    progress: ProgressLine,
    as_json: bool,
    verbose: bool,
    full: bool,
) -> bool:
    """Stream the records to stdout; True when the capture held any Skype record at all."""
    out = sys.stdout
    writer: TextWriter | JsonLinesWriter = (
        JsonLinesWriter(out) if as_json else TextWriter(out, verbose=verbose, full=full)
    )
    wipe = progress.enabled and _stdout_is_terminal()
    found = False
    for record in decoder.run(source, progress=progress):
        found = True
        if writer.origin is None:
            writer.origin = _time_origin(decoder, record)
        if record_filter.matches(record):
            if wipe:
                progress.clear()
            writer.write(record)
    progress.clear()
    out.flush()
    _warn_if_truncated(decoder)
    return found


def _warn_if_truncated(decoder: Decoder) -> None:
    """A capture cut short (a full disk, a killed tcpdump) still decodes up to the cut, and
    packets on link types we cannot decode are skipped: say so, so nothing is lost silently."""
    if decoder.truncated_file:
        reason = decoder.warning or "the capture is truncated"
        click.echo(f"skypeflux: warning: {reason}; decoded what came before the cut", err=True)
    if decoder.skipped_note:
        click.echo(f"skypeflux: warning: {decoder.skipped_note}", err=True)


def _time_origin(decoder: Decoder, first: Record) -> float:
    """The capture's first packet time (tshark's origin); the first record's when unknown."""
    return decoder.first_time if decoder.first_time is not None else first.time


@cli.command(epilog=_EPILOG)
@click.argument("capture", metavar="CAPTURE")
@click.option("--json", "as_json", is_flag=True, help="JSON lines, one object per flow.")
@public_ip_option
@progress_option
def flows(capture: str, as_json: bool, public_ip: tuple[str, ...], no_progress: bool) -> None:
    """Summarise the Skype flows of CAPTURE: endpoints, frames, units verified, status."""
    decoder = _decoder(public_ip)
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with _user_errors(progress):
        for _record in decoder.run(_source(capture), progress=progress):
            pass
        progress.clear()
        _warn_if_truncated(decoder)
        table = decoder.flows
        if not table:
            _say_no_skype(decoder, capture)
        elif as_json:
            for flow in table:
                click.echo(json.dumps(flow_to_json(flow), separators=(",", ":")))
        else:
            click.echo(format_flows_table(table), nl=False)
    raise click.exceptions.Exit(EXIT_OK if table else EXIT_NO_SKYPE)


def find_demo_capture(start: Path | None = None) -> Path | None:
    """SkypeIRC.cap in ../shared from the current directory, or beside this package's repo."""
    roots: list[Path] = []
    env = os.environ.get("SKYPEFLUX_SHARED")
    if env:
        roots.append(Path(env))
    here = start or Path.cwd()
    roots += [here.parent / "shared", here / "shared"]
    repo = Path(__file__).resolve().parents[3]  # src/skypeflux/cli/main.py -> repository root
    roots.append(repo.parent / "shared")
    for root in roots:
        candidate = root / DEMO_CAPTURE
        if candidate.is_file():
            return candidate
    return None


@cli.command()
@click.option("-V", "--verbose", is_flag=True, help="Print the object tree after each line.")
@progress_option
def demo(verbose: bool, no_progress: bool) -> None:
    """Decode the example capture SkypeIRC.cap (Wireshark's sample), then list its flows."""
    capture = find_demo_capture()
    if capture is None:
        _fail(
            Failure(
                EXIT_UNREADABLE,
                "the example capture ../shared/captures/SkypeIRC.cap was not found; "
                "pass a capture instead: skypeflux decode SkypeIRC.cap",
            )
        )
    decoder = _decoder(())
    click.echo(f"# skypeflux decode {capture}")
    progress = ProgressLine.for_terminal(sys.stderr, wanted=not no_progress)
    with _user_errors(progress):
        found = _decode_to_stdout(
            decoder, str(capture), RecordFilter(), progress, False, verbose, False
        )
        click.echo(f"\n# skypeflux flows {capture}")
        click.echo(format_flows_table(decoder.flows), nl=False)
    raise click.exceptions.Exit(EXIT_OK if found else EXIT_NO_SKYPE)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point (``skypeflux``)."""
    return cli.main(args=argv, prog_name="skypeflux")
