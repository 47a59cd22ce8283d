"""RC4 in pure Python, with the two extras Skype's TCP header check needs: peek and copy.

This is the readable reference for the C fast path (``_fast.RC4``); both expose the same
``crypt`` / ``peek`` / ``copy`` interface so callers never care which one they hold. The argument
checks live here too (``byte_view``, ``check_length``): the C glue repeats them with the same
messages, so a caller sees one behaviour whichever back end runs.

Cipher objects are not thread-safe: ``crypt`` advances shared state, and the C one releases the
GIL while it does so for inputs of 8 KiB or more. Give each thread its own (``copy()``).
"""

from __future__ import annotations

import sys
from typing import Protocol, Self

from .errors import CryptoError

Buffer = bytes | bytearray | memoryview
_BYTE_STRINGS = (bytes, bytearray)
_MAX_LENGTH = sys.maxsize


def byte_view(data: object, what: str = "data") -> Buffer:
    """``data`` as flat bytes: bytes and bytearray as they are, other buffers as a byte view.

    Any buffer-protocol object is accepted and read as its raw bytes (an ``array('I')`` is its
    memory, not its items); a non-contiguous one (``memoryview(b)[::2]``) is copied, as the C
    glue does too. Everything else is a ``TypeError``: an int or a list would otherwise be taken
    by ``bytearray()`` as a length or as byte values. Runs on every datagram: plain bytes take
    the first test and nothing else.
    """
    if type(data) is bytes or isinstance(data, _BYTE_STRINGS):
        return data
    try:
        view = memoryview(data)  # type: ignore[arg-type]  # checked at run time, just below
    except TypeError:
        raise TypeError(
            f"{what} must be a bytes-like object (bytes, bytearray, memoryview), "
            f"not {type(data).__name__}"
        ) from None
    if not view.c_contiguous:
        return view.tobytes()
    return view if view.format == "B" and view.ndim == 1 else view.cast("B")


def check_length(n: object) -> int:
    """A keystream length: an int (not a bool), 0..sys.maxsize (a C back end's limit)."""
    if type(n) is int and 0 <= n <= _MAX_LENGTH:
        return n
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 0:
        raise CryptoError(f"keystream length must not be negative, got {n}")
    if n > _MAX_LENGTH:
        raise CryptoError(f"keystream length {n} is too large")
    return n


class StreamCipher(Protocol):
    """What both backends' RC4 objects provide.

    Not thread-safe: each call advances (or, for ``peek``, reads) state held in the object, and
    the C implementation runs long inputs without the GIL. Share none between threads.
    """

    def crypt(self, data: Buffer) -> bytes:
        """Encrypt or decrypt ``data`` (the same operation), advancing the keystream."""
        ...

    def peek(self, data: Buffer) -> bytes:
        """Like ``crypt`` but leaves the state where it was."""
        ...

    def copy(self) -> StreamCipher:
        """An independent cipher in the same state."""
        ...


class RC4:
    """RC4 state: the 256-byte permutation and the two indices. Not thread-safe (see above)."""

    __slots__ = ("_i", "_j", "_s")

    def __init__(self, key: Buffer) -> None:
        key = bytes(byte_view(key, "key"))
        if not key:
            raise CryptoError("RC4 key must not be empty")
        s = list(range(256))
        j = 0
        n = len(key)
        for i in range(256):
            j = (j + s[i] + key[i % n]) & 0xFF
            s[i], s[j] = s[j], s[i]
        self._s = s
        self._i = 0
        self._j = 0

    def _run(self, data: Buffer, advance: bool) -> bytes:
        s = self._s if advance else self._s.copy()
        i, j = self._i, self._j
        out = bytearray(byte_view(data))
        for pos in range(len(out)):
            i = (i + 1) & 0xFF
            si = s[i]
            j = (j + si) & 0xFF
            sj = s[j]
            s[i] = sj
            s[j] = si
            out[pos] ^= s[(si + sj) & 0xFF]
        if advance:
            self._i, self._j = i, j
        return bytes(out)

    def crypt(self, data: Buffer) -> bytes:
        """Encrypt or decrypt ``data``, advancing the keystream by ``len(data)``."""
        return self._run(data, advance=True)

    def peek(self, data: Buffer) -> bytes:
        """Decrypt ``data`` without advancing (Skype re-keys after the TCP header check)."""
        return self._run(data, advance=False)

    def keystream(self, n: int) -> bytes:
        """The next ``n`` keystream bytes (advances the state)."""
        return self._run(bytes(check_length(n)), advance=True)

    def copy(self) -> Self:
        """An independent cipher in the same state."""
        twin = object.__new__(type(self))
        twin._s = self._s.copy()
        twin._i = self._i
        twin._j = self._j
        return twin
