"""RC4 on both backends: published RC4 test vectors and stream-cipher properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.crypto import RC4, CryptoError, cipher_for_seed
from tests.helpers.backends import BACKENDS, crypto_backend

keys = st.binary(min_size=1, max_size=300)
seeds = st.integers(min_value=0, max_value=0xFFFFFFFF)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(
    ("key", "plaintext", "ciphertext"),
    [  # the classic RC4 test vectors (Wikipedia "RC4", Test vectors)
        (b"Key", b"Plaintext", "bbf316e8d940af0ad3"),
        (b"Wiki", b"pedia", "1021bf0420"),
        (b"Secret", b"Attack at dawn", "45a01f645fc35b383552544b9bf5"),
    ],
)
def test_published_vectors(backend: str, key: bytes, plaintext: bytes, ciphertext: str) -> None:
    assert RC4(key, backend=crypto_backend(backend)).crypt(plaintext).hex() == ciphertext


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=50, deadline=None)
@given(key=keys, data=st.binary(max_size=600))
def test_crypt_twice_is_identity(backend: str, key: bytes, data: bytes) -> None:
    name = crypto_backend(backend)
    assert RC4(key, backend=name).crypt(RC4(key, backend=name).crypt(data)) == data


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=50, deadline=None)
@given(seed=seeds, head=st.binary(max_size=40), tail=st.binary(max_size=40))
def test_peek_does_not_advance(backend: str, seed: int, head: bytes, tail: bytes) -> None:
    name = crypto_backend(backend)
    cipher = cipher_for_seed(seed, backend=name)
    peeked = cipher.peek(head)
    assert cipher.crypt(head) == peeked
    assert cipher.crypt(tail) == cipher_for_seed(seed, backend=name).crypt(head + tail)[len(head) :]


@pytest.mark.parametrize("backend", BACKENDS)
@settings(max_examples=50, deadline=None)
@given(key=keys, a=st.binary(max_size=100), b=st.binary(max_size=100))
def test_copy_is_independent_and_chunks_compose(
    backend: str, key: bytes, a: bytes, b: bytes
) -> None:
    cipher = RC4(key, backend=crypto_backend(backend))
    first = cipher.crypt(a)
    twin = cipher.copy()
    assert cipher.crypt(b) == twin.crypt(b)
    assert first + twin.crypt(b"") == RC4(key, backend=backend).crypt(a + b)[: len(a)]
    assert (
        RC4(key, backend=backend).crypt(a + b)
        == first + RC4(key, backend=backend).crypt(a + b)[len(a) :]
    )


@settings(max_examples=100)
@given(key=keys, data=st.binary(max_size=1000))
def test_pure_and_fast_rc4_agree(key: bytes, data: bytes) -> None:
    crypto_backend("fast")
    assert RC4(key, backend="pure").crypt(data) == RC4(key, backend="fast").crypt(data)


@pytest.mark.parametrize("backend", BACKENDS)
def test_empty_key_rejected(backend: str) -> None:
    with pytest.raises(CryptoError):
        RC4(b"", backend=crypto_backend(backend))


@pytest.mark.parametrize("backend", BACKENDS)
def test_crypt_accepts_any_bytes_like(backend: str) -> None:
    name = crypto_backend(backend)
    data = bytearray(b"skype")
    expected = RC4(b"k", backend=name).crypt(bytes(data))
    assert RC4(b"k", backend=name).crypt(data) == expected
    assert RC4(b"k", backend=name).crypt(memoryview(data)) == expected
