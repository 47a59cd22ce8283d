"""Command blocks: every block of the capture's blocks oracle, found from the decrypted units."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.messages.blocks import Block, build_block, build_blocks, parse_blocks
from skypeflux.messages.errors import MessagesError
from skypeflux.objects import to_tree
from skypeflux.wire.tcp import FrameKind, split_frames

BlockKey = tuple[str, str, str, int, int, int, int, int | None, str, str]


def _where_offset(block: dict[str, Any]) -> int:
    return int(block["where"].rsplit(" ", 1)[1])


def _plaintexts(units: list[dict[str, Any]]) -> list[tuple[str, str, str, int, bytes]]:
    """(proto, src, dst, base offset, plaintext) holding blocks: UDP payloads and resends,
    joined fragment messages, and the data frames of the TCP directions."""
    out: list[tuple[str, str, str, int, bytes]] = []
    fragments: dict[tuple[str, str, str], dict[int, bytes]] = {}
    for unit in units:
        plain = bytes.fromhex(unit["plaintext"])
        if unit["proto"] == "tcp":
            scan = split_frames(plain[10:])
            assert scan.exact
            for frame in scan.frames:
                if frame.kind is FrameKind.DATA:
                    out.append(
                        ("tcp", unit["src"], unit["dst"], frame.payload_offset, frame.blocks)
                    )
        elif unit["kind"] == "0x0f fragment":
            key = (unit["src"], unit["dst"], unit["id"])
            fragments.setdefault(key, {})[unit["frag_index"]] = plain
        else:
            out.append(("udp", unit["src"], unit["dst"], 0, plain))
    for (src, dst, _), pieces in fragments.items():
        out.append(("udp", src, dst, 0, b"".join(pieces[i] for i in sorted(pieces))))
    return out


def _key(proto: str, src: str, dst: str, block: Block, data: bytes, base: int) -> BlockKey:
    start = block.offset - base
    header = data[start : start + block.header_len]
    return (
        proto,
        src,
        dst,
        block.offset,
        block.size,
        block.command,
        block.flags,
        block.reqid,
        header.hex(),
        block.list_bytes.hex(),
    )


@pytest.fixture(scope="module")
def parsed(units_oracle: list[dict[str, Any]]) -> list[tuple[BlockKey, Block, bytes]]:
    found = []
    for proto, src, dst, base, data in _plaintexts(units_oracle):
        for block in parse_blocks(data, base=base):
            start = block.offset - base
            found.append(
                (
                    _key(proto, src, dst, block, data, base),
                    block,
                    data[start : start + block.length],
                )
            )
    return found


def test_every_oracle_block_is_found_with_the_same_fields(
    parsed: list[tuple[BlockKey, Block, bytes]], blocks_oracle: list[dict[str, Any]]
) -> None:
    expected = Counter(
        (
            b["proto"],
            b["src"],
            b["dst"],
            _where_offset(b),
            b["size"],
            b["cmd"],
            b["flags"],
            b["reqid"],
            b["header_hex"],
            b["list_hex"],
        )
        for b in blocks_oracle
    )
    assert len(blocks_oracle) == 305
    assert Counter(key for key, _, _ in parsed) == expected


def test_every_block_is_exact_and_its_objects_match_the_tree(
    parsed: list[tuple[BlockKey, Block, bytes]], blocks_oracle: list[dict[str, Any]]
) -> None:
    trees: dict[tuple[str, str, str, int, str], Any] = {}
    for b in blocks_oracle:
        trees[(b["proto"], b["src"], b["dst"], _where_offset(b), b["list_hex"])] = b["tree"]
    for key, block, _ in parsed:
        assert block.exact, (key, block.error)
        assert block.objects is not None
        tree = to_tree(block.objects)
        assert json.loads(json.dumps(tree)) == trees[(*key[:4], key[9])]
    forms = Counter(block.form for _, block, _ in parsed)
    assert forms == {0x42: 303, 0x41: 2}


def test_blocks_rebuild_to_their_bytes(parsed: list[tuple[BlockKey, Block, bytes]]) -> None:
    for _, block, raw in parsed:
        assert block.build() == raw
        assert build_block(block.command, block.flags, block.reqid, block.list_bytes) == raw


def test_spec_probe_and_two_block_payload() -> None:
    (probe,) = parse_blocks(bytes.fromhex("04da017f4d4215"))
    assert (probe.command, probe.flags, probe.reqid, probe.list_bytes) == (
        27,
        2,
        0x7F4D,
        b"\x42\x15",
    )
    assert probe.exact and probe.objects is not None and len(probe.objects) == 0
    pair = build_blocks([probe, (36, 3, 0x1616, bytes.fromhex("42fcdf1c73f58056968c"))])
    first, second = parse_blocks(pair, base=100)
    assert (first.offset, second.offset) == (100, 107)
    assert second.command == 36 and second.exact


def test_malformed_input_becomes_an_error_block() -> None:
    (cut,) = parse_blocks(bytes.fromhex("0cda01"))
    assert cut.error is not None and "exceeds" in cut.error
    (no_cmd,) = parse_blocks(b"\x04\xda")
    assert no_cmd.error is not None and "header" in no_cmd.error
    (short,) = parse_blocks(bytes.fromhex("01da0100"))
    assert short.error is not None and "request id" in short.error
    ok, bad = parse_blocks(bytes.fromhex("04da017f4d4215") + bytes.fromhex("04da017f4d4315"))
    assert ok.exact and not bad.exact
    (trailing,) = parse_blocks(bytes.fromhex("05da017f4d421500"))
    assert trailing.error is not None and "used" in trailing.error
    # the size's and command's one-byte varints are read inline, the longer ones by read_varint:
    # input ending after either is the same header error
    for data in (b"\x04", b"\x84", b"\x04\x84", b"\x84\x01", b"\x84\x01\xda"):
        (head,) = parse_blocks(data)
        assert head.error is not None and head.error.startswith("bad block header"), data
        assert (head.offset, head.length, head.size, head.cmd_raw) == (0, len(data), 0, 0)
    (long_size,) = parse_blocks(bytes.fromhex("8001da010007") + bytes(126))
    assert (long_size.size, long_size.cmd_raw, long_size.reqid) == (128, 0xDA, 7)
    assert long_size.length == 132 and long_size.list_bytes == bytes(126)


def test_header_only_parse_skips_the_objects() -> None:
    (block,) = parse_blocks(bytes.fromhex("04da017f4d4299"), decode_objects=False)
    assert block.exact and block.objects is None and block.list_bytes == b"\x42\x99"


@given(st.binary(max_size=64))
def test_parse_never_raises_and_covers_the_input(data: bytes) -> None:
    blocks = parse_blocks(data)
    assert sum(b.length for b in blocks) == len(data)


@given(
    st.integers(0, (1 << 29) - 1),
    st.integers(0, 7),
    st.integers(0, 0xFFFF),
    st.binary(max_size=40),
)
def test_build_parse_round_trip(command: int, flags: int, reqid: int, body: bytes) -> None:
    rid = reqid if flags & 2 else None
    data = build_block(command, flags, rid, body)
    (block,) = parse_blocks(data, decode_objects=False)
    assert (block.command, block.flags, block.reqid, block.list_bytes) == (
        command,
        flags,
        rid,
        body,
    )
    assert block.length == len(data)


@pytest.mark.parametrize(
    ("command", "flags", "reqid"),
    [(27, 2, None), (11, 1, 5), (27, 8, None), (-1, 1, None), (27, 3, 0x10000)],
)
def test_build_block_rejects_misuse(command: int, flags: int, reqid: int | None) -> None:
    with pytest.raises(MessagesError):
        build_block(command, flags, reqid, b"\x42\x15")


def test_blocks_are_the_same_on_either_objects_back_end(
    units_oracle: list[dict[str, Any]],
) -> None:
    """The default back end decodes each 0x42 list by one C call (``whole_list_call``), the
    pure one through ``objects.decode``: every field of every block agrees, errors included,
    on the capture's plaintexts and on mutations of them."""
    import random

    from skypeflux.messages.blocks import block_fields
    from skypeflux.objects import available_backends

    if "fast" not in available_backends():
        pytest.skip("C objects coder not built: nothing to compare")
    rng = random.Random(13)
    texts = [data for *_, data in _plaintexts(units_oracle)]
    errors = 0
    for i in range(4_000):
        data = bytearray(texts[i % len(texts)])
        if i >= len(texts):
            for _ in range(rng.randrange(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        fast = block_fields(bytes(data))
        assert fast == block_fields(bytes(data), objects_backend="pure"), data.hex()
        errors += any(fields[-1] is not None for fields in fast)
    assert errors > 100, errors
