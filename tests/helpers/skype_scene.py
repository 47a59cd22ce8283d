"""A synthesized capture with what SkypeIRC.cap lacks, for the Wireshark plugin's tests.

pcapng on a VLAN-tagged Ethernet link; a client behind NAT (NAck, resend, then its public
address in the seeds), a fragmented reply sent out of order, an IP-fragmented datagram, a DNS
query, and an obfuscated TCP connection on port 443 with the pseudo-TLS hellos, cut into 61-byte
segments with one pair swapped and one segment sent twice. The Skype content is the real blocks
of SkypeIRC.blocks.jsonl, sealed with the product's own encoders.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

from skypeflux.capture.net.build import fragment as ip_fragments
from skypeflux.capture.net.build import udp as udp_packet
from skypeflux.capture.net.tcp_build import TcpConversation
from skypeflux.wire import udp as wudp
from skypeflux.wire.fragments import fragment_ivs
from skypeflux.wire.tcp import LAST_WORD_INITIATOR, LAST_WORD_RESPONDER, ack_frame, data_frame
from skypeflux.wire.tcp_stream import encode_stream
from skypeflux.wire.tls_prefix import (
    CLIENT_HELLO_LEN,
    CLIENT_HELLO_START,
    SERVER_HELLO_LEN,
    SERVER_HELLO_START,
)
from skypeflux.wire.udp_crypt import seal_fragment, seal_payload, seal_resend
from tests.helpers.captures import timed, write_capture
from tests.helpers.oracle import oracle_block
from tests.helpers.paths import SHARED, need

ALICE, BOB, BOB_PORT = "86.128.245.115", "84.228.208.91", 4464
NAT_HOST, NAT_PORT = "10.0.0.5", 33033
CLIENT, SUPERNODE = "192.168.7.20", "68.206.150.243"
FRAGMENT_BODY = wudp.FULL_FRAGMENT_LEN - wudp.FRAGMENT_HEADER_LEN


def udp_ip(src: str, sport: int, dst: str, dport: int, payload: bytes, ident: int = 1) -> bytes:
    return udp_packet(src, sport, dst, dport, payload, ident=ident)


def _rows() -> list[dict[str, Any]]:
    path = need(SHARED / "captures" / "SkypeIRC.blocks.jsonl")
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _direction(seed: int, last_word: int, rows: list[dict[str, Any]], first_id: int) -> bytes:
    frames = []
    for i, row in enumerate(rows):
        frames.append(data_frame(first_id + 2 * i, oracle_block(row)))
        frames.append(ack_frame(first_id + 2 * i + 1))
    return encode_stream(seed, frames, seq16=0x1234 if last_word == 3 else 1, last_word=last_word)


def synthetic_capture(path: Path, *, skype_ivs: bool = True) -> Path:
    """``skype_ivs=False`` gives the fragments IVs out of Skype's generator order: every piece
    still verifies by its CRC, the joined message does not."""
    rows = _rows()
    udp_rows = [r for r in rows if r["proto"] == "udp" and " udp 02 " in r["where"]]
    big = oracle_block(max(rows, key=lambda r: r["size"]))
    rng = random.Random(11)
    to_nat, from_nat = (BOB, BOB_PORT, NAT_HOST, NAT_PORT), (NAT_HOST, NAT_PORT, BOB, BOB_PORT)
    probe, reply, later = (oracle_block(udp_rows[i]) for i in (0, 1, 2))
    ips = [
        udp_ip(
            *from_nat,
            seal_payload(
                probe, packet_id=0x15E8, iv=0x2BB72FED, src_ip="0.0.0.0", dst_ip=BOB
            ).build(),
        ),
        udp_ip(*to_nat, wudp.Nack(0x15E8, wudp.ip_number(ALICE), 0x24499EB8, 0x77).build()),
        udp_ip(
            *from_nat,
            seal_resend(
                probe, packet_id=0x15E8, challenge=0x24499EB8, dest_ip=BOB, func=0x23
            ).build(),
        ),
        udp_ip(
            *to_nat,
            seal_payload(
                reply, packet_id=0x4A0E, iv=0x11223344, src_ip=BOB, dst_ip=ALICE, func=0x52
            ).build(),
        ),
        udp_ip(*from_nat, wudp.Ack(0x4A0E, wudp.ip_number(BOB), 0xDEADBEEF, func=0x45).build()),
        udp_ip(NAT_HOST, 53001, "8.8.8.8", 53, bytes.fromhex("abcd01000001000000000000")),
    ]
    pieces = [big[i : i + FRAGMENT_BODY] for i in range(0, len(big), FRAGMENT_BODY)]
    frags = [
        udp_ip(
            *to_nat,
            seal_fragment(
                piece,
                packet_id=0x4A10,
                ref_id=0x15F4,
                index=i,
                last=i == len(pieces) - 1,
                iv=fragment_ivs(0x600DF00D, len(pieces))[i] if skype_ivs else 0x600DF00D + i,
                src_ip=BOB,
                dst_ip=ALICE,
                func=0x0F | 0x10 * (i % 8),
            ).build(),
            ident=200 + i,
        )
        for i, piece in enumerate(pieces)
    ]
    frags[2], frags[5] = frags[5], frags[2]
    ips += frags
    sealed = seal_payload(later, packet_id=0x15F4, iv=0x0F0F0F0F, src_ip=ALICE, dst_ip=BOB)
    ips += ip_fragments(udp_ip(*from_nat, sealed.build(), ident=77), 16)
    # TCP on port 443, pseudo-TLS first
    up_rows = [r for r in rows if r["proto"] == "tcp" and r["src"] == "192.168.1.2:1312"]
    down_rows = [r for r in rows if r["proto"] == "tcp" and r["dst"] == "192.168.1.2:1312"]
    client = CLIENT_HELLO_START + rng.randbytes(CLIENT_HELLO_LEN - len(CLIENT_HELLO_START))
    client += _direction(0x5EED0001, LAST_WORD_INITIATOR, up_rows, 0x2000)
    server = SERVER_HELLO_START + rng.randbytes(SERVER_HELLO_LEN - len(SERVER_HELLO_START))
    server += _direction(0x0BADCAFE, LAST_WORD_RESPONDER, down_rows, 0x7000)
    conv = TcpConversation(CLIENT, 1312, SUPERNODE, 443)
    ups = [seg.packet for seg in conv.stream(True, client, 61)]
    downs = [seg.packet for seg in conv.stream(False, server, 61)]
    ups[3], ups[4] = ups[4], ups[3]
    downs.insert(6, downs[5])
    segments: list[bytes] = []
    while ups or downs:
        segments += ups[:2] + downs[:3]
        del ups[:2], downs[:3]
    ips += conv.handshake() + segments + [conv.fin(True, len(client)), conv.fin(False, len(server))]
    return write_capture(path, timed(ips), link="vlan", pcapng=True)
