"""Build IPv4, UDP and TCP packets and their link-layer frames: the encoder of :mod:`.packets`.

Everything here is bytes out, with the header fields real stacks write: IPv4 and transport
checksums are correct (Wireshark and tshark check them when asked), lengths agree with the
payload, Ethernet frames are padded to the 60-byte minimum (a decoder must use the IP length,
not the frame length). IPv4 fragmentation cuts a built packet the way a router does, so a
capture can show one datagram in several frames. What goes wrong on a network (loss,
reordering, duplicates) is :func:`impair`, applied to any list of packets.

Errors (an address that is not IPv4, a fragment size that is not a multiple of 8) raise
:class:`~skypeflux.capture.errors.CaptureError`.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.linktypes import (
    LINKTYPE_ETHERNET,
    LINKTYPE_IPV4,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_LINUX_SLL2,
    LINKTYPE_LOOP,
    LINKTYPE_NULL,
    LINKTYPE_RAW,
)
from skypeflux.capture.net.packets import ACK, IPPROTO_TCP, IPPROTO_UDP, PSH
from skypeflux.ipv4 import ip_number, packed_ip_text

ETHERTYPE_IPV4 = 0x0800
ETHERTYPE_VLAN = 0x8100
ETH_MIN_FRAME = 60  # without the FCS, which captures rarely keep
IPV4_HEADER_LEN = 20
UDP_HEADER_LEN = 8
TCP_HEADER_LEN = 20
IP_DF = 0x4000
IP_MF = 0x2000

# Documentation MAC addresses (RFC 7042 section 2.1.2: 00-00-5E-00-53-xx)
MAC_CLIENT = bytes.fromhex("00005e005301")
MAC_GATEWAY = bytes.fromhex("00005e005302")

_AF_INET = 2


def ip_bytes(address: str) -> bytes:
    """The four bytes of a dotted IPv4 address."""
    try:
        return ip_number(address).to_bytes(4, "big")
    except (ValueError, TypeError):
        raise CaptureError(f"not an IPv4 address: {address!r}") from None


def internet_checksum(data: bytes) -> int:
    """RFC 1071 ones' complement sum, as IPv4, UDP and TCP headers carry it."""
    if len(data) % 2:
        data += b"\x00"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ipv4(
    src: str,
    dst: str,
    proto: int,
    payload: bytes,
    *,
    ident: int = 0,
    ttl: int = 64,
    dont_fragment: bool = False,
    more_fragments: bool = False,
    offset: int = 0,
    tos: int = 0,
    options: bytes = b"",
) -> bytes:
    """An IPv4 packet; ``offset`` is the fragment offset in bytes (a multiple of 8)."""
    if len(options) % 4 or len(options) > 40:
        raise CaptureError(f"IPv4 options of {len(options)} bytes: need a multiple of 4, <= 40")
    if offset % 8 or not 0 <= offset < 8 * 0x2000:
        raise CaptureError(f"fragment offset {offset} is not a multiple of 8 below 65536")
    header_len = IPV4_HEADER_LEN + len(options)
    total = header_len + len(payload)
    if total > 0xFFFF:
        raise CaptureError(f"IPv4 packet of {total} bytes exceeds 65535")
    flags = (IP_DF if dont_fragment else 0) | (IP_MF if more_fragments else 0)
    head = struct.pack(
        "!BBHHHBBH4s4s",
        0x40 | header_len // 4,
        tos,
        total,
        ident & 0xFFFF,
        flags | offset // 8,
        ttl,
        proto,
        0,
        ip_bytes(src),
        ip_bytes(dst),
    ) + bytes(options)
    check = internet_checksum(head)
    return head[:10] + struct.pack("!H", check) + head[12:] + bytes(payload)


def _pseudo_header(src: str, dst: str, proto: int, length: int) -> bytes:
    return ip_bytes(src) + ip_bytes(dst) + struct.pack("!BBH", 0, proto, length)


def _ports(sport: int, dport: int) -> None:
    for port in (sport, dport):
        if not 0 <= port <= 0xFFFF:
            raise CaptureError(f"port {port} out of range")


def udp(
    src: str,
    sport: int,
    dst: str,
    dport: int,
    payload: bytes,
    *,
    ident: int = 0,
    ttl: int = 64,
    ip_options: bytes = b"",
) -> bytes:
    """An IPv4 packet carrying one UDP datagram, with its checksum."""
    _ports(sport, dport)
    length = UDP_HEADER_LEN + len(payload)
    head = struct.pack("!HHHH", sport, dport, length, 0)
    check = internet_checksum(_pseudo_header(src, dst, IPPROTO_UDP, length) + head + payload)
    datagram = head[:6] + struct.pack("!H", check or 0xFFFF) + bytes(payload)
    return ipv4(src, dst, IPPROTO_UDP, datagram, ident=ident, ttl=ttl, options=ip_options)


def tcp(
    src: str,
    sport: int,
    dst: str,
    dport: int,
    *,
    seq: int,
    ack: int = 0,
    flags: int = PSH | ACK,
    payload: bytes = b"",
    window: int = 65535,
    options: bytes = b"",
    ident: int = 0,
    ttl: int = 64,
    ip_options: bytes = b"",
) -> bytes:
    """An IPv4 packet carrying one TCP segment, with its checksum (and Don't Fragment set)."""
    _ports(sport, dport)
    if len(options) % 4 or len(options) > 40:
        raise CaptureError(f"TCP options of {len(options)} bytes: need a multiple of 4, <= 40")
    offset_words = (TCP_HEADER_LEN + len(options)) // 4
    head = struct.pack(
        "!HHIIBBHHH",
        sport,
        dport,
        seq & 0xFFFFFFFF,
        ack & 0xFFFFFFFF,
        offset_words << 4,
        flags & 0xFF,
        window,
        0,
        0,
    ) + bytes(options)
    segment = head + bytes(payload)
    check = internet_checksum(_pseudo_header(src, dst, IPPROTO_TCP, len(segment)) + segment)
    segment = segment[:16] + struct.pack("!H", check) + segment[18:]
    return ipv4(
        src,
        dst,
        IPPROTO_TCP,
        segment,
        ident=ident,
        ttl=ttl,
        dont_fragment=True,
        options=ip_options,
    )


def fragment(packet: bytes, size: int) -> list[bytes]:
    """Cut an IPv4 packet into fragments carrying at most ``size`` payload bytes each.

    ``size`` must be a multiple of 8 (fragment offsets count in 8-byte units). Options are kept
    in the first fragment only, the way routers treat options without the copy bit.
    """
    if size <= 0 or size % 8:
        raise CaptureError(f"fragment size {size} is not a positive multiple of 8")
    header_len = (packet[0] & 0x0F) * 4
    ident, flags_offset = struct.unpack_from("!HH", packet, 4)
    if flags_offset & (IP_MF | 0x1FFF):
        raise CaptureError("the packet is already a fragment")
    ttl, proto = packet[8], packet[9]
    src, dst = packed_ip_text(packet[12:16]), packed_ip_text(packet[16:20])
    options = packet[IPV4_HEADER_LEN:header_len]
    body = packet[header_len:]
    out = []
    for at in range(0, len(body), size):
        out.append(
            ipv4(
                src,
                dst,
                proto,
                body[at : at + size],
                ident=ident,
                ttl=ttl,
                more_fragments=at + size < len(body),
                offset=at,
                options=options if at == 0 else b"",
            )
        )
    return out


def fragment_for_mtu(packet: bytes, mtu: int) -> list[bytes]:
    """The fragments a link with this MTU makes of ``packet`` (itself when it fits)."""
    if len(packet) <= mtu:
        return [packet]
    header_len = (packet[0] & 0x0F) * 4
    return fragment(packet, (mtu - header_len) // 8 * 8)


# -- link layers -------------------------------------------------------------------------------


def ethernet(
    payload: bytes,
    *,
    ethertype: int = ETHERTYPE_IPV4,
    tags: Sequence[tuple[int, int]] = (),
    to_client: bool = False,
) -> bytes:
    """An Ethernet II frame padded to 60 bytes; ``tags`` are ``(TPID, VLAN id)`` pairs,
    outermost first (802.1Q 0x8100, 802.1ad 0x88A8)."""
    dst, src = (MAC_CLIENT, MAC_GATEWAY) if to_client else (MAC_GATEWAY, MAC_CLIENT)
    head = dst + src
    for tpid, vid in tags:
        head += struct.pack("!HH", tpid, vid & 0x0FFF)
    frame = head + struct.pack("!H", ethertype) + payload
    return frame.ljust(ETH_MIN_FRAME + 4 * len(tags), b"\x00")


def linux_sll(payload: bytes, protocol: int = ETHERTYPE_IPV4) -> bytes:
    """Linux cooked v1: packet type 0 (to us), ARPHRD_ETHER, a 6-byte address."""
    return struct.pack("!HHH8sH", 0, 1, 6, MAC_CLIENT + b"\0\0", protocol) + payload


def linux_sll2(payload: bytes, protocol: int = ETHERTYPE_IPV4) -> bytes:
    """Linux cooked v2: protocol, reserved, interface index 2, ARPHRD_ETHER, type 0."""
    return struct.pack("!HHIHBB8s", protocol, 0, 2, 1, 0, 6, MAC_CLIENT + b"\0\0") + payload


def bsd_null(ip: bytes) -> bytes:
    """BSD loopback: the address family in the capturing host's order (little-endian here)."""
    return struct.pack("<I", _AF_INET) + ip


def openbsd_loop(ip: bytes) -> bytes:
    return struct.pack("!I", _AF_INET) + ip


@dataclass(frozen=True, slots=True)
class Link:
    """A link layer a capture can be written with: its LINKTYPE and how a frame is built."""

    linktype: int
    frame: Callable[[bytes], bytes]


LINKS: dict[str, Link] = {
    "ethernet": Link(LINKTYPE_ETHERNET, ethernet),
    "vlan": Link(LINKTYPE_ETHERNET, lambda ip: ethernet(ip, tags=[(ETHERTYPE_VLAN, 42)])),
    "sll": Link(LINKTYPE_LINUX_SLL, linux_sll),
    "sll2": Link(LINKTYPE_LINUX_SLL2, linux_sll2),
    "null": Link(LINKTYPE_NULL, bsd_null),
    "loop": Link(LINKTYPE_LOOP, openbsd_loop),
    "raw": Link(LINKTYPE_RAW, lambda ip: ip),
    "ipv4": Link(LINKTYPE_IPV4, lambda ip: ip),
}
"""Link layers by name, as ``skypeflux synth`` and the tests call them."""


def link(name: str) -> Link:
    try:
        return LINKS[name]
    except KeyError:
        known = ", ".join(LINKS)
        raise CaptureError(f"unknown link layer {name!r}; expected one of {known}") from None


# -- what a network does to packets ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Impaired:
    """Packets after :func:`impair`: in delivery order, and the indexes of those lost."""

    delivered: list[int]
    lost: list[int]
    duplicated: list[int]


def impair(
    count: int,
    rng: random.Random,
    *,
    loss: float = 0.0,
    duplicate: float = 0.0,
    reorder: float = 0.0,
    window: int = 4,
    protect: Sequence[int] = (),
) -> Impaired:
    """Decide the fate of ``count`` packets: which are lost, repeated, or overtaken.

    Returns indexes, so the caller keeps its own bookkeeping about what each packet carried.
    A reordered packet is delivered up to ``window`` places later; a duplicate (a
    retransmission) is delivered again up to ``window`` places later. ``protect`` lists
    packets that are never lost or moved and that nothing crosses (a handshake, a FIN): they
    cut the capture into stretches inside which the network shuffles.
    """
    barriers = sorted(set(protect))
    lost = [i for i in range(count) if i not in barriers and rng.random() < loss]
    gone = set(lost)
    order: list[tuple[float, int]] = []
    duplicated = []
    next_barrier = 0
    for i in range(count):
        while next_barrier < len(barriers) and barriers[next_barrier] < i:
            next_barrier += 1
        if next_barrier < len(barriers) and barriers[next_barrier] == i:
            order.append((float(i), i))
            continue
        limit = barriers[next_barrier] - i - 0.5 if next_barrier < len(barriers) else window
        limit = min(limit, window)
        if i in gone:
            continue
        delay = rng.uniform(0, limit) if rng.random() < reorder else 0.0
        order.append((i + delay, i))
        if rng.random() < duplicate:
            duplicated.append(i)
            order.append((i + rng.uniform(min(0.5, limit), limit), i))
    order.sort()
    return Impaired([i for _, i in order], lost, duplicated)
