"""Options and helpers that several commands share: public addresses, the capture source,
the back ends, and decoding a capture to standard output."""

from __future__ import annotations

import ipaddress
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import BinaryIO, Protocol

import click

from skypeflux import crypto, objects
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import Record
from skypeflux.cli.errors import EXIT_UNREADABLE, EXIT_USAGE, Failure, fail
from skypeflux.cli.progress import ProgressLine
from skypeflux.outputs.filters import RecordFilter
from skypeflux.outputs.jsonl import JsonLinesWriter


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


def public_ips(values: tuple[str, ...]) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for text in values:
        try:
            host, public = parse_public_ip(text)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--public-ip") from None
        out[host] = public
    return out


def open_source(capture: str) -> str | BinaryIO:
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


def check_backends() -> None:
    """Resolve both back ends before decoding: a bad environment variable is the user's to fix,
    and deeper down it would be caught as a per-unit decoding failure and read as bad data."""
    try:
        crypto.backend_name()
        objects.backend_name()
    except (crypto.CryptoError, objects.ObjectsError) as exc:
        fail(Failure(EXIT_USAGE, str(exc)))


def make_decoder(public_ip: tuple[str, ...]) -> Decoder:
    check_backends()
    return Decoder(DecodeOptions(public_ips=public_ips(public_ip), try_seen_addresses=True))


def say_no_skype(decoder: Decoder, capture: str) -> None:
    """Exit code 1 alone reads as a failure: say what the capture held instead."""
    stats = decoder.stats
    where = "standard input" if capture == "-" else capture
    packets = stats.get("packets", 0)
    click.echo(
        f"skypeflux: no Skype traffic in {where} ({packets} packet{'' if packets == 1 else 's'}: "
        f"{stats.get('udp', 0)} UDP, {stats.get('tcp', 0)} TCP)",
        err=True,
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
    source: str | BinaryIO,
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
    progress.clear()
    sys.stdout.flush()
    if not result.limited:
        warn_if_truncated(decoder)
    return result


def warn_if_truncated(decoder: Decoder) -> None:
    """A capture cut short (a full disk, a killed tcpdump) still decodes up to the cut, and
    packets on link types we cannot decode are skipped: say so, so nothing is lost silently."""
    if decoder.truncated_file:
        reason = decoder.warning or "the capture is truncated"
        click.echo(f"skypeflux: warning: {reason}; decoded what came before the cut", err=True)
    if decoder.skipped_note:
        click.echo(f"skypeflux: warning: {decoder.skipped_note}", err=True)


def time_origin(decoder: Decoder, first: Record) -> float:
    """The capture's first packet time (tshark's origin); the first record's when unknown."""
    return decoder.first_time if decoder.first_time is not None else first.time
