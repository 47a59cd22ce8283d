"""Skype's obfuscation primitives: CRCs, RC4 and the seed -> key expansion.

Everything here is bytes in, values out. The key expansion and RC4 have two back ends with
identical results: a pure-Python one that reads as the specification, and a generated C one
(``_fast``) chosen automatically when it was built. ``SKYPEFLUX_BACKEND=pure|fast`` (read on
first use; a bad value raises ``CryptoError`` then, never at import) or ``backend="pure"|"fast"``
on each call overrides the choice.

Public API:

- ``expand_key(seed) -> bytes``: the 80-byte RC4 key for a 32-bit seed.
- ``keystream(seed, n) -> bytes``: the first ``n`` RC4 keystream bytes for ``seed``.
- ``decrypt(seed, data) -> bytes``: ``data`` XOR ``keystream(seed, len(data))`` (what one UDP
  datagram needs; the same call encrypts).
- ``cipher_for_seed(seed)`` / ``RC4(key)``: stream ciphers with ``crypt``, ``peek`` (no advance)
  and ``copy``, for TCP streams.
- ``keystream_batch(seeds, n=16) -> bytes``: ``n`` keystream bytes per seed, concatenated;
  the fast path for trying many candidate seeds.
- ``skype_crc32(data, crc=0xFFFFFFFF)``, ``crc16_xmodem(data, crc=0)``.
- ``backend_name()``, ``available_backends()``, ``set_default_backend(name)``.
- ``CryptoError``: the layer's one exception (a ``ValueError``) for unusable arguments.
"""

from __future__ import annotations

import array
from collections.abc import Iterable

from . import backends
from . import seeds as seeds
from .backends import WORD_TYPECODE
from .crc import crc16_xmodem as crc16_xmodem
from .crc import skype_crc32 as skype_crc32
from .errors import CryptoError as CryptoError
from .rc4 import Buffer as Buffer
from .rc4 import StreamCipher as StreamCipher

__all__ = [
    "RC4",
    "Buffer",
    "CryptoError",
    "StreamCipher",
    "available_backends",
    "backend_name",
    "cipher_for_seed",
    "crc16_xmodem",
    "decrypt",
    "expand_key",
    "keystream",
    "keystream_batch",
    "set_default_backend",
    "skype_crc32",
]


def backend_name(backend: str | None = None) -> str:
    """Name of the back end a call with this ``backend=`` argument would use."""
    return backends.get(backend).name


def available_backends() -> tuple[str, ...]:
    """Back ends usable in this process, preferred first."""
    return backends.available()


def set_default_backend(name: str | None) -> str:
    """Set the process-wide default back end (``None``: automatic); returns its name."""
    return backends.set_default(name).name


def expand_key(seed: int, *, backend: str | None = None) -> bytes:
    """The 80-byte RC4 key Skype derives from a 32-bit ``seed``."""
    return backends.get(backend).expand_key(seed)


def keystream(seed: int, n: int, *, backend: str | None = None) -> bytes:
    """The first ``n`` RC4 keystream bytes for ``seed``."""
    return backends.get(backend).keystream(seed, n)


def decrypt(seed: int, data: Buffer, *, backend: str | None = None) -> bytes:
    """``data`` XOR the keystream of ``seed`` from position 0 (also encrypts)."""
    return backends.get(backend).decrypt(seed, data)


def cipher_for_seed(seed: int, *, backend: str | None = None) -> StreamCipher:
    """A fresh RC4 stream keyed by ``expand_key(seed)``, at keystream position 0."""
    return backends.get(backend).cipher_for_seed(seed)


def RC4(key: Buffer, *, backend: str | None = None) -> StreamCipher:
    """A fresh RC4 stream keyed by ``key`` (any non-empty length)."""
    return backends.get(backend).rc4(key)


def keystream_batch(
    seeds: Iterable[int] | array.array[int] | memoryview,
    n: int = 16,
    *,
    backend: str | None = None,
) -> bytes:
    """``n`` keystream bytes for each seed, concatenated in order.

    ``seeds`` is an iterable of ints, or (cheapest) an ``array.array`` / memoryview of native
    32-bit words; the C back end runs several key schedules at once over it.
    """
    if isinstance(seeds, array.array | memoryview):
        if seeds.itemsize != 4:
            raise CryptoError(f"seed buffer items must be 4 bytes, not {seeds.itemsize}")
        words: Buffer = seeds if isinstance(seeds, memoryview) else memoryview(seeds)
    else:
        values = list(seeds)
        for index, seed in enumerate(values):
            if isinstance(seed, bool) or not isinstance(seed, int):
                raise TypeError(f"seed {index} must be an int, not {type(seed).__name__}")
            if not 0 <= seed <= 0xFFFFFFFF:
                raise CryptoError(f"seed {index} ({seed}) is outside 0..0xFFFFFFFF")
        words = memoryview(array.array(WORD_TYPECODE, values))
    return backends.get(backend).keystream_batch(words, n)
