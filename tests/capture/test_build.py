"""The packet builders (capture/net/build.py, tcp_build.py) checked by an independent parser.

dpkt (a test-only dependency) parses what the builders write; its own serialiser recomputes the
IPv4, UDP and TCP checksums from scratch when they are zeroed, so equal bytes mean every length
and checksum the builder wrote is what another implementation computes.
"""

from __future__ import annotations

import random

import dpkt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.net import build
from skypeflux.capture.net.ip_fragments import FragmentReassembler
from skypeflux.capture.net.packets import ACK, FIN, SYN
from skypeflux.capture.net.tcp_build import TcpConversation

SRC, DST = "10.0.0.5", "86.128.245.115"


def _recomputed(packet: bytes) -> bytes:
    ip = dpkt.ip.IP(packet)
    ip.sum = 0
    ip.data.sum = 0
    return bytes(ip)


@given(
    payload=st.binary(max_size=1400),
    sport=st.integers(0, 0xFFFF),
    dport=st.integers(0, 0xFFFF),
    ident=st.integers(0, 0xFFFF),
)
def test_udp_fields_and_checksums_agree_with_dpkt(
    payload: bytes, sport: int, dport: int, ident: int
) -> None:
    packet = build.udp(SRC, sport, DST, dport, payload, ident=ident)
    ip = dpkt.ip.IP(packet)
    assert (ip.len, ip.id, ip.p, ip.hl) == (len(packet), ident, 17, 5)
    assert (ip.data.sport, ip.data.dport, ip.data.ulen) == (sport, dport, 8 + len(payload))
    assert bytes(ip.data.data) == payload
    assert _recomputed(packet) == packet


@given(
    payload=st.binary(max_size=1400),
    seq=st.integers(0, 0xFFFFFFFF),
    ack=st.integers(0, 0xFFFFFFFF),
    flags=st.integers(0, 0xFF),
    options=st.sampled_from([b"", b"\x02\x04\x05\xb4", b"\x01\x01\x04\x02\x01\x03\x03\x07"]),
)
def test_tcp_fields_and_checksums_agree_with_dpkt(
    payload: bytes, seq: int, ack: int, flags: int, options: bytes
) -> None:
    packet = build.tcp(
        SRC, 1312, DST, 443, seq=seq, ack=ack, flags=flags, payload=payload, options=options
    )
    tcp = dpkt.ip.IP(packet).data
    assert (tcp.seq, tcp.ack, tcp.flags, tcp.off) == (seq, ack, flags, 5 + len(options) // 4)
    assert bytes(tcp.opts) == options and bytes(tcp.data) == payload
    assert _recomputed(packet) == packet


@pytest.mark.parametrize("size", [8, 552, 1480])
def test_fragments_carry_the_packet_and_reassemble(size: int) -> None:
    body = random.Random(size).randbytes(3001)
    whole = build.udp(SRC, 35990, DST, 4464, body, ident=0x7777)
    pieces = build.fragment(whole, size)
    assert len(pieces) == -(-(len(whole) - 20) // size)
    parsed = [dpkt.ip.IP(p) for p in pieces]
    assert [p.offset * 8 for p in parsed] == [i * size for i in range(len(pieces))]
    assert [p.mf for p in parsed] == [1] * (len(pieces) - 1) + [0]
    assert {p.id for p in parsed} == {0x7777}
    assert all(_checksum_ok(p) for p in pieces)
    reassembler = FragmentReassembler()
    key = (b"\x0a\x00\x00\x05", b"\x56\x80\xf5\x73", 0x7777, 17)
    done = None
    for n, p in enumerate(reversed(parsed)):
        done = reassembler.add(key, p.offset * 8, bool(p.mf), bytes(p.data), n, 0.0) or done
    assert done is not None and done.payload == whole[20:]
    assert build.fragment_for_mtu(whole, 5000) == [whole]
    with pytest.raises(CaptureError, match="multiple of 8"):
        build.fragment(whole, 100)
    with pytest.raises(CaptureError, match="already a fragment"):
        build.fragment(pieces[0], 8)


def _checksum_ok(packet: bytes) -> bool:
    return build.internet_checksum(packet[:20]) == 0


@pytest.mark.parametrize("name", sorted(build.LINKS))
def test_link_frames_parse(name: str) -> None:
    ip = build.udp(SRC, 1, DST, 2, b"x")
    link = build.LINKS[name]
    frame = link.frame(ip)
    parsers = {
        1: dpkt.ethernet.Ethernet,
        113: dpkt.sll.SLL,
        276: dpkt.sll2.SLL2,
        0: dpkt.loopback.Loopback,
        108: dpkt.loopback.Loopback,
    }
    if link.linktype in parsers:
        inner = parsers[link.linktype](frame).data
        assert bytes(inner)[: len(ip)] == ip
    else:
        assert frame == ip
    if link.linktype == 1:
        assert len(frame) >= build.ETH_MIN_FRAME


def test_tcp_conversation_numbers_wrap_and_close() -> None:
    conv = TcpConversation(SRC, 1312, DST, 443, isn_client=7, isn_server=0xFFFFFFF0)
    syn, syn_ack, ack = (dpkt.ip.IP(p).data for p in conv.handshake())
    assert (syn.flags, syn.seq) == (SYN, 7)
    assert (syn_ack.flags, syn_ack.seq, syn_ack.ack) == (SYN | ACK, 0xFFFFFFF0, 8)
    assert (ack.flags, ack.seq, ack.ack) == (ACK, 8, 0xFFFFFFF1)
    data = bytes(range(256)) * 2
    segments = conv.stream(False, data, 100, acked=3)
    assert [s.offset for s in segments] == [0, 100, 200, 300, 400, 500]
    assert [s.length for s in segments] == [100] * 5 + [12]
    seqs = [dpkt.ip.IP(s.packet).data.seq for s in segments]
    assert seqs == [(0xFFFFFFF1 + s.offset) & 0xFFFFFFFF for s in segments]
    assert b"".join(bytes(dpkt.ip.IP(s.packet).data.data) for s in segments) == data
    assert dpkt.ip.IP(segments[0].packet).data.ack == 11
    fin = dpkt.ip.IP(conv.fin(True, 3)).data
    assert fin.flags == FIN | ACK and fin.seq == 11


@given(
    count=st.integers(0, 60),
    seed=st.integers(0, 2**32),
    loss=st.floats(0, 1),
    duplicate=st.floats(0, 1),
    reorder=st.floats(0, 1),
)
def test_impair_accounts_for_every_packet(
    count: int, seed: int, loss: float, duplicate: float, reorder: float
) -> None:
    protect = list(range(0, count, 7))
    fate = build.impair(
        count,
        random.Random(seed),
        loss=loss,
        duplicate=duplicate,
        reorder=reorder,
        protect=protect,
    )
    assert sorted(set(fate.delivered) | set(fate.lost)) == list(range(count))
    assert not set(fate.delivered) & set(fate.lost) and not set(protect) & set(fate.lost)
    assert len(fate.delivered) == count - len(fate.lost) + len(fate.duplicated)
    if not reorder and not duplicate:
        assert fate.delivered == sorted(fate.delivered)


def test_bad_addresses_and_ports_are_refused() -> None:
    with pytest.raises(CaptureError, match="IPv4"):
        build.udp("10.0.0", 1, DST, 2, b"")
    with pytest.raises(CaptureError, match="port"):
        build.udp(SRC, 70000, DST, 2, b"")
    with pytest.raises(CaptureError, match="link layer"):
        build.link("token-ring")
