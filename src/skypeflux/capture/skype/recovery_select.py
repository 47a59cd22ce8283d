"""Which hosts need their public address recovered, and which of their datagrams to search.

A host qualifies when it has a private address, sends type 0x02 datagrams, and none of them
verifies with a public address the capture gives it: not with its captured address, not with
0.0.0.0 (before a client learns its own), not with one a clear ACK or NAck sent to it claims.
Those datagrams are the ones the decoder cannot open; ``recover-ip`` searches the address that
opens them. Only clear UDP headers are read here (nothing is decrypted but to check a known
address), so this reads the capture once, quickly, before a search that may take minutes.

For each host the datagram searched is the shortest of its busiest source port (the cheapest
full check after the first-byte filter, and the strongest filter), then up to ``confirmers``
others, different destinations first, to confirm a hit (``recovery.judge``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from skypeflux.capture.files.source import open_capture
from skypeflux.capture.net.packets import NetDecoder, UdpDatagram
from skypeflux.capture.skype.addresses import is_private
from skypeflux.capture.skype.recovery import Datagram
from skypeflux.crypto.search import Target
from skypeflux.ipv4 import UNKNOWN_IP_TEXT
from skypeflux.wire import udp as wudp
from skypeflux.wire.errors import WireError

UNKNOWN_ADDRESS = UNKNOWN_IP_TEXT
MIN_CIPHERTEXT = 2
"""A command block needs at least a size and a command byte."""


@dataclass(frozen=True)
class Host:
    """A host to search: its captured address and the datagrams chosen (searched one first)."""

    address: str
    datagrams: tuple[Datagram, ...]
    unverified: int
    """How many of its 0x02 datagrams no address from the capture opens."""


@dataclass
class _Seen:
    payloads: list[tuple[UdpDatagram, wudp.Payload]]
    claims: set[str]


def _verifies(d: UdpDatagram, p: wudp.Payload, addresses: set[str]) -> bool:
    target = Target(wudp.ip_number(d.dst), p.id, p.iv, p.crc, p.ciphertext)
    return any(target.open(wudp.ip_number(a))[1] for a in addresses)


def _choose(candidates: list[tuple[int, Datagram]], confirmers: int) -> tuple[Datagram, ...]:
    """The datagram to search and those to confirm with, from ``(source port, datagram)``.

    The search is only as good as its first datagram: one that is not Skype at all (other UDP
    whose third byte happens to read as type 0x02) would make a whole sweep find nothing. So
    it comes from the host's busiest source port, the Skype one in practice.
    """
    ports = Counter(port for port, _ in candidates)
    busiest = ports.most_common(1)[0][0]
    ordered = sorted(candidates, key=lambda c: (c[0] != busiest, len(c[1].ciphertext), c[1].frame))
    first = ordered[0][1]
    destinations = {first.dst}
    spread: list[Datagram] = []
    same: list[Datagram] = []
    for _, d in ordered[1:]:
        (same if d.dst in destinations else spread).append(d)
        destinations.add(d.dst)
    return (first, *(spread + same)[:confirmers])


def select_hosts(
    source: str | Path | BinaryIO,
    *,
    host: str | None = None,
    port: int | None = None,
    confirmers: int = 4,
) -> list[Host]:
    """The hosts of the capture that need a search (only ``host``, if given), in address order.

    ``host`` (with ``port``) also selects a host whose address is known from the capture: then
    only its datagrams that do not verify are used.
    """
    seen: defaultdict[str, _Seen] = defaultdict(lambda: _Seen([], set()))
    net = NetDecoder()
    with open_capture(source, skip_unsupported=True) as reader:
        for packet in reader:
            item = net.decode(packet)
            if not isinstance(item, UdpDatagram) or item.truncated:
                continue
            try:
                parsed = wudp.parse_datagram(item.payload)
            except WireError:
                continue
            if isinstance(parsed, wudp.Ack | wudp.Nack) and is_private(item.dst):
                seen[item.dst].claims.add(parsed.ip_text)
            elif (
                isinstance(parsed, wudp.Payload)
                and is_private(item.src)
                and (host is None or item.src == host)
                and (port is None or item.sport == port)
                and len(parsed.ciphertext) >= MIN_CIPHERTEXT
            ):
                seen[item.src].payloads.append((item, parsed))
    hosts = []
    for address in sorted(seen, key=wudp.ip_number):
        record = seen[address]
        if not record.payloads:
            continue
        known = {address, UNKNOWN_ADDRESS} | record.claims
        verdicts = [(d, p, _verifies(d, p, known)) for d, p in record.payloads]
        public_known = any(_verifies(d, p, record.claims) for d, p in record.payloads)
        if public_known and host is None:
            continue  # the decoder opens them already
        open_ = [
            (d.sport, Datagram(d.frame, d.dst, p.id, p.iv, p.crc, p.ciphertext))
            for d, p, ok in verdicts
            if not ok
        ]
        if open_:
            hosts.append(Host(address, _choose(open_, confirmers), len(open_)))
    return hosts
