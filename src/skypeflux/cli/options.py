"""Options and helpers that several commands share: public addresses, the capture source,
the back ends, and decoding a capture to standard output."""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, BinaryIO, Protocol, TypeVar

import click

from skypeflux.capture.files.capture_set import CaptureFiles
from skypeflux.capture.files.source import Source
from skypeflux.capture.limits import Limits
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import Record
from skypeflux.cli import backends
from skypeflux.cli.errors import (
    EXIT_OUTPUT,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    Failure,
    say,
    writing,
)
from skypeflux.cli.progress import ProgressLine
from skypeflux.ipv4 import ip_number, ip_text
from skypeflux.outputs.filters import RecordFilter
from skypeflux.outputs.jsonl import JsonLinesWriter


def parse_public_ip(text: str) -> tuple[str | None, str]:
    """``[PRIVATE=]PUBLIC`` -> (private or None for every private host, public)."""
    private, sep, public = text.partition("=")
    if not sep:
        private, public = "", text
    try:
        public = ip_text(ip_number(public.strip()))
        host = ip_text(ip_number(private.strip())) if sep else None
    except ValueError:
        raise ValueError(f"expected [PRIVATE=]PUBLIC with IPv4 addresses, got {text!r}") from None
    return host, public


def public_ips(values: tuple[str, ...]) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for text in values:
        try:
            host, public = parse_public_ip(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--public-ip") from None
        out[host] = public
    return out


def open_source(capture: str) -> BinaryIO:
    """The capture, opened once (a FIFO must not be opened twice: the first open would eat or
    cut the stream); unreadable files fail here with exit code 3. The file is closed when the
    command ends."""
    if capture == "-":
        return _stdin()
    try:
        fh = open(capture, "rb")  # noqa: SIM115 - closed by the command's context
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise Failure(EXIT_UNREADABLE, f"{capture}: cannot read: {reason}") from None
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(fh.close)
    return fh


def _stdin() -> BinaryIO:
    """Standard input as a capture, refused when it cannot be one: closed, a terminal (the run
    would wait silently for a capture nobody types), a directory."""
    stream = sys.stdin
    if stream is None:
        raise Failure(EXIT_UNREADABLE, "standard input is closed: no capture to read")
    if stream.isatty():
        raise Failure(
            EXIT_USAGE,
            "standard input is a terminal: pipe a capture into it "
            "(tcpdump -w - | skypeflux decode -) or give a file name",
        )
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if stat.S_ISDIR(os.fstat(stream.fileno()).st_mode):
            raise Failure(EXIT_UNREADABLE, "standard input is a directory, not a capture")
    return stream.buffer


def require_stdout() -> None:
    """A closed standard output loses every result: say so before any work (exit code 6)."""
    if sys.stdout is None:
        raise Failure(EXIT_OUTPUT, "standard output is closed: the results could not be written")


def echo_out(text: str, *, nl: bool = True) -> None:
    """Write to standard output; an I/O error there is an output failure (exit code 6)."""
    with writing():
        click.echo(text, nl=nl)


def make_decoder(public_ip: tuple[str, ...], *, keep_flows: bool = False) -> Decoder:
    """A decoder on the back ends the environment names (read here, once, before decoding:
    a bad variable is the user's to fix, not a per-unit failure deep down). ``keep_flows``
    for the commands that print one row per flow (memory grows with the flows then)."""
    chosen = backends.from_environment()
    ctx = click.get_current_context(silent=True)
    limits = ctx.meta.get(LIMITS_KEY, Limits()) if ctx is not None else Limits()
    return Decoder(
        DecodeOptions(
            public_ips=public_ips(public_ip),
            try_seen_addresses=True,
            crypto_backend=chosen.crypto,
            objects_backend=chosen.objects,
            limits=limits,
            keep_flows=keep_flows,
        )
    )


def stdout_is_terminal() -> bool:
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


LIMITS_KEY = "skypeflux.limits"


def _store_limits(ctx: click.Context, _param: click.Parameter, values: tuple[str, ...]) -> None:
    limits = Limits()
    for text in values:
        name, sep, value = text.partition("=")
        if not sep:
            raise click.BadParameter(f"expected NAME=VALUE, got {text!r}", param_hint="--limit")
        try:
            limits = limits.with_setting(name, value)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--limit") from None
    ctx.meta[LIMITS_KEY] = limits


limits_option = click.option(
    "--limit",
    multiple=True,
    metavar="NAME=VALUE",
    expose_value=False,
    callback=_store_limits,
    help="Raise or lower a resource bound, e.g. tcp-connections=20000 or tcp-memory-total=256M "
    f"(repeatable; README 'Limits and resource use'). Names: {', '.join(Limits.names())}.",
)


addresses_option = click.option(
    "--addresses",
    "addresses_file",
    metavar="FILE",
    default=None,
    help="PRIVATE=PUBLIC lines (as recover-ip -o writes them; # comments), as if each were "
    "a --public-ip; an explicit --public-ip wins. Read only when given.",
)


MAX_ADDRESS_FILE = 16 << 20  # bytes: recover-ip -o writes a line (about 30 bytes) per host


def read_addresses(path: str | None) -> tuple[str, ...]:
    """The PRIVATE=PUBLIC entries of an address file (none without one), checked."""
    if path is None:
        return ()
    hint = "--addresses"
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_ADDRESS_FILE + 1)  # not all of /dev/zero
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise click.BadParameter(f"{path}: cannot read: {reason}", param_hint=hint) from None
    if len(data) > MAX_ADDRESS_FILE:
        raise click.BadParameter(
            f"{path}: larger than {MAX_ADDRESS_FILE >> 20} MiB: not a file of addresses",
            param_hint=hint,
        )
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise click.BadParameter(
            f"{path}: not text (byte {exc.start} is not UTF-8): a file of PRIVATE=PUBLIC lines "
            "is expected",
            param_hint=hint,
        ) from None
    entries = []
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            parse_public_ip(text)
        except ValueError as exc:
            raise click.BadParameter(f"{path} line {number}: {exc}", param_hint=hint) from None
        entries.append(text)
    return tuple(entries)


progress_option = click.option(
    "--no-progress",
    is_flag=True,
    help="Never show the progress line (it is only shown when stderr is a terminal anyway).",
)


class RecordWriter(Protocol):
    """What ``decode`` writes records with: text, JSON lines or fields."""

    origin: float | None

    def write(self, record: Record, only: Sequence[int] | None = None) -> None: ...


@dataclass(slots=True)
class RunResult:
    """How a decoding run went: any Skype record at all, how many shown, stopped by ``-c``."""

    found: bool = False
    shown: int = 0
    limited: bool = False


def decode_to_stdout(
    decoder: Decoder,
    source: Source,
    record_filter: RecordFilter,
    progress: ProgressLine,
    writer: RecordWriter | JsonLinesWriter,
    limit: int | None = None,
    see: Callable[[Record, Sequence[int]], None] | None = None,
) -> RunResult:
    """Stream the records a filter selects to ``writer``; stop after ``limit`` shown ones.

    ``see`` is told about each record shown and its blocks shown (statistics).
    """
    wipe = progress.enabled and stdout_is_terminal()
    result = RunResult()
    for record in decoder.run(source, progress=progress):
        result.found = True
        if writer.origin is None:
            writer.origin = time_origin(decoder, record)
        only = record_filter.select(record, writer.origin)
        if only is None:
            continue
        if wipe:
            progress.clear()
        with writing():
            if isinstance(writer, JsonLinesWriter):
                writer.write(record)  # a JSON line is the whole record, as tshark -T json
            else:
                writer.write(record, None if record_filter.is_empty else only)
        result.shown += 1
        if see is not None:
            see(record, only)
        if limit is not None and result.shown >= limit:
            result.limited = True
            break
    if isinstance(writer, JsonLinesWriter) and not result.limited:
        if writer.origin is None and decoder.first_time is not None:
            writer.origin = decoder.first_time
        with writing():  # JSON lines end with the run's summary record
            writer.write_summary(decoder.summary(), decoder.last_frame, decoder.last_time)
    progress.clear()
    with writing():
        sys.stdout.flush()
    if not result.limited:
        warn_if_truncated(decoder)
    return result


F = TypeVar("F", bound=Callable[..., Any])


def one_capture_argument(command: F) -> F:
    """CAPTURE... and --concatenate, for a command that makes one result of one capture."""
    command = click.option(
        "--concatenate",
        is_flag=True,
        help="Several captures read as one, in order, as decode --concatenate does.",
    )(command)
    return click.argument("captures", nargs=-1, required=True, metavar="CAPTURE...")(command)


def one_capture(captures: tuple[str, ...], concatenate: bool) -> tuple[list[str], str]:
    """The files of the one capture such a command reads (several only with --concatenate),
    and how messages name it."""
    if len(captures) > 1 and not concatenate:
        raise click.UsageError(
            "one result is made of one capture: give one, or --concatenate to read the "
            f"{len(captures)} files as one"
        )
    if captures.count("-") > 1:
        raise click.UsageError("standard input (-) can be read only once")
    return list(captures), run_name(list(captures))


def run_name(members: list[str]) -> str:
    """How messages name one capture, or several read as one."""
    return members[0] if len(members) == 1 else CaptureFiles(tuple(members)).name


def open_run(members: list[str]) -> BinaryIO | CaptureFiles:
    """One capture, or several read as one. Each is opened here, so one that cannot be read
    fails at once (exit 3); a regular file of several is then handed on by its path and opened
    again when reached, so a thousand pieces do not hold a thousand files open, while standard
    input or a FIFO stays the stream opened here (it cannot be opened twice)."""
    if len(members) == 1:
        return open_source(members[0])
    parts: list[str | BinaryIO] = []
    for member in members:
        stream = open_source(member)
        if member != "-" and os.path.isfile(member):
            stream.close()
            parts.append(member)
        else:
            parts.append(stream)
    return CaptureFiles(tuple(parts))


def decoded(decoder: Decoder, capture: str | list[str], progress: ProgressLine) -> Iterator[Record]:
    """The records of CAPTURE (opened once; several files: read as one), with the progress
    line; at the end the line is cleared and a cut file is said (the loop ``flows``,
    ``keylog`` and ``export`` share)."""
    members = [capture] if isinstance(capture, str) else capture
    yield from decoder.run(open_run(members), progress=progress)
    progress.clear()
    warn_if_truncated(decoder)


def warn_if_truncated(decoder: Decoder) -> None:
    """A capture cut short (a full disk, a killed tcpdump) still decodes up to the cut, and
    packets on link types we cannot decode are skipped: say so, so nothing is lost silently."""
    if decoder.truncated_file:
        reason = decoder.warning or "the capture is truncated"
        say(f"skypeflux: warning: {reason}; decoded what came before the cut")
    elif decoder.warning:  # a piece of a capture read as one was cut, and reading went on
        say(f"skypeflux: warning: {decoder.warning}")
    if decoder.skipped_note:
        say(f"skypeflux: warning: {decoder.skipped_note}")
    problems = problem_note(decoder)
    if problems:
        say(f"skypeflux: note: {problems}")


def problem_note(decoder: Decoder) -> str | None:
    """Packets that were malformed or cut, by reason, in one sentence (None when none were):
    such packets change no record, so without this line they would vanish without a trace."""
    out = decoder.outcomes
    if not decoder.reasons and not out.get("unaccounted"):
        return None
    malformed = out.get("malformed", 0)
    reasons = ", ".join(f"{n} {why}" for why, n in sorted(decoder.reasons.items()))
    text = f"{malformed} malformed packet{'' if malformed == 1 else 's'}" if malformed else ""
    text = "; ".join(part for part in (text, f"reasons: {reasons}" if reasons else "") if part)
    if out.get("unaccounted"):
        text += f"; {out['unaccounted']} packets unaccounted for (a bug: please report it)"
    return text


def time_origin(decoder: Decoder, first: Record) -> float:
    """The capture's first packet time (tshark's origin); the first record's when unknown."""
    return decoder.first_time if decoder.first_time is not None else first.time
