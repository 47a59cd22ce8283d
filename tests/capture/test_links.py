"""Wi-Fi (802.11 plain, radiotap, PPI, Prism, AVS), PPP, PPP-HDLC, Cisco HDLC and NFLOG.

The real capture's IPv4 packets are re-framed by the test in each link layer (headers written
here from the formats' definitions), and the decoder must find exactly the records it finds in
the original Ethernet capture. Frames that carry no IP (management, null data, encrypted) and
cut link headers are counted under their outcomes, never decoded.
"""

from __future__ import annotations

import io
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from skypeflux.capture import Decoder
from skypeflux.capture.files import RawPacket
from skypeflux.capture.net.packets import NetDecoder, UdpDatagram
from tests.helpers.mutate import Pkt, pcap_bytes, real_packets

Facts = tuple[Any, ...]

SNAP_IPV4 = b"\xaa\xaa\x03\x00\x00\x00\x08\x00"
MACS = b"\x00\x1b\x21\x44\x55\x66" * 3


def wifi(ip: bytes, *, qos: bool = False, four: bool = False, protected: bool = False) -> bytes:
    subtype = 8 if qos else 0
    flags = 0x01 | (0x02 if four else 0) | (0x40 if protected else 0)
    fc = (2 << 2) | (subtype << 4) | (flags << 8)
    head = struct.pack("<HH", fc, 0) + MACS + b"\x10\x00"
    if four:
        head += MACS[:6]
    if qos:
        head += b"\x00\x00"
    return head + SNAP_IPV4 + ip


def radiotap(frame: bytes) -> bytes:
    fields = struct.pack("<I", 1 << 1) + b"\x10" + bytes(3)  # present: flags (FCS bit set)
    return struct.pack("<BBH", 0, 0, 4 + len(fields)) + fields + frame


def ppi(frame: bytes, dlt: int = 105) -> bytes:
    return struct.pack("<BBHI", 0, 0, 8, dlt) + frame


def nflog(ip: bytes, order: str) -> bytes:
    prefix = struct.pack(order + "HH", 8, 1) + bytes(4)  # NFULA_PACKET_HDR-ish, skipped
    payload = struct.pack(order + "HH", 4 + len(ip), 9) + ip + bytes(-len(ip) % 4)
    return b"\x02\x00\x00\x00" + prefix + payload


FRAMINGS: dict[str, tuple[int, Callable[[bytes], bytes]]] = {
    "802.11": (105, wifi),
    "802.11 qos 4-address": (105, lambda ip: wifi(ip, qos=True, four=True)),
    "radiotap": (127, lambda ip: radiotap(wifi(ip))),
    "ppi 802.11": (192, lambda ip: ppi(wifi(ip))),
    "ppi ethernet": (192, lambda ip: ppi(bytes(12) + b"\x08\x00" + ip, dlt=1)),
    "prism": (119, lambda ip: bytes(144) + wifi(ip)),
    "avs": (163, lambda ip: struct.pack("!II", 0x80211001, 64) + bytes(56) + wifi(ip)),
    "ppp": (9, lambda ip: b"\xff\x03\x00\x21" + ip),
    "ppp compressed": (9, lambda ip: b"\x21" + ip),
    "ppp-hdlc": (50, lambda ip: b"\xff\x03\x00\x21" + ip),
    "cisco hdlc": (104, lambda ip: b"\x0f\x00\x08\x00" + ip),
    "nflog little-endian": (239, lambda ip: nflog(ip, "<")),
    "nflog big-endian": (239, lambda ip: nflog(ip, ">")),
}


def _facts(data: bytes) -> list[Facts]:
    return [
        (r.frame, r.unit, r.src, r.verification.status)
        for r in Decoder().run(io.BytesIO(data))
    ]


@pytest.fixture(scope="module")
def ethernet(skypeirc_path: Path) -> tuple[list[Pkt], list[Facts]]:
    pkts = real_packets(skypeirc_path)
    return pkts, _facts(pcap_bytes(pkts))


@pytest.mark.parametrize("name", sorted(FRAMINGS))
def test_same_records_on_every_link_layer(
    ethernet: tuple[list[Pkt], list[Facts]], name: str
) -> None:
    pkts, expected = ethernet
    linktype, frame = FRAMINGS[name]
    reframed = []
    for p in pkts:
        ethertype = p.data[12:14]
        # non-IPv4 frames (ARP, ...) become a cut IPv4 header: no record either way
        body = p.data[14:] if ethertype == b"\x08\x00" else b"\x45\x00"
        data = frame(body)
        reframed.append(Pkt(linktype, data, len(data), p.ts))
    decoder = Decoder()
    got = [(r.frame, r.unit, r.src, r.verification.status) for r in decoder.run(
        io.BytesIO(pcap_bytes(reframed))
    )]  # fmt: skip
    assert got == expected and len(got) == 393
    assert decoder.outcomes["unaccounted"] == 0


def _net(linktype: int, data: bytes) -> NetDecoder:
    net = NetDecoder()
    net.decode(RawPacket(1, 1.0, linktype, data, len(data), len(data)))
    return net


UDP = bytes.fromhex("4500001c0001000040110000010203040506070801020304000800")[:28]


def test_frames_without_ip_are_counted_as_not_ip() -> None:
    management = struct.pack("<HH", 0x0080, 0) + MACS + b"\x10\x00" + bytes(20)  # beacon
    null_data = struct.pack("<HH", (2 << 2) | (4 << 4), 0) + MACS + b"\x10\x00"
    for frame in (management, null_data, wifi(UDP, protected=True), b"\xff\x03\xc0\x21" + UDP):
        net = _net(105 if frame[:2] != b"\xff\x03" else 9, frame)
        assert net.stats.not_ip == 1 and net.stats.outcome_total() == 1


@pytest.mark.parametrize(
    ("linktype", "data"),
    [(105, b"\x08\x01" + bytes(10)), (127, b"\x00\x00\xff\x00" + bytes(10)), (192, bytes(6)),
     (239, b"\x02\x00\x00\x00\xff\xff\x09\x00"), (104, b"\x0f"), (9, b"\xff\x03\x00")],
)  # fmt: skip
def test_cut_link_headers_are_malformed(linktype: int, data: bytes) -> None:
    net = _net(linktype, data)
    assert net.stats.malformed == 1 and net.reasons == {"link header cut short": 1}


def test_nflog_ipv4_payload_is_a_datagram() -> None:
    net = NetDecoder()
    ip = bytes.fromhex("4500002000010000401100000a0000010a000002") + struct.pack(
        "!HHHH", 1000, 2000, 12, 0
    ) + b"abcd"  # fmt: skip
    data = nflog(ip, "<")
    out = net.decode(RawPacket(1, 1.0, 239, data, len(data), len(data)))
    assert isinstance(out, UdpDatagram) and out.payload == b"abcd" and out.dport == 2000
