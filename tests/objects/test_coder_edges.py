"""Edges of the range coder's Python face, the same on the C and pure paths (issue 13):
a reservation refused again and again (once a signed overflow in C), a symbol outside its
table or of zero width (once an endless loop in the pure encoder)."""

from __future__ import annotations

import sys
from collections.abc import Callable

import pytest

from skypeflux.objects import ObjectsError, available_backends
from skypeflux.objects.backends import get
from skypeflux.objects.range_coder import VALUE_MODEL
from skypeflux.objects.tables import SMALL_NUMBER

BACKENDS = available_backends()


@pytest.mark.parametrize("name", BACKENDS)
def test_a_refused_reservation_changes_nothing(name: str) -> None:
    decoder = get(name).decoder(bytes(16), 0)
    before = decoder.read_position
    offsets = set()
    for _ in range(50):  # each call would have taken limit further below zero
        with pytest.raises(ObjectsError) as err:
            decoder.reserve(sys.maxsize // 4)  # the largest accepted: 4 calls overflowed
        offsets.add(err.value.offset)
    assert offsets == {0} and decoder.read_position == before
    decoder.reserve(4)  # a reservation that fits still works afterwards
    with pytest.raises(ValueError, match="out of range"):
        decoder.reserve(-1)


@pytest.mark.parametrize("name", BACKENDS)
def test_symbols_outside_the_table_are_refused(name: str) -> None:
    encoder = get(name).encoder(0x42)
    for s in (-1, len(SMALL_NUMBER) - 1, 10**6):
        with pytest.raises(IndexError, match="symbol outside its table"):
            encoder.symbol(SMALL_NUMBER, s)
    with pytest.raises(ValueError, match="zero width"):
        encoder.symbol((0, 0, 4096), 0)
    with pytest.raises(ValueError, match=r"0\.\.4096"):
        encoder.symbol((0, 5000, 4096), 0)
    encoder.symbol(SMALL_NUMBER, 0)  # and the encoder still works


def test_both_paths_refuse_alike() -> None:
    if len(BACKENDS) < 2:
        pytest.fail("the C range coder is not built: nothing to compare the pure one with")
    errors = []
    for name in BACKENDS:
        encoder = get(name).encoder(0x42)
        try:
            encoder.symbol(SMALL_NUMBER, -1)
        except Exception as exc:
            errors.append((type(exc), str(exc)))
    assert errors[0] == errors[1]


_EDGES = (-(2**70), -(2**63) - 1, -1, 0, 1, 16, 17, 255, 256, 2**31, 2**62, 2**64, 2**70)


def _outcome(call: Callable[[], object]) -> str:
    try:
        call()
    except Exception as exc:  # the type is what both paths must agree on
        return type(exc).__name__
    return "ok"


def _calls(name: str, n: int) -> dict[str, Callable[[], object]]:
    backend = get(name)
    data = bytes(range(40))
    return {
        "decoder(start)": lambda: backend.decoder(data, n),
        "reserve": lambda: backend.decoder(data, 0).reserve(n),
        "string(budget)": lambda: backend.decoder(data, 0).string(n),
        "decoder.bits": lambda: backend.decoder(data, 0).bits(n),
        "encoder(marker)": lambda: backend.encoder(n),
        "encoder.bits(count)": lambda: backend.encoder(0x42).bits(n, 0),
        "encoder.bits(value)": lambda: backend.encoder(0x42).bits(8, n),
        "encoder.number": lambda: backend.encoder(0x42).number(VALUE_MODEL, n),
    }


@pytest.mark.parametrize("n", _EDGES)
def test_integers_out_of_range_fail_the_same_way_on_both_paths(n: int) -> None:
    """An absurd size or count is a ValueError on both paths (the C one once said
    OverflowError where an int did not fit a C type, the pure one IndexError, MemoryError or
    ZeroDivisionError, or took it)."""
    if len(BACKENDS) < 2:
        pytest.fail("the C range coder is not built: nothing to compare the pure one with")
    fast = {k: _outcome(c) for k, c in _calls("fast", n).items()}
    pure = {k: _outcome(c) for k, c in _calls("pure", n).items()}
    assert fast == pure
    assert set(fast.values()) <= {"ok", "ValueError", "ObjectsError"}
