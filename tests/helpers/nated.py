"""A synthesized capture of a NATed host whose public address nothing in it tells.

The host sends type 0x02 datagrams (real-looking command blocks, from the project's own
encoders) to several public peers, keyed with a public source address the capture never shows:
no NAck, no ACK, no object 0x11, no reply at all. ``recover-ip`` has to find that address.
"""

from __future__ import annotations

import ipaddress
import random
from dataclasses import dataclass
from pathlib import Path

from skypeflux.capture.net.build import udp
from skypeflux.messages.blocks import build_block
from skypeflux.objects import Obj, encode
from skypeflux.wire.udp_crypt import seal_payload
from tests.helpers.captures import timed, write_capture

HOST = "192.168.7.20"
HOST_PORT = 33033
PEERS = ("82.253.163.244", "24.224.190.149", "86.197.95.238", "68.206.150.243")
REQID_FLAGS = 2  # a request: the block carries a request id


@dataclass(frozen=True)
class NatedCapture:
    path: Path
    public: str  # the address the host's datagrams are keyed with
    datagrams: int


def blocks(rng: random.Random, n: int) -> bytes:
    """A plaintext of command blocks whose object lists decode exactly."""
    out = b""
    for _ in range(n):
        objects = [Obj(0, 1, rng.randrange(1 << 20)), Obj(3, 2, b"synthetic")]
        out += build_block(
            rng.choice((27, 29, 36)), REQID_FLAGS, rng.randrange(1 << 16), encode(objects)
        )
    return out


def random_public(rng: random.Random, within: str) -> str:
    network = ipaddress.IPv4Network(within)
    return str(network.network_address + rng.randrange(1, network.num_addresses - 1))


def nated_capture(
    path: Path,
    *,
    seed: int = 7,
    within: str = "81.56.0.0/16",
    count: int = 6,
    decoy: tuple[str, bytes] | None = None,
    noise: bytes | None = None,
) -> NatedCapture:
    """Write the capture; the host's public address is random inside ``within``.

    ``decoy`` (address, plaintext) adds a first, shortest datagram keyed with that other
    address instead: the search tries it first, as the cheapest. ``noise`` adds a first UDP
    datagram from another port of the host that is not Skype but reads as type 0x02.
    """
    rng = random.Random(seed)
    public = random_public(rng, within)
    ips = []
    if noise is not None:
        ips.append(udp(HOST, 5353, "8.8.8.8", 53, noise))
    if decoy is not None:
        address, plain = decoy
        sealed = seal_payload(plain, packet_id=0x0100, iv=0x1234, src_ip=address, dst_ip=PEERS[0])
        ips.append(udp(HOST, HOST_PORT, PEERS[0], 40000, sealed.build()))
    for i in range(count):
        peer = PEERS[i % len(PEERS)]
        sealed = seal_payload(
            blocks(rng, 1 + i % 3),
            packet_id=0x2000 + i,
            iv=rng.randrange(1 << 32),
            src_ip=public,
            dst_ip=peer,
        )
        ips.append(udp(HOST, HOST_PORT, peer, 40000 + i, sealed.build(), ident=i + 2))
    write_capture(path, timed(ips))
    return NatedCapture(path, public, len(ips))
