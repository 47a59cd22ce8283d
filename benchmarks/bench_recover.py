"""How fast ``recover-ip`` searches: candidates per second on one core, on two, through Dask.

Run: PYTHONPATH=src python benchmarks/bench_recover.py [--runs 5] [--candidates 4194304]

Each figure is the median of ``--runs`` runs over ``--candidates`` candidate addresses of one
synthetic 30-byte datagram (with the first-byte filter such a plaintext allows; no hit, so no
run stops early), on the C back end:

- one core: ``crypto.search.crc_hits`` called on the whole range (wall and CPU time);
- two cores (``--jobs 2``): the command's thread runner, 1 Mi-candidate chunks;
- Dask local: a LocalCluster of two single-threaded worker processes (startup not counted).

and the projected time of a full sweep: all 2**32 addresses, and the public unicast space the
command searches by default. On a shared machine the wall figures move with the other load:
the load average is printed with them, and CPU time per candidate is the steadier figure ("cores
busy" is CPU time over wall time: close to 2 shows the threads really run in parallel).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

from skypeflux.capture.skype.recovery import Datagram, chunks, first_byte_filter, plan
from skypeflux.cli.recovery_run import DaskRunner, Runner, ThreadRunner
from skypeflux.crypto import available_backends
from skypeflux.crypto.search import crc_hits

START = 0x50000000  # 80.0.0.0: public space
DATAGRAM = Datagram(1, "82.253.163.244", 0x1616, 0xDEADBEEF, 0x12345678, bytes(range(30)))


def _median(work: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``work``."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _through(runner: Runner, count: int) -> None:
    work = chunks(((START, START + count),), 1 << 20)
    for _ in runner.run((DATAGRAM,), work, "fast"):
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--candidates", type=int, default=1 << 22)
    parser.add_argument("--no-dask", action="store_true", help="skip the Dask figure")
    args = parser.parse_args()
    if "fast" not in available_backends():
        print("the C fast path is not built: nothing to measure")
        return 1
    n = args.candidates
    target = DATAGRAM.target()
    passing = sum(first_byte_filter(len(DATAGRAM.ciphertext)))
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (shared)")
    print(f"datagram: {len(DATAGRAM.ciphertext)} bytes, {passing}/256 first bytes go to the CRC")

    wall, cpu = _median(lambda: crc_hits(target, START, START + n, backend="fast"), args.runs)
    print(
        f"1 core          : {n / wall / 1e6:5.2f} M candidates/s wall, {n / cpu / 1e6:5.2f} M/CPU-s"
    )
    per_core = n / cpu

    threads = ThreadRunner(2)
    wall2, cpu2 = _median(lambda: _through(threads, n), args.runs)
    threads.close()
    print(
        f"2 cores, threads: {n / wall2 / 1e6:5.2f} M candidates/s wall, "
        f"{n / cpu2 / 1e6:5.2f} M/CPU-s, {cpu2 / wall2:.2f} cores busy on average"
    )
    rates = {"2 threads": n / wall2}

    if not args.no_dask:
        dask = DaskRunner("local", 2)
        _through(dask, 1 << 20)  # warm the workers (imports, the scattered datagram)
        wall3, _ = _median(lambda: _through(dask, n), args.runs)
        dask.close()
        print(f"2 cores, Dask   : {n / wall3 / 1e6:5.2f} M candidates/s wall")
        rates["Dask local"] = n / wall3

    public = sum(stop - start for start, stop in plan())
    rates["2 cores at the CPU-time rate"] = 2 * per_core
    for name, rate in rates.items():
        print(
            f"full sweep, {name:28s}: 2**32 in {2**32 / rate / 60:5.1f} min, "
            f"public space ({public / 1e9:.2f}e9) in {public / rate / 60:5.1f} min"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
