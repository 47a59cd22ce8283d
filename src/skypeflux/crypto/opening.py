"""Opening one UDP datagram whose public addresses are a few guesses (spec protocol.md 1.2).

A type 0x02 datagram (or a 0x0F fragment) is keyed by ``CRC32(public src, public dst, id) XOR
iv``; a passive observer knows the id and IV but must guess the addresses the sender believed
in, most likely first. Every datagram of a capture goes through this, with two to six pairs, so
the C back end runs the whole loop (seed, key schedule, RC4, CRC) in one call; the loop here is
the pure back end's, its readable twin, with the same results and the same refusals
(``tests/crypto/test_opening.py``). ``skypeflux.crypto.open_first`` picks one.
"""

from __future__ import annotations

from collections.abc import Sequence

from .crc import skype_crc32
from .errors import CryptoError
from .expansion import expand_key
from .rc4 import RC4, Buffer, byte_view
from .seeds import address_value, udp_seed


def _u32(name: str, value: object, top: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if not 0 <= value <= top:
        raise CryptoError(f"{name} {value!r} is outside 0..{top}")
    return value


def _address(name: str, value: object) -> int:
    if isinstance(value, str):
        return address_value(value)  # CryptoError("not an IPv4 address: ...")
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int or str, not {type(value).__name__}")
    return _u32(name, value, 0xFFFFFFFF)


def pure_open_first(
    pairs: Sequence[tuple[int | str, int | str]],
    packet_id: int,
    iv: int,
    crc: int,
    ciphertext: Buffer,
) -> tuple[int, int, bytes] | None:
    """``(index, seed, plaintext)`` of the first ``(src, dst)`` pair (addresses as numbers or
    strict dotted quads) under which ``ciphertext`` decrypts to ``crc``; ``None`` when no pair
    does."""
    packet_id = _u32("packet_id", packet_id, 0xFFFF)
    iv = _u32("iv", iv, 0xFFFFFFFF)
    crc = _u32("crc", crc, 0xFFFFFFFF)
    if not isinstance(pairs, list | tuple):
        raise TypeError(
            f"pairs must be a list or tuple of (src, dst) tuples, not {type(pairs).__name__}"
        )
    words = []
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise TypeError(f"each pair must be a (src, dst) tuple, not {type(pair).__name__}")
        words.append((_address("src", pair[0]), _address("dst", pair[1])))
    data = byte_view(ciphertext, "ciphertext")
    for index, (src, dst) in enumerate(words):
        seed = udp_seed(src, dst, packet_id, iv)
        plain = RC4(expand_key(seed)).crypt(data)
        if skype_crc32(plain) == crc:
            return index, seed, plain
    return None
