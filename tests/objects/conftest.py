"""Fixtures of the objects tests: the codec bound to each range coder built."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from skypeflux import objects


@dataclass(frozen=True)
class Coder:
    """``objects.decode`` and ``objects.encode`` with ``backend=`` given: the layer has no
    process-wide default to switch, so a test that runs on each back end passes it on."""

    name: str
    decode: Callable[..., objects.Decoded]
    encode: Callable[..., bytes]


@pytest.fixture(params=objects.available_backends())
def coder(request: pytest.FixtureRequest) -> Coder:
    """Each test that takes this runs on each range coder built (pure, and the C one)."""
    name = request.param
    assert isinstance(name, str)
    return Coder(
        name,
        functools.partial(objects.decode, backend=name),
        functools.partial(objects.encode, backend=name),
    )
