"""What compiling the hot modules with mypyc would gain: the figure behind README's "tried and
left out", measured again whenever someone wants to reconsider it.

mypyc (part of mypy, already a test dependency) compiles type-annotated modules to C
extensions; nothing is written by hand. This copies ``src`` to a temporary folder, compiles
the modules below there (the checkout itself is never touched, so no compiled module can
shadow an edited source), checks that ``decode --json`` writes the same bytes with and without
them, then runs both in interleaved rounds and prints the CPU seconds of each and the median
of the rounds' ratios. With ``--instructions`` it also counts both with callgrind
(``bench_instructions.py``), which a shared machine's load cannot move.

    python benchmarks/bench_mypyc.py                         # bench_throughput's 27M copies
    python benchmarks/bench_mypyc.py --capture big.pcap --rounds 9
    python benchmarks/bench_mypyc.py --instructions          # needs valgrind

Needs a C compiler and the Python headers (the C fast paths need them too); the build takes
about a minute.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from _bytecode import compile_package  # noqa: E402
from bench_throughput import CAPTURE, synthesize  # noqa: E402

# Every module a packet passes through, but two that mypyc refuses as they are:
# wire/udp.py (the class constants of its frozen datagram dataclasses become fields) and
# messages/pairing.py (a generic frozen dataclass).
MODULES = [
    f"skypeflux/{name}.py"
    for name in (
        "capture/pipeline",
        "capture/files/pcap",
        "capture/files/stream",
        "capture/files/reader",
        "capture/net/packets",
        "capture/net/tcp_connections",
        "capture/net/tcp_reassembly",
        "capture/net/ip_fragments",
        "capture/skype/survey",
        "capture/skype/udp_decoder",
        "capture/skype/tcp_decoder",
        "capture/skype/describe",
        "capture/skype/addresses",
        "capture/skype/udp_messages",
        "capture/flows",
        "capture/flow_ends",
        "capture/accounting",
        "capture/emitter",
        "capture/records",
        "wire/udp_crypt",
        "wire/tcp",
        "wire/tcp_stream",
        "wire/varint",
        "wire/fragments",
        "messages/blocks",
        "objects/lists",
        "objects/coded42",
        "outputs/jsonl",
        "outputs/values",
        "ipv4",
    )
]


def _build(folder: Path) -> float:
    """Copy ``src`` into ``folder`` and compile MODULES there; seconds it took."""
    shutil.copytree(REPO / "src", folder / "src", ignore=shutil.ignore_patterns("*.egg-info"))
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "mypyc", *MODULES],
        cwd=folder / "src",
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stdout.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit("mypyc failed: the modules above no longer compile as they are")
    return time.perf_counter() - started


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
        compile_package(REPO / "src" / "skypeflux")
        built = _build(folder)
        compiled = folder / "src"
        compile_package(compiled / "skypeflux")  # the modules left as byte code
        print(f"mypyc: {len(MODULES)} modules compiled in {built:.0f} s")
        plain_cpu, plain_out = _decode(REPO / "src", capture)
        fast_cpu, fast_out = _decode(compiled, capture)
        if plain_out != fast_out:
            raise SystemExit("the compiled modules write different output: nothing to compare")
        plain, fast = [plain_cpu], [fast_cpu]
        for _ in range(args.rounds - 1):
            plain.append(_decode(REPO / "src", capture)[0])
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
                [sys.executable, str(bench), "--capture", str(capture), "--src", str(compiled)],
                check=True,
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
