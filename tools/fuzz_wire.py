"""Fuzz the wire parsers and the command-block splitter, and compare the C and pure paths.

Three targets, each fed ``--count`` inputs: real Skype UDP datagrams of SkypeIRC.cap, real
obfuscated TCP directions of it (the first bytes of each, as reassembled), and the verified
plaintexts of the units oracle (command blocks), mutated (bit flips, byte changes, cuts,
insertions, deletions, splices, extreme bytes) or random.

Checks, on every input:

* UDP: ``parse_datagram`` raises only ``WireError``, with an offset inside the input; a datagram
  that parses builds back to the same bytes; opening it (0x02/0x0F with the oracle's addresses,
  0x03 with its challenge) gives the same plaintext, seed and CRC on every crypto back end;
* TCP: ``decode_stream`` raises nothing (errors are carried as data) and gives the same frames,
  status, error and offsets on every crypto back end, fed whole or in random pieces;
* blocks: ``parse_blocks`` raises nothing and gives the same blocks on every 0x42 back end.

Prints one line per target and exits 1 on any failure:

    PYTHONPATH=src python tools/fuzz_wire.py --count 20000 --seed 1
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skypeflux.capture.files import open_capture
from skypeflux.capture.net.packets import NetDecoder, TcpSegment, UdpDatagram
from skypeflux.capture.net.tcp_connections import TcpTracker
from skypeflux.capture.net.tcp_reassembly import Chunk
from skypeflux.crypto import backends as crypto_backends
from skypeflux.messages.blocks import parse_blocks
from skypeflux.objects import backends as objects_backends
from skypeflux.wire import WireError
from skypeflux.wire import udp as wudp
from skypeflux.wire.tcp_stream import decode_stream
from skypeflux.wire.udp_crypt import open_payload, open_resend

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
STREAM_PREFIX = 3000  # bytes of each TCP direction used as a seed
HOST_PUBLIC = "86.128.245.115"


@dataclass
class Tally:
    inputs: int = 0
    accepted: int = 0  # parsed / framed exactly / split into exact blocks
    rejected: int = 0
    slowest_s: float = 0.0
    failures: list[str] = field(default_factory=list)


def _seeds(capture: Path) -> tuple[list[tuple[bytes, str, str]], list[bytes]]:
    """Skype UDP payloads (with their addresses) and TCP direction prefixes of the capture."""
    net = NetDecoder()
    tracker = TcpTracker()
    udp: list[tuple[bytes, str, str]] = []
    streams: dict[int, bytearray] = {}
    with open_capture(capture) as reader:
        for packet in reader:
            item = net.decode(packet)
            if isinstance(item, UdpDatagram) and wudp.looks_like_skype_udp(item.payload):
                udp.append((item.payload, item.src, item.dst))
            elif isinstance(item, TcpSegment):
                for event in tracker.add(item):
                    if isinstance(event.event, Chunk):
                        buf = streams.setdefault(id(event.direction), bytearray())
                        if len(buf) < STREAM_PREFIX:
                            buf += event.event.data
    tcp = [bytes(b[:STREAM_PREFIX]) for b in streams.values() if len(b) >= 14]
    return udp, tcp


def _plaintexts(units: Path) -> list[bytes]:
    with units.open() as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    return [bytes.fromhex(r["plaintext"]) for r in rows if r.get("plaintext")]


def mutate(rng: random.Random, seeds: list[bytes]) -> bytes:
    if rng.random() < 0.1:
        return rng.randbytes(rng.choice((0, 1, 2, 5, 10, 11, 15, 16, 17, 40, 200)))
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.choice((0, 1, 1, 1, 2, 3, 8))):
        op = rng.randrange(8)
        if op == 0 and data:
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        elif op == 1 and data:
            data[rng.randrange(min(len(data), 24))] = rng.randrange(256)
        elif op == 2 and data:
            del data[rng.randrange(len(data)) :]
        elif op == 3:
            at = rng.randrange(len(data) + 1)
            data[at:at] = rng.randbytes(rng.randrange(1, 9))
        elif op == 4 and data:
            at = rng.randrange(len(data))
            del data[at : at + rng.randrange(1, 9)]
        elif op == 5:
            other = rng.choice(seeds)
            data = data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1) :]
        elif op == 6 and data:
            data[rng.randrange(len(data))] = rng.choice((0x00, 0x7F, 0x80, 0xFF))
        elif op == 7:
            data += rng.randbytes(rng.randrange(1, 5))
    return bytes(data)


def _outcome(call: Callable[[], Any]) -> tuple[str, Any]:
    """What a call did, comparable across back ends: its value, or its exception and offset."""
    try:
        return "ok", call()
    except WireError as exc:
        return "WireError", (exc.reason, exc.offset)


def _opened(o: Any) -> tuple[Any, ...]:
    return (o.plaintext, o.seed, o.crc, o.computed_crc)


def check_udp(data: bytes, src: str, dst: str, crypto: tuple[str, ...], tally: Tally) -> None:
    try:
        parsed = wudp.parse_datagram(data)
    except WireError as exc:
        tally.rejected += 1
        if not 0 <= exc.offset <= len(data):
            tally.failures.append(f"udp: offset {exc.offset} outside {len(data)}: {data.hex()}")
        return
    tally.accepted += 1
    if wudp.build_datagram(parsed) != data:
        tally.failures.append(f"udp: parse then build differs: {data.hex()}")
    if isinstance(parsed, wudp.Payload | wudp.Fragment):
        src_pub = HOST_PUBLIC if src.startswith("192.168.") else src
        dst_pub = HOST_PUBLIC if dst.startswith("192.168.") else dst
        results = {
            b: _outcome(lambda b=b: _opened(open_payload(parsed, src_pub, dst_pub, backend=b)))
            for b in crypto
        }
    elif isinstance(parsed, wudp.Resend):
        results = {b: _outcome(lambda b=b: _opened(open_resend(parsed, backend=b))) for b in crypto}
    else:
        return
    if len(set(map(repr, results.values()))) > 1:
        tally.failures.append(f"udp: back ends disagree {sorted(results)}: {data.hex()}")


def _frames(data: bytes, backend: str, cuts: list[int]) -> tuple[Any, ...]:
    if not cuts:
        decoder, frames = decode_stream(data, strict_header=True, backend=backend)
    else:
        decoder, frames = decode_stream(b"", strict_header=True, backend=backend)
        last = 0
        for cut in [*cuts, len(data)]:
            frames += decoder.feed(data[last:cut])
            last = cut
    shown = tuple((f.offset, f.flag, f.body) for f in frames)
    # how far decryption ran past a framing error depends on how the bytes were fed: not compared
    position = decoder.position if decoder.error is None else None
    return shown, decoder.status, decoder.error, decoder.error_offset, position


def check_tcp(data: bytes, crypto: tuple[str, ...], rng: random.Random, tally: Tally) -> None:
    cuts = sorted(rng.sample(range(len(data) + 1), min(len(data), rng.choice((0, 0, 1, 5)))))
    try:
        results = {(b, bool(c)): _frames(data, b, c) for b in crypto for c in ([], cuts)}
    except Exception as exc:  # the decoder carries errors as data: nothing may escape
        tally.failures.append(f"tcp: {type(exc).__name__}: {exc}: {data.hex()}")
        return
    first = next(iter(results.values()))
    tally.accepted += first[2] is None
    tally.rejected += first[2] is not None
    if any(r != first for r in results.values()):
        summary = {k: (len(r[0]), r[1].value, r[2], r[3], r[4]) for k, r in results.items()}
        tally.failures.append(f"tcp: back ends or feeding disagree {summary} {cuts}: {data.hex()}")


def check_blocks(data: bytes, objects: tuple[str, ...], tally: Tally) -> None:
    try:
        results = {b: parse_blocks(data, objects_backend=b) for b in objects}
    except Exception as exc:  # errors are carried by the blocks: nothing may escape
        tally.failures.append(f"blocks: {type(exc).__name__}: {exc}: {data.hex()}")
        return
    first = next(iter(results.values()))
    exact = all(b.exact for b in first)
    tally.accepted += exact
    tally.rejected += not exact
    if any(r != first for r in results.values()):
        tally.failures.append(f"blocks: back ends disagree: {data.hex()}")


def fuzz(count: int, seed: int, capture: Path, units: Path) -> dict[str, Tally]:
    rng = random.Random(seed)
    udp_seeds, tcp_seeds = _seeds(capture)
    udp_bytes = [d for d, _, _ in udp_seeds]
    plain_seeds = _plaintexts(units)
    crypto = crypto_backends.available()
    objects = objects_backends.available()
    tallies = {"udp": Tally(), "tcp": Tally(), "blocks": Tally()}
    for _ in range(count):
        for name, tally in tallies.items():
            start = time.perf_counter()
            if name == "udp":
                _, src, dst = rng.choice(udp_seeds)
                check_udp(mutate(rng, udp_bytes), src, dst, crypto, tally)
            elif name == "tcp":
                check_tcp(mutate(rng, tcp_seeds), crypto, rng, tally)
            else:
                check_blocks(mutate(rng, plain_seeds), objects, tally)
            tally.inputs += 1
            tally.slowest_s = max(tally.slowest_s, time.perf_counter() - start)
    return tallies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20_000, help="inputs per target")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    capture = SHARED / "captures" / "SkypeIRC.cap"
    units = SHARED / "captures" / "SkypeIRC.units.jsonl"
    tallies = fuzz(args.count, args.seed, capture, units)
    failed = False
    print(
        f"back ends: crypto {','.join(crypto_backends.available())}, "
        f"objects {','.join(objects_backends.available())}"
    )
    for name, t in tallies.items():
        print(
            f"{name:6s}: {t.inputs} inputs, {t.accepted} accepted, {t.rejected} rejected, "
            f"slowest {t.slowest_s * 1e3:.2f} ms, failures {len(t.failures)}"
        )
        for failure in t.failures[:20]:
            print(f"  FAIL {failure[:300]}")
        failed = failed or bool(t.failures)
    print(f"total {time.perf_counter() - started:.1f} s, seed {args.seed}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
