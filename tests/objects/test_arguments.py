"""The objects API's argument checks: input kinds, option types, nesting caps, addresses.

Inputs come from the shared vectors; expectations are the vectors' own ``consumed`` and tree,
or the library's documented exception types, never outputs computed by the code under test.
"""

from __future__ import annotations

import array
import sys
from typing import Any

import pytest

from skypeflux.objects import (
    MAX_DEPTH_LIMIT,
    Address,
    Obj,
    ObjectList,
    ObjectsError,
    backends,
    from_tree,
    to_tree,
)
from skypeflux.objects.range_coder import MAX_OVERRUN
from tests.objects.conftest import Coder


@pytest.fixture(scope="module")
def good_vectors(object_vectors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    good = [v for v in object_vectors if v["ok"]]
    assert any(v["kind"] == "41" for v in good) and any(v["kind"] == "42" for v in good)
    return good


def _kinds(raw: bytes) -> dict[str, object]:
    """Buffer-protocol objects whose bytes are ``raw``."""
    doubled = bytes(b for pair in zip(raw, bytes(len(raw)), strict=True) for b in pair)
    return {
        "bytearray": bytearray(raw),
        "memoryview": memoryview(raw),
        "strided memoryview": memoryview(doubled)[::2],
        "array('B')": array.array("B", raw),
        "read-only slice of a longer buffer": memoryview(b"\xee" + raw)[1:],
    }


def test_every_buffer_kind_decodes_like_bytes(
    coder: Coder, good_vectors: list[dict[str, Any]]
) -> None:
    for vector in good_vectors:
        raw = bytes.fromhex(vector["hex"])
        for name, data in _kinds(raw).items():
            got = coder.decode(data)
            assert got.consumed == vector["consumed"], (name, vector["hex"])
            assert to_tree(got.objects) == vector["tree"], (name, vector["hex"])


@pytest.mark.parametrize("bad", [5, 0, [0x41, 0], "A", None, 1.5], ids=repr)
def test_non_buffers_are_a_type_error(coder: Coder, bad: object) -> None:
    """``bytes(5)`` is five zero bytes and ``bytes([0x41, 0])`` an empty list: neither is what
    a caller passing an int or a list meant, so both are refused."""
    with pytest.raises(TypeError, match="bytes-like"):
        coder.decode(bad)


@pytest.mark.parametrize(
    "options",
    [
        {"max_depth": 1.5},
        {"max_depth": True},
        {"max_depth": None},
        {"max_depth": "8"},
        {"budget": None},
        {"budget": 1e9},
        {"budget": False},
    ],
    ids=repr,
)
def test_option_types_are_checked(coder: Coder, options: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="must be an int"):
        coder.decode(b"\x41\x00", **options)


@pytest.mark.parametrize(
    "options", [{"max_depth": -1}, {"max_depth": MAX_DEPTH_LIMIT + 1}, {"budget": -1}], ids=repr
)
def test_option_values_are_checked(coder: Coder, options: dict[str, Any]) -> None:
    with pytest.raises(ObjectsError):
        coder.decode(b"\x41\x00", **options)


def test_encode_form_is_checked(coder: Coder) -> None:
    objects = ObjectList([Obj(0, 1, 5)])
    for form in (None, True, "B", 66.0):
        with pytest.raises(TypeError, match="form must be an int"):
            coder.encode(objects, form)
    with pytest.raises(ObjectsError, match="unknown list form"):
        coder.encode(objects, 0x43)


def _nested(levels: int) -> ObjectList:
    """A list whose deepest nested list sits at level ``levels - 1`` (the top list is level 0)."""
    inner = ObjectList([Obj(0, 1, 7)])
    for _ in range(levels - 1):
        inner = ObjectList([Obj(5, 2, inner), Obj(0, 1, 3)])
    return inner


def _nested_tree(levels: int) -> list[dict[str, Any]]:
    tree: list[dict[str, Any]] = [{"family": 0, "id": 1, "value": 7}]
    for _ in range(levels - 1):
        tree = [{"family": 5, "id": 2, "value": tree}]
    return tree


@pytest.mark.parametrize("form", [0x41, 0x42], ids=["raw", "coded"])
def test_the_deepest_decodable_list_goes_through_every_helper(coder: Coder, form: int) -> None:
    deepest = _nested(MAX_DEPTH_LIMIT)
    data = coder.encode(deepest, form)
    decoded = coder.decode(data, max_depth=MAX_DEPTH_LIMIT).objects
    # 0x42 sorts each level by id on the way (here: id 1 before the nested list, id 2)
    assert decoded == (deepest if form == 0x41 else deepest.sorted_by_id())
    assert decoded.sorted_by_id() == deepest.sorted_by_id() != deepest
    assert from_tree(to_tree(decoded)) == decoded
    with pytest.raises(ObjectsError, match="nested deeper"):
        coder.decode(data, max_depth=MAX_DEPTH_LIMIT - 1)


@pytest.mark.parametrize("levels", [MAX_DEPTH_LIMIT + 1, 5000])
def test_deeper_lists_raise_objects_error_not_recursion_error(levels: int) -> None:
    assert levels > MAX_DEPTH_LIMIT and sys.getrecursionlimit() < 5000 * 2
    deep = _nested(levels)
    with pytest.raises(ObjectsError, match="nested deeper"):
        to_tree(deep)
    with pytest.raises(ObjectsError, match="nested deeper"):
        deep.sorted_by_id()
    with pytest.raises(ObjectsError, match="nested deeper"):
        from_tree(_nested_tree(levels))


def test_a_list_that_contains_itself_is_refused() -> None:
    items: list[Obj] = []
    cyclic = ObjectList.trusted(items)
    items.append(Obj.trusted(5, 1, cyclic))
    with pytest.raises(ObjectsError):
        to_tree(cyclic)
    with pytest.raises(ObjectsError):
        cyclic.sorted_by_id()


@pytest.mark.parametrize(
    "text",
    [
        "1.2.3.\u00b2:80",  # superscript two: str.isdigit() says yes, int() says no
        "1.2.3.4:\u00b9",
        "\u0661.2.3.4:80",  # Arabic-Indic one: int() would accept it, the wire form would not
        "1.2.3.4:\uff18\uff10",  # full-width 80
        "1.2.3.4",
        "1.2.3:80",
        "1.2.3.256:80",
        "1.2.3.4:65536",
        "1.2.3.-4:80",
        " 1.2.3.4:80",
        "",
    ],
)
def test_bad_addresses_raise_objects_error(text: str) -> None:
    with pytest.raises(ObjectsError):
        Address.parse(text)
    with pytest.raises(ObjectsError):
        from_tree([{"family": 2, "id": 1, "value": text}])


def test_address_parse_needs_a_string_and_accepts_the_tree_form() -> None:
    for bad in (None, 80, b"1.2.3.4:80"):
        with pytest.raises(ObjectsError):
            Address.parse(bad)  # type: ignore[arg-type]
    with pytest.raises(ObjectsError):
        Address.from_host(None, 80)  # type: ignore[arg-type]
    address = Address.parse("192.168.1.2:33033")
    assert (address.ip, address.port) == (0xC0A80102, 33033)


@pytest.mark.parametrize("start", [-1, 3 + MAX_OVERRUN + 1, 2**31, sys.maxsize])
def test_range_decoder_refuses_a_start_past_the_overrun_allowance(coder: Coder, start: int) -> None:
    """The C decoder's position would overflow a signed index from ``sys.maxsize``."""
    decoder = backends.get(coder.name).decoder
    with pytest.raises(ValueError, match="start") as info:
        decoder(b"abc", start)
    assert not isinstance(info.value, ObjectsError)


@pytest.mark.parametrize("start", [0, 3, 3 + MAX_OVERRUN - 1])
def test_range_decoder_starts_within_the_allowance(coder: Coder, start: int) -> None:
    decoder = backends.get(coder.name).decoder(b"abc", start)
    assert decoder.read_position == max(min(start + 1, 3), start)


def test_a_start_at_the_allowance_is_an_overrun(coder: Coder) -> None:
    with pytest.raises(ObjectsError, match="past the end"):
        backends.get(coder.name).decoder(b"abc", 3 + MAX_OVERRUN)
