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
import os
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import Final, Literal

from . import expansion
from .errors import CryptoError
from .rc4 import RC4, Buffer, StreamCipher, byte_view, check_length

ENV_VAR: Final = "SKYPEFLUX_BACKEND"
NAMES: Final = ("fast", "pure")
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


def available() -> tuple[str, ...]:
    """Names of the back ends usable in this process, preferred first."""
    return ("fast", "pure") if FAST is not None else ("pure",)


_chosen: Backend | None = None  # the default, once resolved; None: not resolved yet


def get(name: str | None = None) -> Backend:
    """The back end called ``name``, or the default one when ``name`` is None."""
    if name is None:
        return _chosen if _chosen is not None else set_default(None)
    if name == "pure":
        return PURE
    if name == "fast":
        if FAST is None:
            raise CryptoError("the C fast path (skypeflux.crypto._fast) is not built")
        return FAST
    raise CryptoError(f"unknown crypto backend {name!r}; expected one of {', '.join(NAMES)}")


def _automatic() -> Backend:
    """What ``SKYPEFLUX_BACKEND`` asks for, else the fastest one built."""
    requested = os.environ.get(ENV_VAR, "").strip().lower()
    if not requested:
        return FAST if FAST is not None else PURE
    try:
        return get(requested)
    except CryptoError as exc:
        raise CryptoError(f"{ENV_VAR}={requested}: {exc}") from None


def set_default(name: str | None) -> Backend:
    """Change the process-wide default (``None``: back to the automatic choice); returns it."""
    global _chosen
    _chosen = _automatic() if name is None else get(name)
    return _chosen
