"""Searching a UDP datagram's unknown public source address (spec protocol.md 1.2), sans-IO.

A type 0x02 datagram is keyed by ``CRC32(public src, public dst, id) XOR iv``. Everything but
the source is in clear, so a datagram from a NATed host whose public address nothing in the
capture tells can still be opened: try every candidate source, and keep those whose keystream
turns the ciphertext into plaintext with the datagram's CRC. One candidate in about 2**32 hits
the CRC by chance, so what this module returns are *CRC hits*, not answers: the caller checks
that the plaintext parses and confirms a hit on another datagram of the host
(``skypeflux.capture.skype.recovery``).

``crc_hits`` is the one entry point, for the command line, Dask workers and tests alike. On the
C back end the whole loop runs in C (seed derivation, four interleaved key schedules, rejection
on the first plaintext byte, the CRC) without the GIL, so threads searching different chunks
use different cores; the pure back end computes the same hits slowly, for the tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from . import backends
from .crc import skype_crc32
from .errors import CryptoError
from .expansion import expand_key
from .rc4 import RC4
from .seeds import udp_seed

SPACE: Final = 1 << 32
"""Candidate sources are 0 .. 2**32 - 1, as the number a<<24|b<<16|c<<8|d."""
ACCEPT_ALL: Final = b"\x01" * 256


@dataclass(frozen=True)
class Target:
    """The clear fields and ciphertext of one type 0x02 datagram to open.

    ``accept`` has 256 flags: plaintext byte 0 may only take values whose flag is non-zero (the
    caller derives them from the plaintext's framing, so that nearly every wrong candidate is
    rejected after one keystream byte). It must never exclude the true plaintext.
    """

    dst: int
    packet_id: int
    iv: int
    crc: int
    ciphertext: bytes
    accept: bytes = field(default=ACCEPT_ALL, repr=False)

    def __post_init__(self) -> None:
        if not self.ciphertext:
            raise CryptoError("the datagram has no ciphertext to test")
        if len(self.accept) != 256:
            raise CryptoError("accept must hold 256 flags")
        for name, value, top in (
            ("dst", self.dst, 0xFFFFFFFF),
            ("packet_id", self.packet_id, 0xFFFF),
            ("iv", self.iv, 0xFFFFFFFF),
            ("crc", self.crc, 0xFFFFFFFF),
        ):
            if not 0 <= value <= top:
                raise CryptoError(f"{name} {value} is outside 0..{top}")

    def seed(self, source: int) -> int:
        """The RC4 seed this datagram has if its public source is ``source``."""
        return udp_seed(source, self.dst, self.packet_id, self.iv)

    def open(self, source: int, *, backend: backends.BackendArg = None) -> tuple[bytes, bool]:
        """(plaintext, CRC ok) with ``source`` as the public source address."""
        plain = backends.get(backend).decrypt(self.seed(source), self.ciphertext)
        return plain, skype_crc32(plain) == self.crc


def _check_range(start: int, stop: int) -> None:
    for name, value in (("start", start), ("stop", stop)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
        if not 0 <= value <= SPACE:
            raise CryptoError(f"{name} {value} is outside 0..2**32")


def crc_hits(
    target: Target, start: int, stop: int, *, backend: backends.BackendArg = None
) -> list[int]:
    """Every source in ``start .. stop - 1`` under which ``target`` decrypts to its CRC."""
    _check_range(start, stop)
    chosen = backends.get(backend)
    if chosen.search_sources is not None:
        return chosen.search_sources(
            target.dst,
            target.packet_id,
            target.iv,
            target.crc,
            target.ciphertext,
            target.accept,
            start,
            stop,
        )
    return _pure_hits(target, start, stop)


def _pure_hits(target: Target, start: int, stop: int) -> list[int]:
    """The same search in Python: one key schedule per candidate (tens of thousands a second)."""
    first, rest, accept = target.ciphertext[0], target.ciphertext[1:], target.accept
    hits = []
    for source in range(start, stop):
        cipher = RC4(expand_key(target.seed(source)))
        head = first ^ cipher.keystream(1)[0]
        if not accept[head]:
            continue
        plain = bytes((head,)) + cipher.crypt(rest)
        if skype_crc32(plain) == target.crc:
            hits.append(source)
    return hits
