"""Opening, sealing and reassembling UDP payloads against the capture and its units oracle."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skypeflux.ipv4 import ip_number
from skypeflux.wire.errors import WireError
from skypeflux.wire.fragments import FragmentAssembler
from skypeflux.wire.udp import Fragment, Payload, Resend, parse_datagram
from skypeflux.wire.udp_crypt import (
    UNKNOWN_ADDRESS,
    open_payload,
    open_payload_any,
    open_resend,
    seal_fragment,
    seal_payload,
    seal_resend,
)
from tests.helpers.samples import HOST_PUBLIC, skype_datagrams

HOST_PRIVATE = "192.168.1.2"


@pytest.fixture(scope="module")
def by_frame(skypeirc_path: Path) -> dict[int, bytes]:
    return {frame: data for frame, _, _, data in skype_datagrams(skypeirc_path)}


def _units(units: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [u for u in units if u.get("kind") == kind]


def _h(value: str) -> int:
    return int(value, 16)


def test_every_payload_opens_to_the_oracle_plaintext(
    by_frame: dict[int, bytes], units_oracle: list[dict[str, Any]]
) -> None:
    units = _units(units_oracle, "0x02 obfuscated") + _units(units_oracle, "0x0f fragment")
    assert len(units) == 287
    for unit in units:
        dg = parse_datagram(by_frame[unit["frame"]])
        assert isinstance(dg, Payload | Fragment)
        opened = open_payload(dg, unit["public_src"], unit["public_dst"])
        assert opened.crc_ok, unit["frame"]
        assert opened.seed == _h(unit["seed"])
        assert opened.seed_input is not None and opened.seed_input.hex() == unit["crc_input"]
        assert opened.plaintext.hex() == unit["plaintext"]
        assert (opened.public_src, opened.public_dst) == (unit["public_src"], unit["public_dst"])


def test_wrong_addresses_fail_the_crc(by_frame: dict[int, bytes]) -> None:
    dg = parse_datagram(by_frame[333])
    assert isinstance(dg, Payload)
    assert open_payload(dg, "82.253.163.244", HOST_PUBLIC).crc_ok
    wrong = open_payload(dg, "82.253.163.244", HOST_PRIVATE)
    assert not wrong.crc_ok
    assert wrong.crc == dg.crc != wrong.computed_crc


def test_trying_the_real_address_then_unknown_finds_the_eleven_early_probes(
    by_frame: dict[int, bytes], units_oracle: list[dict[str, Any]]
) -> None:
    outgoing = [
        u for u in _units(units_oracle, "0x02 obfuscated") if u["src"].startswith(HOST_PRIVATE)
    ]
    used_unknown = 0
    for unit in outgoing:
        dg = parse_datagram(by_frame[unit["frame"]])
        assert isinstance(dg, Payload)
        dst = unit["public_dst"]
        opened = open_payload_any(dg, [(HOST_PUBLIC, dst), (UNKNOWN_ADDRESS, dst)])
        assert opened is not None and opened.crc_ok
        used_unknown += opened.public_src == UNKNOWN_ADDRESS
    assert used_unknown == 11
    assert open_payload_any(parse_datagram(by_frame[333]), []) is None  # type: ignore[arg-type]


def test_opening_with_pairs_gives_the_first_match_or_none(by_frame: dict[int, bytes]) -> None:
    dg = parse_datagram(by_frame[333])
    assert isinstance(dg, Payload)
    wrong, right = ("82.253.163.244", HOST_PRIVATE), ("82.253.163.244", HOST_PUBLIC)
    assert open_payload_any(dg, [wrong, wrong]) is None
    opened = open_payload_any(dg, iter([wrong, right, wrong]))
    assert opened == open_payload(dg, *right)
    numbers = open_payload_any(dg, [(0x52FDA3F4, ip_number(HOST_PUBLIC))])
    assert numbers == opened  # addresses as numbers open the same, and read back as text
    with pytest.raises(WireError, match=r"not an IPv4 address: '82\.253\.163\.2440'"):
        open_payload_any(dg, [("82.253.163.2440", HOST_PUBLIC)])


def test_resends_open_with_id_xor_challenge(
    by_frame: dict[int, bytes], units_oracle: list[dict[str, Any]]
) -> None:
    for unit in _units(units_oracle, "0x03 resend"):
        dg = parse_datagram(by_frame[unit["frame"]])
        assert isinstance(dg, Resend)
        opened = open_resend(dg)
        assert opened.crc_ok
        assert opened.seed == _h(unit["seed"])
        assert opened.plaintext.hex() == unit["plaintext"]
        assert opened.seed_input is None


def test_sealing_reproduces_every_captured_datagram(
    by_frame: dict[int, bytes], units_oracle: list[dict[str, Any]]
) -> None:
    for unit in units_oracle:
        if unit["proto"] != "udp":
            continue
        original = by_frame[unit["frame"]]
        dg = parse_datagram(original)
        plain = bytes.fromhex(unit["plaintext"])
        sealed: Payload | Fragment | Resend
        if isinstance(dg, Payload):
            sealed = seal_payload(
                plain,
                packet_id=dg.id,
                iv=dg.iv,
                src_ip=unit["public_src"],
                dst_ip=unit["public_dst"],
                func=dg.func,
            )
        elif isinstance(dg, Fragment):
            sealed = seal_fragment(
                plain,
                packet_id=dg.id,
                ref_id=dg.ref_id,
                index=dg.index,
                last=dg.last,
                iv=dg.iv,
                src_ip=unit["public_src"],
                dst_ip=unit["public_dst"],
                func=dg.func,
            )
        else:
            assert isinstance(dg, Resend)
            sealed = seal_resend(
                plain, packet_id=dg.id, challenge=dg.challenge, dest_ip=dg.dest_ip, func=dg.func
            )
        assert sealed.build() == original, unit["frame"]


def _fragment_units(
    by_frame: dict[int, bytes], units: list[dict[str, Any]]
) -> list[tuple[tuple[str, str, int], Fragment, Any]]:
    out = []
    for unit in _units(units, "0x0f fragment"):
        dg = parse_datagram(by_frame[unit["frame"]])
        assert isinstance(dg, Fragment)
        opened = open_payload(dg, unit["public_src"], unit["public_dst"])
        out.append(((unit["src"], unit["dst"], dg.id), dg, opened))
    return out


def test_fragments_join_into_the_six_messages(
    by_frame: dict[int, bytes],
    units_oracle: list[dict[str, Any]],
    blocks_oracle: list[dict[str, Any]],
) -> None:
    assembler = FragmentAssembler()
    messages = []
    for key, dg, opened in _fragment_units(by_frame, units_oracle):
        done = assembler.add(key, dg, opened)
        if done is not None:
            messages.append(done)
    assert len(messages) == 6
    assert len(assembler) == 0
    assert all(m.count == 9 for m in messages)
    assert all(11_297 <= len(m.plaintext) <= 11_950 for m in messages)
    expected = {b["list_hex"] for b in blocks_oracle if "udp fragments" in b["where"]}
    # each joined message is exactly one block whose list the oracle lists
    assert all(any(m.plaintext.endswith(bytes.fromhex(x)) for x in expected) for m in messages)


def test_assembler_handles_reordering_duplicates_and_bad_crc(
    by_frame: dict[int, bytes], units_oracle: list[dict[str, Any]]
) -> None:
    items = _fragment_units(by_frame, units_oracle)
    first_key = items[0][0]
    pieces = [item for item in items if item[0] == first_key]
    assert len(pieces) == 9
    assembler = FragmentAssembler()
    reversed_pieces = pieces[::-1]
    for key, dg, opened in reversed_pieces[:-1]:
        assert assembler.add(key, dg, opened) is None
    key, dg, opened = reversed_pieces[1]
    assert assembler.add(key, dg, opened) is None
    assert assembler.duplicates == 1
    key, dg, opened = reversed_pieces[-1]
    bad = open_payload(dg, HOST_PRIVATE, HOST_PRIVATE)
    assert assembler.add(key, dg, bad) is None
    assert assembler.rejected == 1
    done = assembler.add(key, dg, opened)
    assert done is not None
    assert done.plaintext == b"".join(p[2].plaintext for p in pieces)


def test_assembler_memory_is_bounded(
    by_frame: dict[int, bytes], units_oracle: list[dict[str, Any]]
) -> None:
    items = _fragment_units(by_frame, units_oracle)
    assembler = FragmentAssembler(max_messages=2)
    starts = [(dg, opened) for _, dg, opened in items if not dg.last][:10]
    for n, (dg, opened) in enumerate(starts):
        assert assembler.add(("message", n), dg, opened) is None
    assert len(assembler) == 2
    assert assembler.evicted == 8
    assert assembler.pending_keys() == [("message", 8), ("message", 9)]
    # one full-size piece fits in 2000 bytes, a second one does not: the message is dropped
    small = FragmentAssembler(max_bytes=2000)
    key = items[0][0]
    pieces = [(dg, opened) for k, dg, opened in items if k == key and not dg.last]
    assert len(pieces) == 8
    for dg, opened in pieces:
        assert small.add(key, dg, opened) is None
    assert small.evicted == 4 and len(small) == 0


def test_fragments_of_two_messages_are_never_spliced() -> None:
    # Same addresses and outer id, but a different request answered (the id came round again):
    # the stale pieces are dropped, the new message is joined from its own pieces only.
    from skypeflux.wire.fragments import FragmentAssembler
    from skypeflux.wire.udp_crypt import open_payload, seal_fragment

    src, dst = "82.253.163.244", "86.128.245.115"

    def piece(ref: int, index: int, last: bool, body: bytes) -> tuple[Any, Any]:
        frag = seal_fragment(
            body,
            packet_id=0x1234,
            ref_id=ref,
            index=index,
            last=last,
            iv=index,
            src_ip=src,
            dst_ip=dst,
        )
        return frag, open_payload(frag, src, dst)

    assembler = FragmentAssembler()
    key = (src, dst, 0x1234)
    assert assembler.add(key, *piece(1, 0, False, b"old0")) is None
    assert assembler.add(key, *piece(1, 1, False, b"old1")) is None
    assert assembler.add(key, *piece(2, 0, False, b"new0")) is None
    done = assembler.add(key, *piece(2, 1, True, b"new1"))
    assert done is not None and done.plaintext == b"new0new1" and done.ref_id == 2
    # a late copy of a piece of the finished message opens nothing
    assert assembler.add(key, *piece(2, 1, True, b"new1")) is None
    assert assembler.flush() == []
    assert assembler.duplicates == 1 and assembler.evicted == 1
