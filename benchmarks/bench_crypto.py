"""Throughput of the crypto layer on each available backend (one core, median of runs).

Run: PYTHONPATH=src python benchmarks/bench_crypto.py [--runs 7]

A "key schedule" is the whole per-seed cost of trying a candidate key: seed expansion, the RC4
key schedule over the 80-byte key, and 16 keystream bytes.
"""

from __future__ import annotations

import argparse
import array
import os
import statistics
import time
from collections.abc import Callable

from skypeflux.crypto import available_backends, cipher_for_seed, keystream, keystream_batch
from skypeflux.crypto.backends import WORD_TYPECODE


def _seeds(count: int) -> array.array[int]:
    x, out = 1, []
    for _ in range(count):  # the LCG the vectors use, for realistic branch mixes
        x = (x * 1103515245 + 12345) & 0xFFFFFFFF
        out.append(x)
    return array.array(WORD_TYPECODE, out)


def _median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(backend: str, runs: int) -> dict[str, float]:
    fast = backend == "fast"
    batch = _seeds(200_000 if fast else 2_000)
    singles = list(_seeds(100_000 if fast else 1_000))
    data = os.urandom((8 << 20) if fast else (64 << 10))

    def one_per_call() -> None:
        for seed in singles:
            keystream(seed, 16, backend=backend)

    t_batch = _median_seconds(lambda: keystream_batch(batch, 16, backend=backend), runs)
    t_single = _median_seconds(one_per_call, runs)
    t_rc4 = _median_seconds(lambda: cipher_for_seed(1, backend=backend).crypt(data), runs)
    return {
        "batch key schedules/s": len(batch) / t_batch,
        "single seed us/call": t_single / len(singles) * 1e6,
        "RC4 MB/s": len(data) / t_rc4 / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    for backend in available_backends():
        results = bench(backend, args.runs)
        figures = ", ".join(f"{name}: {value:,.2f}" for name, value in results.items())
        print(f"{backend:>4}: {figures}  (median of {args.runs})")


if __name__ == "__main__":
    main()
