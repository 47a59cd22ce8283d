"""Streaming check: peak memory while decoding must not grow with the length of the capture.

Builds captures of back-to-back copies of SkypeIRC.cap (each copy shifted in time, so every copy
is new traffic on the same hosts) with the project's own reader and writer, and for each size
prints:

* the peak of Python allocations (tracemalloc) while the full pipeline (both passes) decodes it;
* the peak **resident** memory of a separate ``skypeflux decode --json`` process writing to
  /dev/null (``os.wait4``'s ru_maxrss: interpreter, C extensions and all), once from the file
  and once from a pipe on standard input (spooled to a temporary file, so it must not grow
  either).

A decoder that kept every packet or record would grow with the copies; a streaming one stays
near flat (what remains is per-flow state: the flows table and the open flows).

    python benchmarks/bench_memory.py [CAPTURE] [--copies 1 16 64]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from skypeflux.capture.files.source import read_packets
from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.pipeline import Decoder

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "captures" / "SkypeIRC.cap"


def _repeat(src: Path, dst: Path, copies: int) -> int:
    packets = list(read_packets(src))
    span = packets[-1].ts - packets[0].ts + 3600.0  # an hour apart: old flows go idle
    out = (Packet(p.ts + copy * span, p.data, p.wirelen) for copy in range(copies) for p in packets)
    return write_capture(dst, out)


def _child_rss(path: Path, *, pipe: bool) -> float:
    """Peak resident MiB of one ``skypeflux decode --json`` process."""
    command = [sys.executable, "-m", "skypeflux", "decode", "--json", "--no-progress"]
    with open(os.devnull, "wb") as sink, path.open("rb") as fh:
        if pipe:
            proc = subprocess.Popen([*command, "-"], stdin=subprocess.PIPE, stdout=sink)
            assert proc.stdin is not None
            while chunk := fh.read(1 << 16):
                proc.stdin.write(chunk)
            proc.stdin.close()
        else:
            proc = subprocess.Popen([*command, str(path)], stdout=sink)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"decode failed with exit code {proc.returncode}")
    return usage.ru_maxrss / 1024  # KiB on Linux


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 16, 64])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"{'copies':>6} {'packets':>9} {'records':>8} {'heap MiB':>9} "
            f"{'RSS file':>9} {'RSS pipe':>9} {'s/copy':>7}"
        )
        for copies in args.copies:
            path = Path(tmp) / f"x{copies}.pcap"
            packets = _repeat(args.capture, path, copies)
            tracemalloc.start()
            start = time.perf_counter()
            count = sum(1 for _ in Decoder().run(path))
            elapsed = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss_file = _child_rss(path, pipe=False)
            rss_pipe = _child_rss(path, pipe=True)
            print(
                f"{copies:>6} {packets:>9,} {count:>8,} {peak / 2**20:>9.2f} "
                f"{rss_file:>9.1f} {rss_pipe:>9.1f} {elapsed / copies:>7.3f}"
            )
    print("RSS in MiB (peak resident set of a separate decode process; machine shared)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
