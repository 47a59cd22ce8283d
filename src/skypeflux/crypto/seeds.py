"""Where the RC4 seeds come from: UDP datagrams, resends, and TCP stream headers (sans-IO).

spec/protocol.md 1.2 (UDP seed = CRC of the addresses and id, XOR the datagram's iv), 1.4
(resend seed = id XOR challenge) and 2.1 (TCP: a clear seed, then 10 known encrypted bytes).
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass
from typing import Final

from . import backends
from .crc import skype_crc32
from .errors import CryptoError
from .rc4 import Buffer

Address = int | str | ipaddress.IPv4Address

TCP_HEADER_BYTES: Final = 14
#: Bytes 2..8 of the decrypted TCP header (after the 16-bit sequence value).
TCP_HEADER_FIXED: Final = bytes.fromhex("00000001000000")
#: Last byte of the decrypted TCP header: 01 initiator, 03 responder, 0F Skype 5.5 era.
TCP_HEADER_KINDS: Final = frozenset({0x01, 0x03, 0x0F})


def address_value(address: Address) -> int:
    """An IPv4 address as the number a<<24|b<<16|c<<8|d (dotted string, int or IPv4Address)."""
    if isinstance(address, bool):
        raise TypeError("an address cannot be a bool")
    if isinstance(address, int):
        if not 0 <= address <= 0xFFFFFFFF:
            raise CryptoError(f"address {address} is outside 0..0xFFFFFFFF")
        return address
    try:
        return int(ipaddress.IPv4Address(address))
    except ValueError as exc:
        raise CryptoError(f"not an IPv4 address: {address!r}") from exc


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


@dataclass(frozen=True)
class TcpHeaderCheck:
    """The outcome of decrypting a TCP direction's 14-byte header.

    ``plaintext`` is bytes 4..13 decrypted; ``ok`` says whether they have the known form
    ``ss ss 00 00 00 01 00 00 00 (01|03|0F)``. The cipher for the rest of the stream starts
    again at keystream position 0 (``cipher_for_seed(seed)``).
    """

    seed: int
    plaintext: bytes
    ok: bool

    @property
    def sequence(self) -> int:
        """The 16-bit value in bytes 4..5 (00 01 from initiators, random from responders)."""
        return int.from_bytes(self.plaintext[:2], "big")

    @property
    def kind(self) -> int:
        """The last header byte: 0x01 initiator, 0x03 responder, 0x0F (Skype 5.5 era)."""
        return self.plaintext[-1]


def looks_like_tcp_header(plaintext: bytes) -> bool:
    """Whether 10 decrypted header bytes have the known form (the sequence value is free)."""
    return (
        len(plaintext) == TCP_HEADER_BYTES - 4
        and plaintext[2:9] == TCP_HEADER_FIXED
        and plaintext[9] in TCP_HEADER_KINDS
    )


def check_tcp_header(first_bytes: Buffer, *, backend: backends.BackendArg = None) -> TcpHeaderCheck:
    """Decrypt and check the header at the start of one TCP direction (at least 14 bytes)."""
    head = bytes(memoryview(first_bytes)[:TCP_HEADER_BYTES])
    if len(head) < TCP_HEADER_BYTES:
        raise CryptoError(
            f"a TCP stream header needs {TCP_HEADER_BYTES} bytes, got {len(head)}",
            offset=len(head),
        )
    seed = int.from_bytes(head[:4], "big")
    plaintext = backends.get(backend).decrypt(seed, head[4:])
    return TcpHeaderCheck(seed, plaintext, looks_like_tcp_header(plaintext))
