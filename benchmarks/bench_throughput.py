"""Throughput on big captures: skypeflux decode --json beside tshark -r and tshark -T json.

The captures are synthesized from SkypeIRC.cap: back-to-back copies, each shifted by an hour of
capture time and with every UDP and TCP port moved by the copy number, so each copy is new
conversations (new flows, new TCP connections, new IP fragment sets), as a long capture of many
hosts would be; the Skype traffic in every copy still verifies (ports are not part of any seed).
Each command runs as a child process writing to /dev/null; its CPU time (user + system) and peak
resident memory (``wait4``'s ``ru_maxrss``: resident, not the Python heap) are printed with
packets/s and MB/s. Medians of ``--runs`` runs, taken in rounds (each command once per round,
in turn), so a machine whose speed drifts slows every command alike; the ratios printed are the
medians of each round's ratio. The machine may be shared: say so with figures.

    python benchmarks/bench_throughput.py                  # 27 MB (64 copies)
    python benchmarks/bench_throughput.py --size 1G --size 4G --runs 1
    python benchmarks/bench_throughput.py --size 4G --runs 1 --only skypeflux   # no tshark
    python benchmarks/bench_throughput.py --shape streams --size 1G --size 4G --runs 1
    python benchmarks/bench_throughput.py --capture ../shared/captures/SkypeIRC.cap --runs 9

``--shape streams`` writes long conversations instead (skypeflux.capture.synth.long_streams):
four Skype TCP connections that last the whole capture, a bulk download beside them and
IP-fragmented UDP, every packet built as it is written. It shows that what is kept per open
connection does not grow with the connection's length, which copies of short flows cannot show.
``--shape mixed`` is both in one capture, half the bytes each, merged in time order: many
flows, long TCP streams and fragments at once. ``--shape other`` is what most long captures
are: mostly other traffic (nine tenths of the bytes a bulk download and IP-fragmented UDP, the
rest copies), where what a non-Skype packet costs decides the time.

tshark's TCP sequence analysis and reassembly, on by default, take time that grows faster than
the length of a connection (measured: 400 k packets of long streams, 28.5 s; without both,
3.2 s), so on long streams it may not finish: ``--limit-s`` stops a tshark command after that
many seconds and prints what it used ("stopped"); skypeflux always runs to the end.
``tshark -r (no TCP analysis)`` is plain tshark with both off, the linear baseline.

``--capture`` measures a capture as it is (the real SkypeIRC.cap, or one of yours) instead of
synthesizing one; on a file that small, starting each program is most of what is measured.
"""

from __future__ import annotations

import argparse
import heapq
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from _bytecode import compile_package  # noqa: E402
from skypeflux.capture.files import open_capture  # noqa: E402
from skypeflux.capture.files.writer import write_capture  # noqa: E402
from skypeflux.capture.synth.long_streams import long_streams  # noqa: E402
from skypeflux.capture.synth.repeat import packets_of, repeated  # noqa: E402

SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
CAPTURE = SHARED / "captures" / "SkypeIRC.cap"


def _size(text: str) -> int:
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:].upper(), 1)
    return int(text[:-1] if scale > 1 else text) * scale


COPY_SPACING = 3600.0  # capture seconds from one copy to the next (repeat.repeated's default)
STREAM_PACKET = 284  # bytes a packet of long_streams takes in a pcap file, on average
BULK_PACKET = 1_400  # the same without its Skype connections (bulk segments, UDP fragments)


def _copies(target: int) -> tuple[list[tuple[float, int, bytes, int]], int]:
    """SkypeIRC.cap's packets and how many copies of them make ``target`` bytes."""
    packets = packets_of(CAPTURE)
    per_copy = sum(16 + len(p[2]) for p in packets)
    return packets, max(1, -(-(target - 24) // per_copy))


def synthesize(path: Path, target: int) -> tuple[int, int]:
    """Write copies of SkypeIRC.cap to ``path`` until it holds ``target`` bytes (each copy new
    conversations: skypeflux.capture.synth.repeat); return (packets, bytes)."""
    packets, copies = _copies(target)
    written = write_capture(path, repeated(packets, copies, spacing=COPY_SPACING))
    return written, path.stat().st_size


def synthesize_streams(path: Path, target: int) -> tuple[int, int]:
    """Write about ``target`` bytes of long conversations to ``path``; (packets, bytes)."""
    written = write_capture(path, long_streams(target))
    return written, path.stat().st_size


def _copies_beside_streams(
    path: Path, copies_bytes: int, stream_bytes: int, *, connections: int, per_packet: int
) -> tuple[int, int]:
    """Copies of about ``copies_bytes`` and long_streams of about ``stream_bytes`` (with
    ``connections`` Skype connections, about ``per_packet`` bytes a packet), spread over the
    same capture time and merged in time order; (packets, bytes)."""
    packets, copies = _copies(copies_bytes)
    spacing = copies * COPY_SPACING / max(1, stream_bytes // per_packet)
    both = heapq.merge(
        repeated(packets, copies, spacing=COPY_SPACING),
        long_streams(stream_bytes, connections=connections, start=packets[0][0], spacing=spacing),
        key=lambda packet: float(packet.ts),
    )
    written = write_capture(path, both)
    return written, path.stat().st_size


def synthesize_mixed(path: Path, target: int) -> tuple[int, int]:
    """Half the bytes copies, half long conversations spread over the same capture time."""
    half = target // 2
    return _copies_beside_streams(path, half, half, connections=4, per_packet=STREAM_PACKET)


def synthesize_other(path: Path, target: int) -> tuple[int, int]:
    """Mostly other traffic: nine tenths of the bytes a bulk download and IP-fragmented UDP
    (long_streams without its Skype connections), one tenth copies, over the same time."""
    tenth = target // 10
    return _copies_beside_streams(
        path, tenth, target - tenth, connections=0, per_packet=BULK_PACKET
    )


SHAPES = {
    "copies": synthesize,
    "streams": synthesize_streams,
    "mixed": synthesize_mixed,
    "other": synthesize_other,
}


TSHARK_LINEAR = [
    *("-o", "tcp.analyze_sequence_numbers:FALSE"),
    *("-o", "tcp.desegment_tcp_streams:FALSE"),
]


def measure(cmd: list[str], limit_s: float | None = None) -> tuple[float, int, bool]:
    """CPU seconds and peak resident KiB of one run of ``cmd``, and whether it was stopped
    after ``limit_s`` seconds (its figures are then what it used until then)."""
    stopped = threading.Event()

    def stop() -> None:
        stopped.set()
        proc.kill()

    with open(os.devnull, "wb") as sink:
        proc = subprocess.Popen(cmd, stdout=sink, stderr=subprocess.DEVNULL)
        timer = threading.Timer(limit_s, stop) if limit_s else None
        if timer is not None:
            timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        if timer is not None:
            timer.cancel()
    if not stopped.is_set() and os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd[0]} failed with {status}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stopped.is_set()


OURS = "skypeflux decode --json"


def _print_ratios(runs: dict[str, list[tuple[float, int, bool]]]) -> None:
    """skypeflux's time over each tshark command's (below 1: faster): the median of the
    ratios of each round, whose commands ran one after the other."""
    ours = runs.get(OURS)
    if ours is None:
        return
    for name, theirs in runs.items():
        if not name.startswith("tshark"):
            continue
        ratios = [a[0] / b[0] for a, b in zip(ours, theirs, strict=True) if b[0] > 0]
        if not ratios:
            continue
        bound = "at most " if any(r[2] for r in theirs) else ""  # stopped: it would take longer
        spread = f" (rounds {min(ratios):.2f}-{max(ratios):.2f})" if len(ratios) > 1 else ""
        print(f"  skypeflux / {name:28s} {bound}{statistics.median(ratios):.2f}{spread}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", help="capture sizes (27M, 1G, 4G...)")
    parser.add_argument(
        "--shape", choices=sorted(SHAPES), default="copies", help="what the captures hold"
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder for the synthesized captures")
    parser.add_argument(
        "--only", action="append", help="run only the commands starting with this (repeatable)"
    )
    parser.add_argument("--limit-s", type=float, help="stop a tshark command after this many s")
    parser.add_argument(
        "--capture", action="append", type=Path, help="measure this capture as it is (repeatable)"
    )
    args = parser.parse_args()
    sizes = [_size(s) for s in (args.size or ([] if args.capture else ["27M"]))]
    tshark = shutil.which("tshark")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="skypeflux-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    compile_package()
    print(f"CPUs: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f} (shared machine?)")
    given: list[tuple[Path, int | None]] = [(path, None) for path in args.capture or []]
    planned = [(folder / f"{args.shape}-{target >> 20}M.pcap", target) for target in sizes]
    for path, target in given + planned:
        if target is None or (path.exists() and path.stat().st_size >= target):  # given or kept
            with open_capture(path) as reader:
                packets = sum(1 for _ in reader)
            size = path.stat().st_size
        else:
            packets, size = SHAPES[args.shape](path, target)
        print(f"\n{path.name}: {packets:,} packets, {size / 1e6:,.1f} MB")
        commands = {OURS: [sys.executable, "-m", "skypeflux", "decode",
                           "--json", "--no-progress", str(path)]}  # fmt: skip
        if tshark:
            commands["tshark -r"] = [tshark, "-r", str(path)]
            commands["tshark -r (no TCP analysis)"] = [tshark, "-r", str(path), *TSHARK_LINEAR]
            commands["tshark -T json"] = [tshark, "-r", str(path), "-T", "json"]
        if args.only:
            commands = {
                k: v for k, v in commands.items() if any(k.startswith(o) for o in args.only)
            }
        runs: dict[str, list[tuple[float, int, bool]]] = {name: [] for name in commands}
        for _round in range(args.runs):
            for name, cmd in commands.items():
                limit = args.limit_s if name.startswith("tshark") else None
                runs[name].append(measure(cmd, limit))
        for name, done in runs.items():
            cpu = statistics.median(r[0] for r in done)
            rss = max(r[1] for r in done)
            stopped = any(r[2] for r in done)
            note = "  (stopped at the limit: slower than this)" if stopped else ""
            print(
                f"  {name:28s} {cpu:8.2f} s CPU  {packets / cpu:10,.0f} packets/s  "
                f"{size / 1e6 / cpu:7.1f} MB/s  peak RSS {rss / 1024:7.1f} MiB{note}",
                flush=True,
            )
        _print_ratios(runs)
        if target is not None and not args.keep:
            path.unlink()
    return 0


if __name__ == "__main__":
    sys.exit(main())
