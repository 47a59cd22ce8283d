"""``skypeflux recover-ip``: find the public address of a NATed host by exhaustive search.

For every host whose datagrams nothing in the capture lets us open (or the ``--host`` given),
the search tries candidate public source addresses until one decrypts a datagram to its CRC,
parses as command blocks and is confirmed on another datagram of the host. The report ends
with the ``--public-ip PRIVATE=PUBLIC`` to give ``decode``; ``-o FILE`` writes the same pairs
to a file ``decode --addresses FILE`` reads.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from tqdm import tqdm

from skypeflux.capture.skype.recovery import DEFAULT_CHUNK, Chunk, chunks, plan
from skypeflux.capture.skype.recovery_select import Host, select_hosts
from skypeflux.cli import backends
from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK, EXIT_USAGE, Failure, user_errors
from skypeflux.cli.help_text import COMMAND_EPILOG
from skypeflux.cli.recovery_run import (
    Checkpoint,
    DaskRunner,
    HostState,
    Runner,
    ThreadRunner,
    fingerprint,
    search_host,
)
from skypeflux.ipv4 import ip_number, ip_text


def _host_option(text: str | None) -> tuple[str | None, int | None]:
    if text is None:
        return None, None
    address, _, port = text.partition(":")
    try:
        return ip_text(ip_number(address)), int(port) if port else None
    except ValueError:
        raise click.BadParameter(f"expected IP[:PORT], got {text!r}", param_hint="--host") from None


def _space(ranges: tuple[str, ...], include_all: bool, size: int) -> list[Chunk]:
    try:
        return chunks(plan(ranges, include_all=include_all), size)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--range") from None


def _report(host: Host, state: HostState) -> str:
    rate = state.tried / state.seconds if state.seconds > 0 else 0.0
    effort = f"{state.tried:,} candidates in {state.seconds:.1f} s ({rate / 1e6:.2f} M/s)"
    rejected = f"; {len(state.rejected)} chance CRC hit(s) rejected" if state.rejected else ""
    if state.found is None:
        what = "searched everything asked" if state.finished else "search not finished"
        return f"{host.address}: no address found ({what}): {effort}{rejected}"
    found = state.found
    confirm = (
        f", confirmed by frame(s) {', '.join(map(str, found.confirmed_by))}"
        if found.confirmed_by
        else f" ({found.reason})"
    )
    frame = host.datagrams[0].frame
    return f"{host.address}: {found.address} from frame {frame}{confirm}: {effort}{rejected}"


@click.command(
    "recover-ip",
    epilog=COMMAND_EPILOG,
    short_help="Search for the public address of a NATed host whose datagrams fail.",
)
@click.argument("capture", metavar="CAPTURE", type=click.Path(dir_okay=False))
@click.option("--host", "host_text", metavar="IP[:PORT]", help="Only this (private) host.")
@click.option(
    "--range",
    "ranges",
    multiple=True,
    metavar="CIDR",
    help="Search only these ranges, in this order (with --all: these first, then the rest). "
    "Repeatable.",
)
@click.option(
    "--all",
    "include_all",
    is_flag=True,
    help="Also search the ranges skipped by default (private, CGN, loopback, link-local, "
    "0/8, multicast and reserved), after the public space.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Threads, or Dask local workers (default: every core).",
)
@click.option("--resume", is_flag=True, help="Continue from the checkpoint file.")
@click.option(
    "--checkpoint",
    "checkpoint_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Checkpoint file (default: CAPTURE.recover-ip.json).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDR|local",
    default=None,
    help="Run the chunks on this Dask scheduler, or on a LocalCluster of processes (local).",
)
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write PRIVATE=PUBLIC lines to this file, for decode --addresses.",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=DEFAULT_CHUNK,
    show_default=True,
    help="Candidates per unit of work (and of checkpoint).",
)
@click.option("--no-progress", is_flag=True, help="Never show the progress bar.")
def recover_ip(
    capture: str,
    host_text: str | None,
    ranges: tuple[str, ...],
    include_all: bool,
    jobs: int | None,
    resume: bool,
    checkpoint_path: Path | None,
    dask_address: str | None,
    output: Path | None,
    chunk_size: int,
    no_progress: bool,
) -> None:
    """Recover the public address of NATed hosts in CAPTURE whose datagrams cannot be opened.

    Use it when decode leaves a private host's UDP unverified and the capture holds no NAck,
    ACK or object 0x11 that tells its public address. The whole public space (about 3.7e9
    candidates) takes minutes on all cores; a --range that contains the address takes seconds.
    """
    host, port = _host_option(host_text)
    work = _space(ranges, include_all, chunk_size)
    chosen = backends.from_environment()
    workers = jobs or os.cpu_count() or 1
    path = checkpoint_path or Path(f"{capture}.recover-ip.json")
    checkpoint = Checkpoint(path)
    with user_errors():
        if resume:
            try:
                checkpoint.load()
            except FileNotFoundError:
                raise Failure(EXIT_USAGE, f"--resume: no checkpoint {path}") from None
            except (ValueError, KeyError, TypeError) as exc:
                raise Failure(EXIT_USAGE, f"--resume: {exc}") from None
        hosts = select_hosts(capture, host=host, port=port)
        if not hosts:
            click.echo("skypeflux: no host with datagrams that need a public address", err=True)
            raise click.exceptions.Exit(EXIT_NO_SKYPE)
        runner: Runner = (
            DaskRunner(dask_address, workers) if dask_address else ThreadRunner(workers)
        )
        found: dict[str, str] = {}
        try:
            for target in hosts:
                state = _search(target, work, checkpoint, runner, chosen.crypto.name, no_progress)
                click.echo(_report(target, state))
                if state.found is not None:
                    found[target.address] = state.found.address
        except KeyboardInterrupt:
            click.echo(f"skypeflux: search saved in {path}; --resume continues it", err=True)
            raise
        finally:
            runner.close()
    for private, public in found.items():
        click.echo(f"--public-ip {private}={public}")
    if output is not None and found:
        output.write_text("".join(f"{a}={b}\n" for a, b in found.items()))
    raise click.exceptions.Exit(EXIT_OK if found else EXIT_NO_SKYPE)


def _search(
    host: Host,
    work: list[Chunk],
    checkpoint: Checkpoint,
    runner: Runner,
    backend: str,
    no_progress: bool,
) -> HostState:
    key = fingerprint(host.address, host.datagrams, work)
    state = checkpoint.hosts.get(host.address)
    if state is not None and state.fingerprint != key:
        click.echo(
            f"skypeflux: the checkpoint of {host.address} is for another search (datagrams, "
            "ranges or chunk size differ): starting afresh",
            err=True,
        )
    if state is None or state.fingerprint != key:
        state = checkpoint.hosts[host.address] = HostState(key)
    if state.finished:
        return state
    remaining = sum(c.size for c in work if c.index not in state.done)
    bar = tqdm(
        total=remaining,
        unit="cand",
        unit_scale=True,
        desc=host.address,
        file=sys.stderr,
        disable=True if no_progress else None,  # None: only on a terminal
        leave=False,
    )

    def advance(chunk: Chunk) -> None:
        bar.update(chunk.size)

    try:
        return search_host(
            host.datagrams,
            work,
            state,
            runner,
            backend,
            on_chunk=advance,
            save=checkpoint.save,
        )
    finally:
        bar.close()
