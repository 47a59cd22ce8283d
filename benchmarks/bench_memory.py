"""Streaming check: peak memory while decoding must not grow with the length of the capture.

Builds captures of 1, 4, 16 and 64 back-to-back copies of SkypeIRC.cap (each copy shifted in time,
so every copy is new traffic on the same hosts), decodes each with the full pipeline while
tracemalloc watches, and prints the peak of Python allocations and the time per copy. A decoder
that kept every packet or record would grow 16x; a streaming one stays near flat (what remains
is per-flow state: the flows table and the open flows).

    python benchmarks/bench_memory.py [CAPTURE] [--copies 1 4 16 64]
"""

from __future__ import annotations

import argparse
import tempfile
import time
import tracemalloc
from pathlib import Path

import dpkt

from skypeflux.capture.pipeline import Decoder

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "captures" / "SkypeIRC.cap"


def _repeat(src: Path, dst: Path, copies: int) -> int:
    with src.open("rb") as fh:
        reader = dpkt.pcap.Reader(fh)
        linktype = reader.datalink()
        packets = list(reader)
    span = packets[-1][0] - packets[0][0] + 3600.0  # an hour apart: old flows go idle
    with dst.open("wb") as out:
        writer = dpkt.pcap.Writer(out, linktype=linktype)
        for copy in range(copies):
            for ts, buf in packets:
                writer.writepkt(buf, ts + copy * span)
    return len(packets) * copies


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 4, 16, 64])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"{'copies':>6} {'packets':>9} {'records':>8} {'peak MiB':>9} {'s/copy':>7}")
        for copies in args.copies:
            path = Path(tmp) / f"x{copies}.pcap"
            packets = _repeat(args.capture, path, copies)
            tracemalloc.start()
            start = time.perf_counter()
            count = sum(1 for _ in Decoder().run(path))
            elapsed = time.perf_counter() - start
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"{copies:>6} {packets:>9,} {count:>8,} {peak / 2**20:>9.2f} "
                f"{elapsed / copies:>7.3f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
