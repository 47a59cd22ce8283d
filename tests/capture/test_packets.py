"""Link, IPv4, UDP and TCP decoding, and IPv4 fragment reassembly.

Packets are built with the product's encoders (:mod:`skypeflux.capture.net.build`, whose output
dpkt, an independent parser, checks in test_build.py) and, for the link-type cases, written to
real capture files with the product's writer and read back, so the whole path from file to
datagram is exercised. The real capture is checked against dpkt's own parse and against the
figures in captures/README.md.
"""

from __future__ import annotations

import collections
import random
import socket
import struct
from pathlib import Path

import dpkt
import pytest

from skypeflux.capture.files import RawPacket, open_capture, read_packets
from skypeflux.capture.files.writer import PcapWriter
from skypeflux.capture.net import build
from skypeflux.capture.net.ip_fragments import FragmentReassembler
from skypeflux.capture.net.packets import (
    ACK,
    PSH,
    SYN,
    NetDecoder,
    TcpSegment,
    UdpDatagram,
)

SRC, DST = "192.168.1.2", "86.128.245.115"
MAC_A, MAC_B = b"\x00\x11\x22\x33\x44\x55", b"\x66\x77\x88\x99\xaa\xbb"


def _udp_ip(
    payload: bytes, sport: int = 35990, dport: int = 33033, ip_options: bytes = b""
) -> bytes:
    return build.udp(SRC, sport, DST, dport, payload, ident=7, ip_options=ip_options)


def _tcp(
    payload: bytes,
    seq: int = 1000,
    flags: int = PSH | ACK,
    opts: bytes = b"",
    ip_options: bytes = b"",
) -> bytes:
    return build.tcp(
        SRC,
        1312,
        DST,
        57322,
        seq=seq,
        ack=99,
        flags=flags,
        payload=payload,
        options=opts,
        ident=7,
        ip_options=ip_options,
    )


_tcp_ip = _tcp


def _eth(ip: bytes, ethertype: int = 0x0800, tags: tuple[int, ...] = ()) -> bytes:
    return build.ethernet(ip, ethertype=ethertype, tags=[(tpid, 42) for tpid in tags])


_sll = build.linux_sll
_sll2 = build.linux_sll2


def _raw(data: bytes, linktype: int = 1, frame: int = 1, wirelen: int | None = None) -> RawPacket:
    wire = len(data) if wirelen is None else wirelen
    return RawPacket(frame, 1.0 * frame, linktype, data, len(data), wire)


PAYLOAD = bytes(range(37))

LINK_CASES = {
    "ethernet": (1, _eth(_udp_ip(PAYLOAD))),
    "ethernet-padded": (1, _eth(_udp_ip(b"ab")) + b"\0" * 14),  # 60-byte minimum frame
    "vlan": (1, _eth(_udp_ip(PAYLOAD), tags=(0x8100,))),
    "qinq": (1, _eth(_udp_ip(PAYLOAD), tags=(0x88A8, 0x8100))),
    "sll": (113, _sll(_udp_ip(PAYLOAD))),
    "sll2": (276, _sll2(_udp_ip(PAYLOAD))),
    "raw-101": (101, _udp_ip(PAYLOAD)),
    "raw-12": (12, _udp_ip(PAYLOAD)),
    "raw-14": (14, _udp_ip(PAYLOAD)),
    "ipv4-228": (228, _udp_ip(PAYLOAD)),
    "null-le": (0, struct.pack("<I", 2) + _udp_ip(PAYLOAD)),
    "null-be": (0, struct.pack(">I", 2) + _udp_ip(PAYLOAD)),
    "loop": (108, struct.pack(">I", 2) + _udp_ip(PAYLOAD)),
}


@pytest.mark.parametrize("case", sorted(LINK_CASES))
def test_every_link_type_through_a_capture_file(case: str, tmp_path: Path) -> None:
    linktype, frame = LINK_CASES[case]
    path = tmp_path / f"{case}.pcap"
    with path.open("wb") as fh:
        writer = PcapWriter(fh, linktype=linktype)
        if linktype != 101:
            writer.write(b"\x00" * 3, 1.0)  # a runt: malformed
        writer.write(frame, 2.0)
    decoder = NetDecoder()
    with open_capture(path) as reader:
        out = list(decoder.decode_all(reader))
    expected = b"ab" if case == "ethernet-padded" else PAYLOAD
    assert len(out) == 1
    (datagram,) = out
    assert isinstance(datagram, UdpDatagram)
    assert (datagram.src, datagram.sport, datagram.dst, datagram.dport) == (
        SRC,
        35990,
        DST,
        33033,
    )
    assert datagram.payload == expected
    assert not datagram.truncated
    assert datagram.frame == (2 if linktype != 101 else 1)
    assert datagram.frames == (datagram.frame,)
    assert decoder.stats.udp == 1


def test_ipv6_arp_and_icmp_are_counted_and_skipped() -> None:
    ip6 = dpkt.ip6.IP6(
        src=b"\x20\x01" + b"\0" * 14,
        dst=b"\x20\x01" + b"\0" * 13 + b"\x01",
        nxt=17,
        hlim=64,
        data=dpkt.udp.UDP(sport=1, dport=2, ulen=9, data=b"x"),
    )
    ip6.plen = len(bytes(ip6.data))
    icmp = bytes(dpkt.ip.IP(src=b"\1\2\3\4", dst=b"\5\6\7\10", p=1, data=dpkt.icmp.ICMP(data=b"")))
    packets = [
        _raw(_eth(bytes(ip6), 0x86DD)),
        _raw(_sll2(bytes(ip6), 0x86DD), 276),
        _raw(struct.pack("<I", 30) + bytes(ip6), 0),  # macOS AF_INET6
        _raw(bytes(ip6), 229),
        _raw(_eth(b"\0" * 28, 0x0806)),  # ARP
        _raw(_eth(icmp)),
        _raw(_eth(_udp_ip(b"ok"))),
    ]
    decoder = NetDecoder()
    out = list(decoder.decode_all(packets))
    assert [d.payload for d in out] == [b"ok"]
    stats = decoder.stats
    assert (stats.packets, stats.ipv6, stats.not_ip, stats.other_protocol, stats.udp) == (
        7,
        4,
        1,
        1,
        1,
    )


def test_tcp_segment_fields() -> None:
    segment = NetDecoder().decode(_raw(_eth(_tcp_ip(b"hello", seq=0xFFFFFFF0)) + b"\0\0\0\0"))
    assert isinstance(segment, TcpSegment)
    assert (segment.sport, segment.dport, segment.seq, segment.ack) == (1312, 57322, 0xFFFFFFF0, 99)
    assert segment.flags == PSH | ACK
    assert segment.payload == b"hello"  # trailing bytes (an FCS) removed by the IP length
    assert not segment.truncated


def test_tcp_options_are_skipped() -> None:
    raw = _tcp(b"", seq=5, flags=SYN, opts=b"\x02\x04\x05\xb4\x01\x01\x04\x02")
    segment = NetDecoder().decode(_raw(raw, 101))
    assert isinstance(segment, TcpSegment)
    assert segment.flags == SYN and segment.payload == b""


ROUTER_ALERT = b"\x94\x04\x00\x00"  # RFC 2113, 4 bytes
RECORD_ROUTE = b"\x07\x07\x04" + b"\x0a\x00\x00\x01" + b"\x00"  # RFC 791, one hop, padded


@pytest.mark.parametrize(
    "options",
    [ROUTER_ALERT, ROUTER_ALERT + RECORD_ROUTE, b"\x01" * 40],
    ids=["ihl6", "ihl8", "ihl15"],
)
@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_ipv4_header_options_are_stepped_over(options: bytes, transport: str) -> None:
    """IHL > 5: the transport header starts after the options (dpkt, an independent parser,
    confirms where the builder put them)."""
    ip = (
        _udp_ip(PAYLOAD, ip_options=options)
        if transport == "udp"
        else _tcp(PAYLOAD, seq=77, ip_options=options)
    )
    frame = _eth(ip)
    parsed = dpkt.ethernet.Ethernet(frame)
    assert parsed.data.hl == 5 + len(options) // 4 and parsed.data.opts == options
    decoder = NetDecoder()
    out = decoder.decode(_raw(frame + b"\0" * 4))  # plus an FCS the IP length must cut off
    expected = UdpDatagram if transport == "udp" else TcpSegment
    assert isinstance(out, expected)
    assert out.payload == bytes(parsed.data.data.data) == PAYLOAD
    assert (out.sport, out.dport) == (parsed.data.data.sport, parsed.data.data.dport)
    assert not out.truncated and decoder.stats.malformed == 0
    # the same header cut inside its options is malformed, not read from the wrong place
    short = NetDecoder()
    assert short.decode(_raw(frame[: 14 + 20 + len(options) - 2], wirelen=len(frame))) is None
    assert short.stats.malformed == 1


# -- snap length --------------------------------------------------------------------------


def test_snaplen_cut_udp_is_marked_truncated_with_the_bytes_present() -> None:
    frame = _eth(_udp_ip(bytes(range(200))))
    cut = frame[: 14 + 20 + 8 + 50]
    datagram = NetDecoder().decode(_raw(cut, wirelen=len(frame)))
    assert isinstance(datagram, UdpDatagram)
    assert datagram.truncated
    assert datagram.payload == bytes(range(50))


def test_snaplen_cut_tcp_is_marked_truncated() -> None:
    frame = _eth(_tcp_ip(b"z" * 100))
    decoder = NetDecoder()
    segment = decoder.decode(_raw(frame[:-30], wirelen=len(frame)))
    assert isinstance(segment, TcpSegment)
    assert segment.truncated and segment.payload == b"z" * 70
    assert decoder.stats.truncated == 1


def test_snaplen_cutting_only_ethernet_padding_loses_nothing() -> None:
    frame = _eth(_udp_ip(b"ab")) + b"\0" * 14
    datagram = NetDecoder().decode(_raw(frame[:-10], wirelen=len(frame)))
    assert isinstance(datagram, UdpDatagram)
    assert datagram.payload == b"ab" and not datagram.truncated


def test_zero_ip_length_from_segmentation_offload_uses_the_frame() -> None:
    ip = bytearray(_tcp(b"k" * 3000))
    ip[2:4] = b"\0\0"  # a NIC doing TSO fills the length in later; the capture shows 0
    whole = NetDecoder().decode(_raw(bytes(ip), 101))
    cut = NetDecoder().decode(_raw(bytes(ip[:1500]), 101, wirelen=len(ip)))
    assert isinstance(whole, TcpSegment) and whole.payload == b"k" * 3000
    assert not whole.truncated
    assert isinstance(cut, TcpSegment) and cut.truncated and cut.payload == b"k" * 1460


def test_snaplen_cut_inside_the_transport_header_is_malformed() -> None:
    frame = _eth(_tcp_ip(b"x" * 10))
    decoder = NetDecoder()
    assert decoder.decode(_raw(frame[: 14 + 20 + 10], wirelen=len(frame))) is None
    assert decoder.stats.malformed == 1


# -- fragments ----------------------------------------------------------------------------


def _fragments(payload: bytes, size: int, ident: int = 0x1234, options: bytes = b"") -> list[bytes]:
    """The IPv4 fragments (Ethernet frames) of one UDP datagram, ``size`` payload bytes each;
    ``options`` (a multiple of 4 bytes) go into the first fragment's header only, as a router
    does with options that are not copied to every fragment."""
    whole = build.udp(SRC, 35990, DST, 4464, payload, ident=ident, ip_options=options)
    return [_eth(piece) for piece in build.fragment(whole, size)]


BIG = bytes(random.Random(5).randrange(256) for _ in range(3000))


@pytest.mark.parametrize("order", ["in-order", "reversed", "shuffled"])
def test_fragments_reassemble_in_any_order(order: str) -> None:
    frames = _fragments(BIG, 1480)
    numbered = list(enumerate(frames, start=10))
    if order == "reversed":
        numbered.reverse()
    elif order == "shuffled":
        random.Random(1).shuffle(numbered)
    decoder = NetDecoder()
    out = [decoder.decode(_raw(f, frame=n)) for n, f in numbered]
    done = [d for d in out if d is not None]
    assert len(done) == 1 and out[-1] is done[0]  # complete once the last piece arrives
    datagram = done[0]
    assert isinstance(datagram, UdpDatagram)
    assert datagram.payload == BIG and (datagram.sport, datagram.dport) == (35990, 4464)
    assert datagram.frame == numbered[-1][0]
    assert datagram.frames == tuple(n for n, _ in numbered)
    assert decoder.stats.fragments == 3 and decoder.fragments.open_sets == 0


def test_fragments_with_ip_options_in_the_first_reassemble() -> None:
    frames = _fragments(BIG, 1480, options=ROUTER_ALERT + RECORD_ROUTE)
    assert dpkt.ip.IP(frames[0][14:]).hl == 8  # the builder really wrote a longer header
    decoder = NetDecoder()
    out = [decoder.decode(_raw(f, frame=n)) for n, f in enumerate(frames, start=1)]
    datagram = out[-1]
    assert isinstance(datagram, UdpDatagram) and datagram.payload == BIG
    assert decoder.stats.malformed == 0


def _fragment(offset: int, data: bytes, more: bool, ident: int = 0x1234) -> bytes:
    return _eth(build.ipv4(SRC, DST, 17, data, ident=ident, more_fragments=more, offset=offset))


@pytest.mark.parametrize("forged_first", [False, True])
def test_overlapping_fragments_first_copy_wins(forged_first: bool) -> None:
    frames = _fragments(BIG, 1008)  # 3,008 bytes of UDP: pieces at 0, 1008, 2016
    assert len(frames) == 3
    forged = _fragment(504, b"\xee" * 1008, True)  # overlaps the end of piece 1, start of 2
    order = (
        [frames[0], forged, frames[1], frames[2]]
        if forged_first
        else [*frames[:2], forged, frames[2]]
    )
    decoder = NetDecoder()
    results = [decoder.decode(_raw(f, frame=i)) for i, f in enumerate(order, start=1)]
    datagram = results[-1]
    assert isinstance(datagram, UdpDatagram)
    assert datagram.frames == (1, 2, 3, 4)
    if not forged_first:
        assert datagram.payload == BIG
    else:  # piece 0 came before the forgery, piece 1 after it: the forgery keeps 1008-1512
        udp = build.udp(SRC, 35990, DST, 4464, BIG, ident=0x1234)[20:]
        expected = udp[:1008] + b"\xee" * 504 + udp[1512:]
        assert datagram.payload == expected[8:]


def test_fragment_sets_expire_in_capture_time_and_by_count() -> None:
    reassembler = FragmentReassembler(max_sets=2, timeout=10.0)
    key = (b"\1\1\1\1", b"\2\2\2\2", 1, 17)
    assert reassembler.add(key, 0, True, b"a" * 8, 1, 0.0) is None
    # 11 s later the first half is gone: the second half alone cannot complete the datagram
    assert reassembler.add(key, 8, False, b"b" * 8, 2, 11.0) is None
    assert reassembler.stats.expired == 1
    for ident in (2, 3, 4):
        reassembler.add((b"\1\1\1\1", b"\2\2\2\2", ident, 17), 8, False, b"c", 3, 12.0)
    assert reassembler.open_sets == 2 and reassembler.stats.expired == 3


def test_cut_fragment_is_never_passed_as_complete() -> None:
    frames = _fragments(BIG, 1480)
    decoder = NetDecoder()
    out = [
        decoder.decode(_raw(frames[0][:200], frame=1, wirelen=len(frames[0]))),
        decoder.decode(_raw(frames[1], frame=2)),
        decoder.decode(_raw(frames[2], frame=3)),
    ]
    assert out == [None, None, None]
    assert decoder.stats.truncated == 1


# -- the real capture ---------------------------------------------------------------------


def _dpkt_transport(path: Path) -> list[tuple[int, str, int, str, int, bytes]]:
    out = []
    with path.open("rb") as fh:
        for frame, (_ts, buf) in enumerate(dpkt.pcap.Reader(fh), start=1):
            ip = dpkt.ethernet.Ethernet(buf).data
            if not isinstance(ip, dpkt.ip.IP) or not isinstance(
                ip.data, dpkt.udp.UDP | dpkt.tcp.TCP
            ):
                continue
            t = ip.data
            data = t.data if isinstance(t, dpkt.tcp.TCP) else t.data[: t.ulen - 8]
            out.append(
                (
                    frame,
                    socket.inet_ntoa(ip.src),
                    t.sport,
                    socket.inet_ntoa(ip.dst),
                    t.dport,
                    bytes(data),
                )
            )
    return out


def test_skypeirc_transport_matches_dpkt_and_readme(skypeirc_path: Path) -> None:
    decoder = NetDecoder()
    out = list(decoder.decode_all(read_packets(skypeirc_path)))
    ours = [(d.frame, d.src, d.sport, d.dst, d.dport, d.payload) for d in out]
    assert ours == _dpkt_transport(skypeirc_path)
    assert not any(d.truncated for d in out)
    udp = [d for d in out if isinstance(d, UdpDatagram)]
    skype = [d for d in udp if 35990 in (d.sport, d.dport)]
    # captures/README.md: 326 Skype datagrams on port 35990 (233 type 2, 54 fragments,
    # 2 resends, 35 acks, 2 NAcks) and 707 DNS datagrams
    assert len(skype) == 326
    types = collections.Counter(d.payload[2] & 0x8F for d in skype)
    assert types == {0x02: 233, 0x0F: 54, 0x05: 35, 0x07: 2, 0x03: 2}
    assert sum(1 for d in udp if 53 in (d.sport, d.dport)) == 707
    assert decoder.stats.packets == 2263
