"""Long conversations, written as they are made: the input of the long-stream benchmark and the
memory tests of long connections.

Copies of a short capture (:mod:`skypeflux.capture.synth.repeat`) give many flows, but every
flow in them lasts seconds. A day of capture also holds connections that last the whole day: a
supernode link carrying megabytes of obfuscated frames, a bulk download beside it, and large
UDP datagrams cut into IP fragments. What the decoder keeps per open connection must not grow
with its length, and only such a capture shows it. Nothing here is held: each packet is built
when it is asked for, so a capture of gigabytes is written in constant memory.

The traffic, in rounds (one round is about 6 KB):

- ``connections`` Skype TCP connections from the private host to public supernodes, each
  obfuscated per direction (:class:`~skypeflux.wire.tcp_stream.StreamEncoder`). Every round,
  the client sends a request and the supernode its reply, each in a data frame of two command
  blocks with 0x42 object lists, and the other direction acknowledges each in an ack frame.
- one bulk non-Skype TCP download: the client's request, then two full segments a round;
- every ``fragment_every`` rounds, one 3,000-byte non-Skype UDP datagram in three IP fragments.

Every connection closes with FINs at the end, so a decoder that holds nothing more for them
has nothing to report as cut.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

from skypeflux.capture.files.writer import Packet
from skypeflux.capture.net.build import ethernet, fragment_for_mtu, udp
from skypeflux.capture.net.tcp_build import ACK, FIN, PSH, TcpConversation
from skypeflux.messages.blocks import encode_block
from skypeflux.objects import Address, Family, Obj
from skypeflux.wire.tcp import LAST_WORD_INITIATOR, LAST_WORD_RESPONDER, ack_frame
from skypeflux.wire.tcp_stream import StreamEncoder

__all__ = ["HOST", "SPACING", "long_streams"]

HOST = "10.0.0.2"  # the capturing host: private, so every Skype direction towards it is surveyed
# public peers (addresses of SkypeIRC.cap: the documentation ranges count as private to Python's
# ipaddress, so a direction towards them would be surveyed too, as no real peer's is)
SUPERNODES = ("68.206.150.243", "71.10.179.129", "67.71.69.121", "24.177.122.79")
BULK_SERVER, UDP_SENDER = "165.124.253.241", "82.253.163.244"
BULK_REQUEST = b"GET /archive.tar HTTP/1.1\r\nHost: 165.124.253.241\r\n\r\n"
_MSS = 1460
SPACING = 0.0005  # seconds between packets, by default


@dataclass(slots=True)
class _Side:
    encoder: StreamEncoder
    sent: int = 0  # stream bytes so far
    packet_id: int = 0


@dataclass(slots=True)
class _Link:
    conv: TcpConversation
    sides: dict[bool, _Side]  # by "from the client"


def _blocks(rng: random.Random, peer: Address, reqid: int, reply: bool) -> bytes:
    """What a supernode link might carry: the client asks about a peer (numbers, a string, an
    address), the supernode answers quoting the request's id; each adds a one-way notice (a
    number and an int list). Every request is answered, as on a live link."""
    if reply:
        first = encode_block(
            0x1F,
            3,
            reqid,
            [
                Obj(Family.NUMBER, 0x03, rng.getrandbits(16)),
                Obj(Family.UINT64, 0x04, rng.getrandbits(64)),
            ],
        )
    else:
        first = encode_block(
            0x1E,
            2,
            reqid,
            [
                Obj(Family.NUMBER, 0x00, rng.getrandbits(32)),
                Obj(Family.ADDRESS, 0x01, peer),
                Obj(Family.STRING, 0x02, f"user{rng.randrange(10**6)}"),
            ],
        )
    notice = encode_block(
        0x2A,
        1,
        None,
        [
            Obj(Family.NUMBER, 0x05, rng.getrandbits(8)),
            Obj(Family.INT_LIST, 0x06, tuple(rng.getrandbits(16) for _ in range(8))),
        ],
    )
    return first + notice


def _segments(
    link: _Link, from_client: bool, data: bytes, ts: float, spacing: float
) -> list[Packet]:
    """``data`` next in this direction, cut at the MSS, one packet every ``spacing``."""
    side, other = link.sides[from_client], link.sides[not from_client]
    out = []
    for n, at in enumerate(range(0, len(data), _MSS)):
        piece = data[at : at + _MSS]
        ip = link.conv.segment(from_client, side.sent + at, piece, PSH | ACK, acked=other.sent)
        out.append(Packet(ts + n * spacing, ethernet(ip, to_client=not from_client)))
    side.sent += len(data)
    return out


def long_streams(
    target: int,
    *,
    connections: int = 4,
    fragment_every: int = 8,
    seed: int = 1,
    start: float = 1_300_000_000.0,
    spacing: float = SPACING,
) -> Iterator[Packet]:
    """Packets of about ``target`` bytes of long conversations (see the module's text), in
    time order from ``start``, ``spacing`` seconds apart, built one at a time."""
    rng = random.Random(seed)
    links = []
    for n in range(connections):
        conv = TcpConversation(
            HOST,
            40000 + n,
            SUPERNODES[n % len(SUPERNODES)],
            33033 + n // len(SUPERNODES),
            isn_client=rng.getrandbits(32),
            isn_server=rng.getrandbits(32),
        )
        sides = {
            from_client: _Side(
                StreamEncoder(
                    rng.getrandbits(32),
                    rng.getrandbits(16),
                    LAST_WORD_INITIATOR if from_client else LAST_WORD_RESPONDER,
                ),
                packet_id=rng.getrandbits(16),
            )
            for from_client in (True, False)
        }
        links.append(_Link(conv, sides))
    bulk = _Link(TcpConversation(HOST, 50000, BULK_SERVER, 80, isn_client=1, isn_server=2), {})
    bulk_sent = 0
    filler = rng.randbytes(_MSS)
    ts, written, rounds = start, 0, 0

    def emit(packet: Packet) -> Packet:
        nonlocal written
        written += 16 + len(packet.data)
        return packet

    for link in [*links, bulk]:
        for ip in link.conv.handshake():
            yield emit(Packet(ts, ethernet(ip)))
            ts += spacing
    # a download starts with its request: both directions carry bytes, as on a live link
    request = bulk.conv.segment(True, 0, BULK_REQUEST, PSH | ACK)
    yield emit(Packet(ts, ethernet(request)))
    ts += spacing
    while written < target:
        for link in links:
            reqid = 0
            for from_client in (True, False):
                side = link.sides[from_client]
                packet_id = side.packet_id
                side.packet_id = (packet_id + 2) & 0xFFFF
                if from_client:  # the request's id is its frame's id minus one, as Skype's
                    reqid = (packet_id - 1) & 0xFFFF
                peer = Address(rng.getrandbits(32), rng.randrange(1, 65536))
                frame = side.encoder.data(
                    packet_id, _blocks(rng, peer, reqid, reply=not from_client)
                )
                ack = link.sides[not from_client].encoder.encrypt(ack_frame(packet_id))
                for data, sender in ((frame, from_client), (ack, not from_client)):
                    packets = _segments(link, sender, data, ts, spacing)
                    for packet in packets:
                        yield emit(packet)
                    ts += len(packets) * spacing
        for _ in range(2):
            ip = bulk.conv.segment(False, bulk_sent, filler, PSH | ACK, acked=len(BULK_REQUEST))
            bulk_sent += len(filler)
            yield emit(Packet(ts, ethernet(ip, to_client=True)))
            ts += spacing
        if rounds % fragment_every == 0:
            datagram = udp(UDP_SENDER, 5004, HOST, 5004, rng.randbytes(3000), ident=rounds)
            for piece in fragment_for_mtu(datagram, 1500):
                yield emit(Packet(ts, ethernet(piece, to_client=True)))
                ts += spacing
        rounds += 1
    for link in links:
        for from_client in (True, False):
            side, other = link.sides[from_client], link.sides[not from_client]
            fin = link.conv.segment(from_client, side.sent, b"", FIN | ACK, acked=other.sent)
            yield Packet(ts, ethernet(fin, to_client=not from_client))
            ts += spacing
    for from_client in (False, True):
        offset = bulk_sent if not from_client else len(BULK_REQUEST)
        acked = len(BULK_REQUEST) if not from_client else bulk_sent
        fin = bulk.conv.segment(from_client, offset, b"", FIN | ACK, acked=acked)
        yield Packet(ts, ethernet(fin, to_client=not from_client))
        ts += spacing
