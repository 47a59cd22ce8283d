"""skypeflux decode --json against tshark -T json on the same capture, same machine, same run.

tshark only parses headers (its Skype dissector decrypts nothing), so this is a conservative
comparison: skypeflux does strictly more work per packet. Both commands run as subprocesses,
writing to /dev/null, alternately, several times; the medians and their ratio are printed.

    python benchmarks/bench_decode.py [CAPTURE] [--runs N]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _bytecode import compile_package

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "captures" / "SkypeIRC.cap"


def _time(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("capture", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tshark = shutil.which("tshark")
    ours = [sys.executable, "-m", "skypeflux", "decode", "--json", str(args.capture)]
    theirs = [tshark, "-r", str(args.capture), "-T", "json"] if tshark else None
    from skypeflux.crypto import backend_name

    print(f"capture: {args.capture} ({args.capture.stat().st_size:,} bytes)")
    print(f"skypeflux crypto backend: {backend_name()}")
    compile_package()
    _time(ours)  # warm the page cache
    if theirs:
        _time(theirs)
    mine: list[float] = []
    other: list[float] = []
    for _ in range(args.runs):
        mine.append(_time(ours))
        if theirs:
            other.append(_time(theirs))
    m = statistics.median(mine)
    print(
        f"skypeflux decode --json : median {m:.3f} s over {args.runs} runs "
        f"(min {min(mine):.3f}, max {max(mine):.3f})"
    )
    if theirs:
        t = statistics.median(other)
        print(
            f"tshark -T json          : median {t:.3f} s over {args.runs} runs "
            f"(min {min(other):.3f}, max {max(other):.3f})"
        )
        print(f"ratio skypeflux / tshark: {m / t:.2f} (target: <= 1.00)")
    else:
        print("tshark not found: install it (apt-get install tshark) for the comparison")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
