"""``skypeflux synth``: build a capture of classic Skype traffic from a scenario."""

from __future__ import annotations

import sys

import click

from skypeflux.capture.files.writer import format_for_path
from skypeflux.capture.synth import (
    ScenarioError,
    Synthesized,
    builtin_names,
    builtin_text,
    load_scenario,
    synthesize,
)
from skypeflux.cli.errors import EXIT_OK, EXIT_UNREADABLE, EXIT_USAGE, Failure, fail, user_errors

SYNTH_EPILOG = """\b
Examples:
  skypeflux synth --list
  skypeflux synth nat-login -o login.pcapng
  skypeflux synth lossy --seed 7 -o lossy.pcap && skypeflux decode lossy.pcap
  skypeflux synth --show tls-443 > mine.toml   # edit, then: skypeflux synth mine.toml -o x.pcap

The scenario format is described in skypeflux/capture/synth/scenarios/README.md.
"""


def summary(synth: Synthesized) -> str:
    """One line per lost unit after a count, so a lossy build says what it dropped."""
    units, lost = len(synth.units), synth.lost
    lines = [
        f"{synth.scenario.name} (seed {synth.seed}): {len(synth.items)} packets, "
        f"{units} units, {units - len(lost)} whole in the capture, {len(lost)} lost"
    ]
    lines += [f"  lost: {u.unit} {u.src} -> {u.dst} ({u.where}): {u.lost}" for u in lost]
    return "\n".join(lines)


def _scenario_failure(exc: ScenarioError) -> Failure:
    unreadable = exc.reason in ("no such file",) or exc.reason.startswith("cannot read")
    return Failure(EXIT_UNREADABLE if unreadable else EXIT_USAGE, str(exc))


@click.command(
    epilog=SYNTH_EPILOG,
    short_help="Write a synthetic capture of a built-in or TOML scenario.",
)
@click.argument("scenario", required=False, metavar="SCENARIO")
@click.option(
    "-o",
    "--output",
    metavar="OUT.pcap[ng]",
    help="Where to write the capture (- for standard output); .pcapng selects pcapng.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Seed for everything random.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["pcap", "pcapng"]),
    help="Capture format (default: from the file name, else pcap).",
)
@click.option("--list", "list_builtins", is_flag=True, help="List the built-in scenarios.")
@click.option("--show", metavar="NAME", help="Print a built-in scenario's file.")
def synth(
    scenario: str | None,
    output: str | None,
    seed: int,
    fmt: str | None,
    list_builtins: bool,
    show: str | None,
) -> None:
    """Build a capture from SCENARIO (a built-in name or a TOML file) and write it to OUT.

    The same scenario and seed always give the same bytes. A summary (packets, units, what the
    scenario's network lost) goes to stderr.
    """
    try:
        if list_builtins:
            for name in builtin_names():
                described = load_scenario(name).description
                click.echo(f"{name:<12} {described}")
            raise click.exceptions.Exit(EXIT_OK)
        if show is not None:
            click.echo(builtin_text(show), nl=False)
            raise click.exceptions.Exit(EXIT_OK)
        if scenario is None or output is None:
            fail(Failure(EXIT_USAGE, "give a SCENARIO and -o OUT.pcap[ng] (or --list)"))
        built = synthesize(load_scenario(scenario), seed)
    except ScenarioError as exc:
        fail(_scenario_failure(exc))
    chosen = fmt or ("pcap" if output == "-" else format_for_path(output))
    with user_errors():
        if output == "-":
            built.write(sys.stdout.buffer, chosen)  # type: ignore[arg-type]
            sys.stdout.buffer.flush()
        else:
            built.write(output, chosen)  # type: ignore[arg-type]
    click.echo(f"skypeflux: wrote {output} ({chosen}): {summary(built)}", err=True)
