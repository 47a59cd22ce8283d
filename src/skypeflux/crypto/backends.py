"""The two implementations of the crypto primitives and the choice between them.

Both back ends expose the same operations with the same results (the tests run every vector
through each). The C one is used when it was built, unless ``SKYPEFLUX_BACKEND`` or a
``backend=`` argument says otherwise; asking for ``fast`` where it is not built is an error rather
than a silent fallback, so a benchmark or CI run never measures the wrong thing.

The environment variable is read on first use, not at import: importing the package must not
fail on a bad value (the command line could not even print its error), and a program can check
the choice up front with ``get()`` and report the ``CryptoError`` its own way.
"""

from __future__ import annotations

import array
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Final, Literal

from skypeflux.backend_choice import BackendChoice

from . import expansion
from .errors import CryptoError
from .rc4 import RC4, Buffer, StreamCipher, byte_view, check_length

ENV_VAR: Final = "SKYPEFLUX_BACKEND"
#: array typecode of a native 32-bit unsigned word (the batch API's seed format).
WORD_TYPECODE: Final[Literal["I", "L"]] = "I" if array.array("I").itemsize == 4 else "L"


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
    return b"".join(_pure_keystream(seed, n) for seed in words)


PURE: Final = Backend(
    name="pure",
    expand_key=expansion.expand_key,
    keystream=_pure_keystream,
    decrypt=_pure_decrypt,
    keystream_batch=_pure_keystream_batch,
    cipher_for_seed=_pure_cipher_for_seed,
    rc4=RC4,
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
    )


FAST: Final = _load_fast()


CHOICE: Final = BackendChoice(
    pure=PURE,
    fast=FAST,
    env_var=ENV_VAR,
    what="crypto",
    extension="skypeflux.crypto._fast",
    error=CryptoError,
)
"""The process-wide choice, read from ``SKYPEFLUX_BACKEND`` on first use."""

available = CHOICE.available
get = CHOICE.get
set_default = CHOICE.set_default
using = CHOICE.using
