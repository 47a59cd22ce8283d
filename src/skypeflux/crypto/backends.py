"""The two implementations of the crypto primitives.

Both back ends expose the same operations with the same results (the tests run every vector
through each). A caller picks one with a ``backend=`` argument (a name or a ``Backend``); without
one, the C one is used when it was built. Asking for ``fast`` where it is not built is an error
rather than a silent fallback, so a benchmark or CI run never measures the wrong thing. Nothing
here reads the environment: the command line reads ``SKYPEFLUX_BACKEND`` and passes it down.
"""

from __future__ import annotations

import array
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Final, Literal

from skypeflux.backend_choice import Implementations

from . import expansion
from .errors import CryptoError
from .opening import pure_open_first
from .rc4 import RC4, Buffer, StreamCipher, byte_view, check_length

#: array typecode of a native 32-bit unsigned word (the batch API's seed format).
WORD_TYPECODE: Final[Literal["I", "L"]] = "I" if array.array("I").itemsize == 4 else "L"


OpenFirst = Callable[
    [Sequence[tuple[int | str, int | str]], int, int, int, Buffer], tuple[int, int, bytes] | None
]
"""(pairs, packet_id, iv, crc, ciphertext) -> (index, seed, plaintext) of the first match."""

SearchSources = Callable[[int, int, int, int, bytes, bytes, int, int], list[int]]
"""(dst, packet_id, iv, crc, ciphertext, accept, start, stop) -> CRC-matching sources."""


@dataclass(frozen=True)
class Backend:
    """One implementation of the primitives; see ``skypeflux.crypto`` for their contracts."""

    name: str
    expand_key: Callable[[int], bytes]
    keystream: Callable[[int, int], bytes]
    decrypt: Callable[[int, Buffer], bytes]
    #: (buffer of native uint32 seeds, n) -> n keystream bytes per seed, concatenated
    keystream_batch: Callable[[Buffer, int], bytes]
    cipher_for_seed: Callable[[int], StreamCipher]
    rc4: Callable[[Buffer], StreamCipher]
    #: opening one datagram with a few guessed address pairs (``skypeflux.crypto.open_first``)
    open_first: OpenFirst
    #: the address search loop (``search.crc_hits``); None: the pure loop in ``search``
    search_sources: SearchSources | None = None


def _pure_cipher_for_seed(seed: int) -> RC4:
    return RC4(expansion.expand_key(seed))


def _pure_keystream(seed: int, n: int) -> bytes:
    return _pure_cipher_for_seed(seed).keystream(n)


def _pure_decrypt(seed: int, data: Buffer) -> bytes:
    return _pure_cipher_for_seed(seed).crypt(data)


def _pure_keystream_batch(seeds: Buffer, n: int) -> bytes:
    check_length(n)
    raw = memoryview(byte_view(seeds, "seeds"))
    if len(raw) % 4:
        raise CryptoError(f"seed buffer length {len(raw)} is not a multiple of 4")
    words = raw.cast(WORD_TYPECODE)
    if n and len(words) > sys.maxsize // n:  # refused before anything is allocated, as in C
        raise CryptoError(f"keystream batch of {len(words)} x {n} bytes is too large")
    if not n:
        return b""  # nothing to compute: no key schedule runs
    return b"".join(_pure_keystream(seed, n) for seed in words)


PURE: Final = Backend(
    name="pure",
    expand_key=expansion.expand_key,
    keystream=_pure_keystream,
    decrypt=_pure_decrypt,
    keystream_batch=_pure_keystream_batch,
    cipher_for_seed=_pure_cipher_for_seed,
    rc4=RC4,
    open_first=pure_open_first,
)


def _load_fast() -> Backend | None:
    try:
        from . import _fast
    except ImportError:
        return None
    module: ModuleType = _fast
    return Backend(
        name="fast",
        expand_key=module.expand_key,
        keystream=module.keystream,
        decrypt=module.decrypt,
        keystream_batch=module.keystream_batch,
        cipher_for_seed=module.cipher_for_seed,
        rc4=module.RC4,
        open_first=module.open_first,
        search_sources=module.search_sources,
    )


FAST: Final = _load_fast()


IMPLEMENTATIONS: Final = Implementations(
    pure=PURE,
    fast=FAST,
    what="crypto",
    extension="skypeflux.crypto._fast",
    error=CryptoError,
)

BackendArg = str | Backend | None
"""What a ``backend=`` argument takes: a name, a back end, or ``None`` for the default."""


def get(backend: BackendArg = None) -> Backend:
    """The back end ``backend`` names; ``None``: fast when built, else pure."""
    return IMPLEMENTATIONS.get(backend)


def available() -> tuple[str, ...]:
    """Names usable in this process, preferred first."""
    return IMPLEMENTATIONS.available()
