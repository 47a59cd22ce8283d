"""Run one mutated capture through the whole pipeline and check what must always hold.

Shared by the CI fuzz test (``tests/capture/test_fuzz_pipeline.py``) and the long run
(``tools/fuzz_pipeline.py``). A case passes when:

* the only exception is :class:`CaptureError` (the file cannot be read at all);
* it finishes within the time bound (a POSIX interval timer interrupts a hang);
* every packet read has exactly one outcome (``Decoder.outcomes['unaccounted'] == 0``);
* every record renders as text and as a JSON line, the C line writer's lines are the Python
  path's, and a second run of the same Decoder over the same bytes gives the same records (no
  state leaks from one run into the next);
* every 100th case also goes through the command line (``decode --json -`` and ``flows -``):
  a documented exit code (0, 1, 4), never an internal error or a traceback.
"""

from __future__ import annotations

import io
import json
import signal
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from skypeflux.capture import CaptureError, Decoder
from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_NOT_A_CAPTURE, EXIT_OK, EXIT_UNVERIFIED
from skypeflux.outputs.jsonl import JsonLinesWriter
from skypeflux.outputs.text import TextWriter
from tests.helpers.mutate import Seeds, make_case, real_packets


class Hang(Exception):
    """Raised by the interval timer inside a case that ran past its bound."""


@contextmanager
def time_bound(seconds: float) -> Iterator[None]:
    def alarm(_signum: int, _frame: object) -> None:
        raise Hang(f"over {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@dataclass(slots=True)
class Tally:
    cases: int = 0
    refused: int = 0  # CaptureError: not a capture at all
    packets: int = 0
    records: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)
    slowest_s: float = 0.0
    slowest: str = ""
    failures: list[str] = field(default_factory=list)


def _render(records: list[object], origin: float | None) -> str:
    text, lines, reference = io.StringIO(), io.StringIO(), io.StringIO()
    writer = TextWriter(text, verbose=True, full=True)
    jsonl = JsonLinesWriter(lines, origin=origin)
    python_only = JsonLinesWriter(reference, origin=origin, fast=False)
    writer.origin = origin
    for record in records:
        writer.write(record)  # type: ignore[arg-type]
        jsonl.write(record)  # type: ignore[arg-type]
        python_only.write(record)  # type: ignore[arg-type]
    assert lines.getvalue() == reference.getvalue(), "the C line writer differs from Python's"
    for line in lines.getvalue().splitlines():
        json.loads(line)
    return lines.getvalue()


def check(data: bytes, *, bound_s: float = 5.0, twice: bool = False) -> tuple[str, Decoder]:
    """Decode ``data``; raise AssertionError (or Hang) when a property fails. Returns the JSON
    lines and the decoder."""
    decoder = Decoder()
    with time_bound(bound_s):
        try:
            records = list(decoder.run(io.BytesIO(data)))
        except CaptureError:
            return "", decoder
        rendered = _render(list(records), decoder.first_time)
        outcomes = decoder.outcomes
        assert outcomes.get("unaccounted") == 0, f"packets unaccounted: {outcomes}"
        if twice:
            again = list(decoder.run(io.BytesIO(data)))
            assert _render(list(again), decoder.first_time) == rendered, "second run differs"
    return rendered, decoder


def check_cli(data: bytes) -> None:
    runner = CliRunner()
    for args in (["decode", "--json", "-"], ["flows", "-"]):
        result = runner.invoke(cli, args, input=data)
        # decoded, no Skype, not a capture, or Skype none of it verified
        allowed = (EXIT_OK, EXIT_NO_SKYPE, EXIT_NOT_A_CAPTURE, EXIT_UNVERIFIED)
        assert result.exit_code in allowed, (args, result.exit_code, result.stderr[-500:])
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr


def load_seeds(capture: Path) -> Seeds:
    real = real_packets(capture)
    decoder = Decoder()
    frames = sorted({r.frame for r in decoder.run(capture)})
    return Seeds(real, frames)


def run(seeds: Seeds, seed: int, start: int, count: int, *, bound_s: float, tally: Tally) -> None:
    """Cases ``start .. start+count-1`` of the run with ``seed``, into ``tally``."""
    for index in range(start, start + count):
        try:
            case = make_case(seeds, seed, index)
        except Exception as exc:  # a bug of the mutator: reported, and a long run goes on
            where = "".join(traceback.format_exception(exc)[-3:]).strip()
            tally.failures.append(f"seed {seed} case {index}: the mutator failed: {where}")
            continue
        began = time.perf_counter()
        try:
            _, decoder = check(case.data, bound_s=bound_s, twice=index % 50 == 0)
            if index % 100 == 0:
                with time_bound(bound_s):
                    check_cli(case.data)
        except (Exception, Hang) as exc:  # every failure is reported
            where = "".join(traceback.format_exception(exc)[-3:]).strip()
            tally.failures.append(f"seed {seed} case {index} ({'; '.join(case.steps)}): {where}")
            continue
        spent = time.perf_counter() - began
        tally.cases += 1
        if not decoder.outcomes:
            tally.refused += 1
        for key, value in decoder.outcomes.items():
            tally.outcomes[key] = tally.outcomes.get(key, 0) + value
        tally.packets += sum(v for k, v in decoder.outcomes.items() if k != "unaccounted")
        if spent > tally.slowest_s:
            tally.slowest_s, tally.slowest = spent, f"case {index} ({'; '.join(case.steps)})"
