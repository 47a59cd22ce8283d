"""Which addresses count as private, and the numbers and texts of addresses."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from skypeflux.capture.skype.addresses import plausible_public
from skypeflux.ipv4 import IP_MAX, PRIVATE_NETWORKS, ip_number, ip_text, is_private

NETWORKS = [ipaddress.IPv4Network(text) for text in PRIVATE_NETWORKS]
EDGES = sorted(
    {
        int(edge) + step
        for network in NETWORKS
        for edge in (network.network_address, network.broadcast_address)
        for step in (-1, 0, 1)
        if 0 <= int(edge) + step <= IP_MAX
    }
)


def _listed(number: int) -> bool:
    return any(ipaddress.IPv4Address(number) in network for network in NETWORKS)


@given(st.one_of(st.integers(0, IP_MAX), st.sampled_from(EDGES)))
def test_private_is_membership_of_the_listed_blocks(number: int) -> None:
    expected = _listed(number)
    assert is_private(number) is expected
    assert is_private(ip_text(number)) is expected
    multicast = ipaddress.IPv4Address(number).is_multicast
    assert plausible_public(ip_text(number)) is (not expected and not multicast)


def test_the_blocks_a_user_meets() -> None:
    hidden = ["192.168.1.2", "10.1.2.3", "172.16.0.1", "172.31.255.255", "100.64.0.1", "127.0.0.1"]
    hidden += ["169.254.1.1", "0.0.0.0", "255.255.255.255", "240.0.0.1", "192.0.2.7"]
    public = ["86.128.245.115", "172.32.0.1", "100.128.0.0", "192.0.0.9", "8.8.8.8"]
    assert all(is_private(ip) for ip in hidden)
    assert not any(is_private(ip) for ip in public)
    assert not plausible_public("224.0.0.1") and not plausible_public("0.0.0.0")
    assert plausible_public("86.128.245.115")


def test_what_is_not_an_address_is_not_private() -> None:
    odd = ["", "192.168.1", "192.168.01.2", "192.168.1.2 ", "10.0.0.256", "x", "\u0661.2.3.4"]
    for thing in odd:
        assert is_private(thing) is False and not plausible_public(thing)
    assert is_private(-1) is False and is_private(IP_MAX + 1) is False
    assert is_private(True) is False and is_private(1) is True  # a bool is not the address 1
    assert ip_number("192.168.1.2") == 0xC0A80102


DOTTED = st.text(alphabet="0123456789.x -+\u0661\x00", max_size=18)


@given(st.one_of(DOTTED, st.integers(0, IP_MAX).map(ip_text), st.text(max_size=8)))
def test_text_is_read_exactly_as_ipaddress_reads_it(text: str) -> None:
    try:
        expected: int | None = int(ipaddress.IPv4Address(text))
    except ValueError:
        expected = None
    try:
        got: int | None = ip_number(text)
    except ValueError:
        got = None
    assert got == expected
