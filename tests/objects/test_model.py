"""The object model: construction checks, list lookups, the tree form and the error type."""

from __future__ import annotations

import pickle

import pytest

from skypeflux.objects import (
    Address,
    Family,
    Obj,
    ObjectList,
    ObjectsError,
    decode,
    encode,
    from_tree,
    to_tree,
)


def test_objects_hold_checked_values() -> None:
    obj = Obj(3, 16, "NL")
    assert (obj.family, obj.id, obj.value) == (Family.STRING, 16, b"NL")
    assert Obj(6, 1, [16, 11]).value == (16, 11)
    assert Obj(2, 17, ("1.2.3.4", 5)).value == Address.from_host("1.2.3.4", 5)
    assert Obj(5, 0, [Obj(0, 1, 2)]).value == ObjectList([Obj(0, 1, 2)])


@pytest.mark.parametrize(
    ("family", "oid", "value"),
    [
        (7, 0, 0),
        (-1, 0, 0),
        (0, -1, 0),
        (0, 2**32, 0),
        (0, 0, 2**32),
        (0, 0, True),
        (1, 0, 2**64),
        (3, 0, b"a\x00b"),
        (3, 0, 12),
        (4, 0, "text"),
        (5, 0, 3),
        (6, 0, [1, -2]),
        (6, 0, [2**32]),
        (6, 0, b"\x01"),
        (2, 0, "1.2.3.4:5"),
    ],
)
def test_invalid_values_raise_the_layer_error(family: int, oid: int, value: object) -> None:
    with pytest.raises(ObjectsError) as info:
        Obj(family, oid, value)
    assert info.value.offset is None


@pytest.mark.parametrize(
    "text", ["1.2.3:4", "1.2.3.256:4", "1.2.3.4:70000", "1.2.3.4", "a.b.c.d:1"]
)
def test_bad_addresses_are_refused(text: str) -> None:
    with pytest.raises(ObjectsError):
        Address.parse(text)


def test_address_text_and_integer_forms_agree() -> None:
    addr = Address.parse("192.168.1.102:33333")
    assert addr.ip == 0xC0A80166 and addr.port == 33333
    assert str(addr) == "192.168.1.102:33333" and addr.host == "192.168.1.102"


def test_list_lookups_keep_order_and_repeats() -> None:
    lst = ObjectList([Obj(0, 26, 1), Obj(3, 7, b"x"), Obj(0, 26, 2)])
    assert lst.first(26) == Obj(0, 26, 1)
    assert lst.first(99) is None
    assert [o.value for o in lst.all(26)] == [1, 2]
    assert 7 in lst and 8 not in lst  # type: ignore[comparison-overlap]  # ids count too
    assert Obj(3, 7, b"x") in lst
    assert lst.ids() == [26, 7, 26]
    assert lst[1:] == ObjectList([Obj(3, 7, b"x"), Obj(0, 26, 2)])
    assert lst == [Obj(0, 26, 1), Obj(3, 7, b"x"), Obj(0, 26, 2)]
    assert lst != ObjectList(reversed(lst.to_list()))
    assert "STRING" in repr(lst) and "id=26" in repr(lst)
    assert pickle.loads(pickle.dumps(lst)) == lst


def test_lists_only_hold_objects() -> None:
    with pytest.raises(ObjectsError):
        ObjectList([(0, 1, 2)])  # type: ignore[list-item]


def test_sorted_by_id_is_stable_and_deep() -> None:
    inner = ObjectList([Obj(0, 5, 1), Obj(0, 2, 2)])
    lst = ObjectList([Obj(0, 9, 1), Obj(5, 3, inner), Obj(0, 9, 0), Obj(0, 1, 7)])
    assert to_tree(lst.sorted_by_id()) == to_tree(
        ObjectList(
            [
                Obj(0, 1, 7),
                Obj(5, 3, ObjectList([Obj(0, 2, 2), Obj(0, 5, 1)])),
                Obj(0, 9, 1),
                Obj(0, 9, 0),
            ]
        )
    )


def test_tree_form_follows_the_vectors_conventions() -> None:
    lst = ObjectList(
        [
            Obj(0, 0, 42),
            Obj(1, 1, 0x1122334455667788),
            Obj(2, 2, Address.parse("83.119.211.134:4367")),
            Obj(3, 3, b"hello"),
            Obj(4, 4, b"\x00\x01"),
            Obj(5, 5, [Obj(0, 0, 1)]),
            Obj(6, 6, [1, 2, 3]),
        ]
    )
    assert to_tree(lst) == [
        {"family": 0, "id": 0, "value": 42},
        {"family": 1, "id": 1, "value": 0x1122334455667788},
        {"family": 2, "id": 2, "value": "83.119.211.134:4367"},
        {"family": 3, "id": 3, "value": "68656c6c6f"},
        {"family": 4, "id": 4, "value": "0001"},
        {"family": 5, "id": 5, "value": [{"family": 0, "id": 0, "value": 1}]},
        {"family": 6, "id": 6, "value": [1, 2, 3]},
    ]
    assert from_tree(to_tree(lst)) == lst


@pytest.mark.parametrize(
    "tree",
    [
        {"family": 0},
        [{"family": 0, "id": 1}],
        [{"family": 3, "id": 1, "value": "zz"}],
        [{"family": 2, "id": 1, "value": "nonsense"}],
        [{"family": 5, "id": 1, "value": "00"}],
        [{"family": 9, "id": 1, "value": 0}],
    ],
)
def test_malformed_trees_raise_the_layer_error(tree: object) -> None:
    with pytest.raises(ObjectsError):
        from_tree(tree)  # type: ignore[arg-type]


def test_spec_examples_encode_exactly() -> None:
    """spec/objects.md 4.2: the empty list and a lone number 1 with id 0."""
    assert encode(ObjectList(), 0x42) == bytes.fromhex("4215")
    assert encode(ObjectList([Obj(0, 0, 1)]), 0x42) == bytes.fromhex("422b6d")
    assert encode(ObjectList(), 0x41) == bytes.fromhex("4100")


def test_encode_refuses_unknown_forms() -> None:
    with pytest.raises(ObjectsError):
        encode(ObjectList(), 0x43)


def test_error_carries_offset_and_is_a_value_error() -> None:
    with pytest.raises(ValueError) as info:
        decode(bytes.fromhex("4101030048656c6c6f"))
    assert isinstance(info.value, ObjectsError)
    assert info.value.offset == 4
    assert "NUL" in str(info.value) and "byte 4" in str(info.value)


@pytest.mark.parametrize("data", [b"", b"\x00", b"\x43\x00", b"\x41", b"\x42"])
def test_empty_or_unknown_input_fails_cleanly(data: bytes) -> None:
    with pytest.raises(ObjectsError):
        decode(data)


def test_decode_accepts_bytearray_and_memoryview() -> None:
    data = bytes.fromhex("42f62304c64de06328cf8868469923")
    expected = decode(data).objects
    assert decode(bytearray(data)).objects == expected
    assert decode(memoryview(data)).objects == expected
