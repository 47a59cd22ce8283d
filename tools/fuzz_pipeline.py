"""Fuzz the whole pipeline for as long as you like: mutated captures in, every property checked.

The cases and the checks are the CI test's (``tests/capture/test_fuzz_pipeline.py``): slices of
SkypeIRC.cap and synthesized scenes, mutated at every layer and written as pcap or pcapng; only
``CaptureError`` may escape, each case under ``--bound`` seconds, every packet accounted for,
every record rendered. Prints a line per batch and a summary; exits 1 when any case failed,
listing ``seed case`` pairs that reproduce it (``--seed S --start I --count 1``).

    python tools/fuzz_pipeline.py --hours 2 --seed 7
    python tools/fuzz_pipeline.py --count 100000 --seed 1
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "src")]

from tests.helpers.fuzz_run import Tally, load_seeds, run  # noqa: E402

SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
BATCH = 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=float, default=0.0, help="run this long (or --count)")
    parser.add_argument("--count", type=int, default=0, help="run this many cases")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--start", type=int, default=0, help="first case index")
    parser.add_argument("--bound", type=float, default=10.0, help="seconds allowed per case")
    args = parser.parse_args()
    if not args.hours and not args.count:
        args.count = 20_000
    capture = SHARED / "captures" / "SkypeIRC.cap"
    seeds = load_seeds(capture)
    tally = Tally()
    began = time.monotonic()
    deadline = began + args.hours * 3600 if args.hours else None
    index = args.start
    while True:
        todo = BATCH if not args.count else min(BATCH, args.start + args.count - index)
        if todo <= 0 or (deadline is not None and time.monotonic() >= deadline):
            break
        run(seeds, args.seed, index, todo, bound_s=args.bound, tally=tally)
        index += todo
        spent = time.monotonic() - began
        print(
            f"{index - args.start} cases in {spent:.0f} s ({(index - args.start) / spent:.0f}/s), "
            f"{len(tally.failures)} failed, slowest {tally.slowest_s:.3f} s",
            flush=True,
        )
    print(f"outcomes of {tally.packets} packets: {tally.outcomes}")
    print(f"refused as not a capture: {tally.refused}; slowest case: {tally.slowest}")
    for failure in tally.failures:
        print(failure, file=sys.stderr)
    return 1 if tally.failures else 0


if __name__ == "__main__":
    sys.exit(main())
