"""Limits against hostile input: nesting depth, the memory budget, counts against bytes."""

from __future__ import annotations

import time
from typing import Any

import pytest

from skypeflux.objects import (
    Obj,
    ObjectList,
    ObjectsError,
    from_tree,
)
from skypeflux.objects.range_coder import SMALL_MODEL, VALUE_MODEL, RangeEncoder
from skypeflux.objects.tables import HEADER
from tests.objects.conftest import Coder

Tree = list[dict[str, Any]]


def _cost(tree: Tree, form: int) -> int:
    """spec/objects.md section 3, written out independently of the decoders: 16 per object,
    string bytes plus the NUL, blob bytes, 4 per int-list element, and 16 more per nested list
    in the 0x41 layout only."""
    total = 0
    for node in tree:
        total += 16
        family, value = node["family"], node["value"]
        if family == 3:
            total += len(value) // 2 + 1
        elif family == 4:
            total += len(value) // 2
        elif family == 6:
            total += 4 * len(value)
        elif family == 5:
            total += _cost(value, form) + (16 if form == 0x41 else 0)
    return total


def _chain(levels: int) -> ObjectList:
    lst = ObjectList([Obj(0, 1, 7)])
    for _ in range(levels - 1):
        lst = ObjectList([Obj(5, 2, lst), Obj(3, 3, b"x")])
    return lst


@pytest.mark.parametrize("form", [0x41, 0x42])
def test_budget_is_exact_to_the_cost_model(
    coder: Coder, object_vectors: list[dict[str, Any]], form: int
) -> None:
    checked = 0
    for v in object_vectors:
        if not v["ok"] or not v["tree"]:
            continue
        data = coder.encode(from_tree(v["tree"]), form)
        cost = _cost(v["tree"], form)
        assert coder.decode(data, budget=cost).consumed == len(data), v["source"]
        with pytest.raises(ObjectsError, match="budget"):
            coder.decode(data, budget=cost - 1)
        checked += 1
    assert checked > 200


def test_budget_used_by_the_reference_callers_rejects_the_big_capture_list(
    coder: Coder,
    object_vectors: list[dict[str, Any]],
) -> None:
    (big,) = [v for v in object_vectors if v["len"] == 11468]
    data = bytes.fromhex(big["hex"])
    assert coder.decode(data).consumed == len(data)
    with pytest.raises(ObjectsError):
        coder.decode(data, budget=0x1000)


@pytest.mark.parametrize("form", [0x41, 0x42])
@pytest.mark.parametrize("levels", [1, 2, 3, 8, 20])
def test_depth_limit_counts_levels_from_zero(coder: Coder, form: int, levels: int) -> None:
    data = coder.encode(_chain(levels), form)
    assert coder.decode(data, max_depth=levels).objects == _chain(levels)
    with pytest.raises(ObjectsError, match="nested deeper"):
        coder.decode(data, max_depth=levels - 1)


def test_default_limit_allows_eight_levels(coder: Coder) -> None:
    coder.decode(coder.encode(_chain(8)))
    with pytest.raises(ObjectsError):
        coder.decode(coder.encode(_chain(9)))


def test_nine_level_vector_decodes_under_a_higher_limit(
    coder: Coder,
    object_vectors: list[dict[str, Any]],
) -> None:
    (deep,) = [v for v in object_vectors if "nested 9 levels" in v["source"]]
    data = bytes.fromhex(deep["hex"])
    with pytest.raises(ObjectsError):
        coder.decode(data)
    assert coder.decode(data, max_depth=9).consumed == len(data)


def test_absurd_depth_limits_are_refused(coder: Coder) -> None:
    with pytest.raises(ObjectsError):
        coder.decode(b"\x41\x00", max_depth=10_000)
    with pytest.raises(ObjectsError):
        coder.decode(b"\x41\x00", budget=-1)


def test_deep_hostile_nesting_fails_on_the_limit_not_the_stack(coder: Coder) -> None:
    raw = b"\x41\x01\x05\x00" * 50_000 + b"\x41\x00"
    with pytest.raises(ObjectsError, match="nested deeper"):
        coder.decode(raw, max_depth=64)


def test_encoding_absurdly_deep_lists_raises_the_layer_error(coder: Coder) -> None:
    lst = ObjectList()
    for _ in range(5000):
        lst = ObjectList([Obj(5, 0, lst)])
    for form in (0x41, 0x42):
        with pytest.raises(ObjectsError):
            coder.encode(lst, form)


@pytest.mark.parametrize(
    "hex_input",
    [
        "410106" + "00" + "ffffffff0f",  # int list of 2**32-1 elements in 0 bytes
        "410104" + "00" + "ffffffff0f" + "00" * 16,  # blob longer than the input
        "41ffffffff0f" + "000101",  # 2**32-1 objects promised, one present
        "4101" + "0300" + "61" * 100_000,  # string without NUL
    ],
)
def test_counts_and_lengths_are_checked_before_use(coder: Coder, hex_input: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ObjectsError):
        coder.decode(bytes.fromhex(hex_input))
    assert time.perf_counter() - start < 0.05


@pytest.mark.parametrize("family_symbol", [7, 12])  # blob (MTF position 1), 8-byte value (6)
@pytest.mark.parametrize("length", [9, 2**16, 2**32 - 1])
def test_coded_lengths_beyond_the_input_fail_fast(
    coder: Coder, family_symbol: int, length: int
) -> None:
    """A hand-built 0x42 stream whose blob / 8-byte value claims more bytes than exist (or more
    than 8 for family 1) must fail at once, before any allocation of that size."""
    stream = RangeEncoder()
    stream.symbol(HEADER, family_symbol)
    stream.number(SMALL_MODEL, 1)  # id 1
    stream.number(VALUE_MODEL, length)
    stream.symbol(HEADER, 0)
    data = bytes(stream.finish()) + b"\x00" * 4
    start = time.perf_counter()
    with pytest.raises(ObjectsError):
        coder.decode(data)
    assert time.perf_counter() - start < 0.05
