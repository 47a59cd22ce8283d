"""Skype CRC32 and CRC-16/XMODEM against spec/protocol.md 3.1 and 3.2."""

from __future__ import annotations

import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.crypto import crc16_xmodem, skype_crc32


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", 0xFFFFFFFF),
        (b"123456789", 0x340BC6D9),
        (b"abcd", 0x127D32EE),
        (b"abcdfghi", 0xB2F83C2F),
        (bytes.fromhex("04da017f4d4215"), 0xFC95755E),
        (bytes.fromhex("00000000504262184e7f0000"), 0x3352DC77),
    ],
)
def test_skype_crc32_spec_values(data: bytes, expected: int) -> None:
    assert skype_crc32(data) == expected


def test_skype_crc32_chains_like_the_spec_example() -> None:
    assert skype_crc32(b"fghi", skype_crc32(b"abcd")) == 0xB2F83C2F


def test_skype_crc32_is_zlib_without_final_inversion() -> None:
    assert skype_crc32(b"123456789") == zlib.crc32(b"123456789") ^ 0xFFFFFFFF


@given(st.binary(), st.binary())
def test_skype_crc32_chaining(a: bytes, b: bytes) -> None:
    assert skype_crc32(b, skype_crc32(a)) == skype_crc32(a + b)


def test_crc16_xmodem_check_value() -> None:
    assert crc16_xmodem(b"123456789") == 0x31C3
    assert crc16_xmodem(b"") == 0


def test_crc16_xmodem_first_table_entries() -> None:
    # spec 3.2: the table starts 0000 1021 2042; entry i is the CRC of the single byte i.
    assert [crc16_xmodem(bytes([i])) for i in range(3)] == [0x0000, 0x1021, 0x2042]


@given(st.binary(), st.binary())
def test_crc16_xmodem_chaining(a: bytes, b: bytes) -> None:
    assert crc16_xmodem(b, crc16_xmodem(a)) == crc16_xmodem(a + b)
