"""The address search engine: both back ends find the same CRC hits, the true source among them."""

from __future__ import annotations

import random

import pytest

from skypeflux.crypto import CryptoError, available_backends, decrypt, skype_crc32
from skypeflux.crypto.search import ACCEPT_ALL, Target, crc_hits
from skypeflux.crypto.seeds import udp_seed

BACKENDS = ["pure", pytest.param("fast", marks=pytest.mark.skipif(
    "fast" not in available_backends(), reason="C fast path not built"))]  # fmt: skip
DST, PACKET_ID, IV = 0x52FDA3F4, 0x1616, 0xDEADBEEF


def _datagram(source: int, plain: bytes, accept: bytes = ACCEPT_ALL) -> Target:
    seed = udp_seed(source, DST, PACKET_ID, IV)
    return Target(DST, PACKET_ID, IV, skype_crc32(plain), decrypt(seed, plain), accept)


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_true_source_is_found_and_nothing_else(backend: str) -> None:
    source = 0x0A0B1234
    target = _datagram(source, bytes(range(3, 40)))
    assert crc_hits(target, source - 2000, source + 2000, backend=backend) == [source]
    assert crc_hits(target, source + 1, source + 3000, backend=backend) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_group_boundary_and_the_ends_of_the_space(backend: str) -> None:
    # The C loop runs four key schedules at once: a hit in any lane, in a short last group,
    # at address 0 and at 255.255.255.255 must all come back, in order.
    for source in (0, 1, 2, 3, 5, 0xFFFFFFFF, 0xFFFFFFFE):
        target = _datagram(source, b"\x04\xda\x01\x15\xe7\x42\x15")
        stop = min(1 << 32, source + 7)
        for lo in range(max(0, source - 3), source + 1):
            assert crc_hits(target, lo, stop, backend=backend) == [source], (source, lo)


def test_both_back_ends_agree_on_random_datagrams() -> None:
    if "fast" not in available_backends():
        pytest.skip("C fast path not built")
    rng = random.Random(5)
    for _ in range(20):
        plain = rng.randbytes(rng.randrange(1, 30))
        source = rng.randrange(1 << 32)
        accept = bytes(rng.randrange(2) for _ in range(256))
        target = _datagram(source, plain, accept)
        lo = max(0, source - 300)
        assert crc_hits(target, lo, lo + 600, backend="pure") == crc_hits(
            target, lo, lo + 600, backend="fast"
        )


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_first_byte_filter_rejects_before_the_crc(backend: str) -> None:
    source = 0x51383C7F
    plain = b"\x05\x01abcde"
    allowed = bytearray(256)
    allowed[plain[0]] = 1
    assert crc_hits(_datagram(source, plain, bytes(allowed)), source, source + 1, backend=backend)
    allowed[plain[0]] = 0
    allowed[plain[0] ^ 1] = 1
    target = _datagram(source, plain, bytes(allowed))
    assert crc_hits(target, source, source + 1, backend=backend) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_wrong_address_that_matches_the_crc_is_a_hit_here(backend: str) -> None:
    # The engine only knows CRCs: a datagram made so that a wrong address matches its CRC is
    # a hit like any other (recovery.judge is what rejects it, tests/capture/test_recovery.py).
    wrong, true = 0x51380010, 0x51380020
    target = _datagram(wrong, b"\x05\x01\x99\x99\x99\x99\x99")
    assert crc_hits(target, true - 64, true + 64, backend=backend) == [wrong]


@pytest.mark.parametrize("backend", BACKENDS)
def test_bad_arguments_are_refused_alike(backend: str) -> None:
    target = _datagram(1, b"\x00\x00")
    with pytest.raises(CryptoError):
        crc_hits(target, 0, (1 << 32) + 1, backend=backend)
    with pytest.raises(CryptoError):
        crc_hits(target, -1, 5, backend=backend)
    with pytest.raises(TypeError):
        crc_hits(target, 0, 5.0, backend=backend)  # type: ignore[arg-type]
    assert crc_hits(target, 9, 3, backend=backend) == []
    with pytest.raises(CryptoError):
        Target(DST, PACKET_ID, IV, 0, b"")
    with pytest.raises(CryptoError):
        Target(DST, 1 << 16, IV, 0, b"x")
    with pytest.raises(CryptoError):
        Target(DST, PACKET_ID, IV, 0, b"x", b"\x01")
