"""Classic Skype UDP datagrams (spec protocol.md section 1): parse and build, no crypto.

Every datagram starts with a big-endian 16-bit id and a ``func`` byte whose ``0x8F`` bits give the
type; the ``0x70`` bits are random filler. The full ``func`` byte is kept in every value so that
building gives back the exact bytes that were parsed. Decryption lives in
:mod:`skypeflux.wire.udp_crypt`, so this module works on ciphertext only.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Final, NamedTuple

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

FRAGMENT_LAST_BIT = 0x80
FULL_FRAGMENT_LEN = 0x54B
"""Every non-final fragment datagram has this size (spec 1.6)."""

MAX_DATAGRAM_LEN = 1500
"""Nothing on the classic Skype port is larger than one Ethernet MTU of UDP payload."""

_START = struct.Struct(">HB")  # id, func: the start of every datagram


def ip_number(address: str | int) -> int:
    """The 32-bit number of an IPv4 address given as text or already as a number."""
    try:
        return ipv4.ip_number(address)
    except ValueError as exc:
        raise WireError(str(exc), 0) from None


def _check_func(func: int, expected: int) -> None:
    if not 0 <= func <= 0xFF or func & TYPE_MASK != expected:
        raise WireError(f"func byte 0x{func:02x} is not of type 0x{expected:02x}", 2)


class Shape(NamedTuple):
    """What a type with a fixed header is on the wire: its type (``func & 0x8F``), its name,
    its header's fields in wire order (``id``, ``func`` first) and whether the datagram is
    exactly that header (nothing follows). :data:`SHAPES` holds one for each class."""

    type: int
    name: str
    header: struct.Struct
    exact: bool = False


class _Layout:
    """A type with a fixed header (its :class:`Shape`), then for most types the rest of the
    datagram. Each class says how its fields map to the header. The shapes live in a table,
    not in the classes: a compiled dataclass would take class constants for fields."""

    __slots__ = ()

    def _header_fields(self) -> tuple[int, ...]:
        raise NotImplementedError

    def _rest(self) -> bytes:
        return b""

    def build(self) -> bytes:
        fields = self._header_fields()
        shape = SHAPES[type(self)]
        _check_func(fields[1], shape.type)
        return shape.header.pack(*fields) + self._rest()


@dataclass(slots=True)
class Payload(_Layout):
    """Type 0x02: an obfuscated payload (a request or a reply)."""

    id: Final[int]
    iv: Final[int]
    crc: Final[int]
    ciphertext: Final[bytes]
    func: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        id: int,
        iv: int,
        crc: int,
        ciphertext: bytes,
        func: int = TYPE_PAYLOAD,
    ) -> None:
        self.id = id
        self.iv = iv
        self.crc = crc
        self.ciphertext = ciphertext
        self.func = func

    def _header_fields(self) -> tuple[int, ...]:
        return (self.id, self.func, self.iv, self.crc)

    def _rest(self) -> bytes:
        return self.ciphertext

    @classmethod
    def _from(cls, fields: tuple[int, ...], rest: bytes) -> Payload:
        packet_id, func, iv, crc = fields
        return cls(packet_id, iv, crc, rest, func)


@dataclass(slots=True)
class Resend(_Layout):
    """Type 0x03: a payload sent again after a NAck, keyed by the NAck's challenge (spec 1.4)."""

    id: Final[int]
    challenge: Final[int]
    dest_ip: Final[int]
    crc: Final[int]
    ciphertext: Final[bytes]
    count: Final[int]
    func: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        id: int,
        challenge: int,
        dest_ip: int,
        crc: int,
        ciphertext: bytes,
        count: int = 1,
        func: int = TYPE_RESEND,
    ) -> None:
        self.id = id
        self.challenge = challenge
        self.dest_ip = dest_ip
        self.crc = crc
        self.ciphertext = ciphertext
        self.count = count
        self.func = func

    def _header_fields(self) -> tuple[int, ...]:
        return (self.id, self.func, self.count, self.challenge, self.dest_ip, self.crc)

    def _rest(self) -> bytes:
        return self.ciphertext

    @classmethod
    def _from(cls, fields: tuple[int, ...], rest: bytes) -> Resend:
        packet_id, func, count, challenge, dest_ip, crc = fields
        return cls(packet_id, challenge, dest_ip, crc, rest, count, func)


@dataclass(slots=True)
class Fragment(_Layout):
    """Type 0x0F: one piece of a payload too long for one datagram (spec 1.6).

    Each fragment is encrypted on its own with the outer ``id``; ``ref_id`` is (in the 2006
    capture) the id of the request datagram that the fragmented reply answers.
    """

    id: Final[int]
    ref_id: Final[int]
    index: Final[int]
    last: Final[bool]
    iv: Final[int]
    crc: Final[int]
    ciphertext: Final[bytes]
    inner: Final[int]
    func: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        id: int,
        ref_id: int,
        index: int,
        last: bool,
        iv: int,
        crc: int,
        ciphertext: bytes,
        inner: int = TYPE_PAYLOAD,
        func: int = TYPE_FRAGMENT,
    ) -> None:
        self.id = id
        self.ref_id = ref_id
        self.index = index
        self.last = last
        self.iv = iv
        self.crc = crc
        self.ciphertext = ciphertext
        self.inner = inner
        self.func = func

    def _header_fields(self) -> tuple[int, ...]:
        if not 0 <= self.index < FRAGMENT_LAST_BIT:
            raise WireError(f"fragment index {self.index} out of range", 5)
        frag = self.index | (FRAGMENT_LAST_BIT if self.last else 0)
        return (self.id, self.func, self.ref_id, frag, self.inner, self.iv, self.crc)

    def _rest(self) -> bytes:
        return self.ciphertext

    @classmethod
    def _from(cls, fields: tuple[int, ...], rest: bytes) -> Fragment:
        packet_id, func, ref_id, frag, inner, iv, crc = fields
        index, last = frag & ~FRAGMENT_LAST_BIT, bool(frag & FRAGMENT_LAST_BIT)
        return cls(packet_id, ref_id, index, last, iv, crc, rest, inner, func)

    def build(self) -> bytes:
        _check_func(self.func, TYPE_FRAGMENT)  # before the index: the func is at offset 2
        return _Layout.build(self)


@dataclass(slots=True)
class Ack(_Layout):
    """Type 0x05: 11 clear bytes; ``ip`` is the acknowledged sender's public address."""

    id: Final[int]
    ip: Final[int]
    value: Final[int]
    func: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        id: int,
        ip: int,
        value: int,
        func: int = TYPE_ACK,
    ) -> None:
        self.id = id
        self.ip = ip
        self.value = value
        self.func = func

    @property
    def ip_text(self) -> str:
        return ip_text(self.ip)

    def _header_fields(self) -> tuple[int, ...]:
        return (self.id, self.func, self.ip, self.value)

    @classmethod
    def _from(cls, fields: tuple[int, ...], rest: bytes) -> Ack:
        packet_id, func, ip, value = fields
        return cls(packet_id, ip, value, func)


@dataclass(slots=True)
class Nack(_Layout):
    """Type 0x07: "could not decrypt you"; carries your public ``ip`` and the resend challenge."""

    id: Final[int]
    ip: Final[int]
    challenge: Final[int]
    func: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        id: int,
        ip: int,
        challenge: int,
        func: int = TYPE_NACK,
    ) -> None:
        self.id = id
        self.ip = ip
        self.challenge = challenge
        self.func = func

    @property
    def ip_text(self) -> str:
        return ip_text(self.ip)

    def _header_fields(self) -> tuple[int, ...]:
        return (self.id, self.func, self.ip, self.challenge)

    @classmethod
    def _from(cls, fields: tuple[int, ...], rest: bytes) -> Nack:
        packet_id, func, ip, challenge = fields
        return cls(packet_id, ip, challenge, func)


@dataclass(slots=True)
class Opaque:
    """A type with no known layout (0x0D media data, 0x00, a set bit 7...): kept as bytes."""

    id: Final[int]
    func: Final[int]
    body: Final[bytes]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        id: int,
        func: int,
        body: bytes,
    ) -> None:
        self.id = id
        self.func = func
        self.body = body

    @property
    def type(self) -> int:
        return self.func & TYPE_MASK

    def build(self) -> bytes:
        if not 0 <= self.func <= 0xFF:
            raise WireError(f"func byte {self.func} out of range", 2)
        return _START.pack(self.id, self.func) + self.body


Datagram = Payload | Resend | Fragment | Ack | Nack | Opaque

# ACK and NAck: 11 clear bytes, id func ip word (the layout both share)
_NOTICE_HEADER = struct.Struct(">HBII")

SHAPES: dict[type[_Layout], Shape] = {
    Payload: Shape(TYPE_PAYLOAD, "payload", struct.Struct(">HBII")),  # id func iv crc
    Resend: Shape(TYPE_RESEND, "resend", struct.Struct(">HBBIII")),  # id func count chal ip crc
    Fragment: Shape(TYPE_FRAGMENT, "fragment", struct.Struct(">HBHBBII")),  # + ref idx inner
    Ack: Shape(TYPE_ACK, "ack", _NOTICE_HEADER, exact=True),
    Nack: Shape(TYPE_NACK, "nack", _NOTICE_HEADER, exact=True),
}
"""The one table of the UDP types with a layout: each class's :class:`Shape`, whose header
declares the fixed fields both :func:`parse_datagram` and ``build`` use."""

UDP_TYPES: dict[int, type[Payload | Resend | Fragment | Ack | Nack]] = {
    SHAPES[cls].type: cls for cls in (Payload, Resend, Fragment, Ack, Nack)
}
"""Type (``func & 0x8F``) -> its class, from :data:`SHAPES`."""

PAYLOAD_HEADER_LEN = SHAPES[Payload].header.size
_PAYLOAD_HEADER = SHAPES[Payload].header
_PAYLOAD_SIZE = PAYLOAD_HEADER_LEN
RESEND_HEADER_LEN = SHAPES[Resend].header.size
FRAGMENT_HEADER_LEN = SHAPES[Fragment].header.size
NOTICE_LEN = _NOTICE_HEADER.size


def _need(data: bytes, size: int, what: str) -> None:
    if len(data) < size:
        raise WireError(f"{what} needs {size} bytes, datagram has {len(data)}", len(data))


def parse_datagram(data: bytes) -> Datagram:
    """Split one UDP payload (use the UDP length: Ethernet padding is not part of it)."""
    data = bytes(data)
    if len(data) >= _PAYLOAD_SIZE and data[2] & TYPE_MASK == TYPE_PAYLOAD:
        # most datagrams of a capture: the general path below, in fewer steps
        packet_id, func, iv, crc = _PAYLOAD_HEADER.unpack_from(data)
        return Payload(packet_id, iv, crc, data[_PAYLOAD_SIZE:], func)
    _need(data, 3, "datagram start")
    packet_id, func = _START.unpack_from(data)
    kind = func & TYPE_MASK
    cls = UDP_TYPES.get(kind)
    if cls is None:
        return Opaque(packet_id, func, data[3:])
    shape = SHAPES[cls]
    size = shape.header.size
    if shape.exact:
        if len(data) != size:
            raise WireError(
                f"type 0x{kind:02x} is {size} bytes, datagram has {len(data)}", min(len(data), size)
            )
    else:
        _need(data, size, f"{shape.name} header")
    return cls._from(shape.header.unpack_from(data), data[size:])


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
