"""How a run ends: the summary on stderr, warnings about the user's facts, and the exit code.

Exit codes 0, 1 and 7 tell a script what the capture held (``errors.py`` lists them all):
0 at least one unit verified, 7 Skype traffic found but none of it verified (typically a NATed
host whose public address nothing in the capture proves), 1 no Skype traffic at all.
"""

from __future__ import annotations

from skypeflux.capture.pipeline import Decoder
from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK, EXIT_UNVERIFIED, say


def exit_code(decoder: Decoder) -> int:
    if decoder.verified_units:
        return EXIT_OK
    return EXIT_UNVERIFIED if decoder.skype_units else EXIT_NO_SKYPE


def where(capture: str) -> str:
    return "standard input" if capture == "-" else capture


def say_no_skype(decoder: Decoder, capture: str) -> None:
    """Exit code 1 alone reads as a failure: say what the capture held instead."""
    stats = decoder.stats
    packets = stats.get("packets", 0)
    others = ", ".join(
        f"{n} {name.replace('_', ' ')}"
        for name, n in decoder.outcomes.items()
        if n and name not in ("udp_not_skype", "tcp_not_skype", "unaccounted")
    )
    say(
        f"skypeflux: no Skype traffic in {where(capture)} "
        f"({packets} packet{'' if packets == 1 else 's'}: "
        f"{stats.get('udp', 0)} UDP, {stats.get('tcp', 0)} TCP{'; ' + others if others else ''})"
    )


def summary_lines(decoder: Decoder, capture: str) -> list[str]:
    """The end-of-run summary, one line per Skype host after a line of totals."""
    totals = decoder.totals
    head = (
        f"skypeflux: summary: {totals.units} Skype unit(s) in {totals.flows} flow(s): "
        f"{totals.verified} verified, {totals.unverified} unverified, {totals.clear} clear"
    )
    name = "FILE" if capture == "-" else capture
    return [head, *(f"skypeflux:   {host.text(name)}" for host in decoder.hosts)]


def finish_run(decoder: Decoder, capture: str, *, summary: bool) -> int:
    """Say how the run ended on stderr and return the exit code."""
    for warning in decoder.warnings:
        say(f"skypeflux: warning: {warning}")
    code = exit_code(decoder)
    if code == EXIT_NO_SKYPE:
        say_no_skype(decoder, capture)
    elif summary:
        for line in summary_lines(decoder, capture):
            say(line)
    return code
