"""UDP datagram layouts against every Skype datagram of the real 2006 capture."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import dpkt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.ipv4 import ip_text
from skypeflux.wire.errors import WireError
from skypeflux.wire.udp import (
    Ack,
    Fragment,
    Nack,
    Opaque,
    Payload,
    Resend,
    build_datagram,
    looks_like_skype_udp,
    parse_datagram,
)
from tests.helpers.samples import HOST_PUBLIC, skype_datagrams


@pytest.fixture(scope="module")
def skype_udp(skypeirc_path: Path) -> list[tuple[int, str, str, bytes]]:
    return skype_datagrams(skypeirc_path)


@pytest.fixture(scope="module")
def datagrams(skype_udp: list[tuple[int, str, str, bytes]]) -> list[tuple[int, bytes]]:
    return [(frame, data) for frame, _, _, data in skype_udp]


def test_every_datagram_parses_and_rebuilds_exactly(datagrams: list[tuple[int, bytes]]) -> None:
    assert len(datagrams) == 326
    for frame, data in datagrams:
        parsed = parse_datagram(data)
        assert build_datagram(parsed) == data, frame


def test_type_counts_match_the_capture_readme(datagrams: list[tuple[int, bytes]]) -> None:
    kinds = Counter(type(parse_datagram(data)).__name__ for _, data in datagrams)
    assert kinds == {"Payload": 233, "Fragment": 54, "Resend": 2, "Ack": 35, "Nack": 2}


def test_notices_carry_the_receivers_public_address(
    skype_udp: list[tuple[int, str, str, bytes]],
) -> None:
    """Incoming ACK/NAcks name the NATed host's public address; the host's own ACKs name the
    (un-NATed) peer they go to."""
    notices = [(src, dst, parse_datagram(d)) for _, src, dst, d in skype_udp if len(d) == 11]
    assert len(notices) == 37
    incoming = 0
    for src, dst, notice in notices:
        assert isinstance(notice, Ack | Nack)
        if dst == "192.168.1.2":
            incoming += 1
            assert notice.ip_text == HOST_PUBLIC
        else:
            assert src == "192.168.1.2"
            assert notice.ip_text == dst
    assert incoming == 34


def test_resends_match_the_units_oracle(
    datagrams: list[tuple[int, bytes]], units_oracle: list[dict[str, object]]
) -> None:
    by_frame = dict(datagrams)
    resends = [u for u in units_oracle if u.get("kind") == "0x03 resend"]
    assert len(resends) == 2
    for unit in resends:
        dg = parse_datagram(by_frame[int(str(unit["frame"]))])
        assert isinstance(dg, Resend)
        assert dg.id == int(str(unit["id"]), 16)
        assert dg.challenge == int(str(unit["challenge"]), 16)
        assert ip_text(dg.dest_ip) == unit["dest_ip"]
        assert dg.crc == int(str(unit["crc"]), 16)
        assert dg.count == int(str(unit["byte3"]), 16)


def test_fragment_fields_match_the_units_oracle(
    datagrams: list[tuple[int, bytes]], units_oracle: list[dict[str, object]]
) -> None:
    by_frame = dict(datagrams)
    frags = [u for u in units_oracle if u.get("kind") == "0x0f fragment"]
    assert len(frags) == 54
    for unit in frags:
        dg = parse_datagram(by_frame[int(str(unit["frame"]))])
        assert isinstance(dg, Fragment)
        assert dg.func == int(str(unit["type"]), 16)
        assert dg.ref_id == int(str(unit["reply_to_id"]), 16)
        assert dg.index == unit["frag_index"]
        assert dg.last == unit["frag_last"]
        assert dg.inner == int(str(unit["inner_type"]), 16)
        assert (dg.iv, dg.crc) == (int(str(unit["iv"]), 16), int(str(unit["crc"]), 16))


def test_payload_header_fields_match_the_units_oracle(
    datagrams: list[tuple[int, bytes]], units_oracle: list[dict[str, object]]
) -> None:
    by_frame = dict(datagrams)
    payloads = [u for u in units_oracle if u.get("kind") == "0x02 obfuscated"]
    assert len(payloads) == 233
    for unit in payloads:
        dg = parse_datagram(by_frame[int(str(unit["frame"]))])
        assert isinstance(dg, Payload)
        assert dg.id == int(str(unit["id"]), 16)
        assert (dg.iv, dg.crc) == (int(str(unit["iv"]), 16), int(str(unit["crc"]), 16))
        assert len(dg.ciphertext) == len(bytes.fromhex(str(unit["plaintext"])))


def test_classifier_accepts_every_skype_datagram(datagrams: list[tuple[int, bytes]]) -> None:
    assert all(looks_like_skype_udp(d) for _, d in datagrams)


def test_classifier_rejects_the_capture_dns_traffic(skypeirc_path: Path) -> None:
    dns = []
    with skypeirc_path.open("rb") as fh:
        for _, buf in dpkt.pcap.Reader(fh):
            ip = dpkt.ethernet.Ethernet(buf).data
            is_udp = isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.udp.UDP)
            if is_udp and 53 in (ip.data.sport, ip.data.dport):
                dns.append(bytes(ip.data.data))
    assert len(dns) > 100
    accepted = sum(looks_like_skype_udp(d) for d in dns)
    # DNS flag bytes can pass a layout check by chance; most must not.
    assert accepted < len(dns) // 4


def test_spec_hexdump_from_the_slides() -> None:
    dg = parse_datagram(bytes.fromhex("7f4e02118ac037fc95755e5eb9817a8efa81"))
    assert isinstance(dg, Payload)
    assert (dg.id, dg.iv, dg.crc) == (0x7F4E, 0x118AC037, 0xFC95755E)
    nack = parse_datagram(bytes.fromhex("7f4e77527c483383b08656"))
    assert isinstance(nack, Nack)
    assert nack.ip_text == "82.124.72.51"
    assert nack.challenge == 0x83B08656
    assert nack.func == 0x77


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01",
        bytes.fromhex("0001020304"),
        bytes.fromhex("00010f00"),
        b"\x00\x01\x05" + bytes(9),
    ],
)
def test_truncated_or_misdimensioned_input_raises_wire_error(data: bytes) -> None:
    with pytest.raises(WireError) as info:
        parse_datagram(data)
    assert 0 <= info.value.offset <= len(data) + 1


def test_unknown_types_are_opaque_and_round_trip() -> None:
    raw = bytes.fromhex("12348d") + b"voice"
    dg = parse_datagram(raw)
    assert isinstance(dg, Opaque)
    assert dg.type == 0x8D
    assert dg.build() == raw


def test_build_refuses_a_func_of_the_wrong_type() -> None:
    with pytest.raises(WireError):
        Payload(1, 2, 3, b"x", func=0x03).build()


_ids = st.integers(0, 0xFFFF)
_u32 = st.integers(0, 0xFFFFFFFF)
_filler = st.integers(0, 7).map(lambda n: n << 4)


@given(_ids, _filler, _u32, _u32, st.binary(max_size=64))
def test_payload_round_trip(pid: int, filler: int, iv: int, crc: int, body: bytes) -> None:
    dg = Payload(pid, iv, crc, body, 0x02 | filler)
    assert parse_datagram(dg.build()) == dg


@given(_ids, _filler, _ids, st.integers(0, 127), st.booleans(), _u32, _u32, st.binary(max_size=64))
def test_fragment_round_trip(
    pid: int, filler: int, ref: int, index: int, last: bool, iv: int, crc: int, body: bytes
) -> None:
    dg = Fragment(pid, ref, index, last, iv, crc, body, func=0x0F | filler)
    assert parse_datagram(dg.build()) == dg


@given(_ids, _filler, _u32, _u32, _u32, st.binary(max_size=64), st.integers(0, 255))
def test_resend_round_trip(
    pid: int, filler: int, chal: int, ip: int, crc: int, body: bytes, count: int
) -> None:
    dg = Resend(pid, chal, ip, crc, body, count, 0x03 | filler)
    assert parse_datagram(dg.build()) == dg


@given(_ids, _filler, _u32, _u32, st.booleans())
def test_notice_round_trip(pid: int, filler: int, ip: int, value: int, is_ack: bool) -> None:
    dg = Ack(pid, ip, value, 0x05 | filler) if is_ack else Nack(pid, ip, value, 0x07 | filler)
    data = dg.build()
    assert len(data) == 11
    assert parse_datagram(data) == dg
