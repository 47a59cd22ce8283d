"""``encode_block`` takes objects and ``parse_blocks`` gives objects: the two levels match."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.messages.blocks import encode_block, parse_blocks
from skypeflux.messages.errors import MessagesError
from skypeflux.objects import CODED, RAW, Address, Obj, ObjectList

LEAVES = st.one_of(
    st.builds(Obj, st.just(0), st.integers(0, 40), st.integers(0, 0xFFFFFFFF)),
    st.builds(Obj, st.just(1), st.integers(0, 40), st.integers(0, 2**64 - 1)),
    st.builds(
        Obj,
        st.just(2),
        st.integers(0, 40),
        st.builds(Address, st.integers(0, 0xFFFFFFFF), st.integers(0, 0xFFFF)),
    ),
    st.builds(
        Obj,
        st.just(3),
        st.integers(0, 40),
        st.binary(max_size=30).map(lambda b: b.replace(b"\0", b"")),
    ),
    st.builds(Obj, st.just(4), st.integers(0, 40), st.binary(max_size=30)),
)


@given(
    command=st.integers(0, 6016),
    flags=st.sampled_from([1, 2, 3]),
    reqid=st.integers(0, 0xFFFF),
    items=st.lists(LEAVES, max_size=8),
    form=st.sampled_from([CODED, RAW]),
)
def test_objects_round_trip_through_a_block(
    command: int, flags: int, reqid: int, items: list[Obj], form: int
) -> None:
    rid = reqid if flags & 2 else None
    objects = ObjectList(items)
    data = encode_block(command, flags, rid, objects, form)
    (block,) = parse_blocks(data)
    assert block.exact and (block.command, block.flags, block.reqid) == (command, flags, rid)
    assert block.form == form
    want = objects.sorted_by_id() if form == CODED else objects  # 0x42 sorts by id
    assert block.objects == want


def test_block_without_a_list_and_refusals() -> None:
    (block,) = parse_blocks(encode_block(27, 2, 0x15E7, None))
    assert block.list_bytes == b"" and block.objects is None and block.exact
    with pytest.raises(MessagesError, match="request id"):
        encode_block(27, 2, None, ObjectList())
