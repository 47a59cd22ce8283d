"""Classic Skype UDP datagrams (spec protocol.md section 1): parse and build, no crypto.

Every datagram starts with a big-endian 16-bit id and a ``func`` byte whose ``0x8F`` bits give the
type; the ``0x70`` bits are random filler. The full ``func`` byte is kept in every value so that
building gives back the exact bytes that were parsed. Decryption lives in
:mod:`skypeflux.wire.udp_crypt`, so this module works on ciphertext only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import ClassVar

from skypeflux import ipv4
from skypeflux.ipv4 import ip_text
from skypeflux.wire.errors import WireError

TYPE_MASK = 0x8F
"""Bits of ``func`` that carry the type; the rest is filler (spec 1.1)."""

TYPE_PAYLOAD = 0x02
TYPE_RESEND = 0x03
TYPE_ACK = 0x05
TYPE_NACK = 0x07
TYPE_DATA = 0x0D
TYPE_FRAGMENT = 0x0F

PAYLOAD_HEADER_LEN = 11
RESEND_HEADER_LEN = 16
FRAGMENT_HEADER_LEN = 15
NOTICE_LEN = 11
FRAGMENT_LAST_BIT = 0x80
FULL_FRAGMENT_LEN = 0x54B
"""Every non-final fragment datagram has this size (spec 1.6)."""

MAX_DATAGRAM_LEN = 1500
"""Nothing on the classic Skype port is larger than one Ethernet MTU of UDP payload."""

_PAYLOAD = struct.Struct(">HBII")
_RESEND = struct.Struct(">HBBIII")
_FRAGMENT = struct.Struct(">HBHBBII")
_NOTICE = struct.Struct(">HBII")
_START = struct.Struct(">HB")


def ip_number(address: str | int) -> int:
    """The 32-bit number of an IPv4 address given as text or already as a number."""
    try:
        return ipv4.ip_number(address)
    except ValueError as exc:
        raise WireError(str(exc), 0) from None


def _check_func(func: int, expected: int) -> None:
    if not 0 <= func <= 0xFF or func & TYPE_MASK != expected:
        raise WireError(f"func byte 0x{func:02x} is not of type 0x{expected:02x}", 2)


@dataclass(frozen=True, slots=True)
class Payload:
    """Type 0x02: an obfuscated payload (a request or a reply)."""

    TYPE: ClassVar[int] = TYPE_PAYLOAD
    id: int
    iv: int
    crc: int
    ciphertext: bytes
    func: int = TYPE_PAYLOAD

    def build(self) -> bytes:
        _check_func(self.func, TYPE_PAYLOAD)
        return _PAYLOAD.pack(self.id, self.func, self.iv, self.crc) + self.ciphertext


@dataclass(frozen=True, slots=True)
class Resend:
    """Type 0x03: a payload sent again after a NAck, keyed by the NAck's challenge (spec 1.4)."""

    TYPE: ClassVar[int] = TYPE_RESEND
    id: int
    challenge: int
    dest_ip: int
    crc: int
    ciphertext: bytes
    count: int = 1
    func: int = TYPE_RESEND

    def build(self) -> bytes:
        _check_func(self.func, TYPE_RESEND)
        head = _RESEND.pack(self.id, self.func, self.count, self.challenge, self.dest_ip, self.crc)
        return head + self.ciphertext


@dataclass(frozen=True, slots=True)
class Fragment:
    """Type 0x0F: one piece of a payload too long for one datagram (spec 1.6).

    Each fragment is encrypted on its own with the outer ``id``; ``ref_id`` is (in the 2006
    capture) the id of the request datagram that the fragmented reply answers.
    """

    TYPE: ClassVar[int] = TYPE_FRAGMENT
    id: int
    ref_id: int
    index: int
    last: bool
    iv: int
    crc: int
    ciphertext: bytes
    inner: int = TYPE_PAYLOAD
    func: int = TYPE_FRAGMENT

    def build(self) -> bytes:
        _check_func(self.func, TYPE_FRAGMENT)
        if not 0 <= self.index < FRAGMENT_LAST_BIT:
            raise WireError(f"fragment index {self.index} out of range", 5)
        frag = self.index | (FRAGMENT_LAST_BIT if self.last else 0)
        head = _FRAGMENT.pack(self.id, self.func, self.ref_id, frag, self.inner, self.iv, self.crc)
        return head + self.ciphertext


@dataclass(frozen=True, slots=True)
class Ack:
    """Type 0x05: 11 clear bytes; ``ip`` is the acknowledged sender's public address."""

    TYPE: ClassVar[int] = TYPE_ACK
    id: int
    ip: int
    value: int
    func: int = TYPE_ACK

    @property
    def ip_text(self) -> str:
        return ip_text(self.ip)

    def build(self) -> bytes:
        _check_func(self.func, TYPE_ACK)
        return _NOTICE.pack(self.id, self.func, self.ip, self.value)


@dataclass(frozen=True, slots=True)
class Nack:
    """Type 0x07: "could not decrypt you"; carries your public ``ip`` and the resend challenge."""

    TYPE: ClassVar[int] = TYPE_NACK
    id: int
    ip: int
    challenge: int
    func: int = TYPE_NACK

    @property
    def ip_text(self) -> str:
        return ip_text(self.ip)

    def build(self) -> bytes:
        _check_func(self.func, TYPE_NACK)
        return _NOTICE.pack(self.id, self.func, self.ip, self.challenge)


@dataclass(frozen=True, slots=True)
class Opaque:
    """A type with no known layout (0x0D media data, 0x00, a set bit 7...): kept as bytes."""

    id: int
    func: int
    body: bytes

    @property
    def type(self) -> int:
        return self.func & TYPE_MASK

    def build(self) -> bytes:
        if not 0 <= self.func <= 0xFF:
            raise WireError(f"func byte {self.func} out of range", 2)
        return _START.pack(self.id, self.func) + self.body


Datagram = Payload | Resend | Fragment | Ack | Nack | Opaque


def _need(data: bytes, size: int, what: str) -> None:
    if len(data) < size:
        raise WireError(f"{what} needs {size} bytes, datagram has {len(data)}", len(data))


def parse_datagram(data: bytes) -> Datagram:
    """Split one UDP payload (use the UDP length: Ethernet padding is not part of it)."""
    data = bytes(data)
    _need(data, 3, "datagram start")
    packet_id, func = _START.unpack_from(data)
    kind = func & TYPE_MASK
    if kind == TYPE_PAYLOAD:
        _need(data, PAYLOAD_HEADER_LEN, "payload header")
        _, _, iv, crc = _PAYLOAD.unpack_from(data)
        return Payload(packet_id, iv, crc, data[PAYLOAD_HEADER_LEN:], func)
    if kind == TYPE_RESEND:
        _need(data, RESEND_HEADER_LEN, "resend header")
        _, _, count, challenge, dest_ip, crc = _RESEND.unpack_from(data)
        return Resend(packet_id, challenge, dest_ip, crc, data[RESEND_HEADER_LEN:], count, func)
    if kind == TYPE_FRAGMENT:
        _need(data, FRAGMENT_HEADER_LEN, "fragment header")
        _, _, ref_id, frag, inner, iv, crc = _FRAGMENT.unpack_from(data)
        return Fragment(
            packet_id,
            ref_id,
            frag & ~FRAGMENT_LAST_BIT,
            bool(frag & FRAGMENT_LAST_BIT),
            iv,
            crc,
            data[FRAGMENT_HEADER_LEN:],
            inner,
            func,
        )
    if kind in (TYPE_ACK, TYPE_NACK):
        if len(data) != NOTICE_LEN:
            raise WireError(
                f"type 0x{kind:02x} is {NOTICE_LEN} bytes, datagram has {len(data)}",
                min(len(data), NOTICE_LEN),
            )
        _, _, ip, value = _NOTICE.unpack_from(data)
        if kind == TYPE_ACK:
            return Ack(packet_id, ip, value, func)
        return Nack(packet_id, ip, value, func)
    return Opaque(packet_id, func, data[3:])


def build_datagram(datagram: Datagram) -> bytes:
    """The exact bytes of ``datagram`` (the inverse of :func:`parse_datagram`)."""
    return datagram.build()


_MIN_PAYLOAD = PAYLOAD_HEADER_LEN + 3
"""Smallest useful payload: one block of at least ``size cmd`` and one more byte."""


def looks_like_skype_udp(data: bytes) -> bool:
    """Cheap guess that a UDP payload is a classic Skype datagram, before any decryption.

    Only the layouts are checked (sizes per type, fixed bytes); a real verdict needs the CRC. The
    capture layer uses this to decide which flows are worth the key expansion.
    """
    size = len(data)
    if size < 3 or size > MAX_DATAGRAM_LEN:
        return False
    func = data[2]
    kind = func & TYPE_MASK
    if kind == TYPE_PAYLOAD:
        return size >= _MIN_PAYLOAD
    if kind == TYPE_RESEND:
        return size >= RESEND_HEADER_LEN + 4 and data[3] == 1
    if kind in (TYPE_ACK, TYPE_NACK):
        return size == NOTICE_LEN
    if kind == TYPE_FRAGMENT:
        if size <= FRAGMENT_HEADER_LEN or data[6] != TYPE_PAYLOAD:
            return False
        last = bool(data[5] & FRAGMENT_LAST_BIT)
        return last or size == FULL_FRAGMENT_LEN
    return False
