"""The crypto back ends a test runs on: both, with the C one skipped (and said so) when it was
not built."""

from __future__ import annotations

import pytest

from skypeflux.crypto import available_backends

BACKENDS = ["pure", "fast"]


def crypto_backend(name: str) -> str:
    """``name`` if that back end is available, else skip the test with the reason."""
    if name not in available_backends():
        pytest.skip("C fast path not built (python setup.py build_ext --inplace)")
    return name
