"""Backend choice and the pure == fast contract over the whole public API."""

from __future__ import annotations

import array
import dataclasses
import os
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.crypto import (
    CryptoError,
    available_backends,
    backend_name,
    backends,
    decrypt,
    expand_key,
    get_backend,
    keystream,
    keystream_batch,
)
from tests.helpers.paths import REPO

seeds = st.integers(min_value=0, max_value=0xFFFFFFFF)
needs_fast = pytest.mark.skipif("fast" not in available_backends(), reason="C fast path not built")


def test_the_library_never_reads_the_environment() -> None:
    # The variable is the command line's (tests/cli/test_backends.py); the layer ignores it.
    env = {**os.environ, "SKYPEFLUX_BACKEND": "gpu", "PYTHONPATH": str(REPO / "src")}
    code = "import skypeflux.crypto as c; print(c.backend_name(), c.backend_name('pure'))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    automatic = "fast" if "fast" in available_backends() else "pure"
    assert result.returncode == 0 and result.stdout.split() == [automatic, "pure"], result.stderr


def test_asking_for_an_unbuilt_fast_path_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    unbuilt = dataclasses.replace(backends.IMPLEMENTATIONS, fast=None)
    monkeypatch.setattr(backends, "IMPLEMENTATIONS", unbuilt)
    with pytest.raises(CryptoError, match=r"skypeflux.crypto._fast\) is not built"):
        backend_name("fast")
    with pytest.raises(CryptoError, match="not built"):
        keystream(1, 4, backend="fast")  # every call resolves its argument, none falls back
    assert backend_name() == "pure"  # the default is pure only when fast is not built


def test_automatic_choice_prefers_fast() -> None:
    expected = "fast" if "fast" in available_backends() else "pure"
    assert backend_name() == expected and get_backend() is backends.get(expected)


def test_argument_chooses_by_name_or_object() -> None:
    assert backend_name("pure") == "pure" and backend_name(" Pure") == "pure"
    assert get_backend(backends.PURE) is backends.PURE
    assert keystream(7, 8, backend=backends.PURE) == keystream(7, 8, backend="pure")
    with pytest.raises(CryptoError, match="unknown crypto backend 'gpu'"):
        backend_name("gpu")


@needs_fast
@settings(max_examples=200, deadline=None)
@given(seed=seeds, data=st.binary(max_size=200), n=st.integers(0, 300))
def test_pure_equals_fast(seed: int, data: bytes, n: int) -> None:
    assert expand_key(seed, backend="pure") == expand_key(seed, backend="fast")
    assert keystream(seed, n, backend="pure") == keystream(seed, n, backend="fast")
    assert decrypt(seed, data, backend="pure") == decrypt(seed, data, backend="fast")


@pytest.mark.parametrize("backend", ["pure", pytest.param("fast", marks=needs_fast)])
@settings(max_examples=20, deadline=None)
@given(batch=st.lists(seeds, max_size=40), n=st.integers(0, 40))
def test_batch_equals_single_calls(backend: str, batch: list[int], n: int) -> None:
    # 40 seeds covers full groups of interleaved key schedules plus a remainder.
    expected = b"".join(keystream(s, n, backend="pure") for s in batch)
    assert keystream_batch(batch, n, backend=backend) == expected
    words = array.array("I" if array.array("I").itemsize == 4 else "L", batch)
    assert keystream_batch(words, n, backend=backend) == expected


@pytest.mark.parametrize("backend", ["pure", pytest.param("fast", marks=needs_fast)])
def test_argument_errors(backend: str) -> None:
    with pytest.raises(CryptoError):
        keystream(1, -1, backend=backend)
    with pytest.raises(CryptoError):
        keystream_batch([1, 1 << 32], backend=backend)
    with pytest.raises(CryptoError):
        keystream_batch(array.array("H", [1, 2]), backend=backend)
    with pytest.raises(CryptoError):
        keystream_batch([1], -1, backend=backend)
    with pytest.raises(CryptoError):
        decrypt(-5, b"x", backend=backend)
