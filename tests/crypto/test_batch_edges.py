"""keystream_batch at its edges, alike on both back ends: n = 0 computes nothing, and a batch
too large to exist is refused as the layer's error before anything is allocated."""

from __future__ import annotations

import array
import sys

import pytest

from skypeflux import crypto
from skypeflux.crypto import CryptoError
from skypeflux.crypto.backends import available


@pytest.mark.parametrize("name", available())
def test_zero_length_batch_is_empty(name: str) -> None:
    assert crypto.keystream_batch(array.array("I", range(1000)), 0, backend=name) == b""
    assert crypto.keystream_batch([], 16, backend=name) == b""


@pytest.mark.parametrize("name", available())
def test_absurd_batch_is_a_crypto_error(name: str) -> None:
    with pytest.raises(CryptoError, match="too large"):
        crypto.keystream_batch([1, 2, 3], sys.maxsize // 2, backend=name)
