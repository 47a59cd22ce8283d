"""Backend choice and the pure == fast contract over the whole public API."""

from __future__ import annotations

import array
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
    keystream,
    keystream_batch,
    set_default_backend,
)
from tests.helpers.paths import REPO

seeds = st.integers(min_value=0, max_value=0xFFFFFFFF)
needs_fast = pytest.mark.skipif("fast" not in available_backends(), reason="C fast path not built")


def _name_under_env(value: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SKYPEFLUX_BACKEND": value, "PYTHONPATH": str(REPO / "src")}
    code = "import skypeflux.crypto as c; print(c.backend_name())"
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )


def test_env_var_selects_pure() -> None:
    result = _name_under_env("pure")
    assert result.returncode == 0 and result.stdout.strip() == "pure"


def test_env_var_rejects_unknown_backend() -> None:
    result = _name_under_env("gpu")
    assert result.returncode != 0 and "CryptoError" in result.stderr
    assert "SKYPEFLUX_BACKEND=gpu: unknown crypto backend 'gpu'" in result.stderr


def test_a_bad_env_var_does_not_break_the_import() -> None:
    # Resolved on first use: importing (the command line's own import) must still work.
    env = {**os.environ, "SKYPEFLUX_BACKEND": "gpu", "PYTHONPATH": str(REPO / "src")}
    code = "import skypeflux.crypto as c; print(c.backend_name('pure'))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == "pure", result.stderr


def test_env_var_asking_for_an_unbuilt_fast_path_is_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SKYPEFLUX_BACKEND", "fast")
    monkeypatch.setattr(backends.CHOICE, "fast", None)
    monkeypatch.setattr(backends.CHOICE, "_chosen", None)
    with pytest.raises(CryptoError, match=r"SKYPEFLUX_BACKEND=fast: .*not built"):
        backend_name()
    with pytest.raises(CryptoError, match="not built"):
        keystream(1, 4)  # every call resolves the default the same way, none falls back


def test_automatic_choice_prefers_fast() -> None:
    expected = "fast" if "fast" in available_backends() else "pure"
    assert _name_under_env("").stdout.strip() == expected


def test_argument_and_default_override() -> None:
    assert backend_name("pure") == "pure"
    with pytest.raises(CryptoError):
        backend_name("gpu")
    try:
        assert set_default_backend("pure") == "pure"
        assert backend_name() == "pure"
    finally:
        set_default_backend(None)


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
