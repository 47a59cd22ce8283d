"""Skype's obfuscation primitives: CRCs, RC4 and the seed -> key expansion.

Everything here is bytes in, values out. The key expansion and RC4 have two back ends with
identical results: a pure-Python one that reads as the specification, and a C one (``_fast``)
used by default when it was built. ``backend="pure"|"fast"`` (or a ``Backend``) on each call
overrides that; nothing is chosen process-wide and nothing here reads the environment (the
command line reads ``SKYPEFLUX_BACKEND`` and passes what it names down).

Public API:

- ``expand_key(seed) -> bytes``: the 80-byte RC4 key for a 32-bit seed.
- ``keystream(seed, n) -> bytes``: the first ``n`` RC4 keystream bytes for ``seed``.
- ``decrypt(seed, data) -> bytes``: ``data`` XOR ``keystream(seed, len(data))`` (what one UDP
  datagram needs; the same call encrypts).
- ``cipher_for_seed(seed)`` / ``RC4(key)``: stream ciphers with ``crypt``, ``peek`` (no advance)
  and ``copy``, for TCP streams. They are not thread-safe (the C one runs long inputs without
  the GIL while it advances its state): share none between threads; ``copy()`` one for each.
- ``keystream_batch(seeds, n=16) -> bytes``: ``n`` keystream bytes per seed, concatenated;
  the fast path for trying many candidate seeds. ``seeds`` are ints or a buffer of 32-bit words
  (``array('I')``); ``bytes`` / ``bytearray`` are refused, since their items are single bytes.
- ``open_first(pairs, packet_id, iv, crc, ciphertext) -> (index, seed, plaintext) | None``:
  the first ``(src, dst)`` pair of guessed public addresses (numbers or dotted quads) under
  which a type 0x02 datagram or 0x0F fragment decrypts to its CRC; one call per datagram on
  the C back end.
- ``skype_crc32(data, crc=0xFFFFFFFF)``, ``crc16_xmodem(data, crc=0)``.
- ``backend_name(backend)``, ``available_backends()``, ``get_backend(backend)`` (raises
  ``CryptoError`` for an unknown name, or ``"fast"`` where it was not built).
- ``CryptoError``: the layer's one exception (a ``ValueError``) for unusable argument values.
- ``seeds``: the submodule deriving the seeds Skype keys its packets with.

Arguments are checked here, once, the same way whichever back end runs: ``data`` and ``key``
take any buffer-protocol object (bytes, bytearray, memoryview, array...; a non-contiguous view
is copied) and anything else (an int, a list, a str) is a ``TypeError``; a seed or length of
the wrong type is a ``TypeError``; a value out of range is a ``CryptoError``.
"""

from __future__ import annotations

import array
import sys
from collections.abc import Iterable, Sequence

from . import backends
from . import seeds as seeds
from .backends import WORD_TYPECODE, Backend, BackendArg
from .crc import crc16_xmodem as crc16_xmodem
from .crc import skype_crc32 as skype_crc32
from .errors import CryptoError as CryptoError
from .rc4 import Buffer as Buffer
from .rc4 import StreamCipher as StreamCipher
from .rc4 import byte_view, check_length

__all__ = [
    "RC4",
    "Backend",
    "BackendArg",
    "Buffer",
    "CryptoError",
    "StreamCipher",
    "available_backends",
    "backend_name",
    "cipher_for_seed",
    "crc16_xmodem",
    "decrypt",
    "expand_key",
    "get_backend",
    "keystream",
    "keystream_batch",
    "open_first",
    "seeds",
    "skype_crc32",
]

_LITTLE = sys.byteorder == "little"


def backend_name(backend: BackendArg = None) -> str:
    """Name of the back end a call with this ``backend=`` argument would use."""
    return backends.get(backend).name


def available_backends() -> tuple[str, ...]:
    """Back ends usable in this process, preferred first."""
    return backends.available()


def get_backend(backend: BackendArg = None) -> Backend:
    """The back end ``backend`` names (``None``: fast when built, else pure)."""
    return backends.get(backend)


def expand_key(seed: int, *, backend: BackendArg = None) -> bytes:
    """The 80-byte RC4 key Skype derives from a 32-bit ``seed``."""
    return backends.get(backend).expand_key(seed)


def keystream(seed: int, n: int, *, backend: BackendArg = None) -> bytes:
    """The first ``n`` RC4 keystream bytes for ``seed``."""
    return backends.get(backend).keystream(seed, check_length(n))


def decrypt(seed: int, data: Buffer, *, backend: BackendArg = None) -> bytes:
    """``data`` XOR the keystream of ``seed`` from position 0 (also encrypts)."""
    return backends.get(backend).decrypt(seed, byte_view(data))


def open_first(
    pairs: Sequence[tuple[int | str, int | str]],
    packet_id: int,
    iv: int,
    crc: int,
    ciphertext: Buffer,
    *,
    backend: BackendArg = None,
) -> tuple[int, int, bytes] | None:
    """``(index, seed, plaintext)`` of the first ``(src, dst)`` pair in ``pairs`` (public
    addresses as numbers or dotted quads, most likely first) under which ``ciphertext``
    decrypts to ``crc``, or ``None``. ``pairs`` is a list or tuple of 2-tuples; values out of
    range are refused."""
    return backends.get(backend).open_first(pairs, packet_id, iv, crc, ciphertext)


def cipher_for_seed(seed: int, *, backend: BackendArg = None) -> StreamCipher:
    """A fresh RC4 stream keyed by ``expand_key(seed)``, at keystream position 0.

    The cipher is not thread-safe: keep it to one thread (``copy()`` gives another its own).
    """
    return backends.get(backend).cipher_for_seed(seed)


def RC4(key: Buffer, *, backend: BackendArg = None) -> StreamCipher:
    """A fresh RC4 stream keyed by ``key`` (any non-empty length). Not thread-safe."""
    return backends.get(backend).rc4(byte_view(key, "key"))


def keystream_batch(
    seeds: Iterable[int] | array.array[int] | memoryview,
    n: int = 16,
    *,
    backend: BackendArg = None,
) -> bytes:
    """``n`` keystream bytes for each seed, concatenated in order.

    ``seeds`` is an iterable of ints, or (cheapest) a buffer of native 32-bit words: an
    ``array.array('I')``, a memoryview of one, or any buffer-protocol object of format
    i/I/l/L and item size 4; the C back end runs several key schedules at once over it.
    ``bytes`` and ``bytearray`` are refused with a ``TypeError``: iterating them yields one
    seed per *byte*, which is never what a caller holding packed words meant.
    """
    check_length(n)
    return backends.get(backend).keystream_batch(_seed_words(seeds), n)


_WORD_FORMATS = frozenset(
    prefix + code for prefix in ("", "@", "=", "<" if _LITTLE else ">") for code in "iIlL"
)
"""Struct formats of a 4-byte word read in native order, as the back ends read seeds."""


def _seed_words(seeds: object) -> Buffer:
    """The seeds as a contiguous buffer of native 32-bit words, checked."""
    if isinstance(seeds, bytes | bytearray | str):
        raise TypeError(
            f"seeds must be ints or a buffer of 32-bit words (array('I') or a memoryview of "
            f"one), not {type(seeds).__name__}: its items would each be taken as a seed"
        )
    try:
        view = memoryview(seeds)  # type: ignore[arg-type]  # non-buffers raise, handled below
    except TypeError:
        pass
    else:
        if view.itemsize != 4 or view.format not in _WORD_FORMATS:
            raise CryptoError(
                f"seed buffer items must be 4-byte integers, not format {view.format!r} "
                f"of {view.itemsize} bytes"
            )
        return view if view.c_contiguous else view.tobytes()
    if not isinstance(seeds, Iterable):
        raise TypeError(
            f"seeds must be ints or a buffer of 32-bit words, not {type(seeds).__name__}"
        )
    values = list(seeds)
    for index, seed in enumerate(values):
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise TypeError(f"seed {index} must be an int, not {type(seed).__name__}")
        if not 0 <= seed <= 0xFFFFFFFF:
            raise CryptoError(f"seed {index} ({seed}) is outside 0..0xFFFFFFFF")
    return memoryview(array.array(WORD_TYPECODE, values))
