"""Where the RC4 seeds come from: UDP datagrams and resends (sans-IO).

spec/protocol.md 1.2 (UDP seed = CRC of the addresses and id, XOR the datagram's iv) and 1.4
(resend seed = id XOR challenge). A TCP direction sends its seed in clear (spec 2.1): its header
layout and check are in :mod:`skypeflux.wire.tcp` and :mod:`skypeflux.wire.tcp_stream`.
"""

from __future__ import annotations

import ipaddress
import struct

from skypeflux.ipv4 import ip_number

from .crc import skype_crc32
from .errors import CryptoError

Address = int | str | ipaddress.IPv4Address


def address_value(address: Address) -> int:
    """An IPv4 address as the number a<<24|b<<16|c<<8|d (dotted string, int or IPv4Address)."""
    try:
        return ip_number(address)
    except ValueError as exc:
        raise CryptoError(str(exc)) from None


def _u32(name: str, value: int) -> int:
    if not 0 <= value <= 0xFFFFFFFF:
        raise CryptoError(f"{name} {value} is outside 0..0xFFFFFFFF")
    return value


def udp_seed_input(src_ip: Address, dst_ip: Address, packet_id: int) -> bytes:
    """The 12 bytes whose CRC keys a type 0x02 datagram: LE32 src, LE32 dst, LE16 id, 00 00."""
    if not 0 <= packet_id <= 0xFFFF:
        raise CryptoError(f"packet id {packet_id} is outside 0..0xFFFF")
    return struct.pack("<IIHxx", address_value(src_ip), address_value(dst_ip), packet_id)


def udp_seed(src_ip: Address, dst_ip: Address, packet_id: int, iv: int) -> int:
    """The RC4 seed of a type 0x02 datagram: CRC32 of ``udp_seed_input`` XOR ``iv``."""
    return skype_crc32(udp_seed_input(src_ip, dst_ip, packet_id)) ^ _u32("iv", iv)


def resend_seed(packet_id: int, challenge: int) -> int:
    """The RC4 seed of a type 0x03 resend: the datagram id XOR the NAck's challenge."""
    if not 0 <= packet_id <= 0xFFFF:
        raise CryptoError(f"packet id {packet_id} is outside 0..0xFFFF")
    return packet_id ^ _u32("challenge", challenge)
