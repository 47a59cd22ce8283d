"""What the mypyc-compiled modules gain: ``decode --json`` with the checkout as built against
the same source with those modules left as plain Python.

setup.py compiles the modules ``[tool.skypeflux] compiled`` in pyproject.toml lists (no code is
written by hand for them). This copies the package without their libraries
(``tests.helpers.compiled.plain_copy``, what ``make test-pure`` tests), checks that both write
the same bytes, then runs both in interleaved rounds and prints the CPU seconds of each and the
median of the rounds' ratios. With ``--instructions`` it also counts both with callgrind
(``bench_instructions.py``), which a shared machine's load cannot move.

    python benchmarks/bench_mypyc.py                         # bench_throughput's 27M copies
    python benchmarks/bench_mypyc.py --capture big.pcap --rounds 9
    python benchmarks/bench_mypyc.py --instructions          # needs valgrind

The checkout must be built (``make build``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
sys.path.insert(0, str(REPO))

from tests.helpers.compiled import built, compiled_names, plain_copy  # noqa: E402

from _bytecode import compile_package  # noqa: E402
from bench_throughput import CAPTURE, synthesize  # noqa: E402


def _decode(src: Path, capture: Path) -> tuple[float, str]:
    """CPU seconds of one ``decode --json`` run with the package in ``src``, and its output's
    digest."""
    env = dict(os.environ, PYTHONPATH=str(src), PYTHONHASHSEED="0")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(
        [sys.executable, "-m", "skypeflux", "decode", "--json", str(capture)],
        env=env,
        capture_output=True,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: no Skype traffic, still a run to time
        raise SystemExit(f"decode failed ({done.returncode}): {done.stderr.decode()[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, hashlib.sha256(done.stdout).hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--capture", type=Path, help="default: bench_throughput's 27M copies of SkypeIRC.cap"
    )
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--instructions", action="store_true", help="count them by callgrind")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="skypeflux-mypyc-") as tmp:
        folder = Path(tmp)
        capture = args.capture
        if capture is None:
            if not CAPTURE.exists():
                raise SystemExit(f"{CAPTURE} is not here: give a capture with --capture")
            capture = folder / "copies-27M.pcap"
            synthesize(capture, 27 * 1024 * 1024)
        names = compiled_names()
        missing = [name for name in names if not built(name)]
        if missing:
            raise SystemExit(f"not compiled: {', '.join(missing)}; run `make build` first")
        compiled = REPO / "src"
        plain_src = folder / "plain"
        plain_copy(plain_src)
        compile_package(compiled / "skypeflux")
        compile_package(plain_src / "skypeflux")
        print(f"mypyc: {len(names)} modules compiled, against the same source as byte code")
        plain_cpu, plain_out = _decode(plain_src, capture)
        fast_cpu, fast_out = _decode(compiled, capture)
        if plain_out != fast_out:
            raise SystemExit("the compiled modules write different output: nothing to compare")
        plain, fast = [plain_cpu], [fast_cpu]
        for _ in range(args.rounds - 1):
            plain.append(_decode(plain_src, capture)[0])
            fast.append(_decode(compiled, capture)[0])
        ratios = [f / p for f, p in zip(fast, plain, strict=True)]
        print(f"{capture.name}: output identical; {args.rounds} interleaved rounds, CPU s")
        print(f"  byte code      {statistics.median(plain):6.2f} s")
        print(f"  mypyc          {statistics.median(fast):6.2f} s")
        print(
            f"  mypyc / byte code  {statistics.median(ratios):.3f} "
            f"(rounds {min(ratios):.3f}-{max(ratios):.3f})"
        )
        if args.instructions:
            bench = Path(__file__).with_name("bench_instructions.py")
            subprocess.run(
                [sys.executable, str(bench), "--capture", str(capture), "--src", str(plain_src)],
                check=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
