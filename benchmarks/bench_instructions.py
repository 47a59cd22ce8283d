"""Instructions a decoding run executes, counted by callgrind: an A/B that load cannot move.

On a shared machine the CPU time of one run varies by 10-20% from minute to minute, more than
most changes worth making; the number of instructions a run executes does not (hash seeds
fixed, byte code compiled beforehand). This counts them for one in-process decoding pass over a
capture (records made, nothing written), takes off what a one-packet capture costs (start-up
and imports), and prints instructions per packet. ``--src`` measures another checkout's
``src`` folder (``git worktree add /tmp/base HEAD~3``, then its built ``.so`` files copied in)
against this one, on the same captures.

    python benchmarks/bench_instructions.py                       # 20,000 packets of copies
    python benchmarks/bench_instructions.py --packets 5000 --src /tmp/base/src
    python benchmarks/bench_instructions.py --capture mine.pcap
    python benchmarks/bench_instructions.py --json --src /tmp/base/src    # JSON lines written too

Needs valgrind (``apt-get install valgrind``); a run is about 40x slower than without it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from itertools import islice
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from _bytecode import compile_package  # noqa: E402
from skypeflux.capture.files import open_capture  # noqa: E402
from skypeflux.capture.files.writer import Packet, write_capture  # noqa: E402
from skypeflux.capture.synth.repeat import packets_of, repeated  # noqa: E402

SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
CAPTURE = SHARED / "captures" / "SkypeIRC.cap"
RUN = (
    "import sys\n"
    "from skypeflux.capture.pipeline import Decoder\n"
    "for _ in Decoder().run(sys.argv[1]): pass\n"
)
RUN_JSON = (  # the same, each record written as a JSON line (to nowhere), as decode --json does
    "import os, sys\n"
    "from skypeflux.capture.pipeline import Decoder\n"
    "from skypeflux.outputs.jsonl import JsonLinesWriter\n"
    "writer = JsonLinesWriter(open(os.devnull, 'w'))\n"
    "for record in Decoder().run(sys.argv[1]): writer.write(record)\n"
)
COLLECTED = re.compile(rb"Collected : (\d+)")


def _first(path: Path, count: int, out: Path) -> int:
    """The first ``count`` packets of ``path`` (or of copies of SkypeIRC.cap) into ``out``."""
    if path == CAPTURE:
        packets = packets_of(CAPTURE)
        source = repeated(packets, -(-count // len(packets)), spacing=3600.0)
        return write_capture(out, islice(source, count))
    with open_capture(path) as reader:
        return write_capture(out, (Packet(p.ts, p.data, p.wirelen) for p in islice(reader, count)))


def instructions(src: Path, capture: Path, *, json: bool = False) -> int:
    """Instructions of one decoding pass of ``capture`` with the package in ``src`` (and the
    writing of its JSON lines, with ``json``)."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONPATH": str(src)}
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    done = subprocess.run(
        [*command, sys.executable, "-c", RUN_JSON if json else RUN, str(capture)],
        env=env,
        capture_output=True,
        check=False,
    )
    found = COLLECTED.search(done.stderr)
    if done.returncode != 0 or found is None:
        raise SystemExit(f"callgrind failed: {done.stderr.decode(errors='replace')[-500:]}")
    return int(found.group(1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--capture", type=Path, default=CAPTURE, help="default: SkypeIRC.cap copies"
    )
    parser.add_argument("--packets", type=int, default=20_000)
    parser.add_argument("--src", type=Path, action="append", help="another checkout's src folder")
    parser.add_argument("--json", action="store_true", help="write each record's JSON line too")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (apt-get install valgrind): nothing measured")
        return 1
    sources = [REPO / "src", *(args.src or [])]
    for src in sources:
        compile_package(src / "skypeflux")
    with tempfile.TemporaryDirectory(prefix="skypeflux-ir-") as folder:
        sample, one = Path(folder) / "sample.pcap", Path(folder) / "one.pcap"
        count = _first(args.capture, args.packets, sample)
        _first(sample, 1, one)
        print(f"{count:,} packets of {args.capture.name}; instructions, start-up taken off:")
        base = None
        for src in sources:
            json = args.json
            work = instructions(src, sample, json=json) - instructions(src, one, json=json)
            ratio = "" if base is None else f"  ({work / base:.3f} of the first)"
            base = base or work
            print(f"  {src}: {work / 1e6:,.0f} M, {work / count:,.0f} a packet{ratio}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
