"""IPv4 addresses and endpoints: the one place dotted text and 32-bit numbers convert.

Below every layer (it imports nothing from skypeflux), because every layer meets addresses: the
UDP seed hashes them as numbers (crypto), ACK/NAck datagrams carry them (wire), object family 2
holds one with a port (objects), and records name their endpoints (capture, outputs). An address
is a number ``a<<24 | b<<16 | c<<8 | d`` wherever it is kept; text is made only to be shown.

Errors are ``ValueError`` (``TypeError`` for a bool): each layer wraps them in its own exception.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

IP_MAX = 0xFFFFFFFF
UNKNOWN_IP = 0
UNKNOWN_IP_TEXT = "0.0.0.0"
"""What a client that does not know its own public address puts in its seeds."""

_CGN = ipaddress.IPv4Network("100.64.0.0/10")


@lru_cache(maxsize=1 << 16, typed=True)  # typed: True is not the address 1
def ip_text(ip: int) -> str:
    """``0xC0A80102`` -> ``"192.168.1.2"`` (remembered: every record names its endpoints,
    mostly the same few hosts)."""
    if isinstance(ip, bool) or not isinstance(ip, int) or not 0 <= ip <= IP_MAX:
        raise ValueError(f"IPv4 address {ip!r} is outside 0..0xFFFFFFFF")
    return f"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}"


packed_ip_text: Callable[[bytes], str] = socket.inet_ntoa
"""Four bytes in network order (as in an IPv4 header) -> dotted text, at C speed."""


def ip_number(address: int | str | ipaddress.IPv4Address) -> int:
    """The 32-bit number of an address given as a number, dotted text or ``IPv4Address``.

    Text must be a strict dotted quad (ASCII digits, no leading zeros, nothing around it).
    """
    if isinstance(address, bool):
        raise TypeError("an address cannot be a bool")
    if isinstance(address, int):
        if not 0 <= address <= IP_MAX:
            raise ValueError(f"IPv4 address {address} is outside 0..0xFFFFFFFF")
        return address
    if isinstance(address, ipaddress.IPv4Address):
        return int(address)
    if not isinstance(address, str):
        raise ValueError(f"not an IPv4 address: {address!r}")
    return _text_number(address)


@lru_cache(maxsize=4096)
def _text_number(text: str) -> int:
    try:
        return int(ipaddress.IPv4Address(text))
    except ValueError:
        raise ValueError(f"not an IPv4 address: {text!r}") from None


@lru_cache(maxsize=4096)
def is_private(ip: int | str) -> bool:
    """True for addresses a NAT hides (RFC 1918, CGN, link-local, loopback); False for text
    that is not an address."""
    try:
        addr = ipaddress.IPv4Address(ip)
    except ValueError:
        return False
    return addr.is_private or addr in _CGN


class Endpoint(NamedTuple):
    """An IPv4 address (as a number) and a port; ``str()`` is ``"a.b.c.d:port"``.

    A named tuple rather than a dataclass: every packet's endpoints are hashed, compared and
    ordered several times (flow keys, tables), and a tuple does that in C.
    """

    ip: int
    port: int

    @classmethod
    def of(cls, ip: int | str, port: int) -> Endpoint:
        """From an address as a number or dotted text."""
        return cls(ip_number(ip), port)

    @classmethod
    def parse(cls, text: str) -> Endpoint:
        """From ``"a.b.c.d:port"``; anything else raises ``ValueError``."""
        if not isinstance(text, str):
            raise ValueError(f"an endpoint must be a string a.b.c.d:port, got {text!r}")
        host, sep, port = text.rpartition(":")
        if not sep or not (port.isascii() and port.isdigit()) or int(port) > 0xFFFF:
            raise ValueError(f"not an endpoint of the form a.b.c.d:port: {text!r}")
        return cls(ip_number(host), int(port))

    @property
    def host(self) -> str:
        """The address as dotted text."""
        return ip_text(self.ip)

    def __str__(self) -> str:
        return f"{ip_text(self.ip)}:{self.port}"

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)
