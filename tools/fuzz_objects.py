"""Fuzz the object-list decoders with random and mutated inputs.

Every input goes through ``skypeflux.objects.decode``; the raw (0x41) and the coded (0x42)
decoder each get ``--count`` inputs. Inputs are random bytes behind the marker and mutations
of the known-answer vectors (bit flips, byte changes, truncations, insertions, deletions,
splices of two vectors, marker swaps), under varied memory budgets and depth limits.

Checks: only ``ObjectsError`` may escape, with an offset inside the input; no input may take
longer than ``--max-ms`` (50 ms); a list that decodes must re-encode to bytes that decode to
the same objects. Prints counts and the slowest input; exits 1 on any failure.

    PYTHONPATH=src python tools/fuzz_objects.py --count 100000 --seed 1 [--backend pure]
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skypeflux.objects import ObjectsError, decode, encode

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
MARKERS = {"raw": 0x41, "coded": 0x42}
BUDGETS = (0x1000000, 0x1000000, 0x5000, 0x200, 40)
DEPTHS = (8, 8, 8, 3, 1)


@dataclass
class Tally:
    inputs: int = 0
    decoded: int = 0
    rejected: int = 0
    slowest_s: float = 0.0
    slowest_hex: str = ""
    failures: list[str] = field(default_factory=list)


def load_seeds(path: Path) -> list[bytes]:
    with path.open() as fh:
        return [bytes.fromhex(json.loads(line)["hex"]) for line in fh if line.strip()]


def _mutate(rng: random.Random, seeds: list[bytes], marker: int) -> bytes:
    same_form = [s for s in seeds if s and s[0] == marker] or seeds
    data = bytearray(rng.choice(same_form))
    for _ in range(rng.choice((1, 1, 1, 2, 3, 8))):
        op = rng.randrange(8)
        if op == 0 and data:  # flip one bit
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1 and data:  # set one byte
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 2 and data:  # truncate
            del data[rng.randrange(len(data)) :]
        elif op == 3:  # insert random bytes
            i = rng.randrange(len(data) + 1)
            data[i:i] = rng.randbytes(rng.randrange(1, 9))
        elif op == 4 and data:  # delete a run
            i = rng.randrange(len(data))
            del data[i : i + rng.randrange(1, 9)]
        elif op == 5:  # splice: head of this one, tail of another
            other = rng.choice(seeds)
            data = data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]
        elif op == 6 and data:  # an extreme byte
            data[rng.randrange(len(data))] = rng.choice((0x00, 0x7F, 0x80, 0xFF))
        elif op == 7:  # append junk
            data += rng.randbytes(rng.randrange(1, 5))
    if data and rng.random() < 0.9:
        data[0] = marker
    return bytes(data)


def _random(rng: random.Random, marker: int) -> bytes:
    size = rng.choice((0, 1, 2, 3, 4, 6, 8, 12, 16, 32, 64, 256))
    body = rng.randbytes(size)
    if rng.random() < 0.3:  # mostly-small bytes reach deeper into the raw layout
        body = bytes(b & rng.choice((0x07, 0x0F, 0x7F)) for b in body)
    return bytes((marker,)) + body


def _check(data: bytes, budget: int, depth: int, tally: Tally, backend: str | None) -> None:
    start = time.perf_counter()
    try:
        decoded = decode(data, max_depth=depth, budget=budget, backend=backend)
    except ObjectsError as exc:
        elapsed = time.perf_counter() - start
        tally.rejected += 1
        if exc.offset is None or not 0 <= exc.offset <= len(data):
            tally.failures.append(f"offset {exc.offset} outside the input: {data.hex()}")
    except Exception as exc:  # the point of the fuzzer: nothing else may escape
        elapsed = time.perf_counter() - start
        tally.failures.append(f"{type(exc).__name__}: {exc}: {data.hex()}")
    else:
        elapsed = time.perf_counter() - start
        tally.decoded += 1
        if not 0 < decoded.consumed <= len(data):
            tally.failures.append(f"consumed {decoded.consumed} of {len(data)}: {data.hex()}")
        # 0x42 sorts every level by id; a decoded list need not be sorted (ids wrap mod 2**32)
        expected = decoded.objects.sorted_by_id() if decoded.form == 0x42 else decoded.objects
        again = encode(decoded.objects, decoded.form, backend=backend)
        if decode(again, max_depth=depth, budget=budget, backend=backend).objects != expected:
            tally.failures.append(f"re-encoding changes the objects: {data.hex()}")
    tally.inputs += 1
    if elapsed > tally.slowest_s:
        tally.slowest_s, tally.slowest_hex = elapsed, data.hex()


def _retime(data_hex: str, backend: str | None, runs: int = 5) -> float:
    """Median time of one input, to tell a slow input from a scheduler hiccup."""
    data = bytes.fromhex(data_hex)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        with contextlib.suppress(ObjectsError):
            decode(data, backend=backend)
        times.append(time.perf_counter() - start)
    return sorted(times)[runs // 2]


def fuzz(
    count: int, seed: int, seeds: list[bytes], max_s: float, backend: str | None = None
) -> dict[str, Tally]:
    rng = random.Random(seed)
    tallies = {name: Tally() for name in MARKERS}
    makers: list[Callable[[int], bytes]] = [
        lambda m: _mutate(rng, seeds, m),
        lambda m: _mutate(rng, seeds, m),
        lambda m: _random(rng, m),
    ]
    gc.disable()  # collections would be charged to whichever input happened to trigger them
    try:
        for i in range(count):
            for name, marker in MARKERS.items():
                data = rng.choice(makers)(marker)
                k = rng.randrange(len(BUDGETS))
                _check(data, BUDGETS[k], DEPTHS[k], tallies[name], backend)
            if i % 5000 == 4999:
                gc.collect()
    finally:
        gc.enable()
    for tally in tallies.values():
        if tally.slowest_s > max_s:
            tally.slowest_s = _retime(tally.slowest_hex, backend)
            if tally.slowest_s > max_s:
                tally.failures.append(
                    f"input takes {tally.slowest_s * 1e3:.1f} ms: {tally.slowest_hex}"
                )
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs per decoder")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-ms", type=float, default=50.0, help="slowest allowed input")
    parser.add_argument("--vectors", type=Path, default=SHARED / "vectors" / "objects_4142.jsonl")
    parser.add_argument(
        "--backend", choices=("fast", "pure"), help="range coder (default: fast when built)"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    tallies = fuzz(args.count, args.seed, load_seeds(args.vectors), args.max_ms / 1e3, args.backend)
    failed = False
    for name, t in tallies.items():
        print(
            f"{name:5s} decoder: {t.inputs} inputs, {t.decoded} decoded, {t.rejected} rejected, "
            f"slowest {t.slowest_s * 1e3:.2f} ms, failures {len(t.failures)}"
        )
        for failure in t.failures[:20]:
            print(f"  FAIL {failure[:300]}")
        failed = failed or bool(t.failures)
    print(f"total {time.perf_counter() - started:.1f} s, seed {args.seed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
