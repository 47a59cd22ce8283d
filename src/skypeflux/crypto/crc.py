"""Skype's checksums: its CRC32 variant and CRC-16/XMODEM (spec/protocol.md 3.1, 3.2).

Skype's CRC32 is the zlib/Ethernet CRC without the final inversion. Keeping the running value
un-inverted makes it chainable in the same form the protocol stores it, so we adapt zlib's C
implementation rather than writing a table loop.
"""

from __future__ import annotations

import zlib
from typing import Final

CRC32_INIT: Final = 0xFFFFFFFF
_MASK32: Final = 0xFFFFFFFF


def skype_crc32(data: bytes | bytearray | memoryview, crc: int = CRC32_INIT) -> int:
    """Skype CRC32 of ``data``, continuing from a previous result ``crc``.

    ``skype_crc32(b + c) == skype_crc32(c, skype_crc32(b))``; the empty input gives ``crc``.
    """
    return zlib.crc32(data, (crc ^ _MASK32) & _MASK32) ^ _MASK32


def _xmodem_table() -> tuple[int, ...]:
    table = []
    for byte in range(256):
        value = byte << 8
        for _ in range(8):
            value = ((value << 1) ^ 0x1021) if value & 0x8000 else (value << 1)
        table.append(value & 0xFFFF)
    return tuple(table)


_XMODEM: Final = _xmodem_table()


def crc16_xmodem(data: bytes | bytearray | memoryview, crc: int = 0) -> int:
    """CRC-16/XMODEM (poly 0x1021, MSB first, no final xor), chainable through ``crc``."""
    table = _XMODEM
    value = crc & 0xFFFF
    for byte in bytes(data):
        value = ((value << 8) & 0xFFFF) ^ table[(value >> 8) ^ byte]
    return value
