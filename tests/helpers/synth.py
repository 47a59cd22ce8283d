"""Small captures built inside the tests, for what the one real capture never shows.

SkypeIRC.cap is Ethernet, IPv4, in-order TCP and no pseudo-TLS. These helpers build IPv4
packets with dpkt's packet classes, wrap them in the other link layers a capture can use, and
write them with dpkt's pcap / pcapng writers, so that the end-to-end tests exercise the whole
decoder (reader, link layer, IP reassembly, TCP reassembly, decryption) on traffic whose content
comes from the project's own encoders and the real blocks of the oracle.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dpkt

from skypeflux.messages.blocks import build_block

ETH_MIN_FRAME = 60  # real Ethernet frames are padded to this (the decoder must use IP lengths)


@dataclass(frozen=True, slots=True)
class Packet:
    """One captured packet: an IPv4 packet, when it was seen, and how much of it was kept.

    ``keep`` cuts the link-layer frame to that many bytes, as a snap length would; the file
    then records the full length as the original length.
    """

    ts: float
    ip: bytes
    keep: int | None = None


def oracle_block(row: dict[str, Any]) -> bytes:
    """A real command block from SkypeIRC.blocks.jsonl, rebuilt with the project's encoder."""
    return build_block(row["cmd"], row["flags"], row["reqid"], bytes.fromhex(row["list_hex"]))


# -- IPv4 packets ---------------------------------------------------------------------------


def udp_ip(src: str, sport: int, dst: str, dport: int, payload: bytes, ident: int = 1) -> bytes:
    udp = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    udp.ulen = 8 + len(payload)
    ip = dpkt.ip.IP(
        src=socket.inet_aton(src),
        dst=socket.inet_aton(dst),
        p=dpkt.ip.IP_PROTO_UDP,
        id=ident,
        data=udp,
    )
    ip.len = 20 + udp.ulen
    return bytes(ip)


def tcp_ip(
    src: str,
    sport: int,
    dst: str,
    dport: int,
    *,
    seq: int,
    ack: int,
    flags: int,
    payload: bytes = b"",
) -> bytes:
    tcp = dpkt.tcp.TCP(
        sport=sport, dport=dport, seq=seq, ack=ack, flags=flags, win=65535, data=payload
    )
    ip = dpkt.ip.IP(
        src=socket.inet_aton(src), dst=socket.inet_aton(dst), p=dpkt.ip.IP_PROTO_TCP, data=tcp
    )
    ip.len = 20 + len(bytes(tcp))
    return bytes(ip)


def ip_fragments(packet: bytes, size: int) -> list[bytes]:
    """Split an IPv4 packet's payload into fragments of ``size`` bytes (a multiple of 8)."""
    assert size % 8 == 0
    whole = dpkt.ip.IP(packet)
    body = bytes(whole.data)
    out = []
    for at in range(0, len(body), size):
        piece = body[at : at + size]
        more = at + size < len(body)
        frag = dpkt.ip.IP(
            src=whole.src,
            dst=whole.dst,
            p=whole.p,
            id=whole.id,
            mf=int(more),
            offset=at // 8,  # in units of 8 bytes
            data=piece,
        )
        frag.len = 20 + len(piece)
        out.append(bytes(frag))
    return out


# -- TCP connections ------------------------------------------------------------------------

SYN, ACK, PSH, FIN = dpkt.tcp.TH_SYN, dpkt.tcp.TH_ACK, dpkt.tcp.TH_PUSH, dpkt.tcp.TH_FIN


@dataclass(frozen=True, slots=True)
class TcpConversation:
    """Both directions of one TCP connection, addressed by stream offset instead of raw seq.

    The server's initial sequence number sits just below 2**32 so its stream wraps around.
    """

    client: str
    cport: int
    server: str
    sport: int
    isn_client: int = 0x1234_5678
    isn_server: int = 0xFFFF_FF00

    def _ends(self, from_client: bool) -> tuple[str, int, str, int, int, int]:
        if from_client:
            return (
                self.client,
                self.cport,
                self.server,
                self.sport,
                self.isn_client,
                self.isn_server,
            )
        return self.server, self.sport, self.client, self.cport, self.isn_server, self.isn_client

    def segment(
        self, from_client: bool, offset: int, payload: bytes = b"", flags: int = PSH | ACK
    ) -> bytes:
        """The segment carrying ``payload`` at stream ``offset`` (0 = first byte after SYN)."""
        src, sport, dst, dport, isn, peer_isn = self._ends(from_client)
        seq = (isn + 1 + offset) & 0xFFFF_FFFF
        return tcp_ip(
            src,
            sport,
            dst,
            dport,
            seq=seq,
            ack=(peer_isn + 1) & 0xFFFF_FFFF,
            flags=flags,
            payload=payload,
        )

    def handshake(self) -> list[bytes]:
        syn = tcp_ip(
            self.client, self.cport, self.server, self.sport, seq=self.isn_client, ack=0, flags=SYN
        )
        syn_ack = tcp_ip(
            self.server,
            self.sport,
            self.client,
            self.cport,
            seq=self.isn_server,
            ack=(self.isn_client + 1) & 0xFFFF_FFFF,
            flags=SYN | ACK,
        )
        return [syn, syn_ack, self.segment(True, 0, flags=ACK)]

    def stream(self, from_client: bool, data: bytes, size: int) -> list[tuple[int, bytes]]:
        """``data`` cut into ``(offset, segment)`` pieces of at most ``size`` bytes."""
        return [
            (at, self.segment(from_client, at, data[at : at + size]))
            for at in range(0, len(data), size)
        ]

    def fin(self, from_client: bool, offset: int) -> bytes:
        return self.segment(from_client, offset, flags=FIN | ACK)


# -- link layers and files ------------------------------------------------------------------

ETHERTYPE_IPV4 = 0x0800


def _ethernet(ip: bytes) -> bytes:
    frame = bytes(
        dpkt.ethernet.Ethernet(
            dst=b"\x00\x0c\x29\x11\x22\x33", src=b"\x00\x1b\x21\x44\x55\x66", data=ip
        )
    )
    return frame.ljust(ETH_MIN_FRAME, b"\x00")


def _vlan(ip: bytes) -> bytes:
    head = b"\x00\x0c\x29\x11\x22\x33\x00\x1b\x21\x44\x55\x66"
    tag = struct.pack("!HHH", 0x8100, 42, ETHERTYPE_IPV4)  # VLAN 42, priority 0
    return (head + tag + ip).ljust(ETH_MIN_FRAME + 4, b"\x00")


def _sll(ip: bytes) -> bytes:
    return bytes(dpkt.sll.SLL(type=0, hlen=6, hdr=b"\x00\x1b\x21\x44\x55\x66\x00\x00", data=ip))


def _sll2(ip: bytes) -> bytes:
    return bytes(dpkt.sll2.SLL2(intindex=2, hlen=6, hdr=b"\x00\x1b\x21\x44\x55\x66\x00\x00")) + ip


def _null(ip: bytes) -> bytes:
    return struct.pack("<I", socket.AF_INET) + ip  # the capturing host's order (little-endian)


def _loop(ip: bytes) -> bytes:
    return struct.pack("!I", socket.AF_INET) + ip


def _raw(ip: bytes) -> bytes:
    return ip


# name -> (pcap LINKTYPE value, framing)
LINKS: dict[str, tuple[int, Callable[[bytes], bytes]]] = {
    "ethernet": (1, _ethernet),
    "vlan": (1, _vlan),
    "sll": (113, _sll),
    "sll2": (276, _sll2),
    "null": (0, _null),
    "loop": (108, _loop),
    "raw": (101, _raw),
    "ipv4": (228, _raw),
}


def write_capture(
    path: Path, packets: Iterable[Packet], *, link: str = "ethernet", pcapng: bool = False
) -> Path:
    """Write ``packets`` framed for ``link`` as a pcap (or pcapng) file; return ``path``."""
    linktype, frame = LINKS[link]
    with path.open("wb") as fh:
        if pcapng:
            ng = dpkt.pcapng.Writer(fh, snaplen=65535, linktype=linktype)
            for p in packets:
                data = frame(p.ip)
                kept = data if p.keep is None else data[: p.keep]
                us = round(p.ts * 1e6)
                epb = dpkt.pcapng.EnhancedPacketBlockLE(
                    ts_high=us >> 32,
                    ts_low=us & 0xFFFF_FFFF,
                    caplen=len(kept),
                    pkt_len=len(data),
                    pkt_data=kept,
                )
                ng.writepkt(epb)
        else:
            writer = dpkt.pcap.Writer(fh, snaplen=65535, linktype=linktype)
            for p in packets:
                if p.keep is not None:
                    raise ValueError("a cut packet needs pcapng (dpkt's pcap writer has no snap)")
                writer.writepkt(frame(p.ip), p.ts)
    return path


def timed(ips: Iterable[bytes], start: float = 1_150_000_000.0, step: float = 0.01) -> list[Packet]:
    """Packets at evenly spaced times, in the order given."""
    return [Packet(start + i * step, ip) for i, ip in enumerate(ips)]
