"""Recovering a NATed host's public address: the candidate space and the verdict on hits.

``skypeflux.crypto.search`` finds the candidate sources under which one datagram decrypts to
its CRC. A CRC match happens by chance about once in 2**32 candidates, so a full sweep expects
one false hit per datagram: here a hit counts only if the plaintext also parses exactly as
command blocks (sizes and object lists), and if the host has other datagrams, at least one of
them must decrypt to its CRC and parse with the same address too. Everything here is sans-IO
(datagrams and ranges in, verdicts out), so the command line, Dask workers and the tests run
the same code.

The space is searched in a fixed order, so that a checkpoint can name what is done by chunk
number: the public unicast space first (RFC 1918, CGN, loopback, link-local, 0/8 and 224/3
skipped: a NAT's outside address is none of those), or the ``--range`` CIDRs given, in order.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from skypeflux import crypto
from skypeflux.crypto.search import SPACE, Target, crc_hits
from skypeflux.ipv4 import ip_number, ip_text
from skypeflux.messages.blocks import parse_blocks

SKIPPED: Final = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/3",
    )
)
"""Ranges no public (outside) address of a NAT lies in: searched only with ``--all``."""
DEFAULT_CHUNK: Final = 1 << 20

Interval = tuple[int, int]
"""Candidates ``start .. stop - 1``."""


def _subtract(intervals: Sequence[Interval], cut: Interval) -> list[Interval]:
    out = []
    for start, stop in intervals:
        if stop <= cut[0] or start >= cut[1]:
            out.append((start, stop))
            continue
        if start < cut[0]:
            out.append((start, cut[0]))
        if stop > cut[1]:
            out.append((cut[1], stop))
    return out


def _cidr(network: ipaddress.IPv4Network) -> Interval:
    return int(network.network_address), int(network.broadcast_address) + 1


def plan(ranges: Iterable[str] = (), *, include_all: bool = False) -> tuple[Interval, ...]:
    """The candidate space in search order, without repeats.

    No ``ranges``: the public unicast space (everything with ``include_all``, public first).
    With ``ranges``: those CIDRs in the order given (then the rest, public first, with
    ``include_all``). Raises ``ValueError`` for a CIDR that does not parse.
    """
    networks = [ipaddress.IPv4Network(r.strip(), strict=False) for r in ranges]
    wanted: list[Interval] = [_cidr(n) for n in networks]
    if not networks or include_all:
        public = [(0, SPACE)]
        for skipped in SKIPPED:
            public = _subtract(public, _cidr(skipped))
        wanted += public
        if include_all:
            wanted += [_cidr(n) for n in SKIPPED]
    ordered: list[Interval] = []
    for interval in wanted:
        pieces = [interval]
        for done in ordered:
            pieces = _subtract(pieces, done)
        ordered += pieces
    return tuple(ordered)


@dataclass(frozen=True)
class Chunk:
    """One unit of work: candidates ``start .. stop - 1``, number ``index`` in search order."""

    index: int
    start: int
    stop: int

    @property
    def size(self) -> int:
        return self.stop - self.start


def chunks(space: Sequence[Interval], size: int = DEFAULT_CHUNK) -> list[Chunk]:
    """``space`` cut into chunks of at most ``size`` candidates, numbered in order."""
    if size < 1:
        raise ValueError("chunk size must be positive")
    out: list[Chunk] = []
    for start, stop in space:
        for at in range(start, stop, size):
            out.append(Chunk(len(out), at, min(at + size, stop)))
    return out


def first_byte_filter(length: int) -> bytes:
    """Which values plaintext byte 0 can take when the plaintext is ``length`` bytes of blocks.

    A block is ``varint(size) varint(command) body(size)``: a one-byte size ``b`` needs
    ``b + 2 <= length``; a longer size (``b >= 0x80``) is at least ``b & 0x7F`` plus a
    continuation byte and a command byte. Conservative on purpose: a filter that rejected a
    true plaintext would make the search miss the address.
    """
    return bytes(
        1 if (b + 2 <= length if b < 0x80 else (b & 0x7F) + 3 <= length) else 0 for b in range(256)
    )


def framing_problem(plaintext: bytes) -> str | None:
    """Why ``plaintext`` is not exactly command blocks with decoding object lists (or None)."""
    blocks = parse_blocks(plaintext)
    if not blocks:
        return "no command block"
    for block in blocks:
        if block.error is not None:
            return f"block at byte {block.offset}: {block.error}"
    return None


@dataclass(frozen=True)
class Datagram:
    """One type 0x02 datagram of the host: where it was captured and what it holds."""

    frame: int
    dst: str
    packet_id: int
    iv: int
    crc: int
    ciphertext: bytes

    def target(self) -> Target:
        return Target(
            ip_number(self.dst),
            self.packet_id,
            self.iv,
            self.crc,
            self.ciphertext,
            first_byte_filter(len(self.ciphertext)),
        )


@dataclass(frozen=True)
class Verdict:
    """What a CRC hit turned out to be: ``accepted``, with the frames that confirm it."""

    address: str
    accepted: bool
    reason: str
    confirmed_by: tuple[int, ...] = ()


def judge(hit: int, datagrams: Sequence[Datagram], *, backend: crypto.BackendArg = None) -> Verdict:
    """Check a CRC hit on ``datagrams[0]``: framing, then every other datagram of the host."""
    address = ip_text(hit)
    first = datagrams[0]
    plain, ok = first.target().open(hit, backend=backend)
    if not ok:
        return Verdict(address, False, f"frame {first.frame}: CRC does not match")
    problem = framing_problem(plain)
    if problem is not None:
        return Verdict(address, False, f"frame {first.frame}: CRC matches by chance ({problem})")
    confirmed = []
    for other in datagrams[1:]:
        plain, ok = other.target().open(hit, backend=backend)
        if ok and framing_problem(plain) is None:
            confirmed.append(other.frame)
    if len(datagrams) == 1:
        return Verdict(address, True, f"frame {first.frame} only (the host has no other)")
    if not confirmed:
        # one datagram may carry an older address (0.0.0.0 before the host learnt its own),
        # so one that disagrees is no proof; none agreeing is
        frames = ", ".join(str(d.frame) for d in datagrams[1:])
        return Verdict(address, False, f"CRC matches by chance: frames {frames} do not decrypt")
    return Verdict(address, True, f"frame {first.frame}, confirmed", tuple(confirmed))


def search_chunk(
    datagrams: Sequence[Datagram], start: int, stop: int, backend: str | None = None
) -> list[Verdict]:
    """Search one chunk: the verdict on every CRC hit of ``datagrams[0]`` in it.

    A plain top-level function of picklable arguments, so a Dask worker can run it as it is.
    """
    chosen = crypto.get_backend(backend)
    hits = crc_hits(datagrams[0].target(), start, stop, backend=chosen)
    return [judge(hit, datagrams, backend=chosen) for hit in hits]
