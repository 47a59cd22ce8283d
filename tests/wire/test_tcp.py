"""TCP header plaintext, frame splitting and building, and the pseudo-TLS prefix (no crypto)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.wire.errors import WireError
from skypeflux.wire.tcp import (
    FrameKind,
    Role,
    StreamHeader,
    ack_frame,
    build_frame,
    control_frame,
    data_frame,
    parse_frame,
    split_frames,
)
from skypeflux.wire.tls_prefix import (
    CLIENT_HELLO_LEN,
    SERVER_HELLO_LEN,
    TlsPrefix,
    detect_tls_prefix,
    strip_tls_prefix,
)
from skypeflux.wire.varint import encode_varint, read_varint, try_read_varint


def tcp_units(units: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = [u for u in units if u["proto"] == "tcp"]
    assert len(found) == 8
    return found


def oracle_frames(unit: dict[str, Any]) -> list[list[int]]:
    frames = unit["body_frames"]
    return json.loads(frames) if isinstance(frames, str) else list(frames)


def test_header_plaintext_of_every_direction(units_oracle: list[dict[str, Any]]) -> None:
    roles = []
    for unit in tcp_units(units_oracle):
        seed = int(unit["seed"], 16)
        plain = StreamHeader.with_plain(seed, bytes.fromhex(unit["hdr10"]))
        assert plain.ok
        assert plain.seq16 == int(unit["zword"], 16)
        assert plain.plain.hex() == unit["hdr10"]
        assert (
            StreamHeader.parse(plain.build()) == plain and plain.build()[:4].hex() == unit["seed"]
        )
        roles.append(plain.role)
    assert roles.count(Role.INITIATOR) == 4
    assert roles.count(Role.RESPONDER) == 4


def test_frames_of_every_direction_match_the_oracle(units_oracle: list[dict[str, Any]]) -> None:
    for unit in tcp_units(units_oracle):
        body = bytes.fromhex(unit["plaintext"])[10:]
        scan = split_frames(body)
        assert scan.exact, (unit["src"], scan.error)
        assert scan.consumed == len(body)
        got = [[f.offset, f.varint_len, f.length, f.flag] for f in scan.frames]
        assert got == oracle_frames(unit)
        assert b"".join(f.build() for f in scan.frames) == body


def test_frame_kinds_and_packet_ids_agree_with_the_blocks_oracle(
    units_oracle: list[dict[str, Any]], blocks_oracle: list[dict[str, Any]]
) -> None:
    tcp_blocks = {
        (b["src"], int(b["where"].rsplit(" ", 1)[1])): b["tcp_packet_id"]
        for b in blocks_oracle
        if b["proto"] == "tcp"
    }
    seen = 0
    for unit in tcp_units(units_oracle):
        scan = split_frames(bytes.fromhex(unit["plaintext"])[10:])
        for frame in scan.frames:
            assert frame.kind in (FrameKind.DATA, FrameKind.ACK, FrameKind.FILLER)
            if frame.kind is FrameKind.DATA:
                key = (unit["src"], frame.payload_offset)
                if key in tcp_blocks:
                    assert frame.packet_id == tcp_blocks[key]
                    seen += 1
    assert seen >= 30


def test_spec_appendix_first_frames() -> None:
    plain = bytes.fromhex("30160613f20116054249b21c6fd2b2622cf24c36c1098857e107017a58")
    scan = split_frames(plain)
    assert scan.exact
    first, ack = scan.frames
    assert (first.value, first.kind, first.packet_id) == (0x30, FrameKind.DATA, 0x1606)
    assert first.blocks[:1] == b"\x13"
    assert (ack.kind, ack.packet_id) == (FrameKind.ACK, 0x7A58)
    assert data_frame(0x1606, first.blocks) + ack_frame(0x7A58) == plain


def test_split_reports_unfinished_and_oversized_frames() -> None:
    whole = data_frame(7, b"\x02\x08\x42\x15")
    scan = split_frames(whole[:-1])
    assert not scan.exact and scan.consumed == 0 and scan.frames == ()
    scan = split_frames(whole + b"\x81")
    assert not scan.exact and len(scan.frames) == 1 and scan.consumed == len(whole)
    scan = split_frames(encode_varint(0x40000) + bytes(10))
    assert not scan.exact and "over" in (scan.error or "")
    scan = split_frames(b"\xff\xff\xff\xff\xff\xff")
    assert not scan.exact and "5 bytes" in (scan.error or "")


def test_parse_frame_raises_with_offset() -> None:
    with pytest.raises(WireError) as info:
        parse_frame(b"\x00\x00\x10\x01", 2)
    assert info.value.offset == 2


def test_build_frame_checks_its_flag() -> None:
    with pytest.raises(WireError):
        build_frame(2, b"")
    with pytest.raises(WireError):
        control_frame(FrameKind.DATA)


@given(st.integers(0, 0xFFFFFFFF))
def test_varint_round_trip(value: int) -> None:
    data = encode_varint(value)
    assert len(data) <= 5
    assert read_varint(data + b"\x99") == (value, len(data))
    assert try_read_varint(data[:-1]) is None


def test_spec_varint_examples() -> None:
    assert read_varint(bytes.fromhex("da01")) == (0xDA, 2)
    assert read_varint(bytes.fromhex("82f802")) == (0xBC02, 3)


@given(st.lists(st.tuples(st.integers(0, 1), st.binary(max_size=300)), max_size=8))
def test_frames_round_trip(items: list[tuple[int, bytes]]) -> None:
    plain = b"".join(build_frame(flag, body) for flag, body in items)
    scan = split_frames(plain, base=100)
    assert scan.exact
    assert [(f.flag, f.body) for f in scan.frames] == items
    assert all(f.offset >= 100 for f in scan.frames)


def test_tls_prefixes_are_recognised_and_stripped() -> None:
    client = bytes.fromhex("8046010301002d00000010") + bytes(range(61))
    assert len(client) == CLIENT_HELLO_LEN
    assert detect_tls_prefix(client) == (TlsPrefix.CLIENT, 72)
    server = bytes.fromhex("160301004a0200004603 01401be486".replace(" ", "")) + bytes(64)
    assert len(server) == SERVER_HELLO_LEN
    assert strip_tls_prefix(server + b"seed") == (TlsPrefix.SERVER, b"seed")
    assert strip_tls_prefix(b"\x07\x90\xc7\xdd" + bytes(10)) == (
        None,
        b"\x07\x90\xc7\xdd" + bytes(10),
    )
