"""Streaming check: peak memory while decoding must not grow with the length of the capture.

Builds captures of back-to-back copies of SkypeIRC.cap (each copy shifted in time and on moved
ports, so every copy is new flows and connections: skypeflux.capture.synth.repeat) with the
project's own reader and writer, and for each size prints:

* the seconds per copy of the full pipeline (both passes), and in a second run the peak of
  Python allocations (tracemalloc, which slows the run: its seconds are not the ones shown);
* the peak **resident** memory of a separate ``skypeflux decode --json`` process writing to
  /dev/null (``os.wait4``'s ru_maxrss: interpreter, C extensions and all), once from the file
  and once from a pipe on standard input (spooled to a temporary file, so it must not grow
  either).

A decoder that kept every packet, record or finished flow would grow with the copies; this one
stays near flat (what remains is the open flows and bounded tables).

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

from skypeflux.capture.files.writer import write_capture
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.synth.repeat import packets_of, repeated

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "captures" / "SkypeIRC.cap"


def _repeat(src: Path, dst: Path, copies: int) -> int:
    """``copies`` copies, each new conversations (skypeflux.capture.synth.repeat)."""
    packets = packets_of(src)
    span = packets[-1][0] - packets[0][0] + 3600.0  # an hour apart: old flows go idle
    return write_capture(dst, repeated(packets, copies, spacing=span))


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
            options = DecodeOptions(keep_flows=False)  # as decode runs
            start = time.perf_counter()
            count = sum(1 for _ in Decoder(options).run(path))
            elapsed = time.perf_counter() - start
            tracemalloc.start()
            for _record in Decoder(options).run(path):
                pass
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
