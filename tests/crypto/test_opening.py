"""Opening a datagram with a few guessed address pairs: both back ends, one answer.

``open_first`` is what every UDP datagram of a capture goes through, so the C loop must give
exactly what the pure one gives: the same pair, seed and plaintext on the real capture, on
random datagrams, past its on-stack limit of pairs, and the same refusal of bad arguments.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.crypto import CryptoError, available_backends, decrypt, open_first, skype_crc32
from skypeflux.crypto.seeds import udp_seed
from skypeflux.ipv4 import ip_number
from skypeflux.wire.udp import Fragment, Payload, parse_datagram
from tests.helpers.samples import skype_datagrams

FAST_BUILT = "fast" in available_backends()
BACKENDS = ["pure", pytest.param("fast", marks=pytest.mark.skipif(
    not FAST_BUILT, reason="C fast path not built"))]  # fmt: skip
needs_fast = pytest.mark.skipif(not FAST_BUILT, reason="C fast path not built")
U32 = st.integers(0, 0xFFFFFFFF)


def _sealed(src: int, dst: int, packet_id: int, iv: int, plain: bytes) -> tuple[int, bytes]:
    return skype_crc32(plain), decrypt(udp_seed(src, dst, packet_id, iv), plain)


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_capture_payload_opens_with_its_pair_after_a_wrong_one(
    backend: str, skypeirc_path: Path, units_oracle: list[dict[str, Any]]
) -> None:
    by_frame = {frame: data for frame, _, _, data in skype_datagrams(skypeirc_path)}
    units = [u for u in units_oracle if u.get("kind") in ("0x02 obfuscated", "0x0f fragment")]
    assert len(units) == 287
    for unit in units:
        dg = parse_datagram(by_frame[unit["frame"]])
        assert isinstance(dg, Payload | Fragment)
        true = (ip_number(unit["public_src"]), ip_number(unit["public_dst"]))
        wrong = (true[0] ^ 1, true[1])
        found = open_first([wrong, true], dg.id, dg.iv, dg.crc, dg.ciphertext, backend=backend)
        assert found == (1, int(unit["seed"], 16), bytes.fromhex(unit["plaintext"]))
        text = (unit["public_src"], unit["public_dst"])  # as the address book holds them
        assert open_first([wrong, text], dg.id, dg.iv, dg.crc, dg.ciphertext, backend=backend) == (
            found
        )
        assert open_first([wrong], dg.id, dg.iv, dg.crc, dg.ciphertext, backend=backend) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_first_matching_pair_wins_past_the_pairs_kept_on_the_stack(backend: str) -> None:
    plain = b"\x05\x3a\x00 a block"
    crc, ciphertext = _sealed(7, 9, 0x1616, 0xDEADBEEF, plain)
    pairs = [(i, 9) for i in range(100, 140)] + [(7, 9), (7, 9)]
    assert open_first(pairs, 0x1616, 0xDEADBEEF, crc, ciphertext, backend=backend) == (
        40,
        udp_seed(7, 9, 0x1616, 0xDEADBEEF),
        plain,
    )
    assert open_first([], 0x1616, 0xDEADBEEF, crc, ciphertext, backend=backend) is None
    assert open_first((), 0x1616, 0xDEADBEEF, crc, ciphertext, backend=backend) is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_empty_ciphertext_matches_the_crc_of_nothing(backend: str) -> None:
    # Skype's CRC32 of no bytes is its initial value: the seed does not matter
    assert open_first([(1, 2)], 0, 0, 0xFFFFFFFF, b"", backend=backend) == (
        0,
        udp_seed(1, 2, 0, 0),
        b"",
    )
    assert open_first([(1, 2)], 0, 0, 0, memoryview(b""), backend=backend) is None


@needs_fast
@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(U32, U32), max_size=20),
    st.integers(0, 0xFFFF),
    U32,
    st.binary(max_size=64),
    st.integers(-1, 19),
)
def test_both_back_ends_give_the_same_answer(
    pairs: list[tuple[int, int]], packet_id: int, iv: int, plain: bytes, which: int
) -> None:
    # the CRC of a pair in the list when ``which`` points at one, else of an unlisted pair
    src, dst = pairs[which] if 0 <= which < len(pairs) else (0x01020304, 0x05060708)
    crc, ciphertext = _sealed(src, dst, packet_id, iv, plain)
    pure = open_first(pairs, packet_id, iv, crc, ciphertext, backend="pure")
    assert open_first(pairs, packet_id, iv, crc, ciphertext, backend="fast") == pure
    if 0 <= which < len(pairs):
        assert pure is not None and pure[0] <= which and pure[2] == plain


BAD_ARGUMENTS = [
    (([(1, 2)], 0x10000, 0, 0, b"x"), CryptoError, "packet_id 65536 is outside 0..65535"),
    (([(1, 2)], 0, -1, 0, b"x"), CryptoError, "iv -1 is outside 0..4294967295"),
    (([(1, 2)], 0, 0, 1 << 32, b"x"), CryptoError, "crc 4294967296 is outside 0..4294967295"),
    (([(1, 2)], 0, True, 0, b"x"), TypeError, "iv must be an int, not bool"),
    (([(1 << 32, 2)], 0, 0, 0, b"x"), CryptoError, "src 4294967296 is outside 0..4294967295"),
    (([(1, -2)], 0, 0, 0, b"x"), CryptoError, "dst -2 is outside 0..4294967295"),
    (([(1.5, 2)], 0, 0, 0, b"x"), TypeError, "src must be an int or str, not float"),
    (([(1, False)], 0, 0, 0, b"x"), TypeError, "dst must be an int or str, not bool"),
    (([("1.2.3.04", 2)], 0, 0, 0, b"x"), CryptoError, "not an IPv4 address: '1.2.3.04'"),
    (([(1, "1.2.3.4\x00")], 0, 0, 0, b"x"), CryptoError, "not an IPv4 address: '1.2.3.4\\x00'"),
    (([(1, "1.2.3.\udc80")], 0, 0, 0, b"x"), CryptoError, "not an IPv4 address: '1.2.3.\\udc80'"),
    (([(1, 2, 3)], 0, 0, 0, b"x"), TypeError, "each pair must be a (src, dst) tuple, not tuple"),
    (([[1, 2]], 0, 0, 0, b"x"), TypeError, "each pair must be a (src, dst) tuple, not list"),
    ((iter([(1, 2)]), 0, 0, 0, b"x"), TypeError, "pairs must be a list or tuple"),
    (("", 0, 0, 0, b"x"), TypeError, "pairs must be a list or tuple of (src, dst) tuples, not str"),
    (([(1, 2)], 0, 0, 0, "text"), TypeError, "ciphertext must be a bytes-like object"),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("arguments", "error", "message"), BAD_ARGUMENTS)
def test_bad_arguments_are_refused_alike(
    backend: str, arguments: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    with pytest.raises(error) as caught:
        open_first(*arguments, backend=backend)
    assert str(caught.value).startswith(message)
