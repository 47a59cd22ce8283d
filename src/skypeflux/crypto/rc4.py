"""RC4 in pure Python, with the two extras Skype's TCP header check needs: peek and copy.

This is the readable reference for the C fast path (``_fast.RC4``); both expose the same
``crypt`` / ``peek`` / ``copy`` interface so callers never care which one they hold.
"""

from __future__ import annotations

from typing import Protocol, Self

from .errors import CryptoError

Buffer = bytes | bytearray | memoryview


class StreamCipher(Protocol):
    """What both backends' RC4 objects provide."""

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
    """RC4 state: the 256-byte permutation and the two indices."""

    __slots__ = ("_i", "_j", "_s")

    def __init__(self, key: Buffer) -> None:
        key = bytes(key)
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
        out = bytearray(data)
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
        if n < 0:
            raise CryptoError(f"keystream length must not be negative, got {n}")
        return self._run(bytes(n), advance=True)

    def copy(self) -> Self:
        """An independent cipher in the same state."""
        twin = object.__new__(type(self))
        twin._s = self._s.copy()
        twin._i = self._i
        twin._j = self._j
        return twin
