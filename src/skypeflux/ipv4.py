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

# What is_private() counts as hidden: the special-purpose blocks that Python 3.11's ipaddress
# calls private (written out here: later Python releases changed that list, and an answer must
# not depend on the Python that runs), and the carrier-grade NAT block (RFC 6598).
PRIVATE_NETWORKS = (
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.0.0.0/29",
    "192.0.0.170/31",
    "192.0.2.0/24",
    "192.168.0.0/16",
    "198.18.0.0/15",
    "198.51.100.0/24",
    "203.0.113.0/24",
    "240.0.0.0/4",
    "255.255.255.255/32",
)


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
    # inet_pton: the same strict dotted quad as ipaddress.IPv4Address (tests/test_ipv4.py
    # compares them), in C, four times faster; a capture of many hosts parses many addresses
    try:
        return int.from_bytes(socket.inet_pton(socket.AF_INET, text), "big")
    except (OSError, ValueError):  # ValueError: a NUL, or text that is not UTF-8
        raise ValueError(f"not an IPv4 address: {text!r}") from None


def _by_first_octet(networks: tuple[str, ...]) -> dict[int, tuple[tuple[int, int], ...]]:
    """(network, mask) pairs under each first octet they cover: most addresses are public,
    and their first octet alone says so."""
    table: dict[int, list[tuple[int, int]]] = {}
    for text in networks:
        network = ipaddress.IPv4Network(text)
        net, mask = int(network.network_address), int(network.netmask)
        for octet in range(net >> 24, (int(network.broadcast_address) >> 24) + 1):
            table.setdefault(octet, []).append((net, mask))
    return {octet: tuple(pairs) for octet, pairs in table.items()}


_PRIVATE_BY_OCTET = _by_first_octet(PRIVATE_NETWORKS)


def private_number(ip: int) -> bool:
    """:func:`is_private` for an address already a number (0..0xFFFFFFFF)."""
    pairs = _PRIVATE_BY_OCTET.get(ip >> 24)
    return pairs is not None and any(ip & mask == net for net, mask in pairs)


@lru_cache(maxsize=4096, typed=True)  # typed: True is not the address 1
def is_private(ip: int | str) -> bool:
    """True for addresses a NAT hides or that no host has on the Internet (RFC 1918, CGN,
    link-local, loopback, documentation and reserved blocks: :data:`PRIVATE_NETWORKS`);
    False for anything that is not an address."""
    try:
        number = ip_number(ip)
    except (ValueError, TypeError):
        return False
    return private_number(number)


def is_multicast_number(ip: int) -> bool:
    """224.0.0.0/4."""
    return ip >> 28 == 0xE


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
