"""Throughput of the object-list codecs (one core, median of runs).

Run: PYTHONPATH=src python benchmarks/bench_objects.py [--runs 7]

Corpora:
- "captured": the vectors' real lists (from SkypeIRC.cap, FakeSkype, skypeopensource2,
  OpenSkype), as the capture pipeline meets them; 0x42 and 0x41 measured apart.
- "text-heavy": generated lists dominated by long strings (English, Russian, mixed UTF-8 chat
  lines), the case the reference C decoder is quoted at 17-80 MB/s for.

Bytes/s counts the serialised list bytes (what a decoder reads, what an encoder writes). Every
0x42 figure is given for each range coder built (``pure``, and ``fast`` = the C ``_fast42``), in
the same run, with the fast/pure ratio; 0x41 has no C path.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from skypeflux.objects import Obj, ObjectList, available_backends, decode, encode

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
WORDS_EN = [
    "the",
    "quick",
    "brown",
    "fox",
    "jumps",
    "over",
    "lazy",
    "dog",
    "skype",
    "call",
    "chat",
    "message",
    "contact",
    "online",
]
WORDS_RU = [
    "Привет",
    "как",
    "дела",
    "Съешь",
    "же",
    "ещё",
    "этих",
    "мягких",
    "французских",
    "булок",
    "да",
    "выпей",
    "чаю",
]


def _median_seconds(work: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def captured_lists() -> dict[str, list[bytes]]:
    out: dict[str, list[bytes]] = {"0x42": [], "0x41": []}
    with (SHARED / "vectors" / "objects_4142.jsonl").open() as fh:
        for line in fh:
            v = json.loads(line)
            if v["ok"] and not v["source"].startswith(("synthetic", "edge")):
                out["0x" + v["kind"]].append(bytes.fromhex(v["hex"])[: v["consumed"]])
    return out


def text_heavy_lists(count: int = 40, seed: int = 7) -> list[ObjectList]:
    rng = random.Random(seed)
    lists = []
    for _ in range(count):
        items = []
        for oid in range(rng.randrange(4, 10)):
            words = rng.choice((WORDS_EN, WORDS_RU, WORDS_EN + WORDS_RU))
            text = " ".join(rng.choice(words) for _ in range(rng.randrange(40, 300)))
            items.append(Obj(3, oid, text.encode("utf-8")))
        items.append(Obj(0, 99, rng.randrange(2**32)))
        lists.append(ObjectList(items))
    return lists


def measure(name: str, blobs: list[bytes], runs: int) -> list[str]:
    total = sum(len(b) for b in blobs)
    objects = [decode(b, backend="pure") for b in blobs]
    names = available_backends() if name.endswith("0x42") else ("pure",)
    lines = []
    for what in ("decode", "encode"):
        speeds = {}
        for backend in sorted(names, reverse=True):  # pure first: the baseline

            def work(backend: str = backend, what: str = what) -> object:
                if what == "decode":
                    return [decode(b, backend=backend) for b in blobs]
                return [encode(d.objects, d.form, backend=backend) for d in objects]

            secs = _median_seconds(work, runs)
            speeds[backend] = total / secs
            ratio = f"  x{speeds[backend] / speeds['pure']:.1f}" if backend != "pure" else ""
            lines.append(
                f"{name:16s} {what} {backend:4s}: {total / secs / 1e6:8.3f} MB/s"
                f"  {len(blobs) / secs:9.0f} lists/s  ({len(blobs)} lists, {total} bytes){ratio}"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description="object-list codec throughput")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    captured = captured_lists()
    text = text_heavy_lists()
    corpora = {
        "captured 0x42": captured["0x42"],
        "captured 0x41": captured["0x41"],
        "text-heavy 0x42": [encode(lst, 0x42) for lst in text],
        "text-heavy 0x41": [encode(lst, 0x41) for lst in text],
    }
    print(f"median of {args.runs} runs, one core")
    for name, blobs in corpora.items():
        for line in measure(name, blobs, args.runs):
            print(line)


if __name__ == "__main__":
    main()
