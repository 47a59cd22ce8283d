"""Round trips over generated lists of every family, both forms, up to the nesting limit."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skypeflux.objects import (
    Address,
    Family,
    Obj,
    ObjectList,
    from_tree,
    to_tree,
)
from tests.objects.conftest import Coder

U32 = st.one_of(
    st.integers(0, 0xFFFFFFFF),
    st.sampled_from([0, 1, 2, 3, 4, 5, 127, 128, 0xFFFF, 0x10000, 0x7FFFFFFF, 0xFFFFFFFF]),
)
U64 = st.one_of(
    st.integers(0, 2**64 - 1),
    st.sampled_from([0, 1, 0xFF, 0x100, 2**32, 2**56 - 1, 2**56, 2**63, 2**64 - 1]),
)
IDS = st.one_of(st.integers(0, 40), U32)

SCRIPTS = [
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),  # ASCII
    st.characters(min_codepoint=0x400, max_codepoint=0x4FF),  # Cyrillic
    st.characters(min_codepoint=0x370, max_codepoint=0x3FF),  # Greek
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # CJK
    st.characters(min_codepoint=0x600, max_codepoint=0x6FF),  # Arabic
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),  # emoji
    st.characters(min_codepoint=1, max_codepoint=0x1F),  # control bytes
]
TEXT = st.one_of(
    *[st.text(alphabet, max_size=40).map(lambda s: s.encode("utf-8")) for alphabet in SCRIPTS],
    st.text(st.one_of(*SCRIPTS), max_size=60).map(lambda s: s.encode("utf-8")),
    st.binary(max_size=60).map(lambda b: b.replace(b"\x00", b"")),  # any byte but NUL
)


def leaves() -> st.SearchStrategy[Obj]:
    return st.one_of(
        st.builds(Obj, st.just(0), IDS, U32),
        st.builds(Obj, st.just(1), IDS, U64),
        st.builds(Obj, st.just(2), IDS, st.builds(Address, U32, st.integers(0, 0xFFFF))),
        st.builds(Obj, st.just(3), IDS, TEXT),
        st.builds(Obj, st.just(4), IDS, st.binary(max_size=80)),
        st.builds(Obj, st.just(6), IDS, st.lists(U32, max_size=12).map(tuple)),
    )


def object_lists(levels: int) -> st.SearchStrategy[ObjectList]:
    """Lists with at most ``levels`` levels (1 = no nested lists)."""
    if levels <= 1:
        return st.lists(leaves(), max_size=6).map(ObjectList)
    nested = st.builds(Obj, st.just(5), st.integers(0, 8), object_lists(levels - 1))
    return st.lists(st.one_of(leaves(), nested, nested), max_size=5).map(ObjectList)


def _repeating_siblings(levels: int) -> st.SearchStrategy[ObjectList]:
    """Sibling nested lists sharing their leading (id, family) pairs, so the repeat prefix and
    the shared deep-level context slot are exercised."""
    template = object_lists(levels)
    return st.builds(
        lambda head, tails, outer_id: ObjectList(
            Obj(5, outer_id, ObjectList(list(head) + list(tail))) for tail in tails
        ),
        template,
        st.lists(template, min_size=2, max_size=4),
        st.integers(0, 3),
    )


# the backend fixture only picks the coder, so sharing it across examples is what we want
SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@SETTINGS
@given(object_lists(8))
def test_coded_round_trip_up_to_the_depth_limit(coder: Coder, objects: ObjectList) -> None:
    data = coder.encode(objects, 0x42)
    decoded = coder.decode(data)
    assert decoded.form == 0x42
    assert decoded.consumed == len(data)
    assert decoded.objects == objects.sorted_by_id()


@SETTINGS
@given(object_lists(8))
def test_raw_round_trip_up_to_the_depth_limit(coder: Coder, objects: ObjectList) -> None:
    data = coder.encode(objects, 0x41)
    decoded = coder.decode(data)
    assert decoded.form == 0x41
    assert decoded.consumed == len(data)
    assert decoded.objects == objects


@pytest.mark.slow
@SETTINGS
@given(st.lists(_repeating_siblings(4), min_size=1, max_size=3))
def test_coded_round_trip_with_repeated_layouts(coder: Coder, groups: list[ObjectList]) -> None:
    objects = ObjectList(Obj(5, i, group) for i, group in enumerate(groups))
    decoded = coder.decode(coder.encode(objects, 0x42))
    assert decoded.objects == objects.sorted_by_id()


@pytest.mark.slow
@SETTINGS
@given(object_lists(4), st.binary(max_size=8))
def test_trailing_bytes_are_left_alone(coder: Coder, objects: ObjectList, trailer: bytes) -> None:
    for form in (0x41, 0x42):
        data = coder.encode(objects, form)
        assert coder.decode(data + trailer).consumed == len(data)


@SETTINGS
@given(object_lists(5))
def test_tree_form_round_trips(objects: ObjectList) -> None:
    assert from_tree(to_tree(objects)) == objects


@pytest.mark.slow
@SETTINGS
@given(object_lists(3))
def test_coded_encoding_is_canonical(coder: Coder, objects: ObjectList) -> None:
    """Decoding a 0x42 list and encoding it again gives the same bytes."""
    data = coder.encode(objects, 0x42)
    assert coder.encode(coder.decode(data).objects, 0x42) == data


def test_family_enum_matches_the_spec_numbers() -> None:
    assert [int(f) for f in Family] == list(range(7))
