"""From captured frames to UDP datagrams and TCP segments (IPv4), with nothing hidden.

Headers are read with ``struct.unpack_from`` straight from the captured bytes instead of building
dpkt objects: per packet that is several times faster (see benchmarks), and it lets us say exactly
what was cut. Payload lengths come from the IP total length and the UDP length, which removes
Ethernet padding and trailing FCS; when those lengths reach beyond the captured bytes the snap
length cut the packet, and the datagram or segment is marked ``truncated`` and carries only the
bytes present, so later layers never mistake a cut payload for a whole one.

Packets we do not decode (IPv6, ARP, ICMP, malformed headers) are counted in :class:`NetStats`,
not raised: one odd packet must not stop a capture.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any, NamedTuple

from skypeflux.capture.files.capture_set import CaptureSet
from skypeflux.capture.files.linktypes import (
    DECODABLE_LINKTYPES,
    LINKTYPE_AVS,
    LINKTYPE_C_HDLC,
    LINKTYPE_ETHERNET,
    LINKTYPE_IEEE802_11,
    LINKTYPE_IPV4,
    LINKTYPE_IPV6,
    LINKTYPE_LINUX_SLL,
    LINKTYPE_LINUX_SLL2,
    LINKTYPE_LOOP,
    LINKTYPE_NFLOG,
    LINKTYPE_NULL,
    LINKTYPE_PPI,
    LINKTYPE_PPP,
    LINKTYPE_PPP_HDLC,
    LINKTYPE_PRISM,
    LINKTYPE_RADIOTAP,
    LINKTYPE_RAW,
    LINKTYPE_RAW_DLT12,
    LINKTYPE_RAW_DLT14,
)
from skypeflux.capture.files.reader import CaptureReader
from skypeflux.capture.files.stream import MAX_RECORD, RawPacket, ScanInterfaces
from skypeflux.capture.net import links
from skypeflux.capture.net.ip_fragments import FragmentReassembler
from skypeflux.ipv4 import Endpoint, packed_ip_text

_Parse = Callable[[bytes, int], "tuple[Any, ...] | None"]
_fast_parse: _Parse | None
_fast_scan: Callable[..., tuple[list[Any], int, int, list[int], int, int]] | None
_fast_scan_pcapng: Callable[..., tuple[list[Any], int, int, list[int], int, int]] | None
try:  # the plain case in C (optional, like the other fast paths)
    from skypeflux.capture.net._fastnet import parse as _fast_parse
    from skypeflux.capture.net._fastnet import scan_pcap as _fast_scan
    from skypeflux.capture.net._fastnet import scan_pcapng as _fast_scan_pcapng
    from skypeflux.capture.net._fastnet import use_endpoint
except ImportError:  # pragma: no cover - a build without a C compiler
    _fast_parse = _fast_scan = _fast_scan_pcapng = None

# TCP flag bits
FIN = 0x01
SYN = 0x02
RST = 0x04
PSH = 0x08
ACK = 0x10

IPPROTO_TCP = 6
IPPROTO_UDP = 17

_ETHERTYPE_IPV4 = 0x0800
_ETHERTYPE_IPV6 = 0x86DD
_VLAN_TAGS = frozenset({0x8100, 0x88A8, 0x9100})  # 802.1Q, 802.1ad (QinQ), old QinQ
_AF_INET = 2
_AF_INET6 = frozenset({10, 24, 28, 30})  # Linux, NetBSD/OpenBSD, FreeBSD, macOS

# An IPv4 total length of 0 (segmentation offload) takes the captured length, up to the largest
# length the field could have said (a hostile packet of megabytes is cut there, and reported)
MAX_IP_LENGTH_ZERO = 65535

_U16 = struct.Struct("!H")
_IPV4 = struct.Struct("!BxHHHBB2x4s4s")  # ver/ihl, total length, id, flags/frag, ttl, proto
_UDP = struct.Struct("!HHH")
_TCP = struct.Struct("!HHIIBB")


_NO_ENDPOINT = Endpoint(-1, -1)


@dataclass(slots=True)
class _Addressed:
    """Where and when a transport unit was captured; ``source`` and ``destination`` are the
    same addresses and ports as endpoints, made once here for every layer above. Not frozen
    (a frozen dataclass pays a ``object.__setattr__`` per field, on every packet); nothing
    changes one after the decoder made it."""

    frame: int
    ts: float
    src: str
    sport: int
    dst: str
    dport: int
    # given by the network decoder (from the header's numbers); made from the text otherwise
    source: Endpoint = field(default=_NO_ENDPOINT, kw_only=True, repr=False, compare=False)
    destination: Endpoint = field(default=_NO_ENDPOINT, kw_only=True, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.source is _NO_ENDPOINT:
            self.source = Endpoint.of(self.src, self.sport)
            self.destination = Endpoint.of(self.dst, self.dport)


@dataclass(slots=True)
class UdpDatagram(_Addressed):
    """One UDP datagram; ``frames`` lists every frame that carried it (several if fragmented)."""

    payload: bytes
    truncated: bool
    frames: tuple[int, ...]


@dataclass(slots=True)
class TcpSegment(_Addressed):
    """One TCP segment; ``flags`` holds the FIN/SYN/RST/PSH/ACK... bits of the header."""

    seq: int
    ack: int
    flags: int
    payload: bytes
    truncated: bool
    frames: tuple[int, ...]


Transport = UdpDatagram | TcpSegment
# One packet as the decoding passes take it: frame, time, length on the wire, and what the
# network layer made of it (None: counted in NetStats, nothing to hand on).
Entry = tuple[int, float, int, "Transport | None"]

if _fast_parse is not None:
    from skypeflux.capture.net._fastnet import TCP_FIELDS, UDP_FIELDS, use_types

    use_endpoint(Endpoint)  # it makes the endpoints too
    # scan_pcap fills these classes' slots in this order, skipping __init__: a field added,
    # removed or moved must be added there too, or the C path is not used at all
    if (
        tuple(f.name for f in fields(UdpDatagram)) == UDP_FIELDS
        and tuple(f.name for f in fields(TcpSegment)) == TCP_FIELDS
    ):
        use_types(RawPacket, UdpDatagram, TcpSegment)
    else:  # pragma: no cover - caught by tests/capture/test_fast_net.py
        _fast_scan = _fast_scan_pcapng = None


@dataclass(slots=True)
class NetStats:
    """What happened to every packet that did not become a datagram or segment (and some that
    did), so a user can see why traffic is missing from the output."""

    packets: int = 0
    ipv4: int = 0
    ipv6: int = 0  # counted and skipped: classic Skype runs over IPv4
    not_ip: int = 0  # ARP, LLC, other ethertypes / address families
    other_protocol: int = 0  # ICMP, IGMP, ... (IPv4 but neither UDP nor TCP)
    malformed: int = 0  # headers too short or inconsistent
    truncated: int = 0  # datagrams/segments delivered with bytes missing (snap length)
    fragments: int = 0  # IPv4 fragments fed to reassembly
    fragment_pending: int = 0  # fragments kept (or refused) by reassembly, no datagram yet
    udp: int = 0
    tcp: int = 0

    def outcome_total(self) -> int:
        """Packets given exactly one outcome; equals ``packets`` (every packet is accounted
        for: the fuzzer checks it on every input)."""
        return (
            self.ipv6
            + self.not_ip
            + self.other_protocol
            + self.malformed
            + self.fragment_pending
            + self.udp
            + self.tcp
        )


# -- link layers: each returns (offset of the network header, 4 / 6 / 0 for IPv4 / IPv6 / other)


def _ethertype_kind(ethertype: int) -> int:
    if ethertype == _ETHERTYPE_IPV4:
        return 4
    if ethertype == _ETHERTYPE_IPV6:
        return 6
    return 0


def _after_vlan_tags(data: bytes, pos: int) -> tuple[int, int]:
    """The ethertype at ``pos`` after any 802.1Q/802.1ad tags, as (network offset, kind)."""
    ethertype = _U16.unpack_from(data, pos)[0]
    while ethertype in _VLAN_TAGS:
        pos += 4
        if len(data) < pos + 2:
            return -1, 0
        ethertype = _U16.unpack_from(data, pos)[0]
    return pos + 2, _ethertype_kind(ethertype)


def _ethernet(data: bytes) -> tuple[int, int]:
    if len(data) < 14:
        return -1, 0
    return _after_vlan_tags(data, 12)


def _linux_sll(data: bytes) -> tuple[int, int]:
    if len(data) < 16:
        return -1, 0
    return _after_vlan_tags(data, 14)


def _linux_sll2(data: bytes) -> tuple[int, int]:
    if len(data) < 20:
        return -1, 0
    return 20, _ethertype_kind(_U16.unpack_from(data, 0)[0])


def _raw_ip(data: bytes) -> tuple[int, int]:
    if not data:
        return -1, 0
    version = data[0] >> 4
    return 0, version if version in (4, 6) else 0


def _null(data: bytes) -> tuple[int, int]:
    """BSD loopback: a 4-byte address family in the *capturing* host's byte order."""
    if len(data) < 4:
        return -1, 0
    family = int.from_bytes(data[:4], "little")
    if family > 0xFFFF:  # written by a big-endian host
        family = int.from_bytes(data[:4], "big")
    return 4, _family_kind(family)


def _loop(data: bytes) -> tuple[int, int]:
    """OpenBSD loopback: like NULL but the family is always big-endian."""
    if len(data) < 4:
        return -1, 0
    return 4, _family_kind(int.from_bytes(data[:4], "big"))


def _family_kind(family: int) -> int:
    if family == _AF_INET:
        return 4
    return 6 if family in _AF_INET6 else 0


_LINK_DECODERS: dict[int, Callable[[bytes], tuple[int, int]]] = {
    LINKTYPE_NULL: _null,
    LINKTYPE_ETHERNET: _ethernet,
    LINKTYPE_RAW_DLT12: _raw_ip,
    LINKTYPE_RAW_DLT14: _raw_ip,
    LINKTYPE_RAW: _raw_ip,
    LINKTYPE_LOOP: _loop,
    LINKTYPE_LINUX_SLL: _linux_sll,
    LINKTYPE_IPV4: _raw_ip,
    LINKTYPE_IPV6: _raw_ip,
    LINKTYPE_LINUX_SLL2: _linux_sll2,
    LINKTYPE_PPP: links.ppp,
    LINKTYPE_PPP_HDLC: links.ppp,
    LINKTYPE_C_HDLC: links.cisco_hdlc,
    LINKTYPE_IEEE802_11: links.ieee802_11,
    LINKTYPE_PRISM: links.prism,
    LINKTYPE_RADIOTAP: links.radiotap,
    LINKTYPE_AVS: links.avs,
    LINKTYPE_NFLOG: links.nflog,
}
_LINK_DECODERS[LINKTYPE_PPI] = lambda data: links.ppi(data, _LINK_DECODERS)
assert set(_LINK_DECODERS) == DECODABLE_LINKTYPES, "reader and decoder disagree on link types"


class NetDecoder:
    """Turns :class:`RawPacket` values into UDP datagrams and TCP segments, keeping statistics
    and the open IPv4 fragment sets (the only state it holds)."""

    def __init__(
        self,
        *,
        fragments: FragmentReassembler | None = None,
        max_ip_length_zero: int = MAX_IP_LENGTH_ZERO,
        fast: bool | None = None,
    ) -> None:
        """``fast``: parse the plain case in C (``None``: when it is built; ``False``: never,
        for the tests that compare both)."""
        if fast and _fast_parse is None:
            raise ValueError("the C network parser (_fastnet) is not built")
        self._fast = _fast_parse if fast is not False else None
        self.stats = NetStats()
        self.fragments = fragments if fragments is not None else FragmentReassembler()
        self.max_ip_length_zero = max_ip_length_zero
        self.reasons: dict[str, int] = {}  # why packets were malformed or cut -> how many

    def _malformed(self, reason: str) -> None:
        self.stats.malformed += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def _cut(self, reason: str) -> None:
        self.stats.truncated += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1

    def decode_all(self, packets: Iterable[RawPacket]) -> Iterator[Transport]:
        decode = self.decode
        for packet in packets:
            out = decode(packet)
            if out is not None:
                yield out

    def stream(self, reader: CaptureReader | CaptureSet) -> Iterator[list[Entry]]:
        """Every packet of ``reader`` decoded, a list at a time, in frame order: with the C
        parser, the pcap records and pcapng enhanced packet blocks lying in the reader's block
        are read and decoded in one call a batch (``scan_pcap``, ``scan_pcapng``: no RawPacket,
        call or dataclass ``__init__`` per plain packet), the rest as :meth:`decode` does it.
        Either way the entries and statistics are the same (tests/capture/test_fast_net.py)."""
        scan = _Scan(self) if self._fast is not None and _fast_scan is not None else None
        return reader.batches(scan, self._decoded)

    def _decoded(self, packets: list[RawPacket]) -> list[Entry]:
        decode = self.decode
        return [(p.frame, p.ts, p.wirelen, decode(p)) for p in packets]

    def decode(self, packet: RawPacket) -> Transport | None:
        """The datagram or segment in ``packet``, or ``None`` (counted in ``stats``)."""
        stats = self.stats
        if self._fast is not None:
            plain = self._fast(packet.data, packet.linktype)
            if plain is not None:  # a whole, unfragmented IPv4 UDP/TCP packet (_fastnet.c)
                stats.packets += 1
                stats.ipv4 += 1
                frame = packet.frame
                if plain[0] == IPPROTO_UDP:
                    stats.udp += 1
                    return _udp_datagram(frame, packet.ts, plain, False, (frame,))
                stats.tcp += 1
                return _tcp_segment(frame, packet.ts, plain, False, (frame,))
        return self._python_decode(packet)

    def _python_decode(self, packet: RawPacket) -> Transport | None:
        """Everything the C parser declines (or all, without it)."""
        stats = self.stats
        stats.packets += 1
        link = _LINK_DECODERS.get(packet.linktype)
        data = packet.data
        if link is None:
            stats.not_ip += 1
            return None
        pos, kind = link(data)
        if kind != 4:
            if kind == 6:
                stats.ipv6 += 1
            elif pos < 0:
                self._malformed("link header cut short")
            else:
                stats.not_ip += 1
            return None
        if len(data) < pos + 20:
            self._malformed("IPv4 header cut short")
            return None
        vihl, total, ident, frag, _ttl, proto, src, dst = _IPV4.unpack_from(data, pos)
        ihl = (vihl & 0x0F) * 4
        if vihl >> 4 != 4 or ihl < 20 or len(data) < pos + ihl:
            self._malformed("IPv4 version or header length wrong")
            return None
        stats.ipv4 += 1
        captured = len(data) - pos
        beyond = False
        if total == 0:  # segmentation offload: the header does not know the length
            # Bounded: a hostile "length 0" packet of megabytes would otherwise become one
            # segment whose records are all held at once. Beyond the bound it counts as cut.
            claimed = captured + max(packet.wirelen - packet.caplen, 0)
            total = min(claimed, self.max_ip_length_zero)
            beyond = claimed > total
            if total < ihl:
                self._malformed("IPv4 total length 0 on a short packet")
                return None
        elif total < ihl:
            self._malformed("IPv4 total length below its header length")
            return None
        cut = total > captured or beyond
        end = pos + min(total, captured)
        frames: tuple[int, ...] = (packet.frame,)
        if frag & 0x3FFF:  # more-fragments bit or a fragment offset
            stats.fragments += 1
            if cut:  # a cut fragment can never complete its set
                stats.fragment_pending += 1
                self._cut("IPv4 fragment cut by the snap length")
                return None
            done = self.fragments.add(
                (src, dst, ident, proto),
                (frag & 0x1FFF) * 8,
                bool(frag & 0x2000),
                data[pos + ihl : end],
                packet.frame,
                packet.ts,
            )
            if done is None:
                stats.fragment_pending += 1
                return None
            data, pos, end, frames = done.payload, 0, len(done.payload), done.frames
        else:
            pos += ihl
        if proto == IPPROTO_UDP:
            return self._udp(_IpPayload(packet, data, pos, end, cut, src, dst, frames))
        if proto == IPPROTO_TCP:
            return self._tcp(_IpPayload(packet, data, pos, end, cut, src, dst, frames))
        stats.other_protocol += 1
        return None

    def _udp(self, ip: _IpPayload) -> UdpDatagram | None:
        data, pos, end, cut = ip.data, ip.pos, ip.end, ip.cut
        if end - pos < 8:
            self._malformed("UDP header cut short")
            return None
        sport, dport, length = _UDP.unpack_from(data, pos)
        if length < 8:
            self._malformed("UDP length below 8")
            return None
        if pos + length > end:
            if not cut:  # the IP datagram is whole, so the UDP length is wrong
                self._malformed("UDP length beyond the IPv4 packet")
                return None
            payload = data[pos + 8 : end]
        else:
            payload = data[pos + 8 : pos + length]
            cut = False
        self.stats.udp += 1
        if cut:
            self._cut("UDP datagram cut by the snap length")
        fields = (IPPROTO_UDP, *_addresses(ip, sport, dport), payload)
        return _udp_datagram(ip.packet.frame, ip.packet.ts, fields, cut, ip.frames)

    def _tcp(self, ip: _IpPayload) -> TcpSegment | None:
        data, pos, end = ip.data, ip.pos, ip.end
        if end - pos < 20:
            self._malformed("TCP header cut short")
            return None
        sport, dport, seq, ack, offset, flags = _TCP.unpack_from(data, pos)
        header = (offset >> 4) * 4
        if header < 20 or pos + header > end:
            self._malformed("TCP header length wrong")
            return None
        self.stats.tcp += 1
        if ip.cut:
            self._cut("TCP segment cut by the snap length")
        payload = data[pos + header : end]
        fields = (IPPROTO_TCP, *_addresses(ip, sport, dport), payload, seq, ack, flags)
        return _tcp_segment(ip.packet.frame, ip.packet.ts, fields, ip.cut, ip.frames)


class _Scan:
    """The C scans as a reader's BlockScan: their plain packets counted as :meth:`decode`
    counts them, the ones they leave to Python decoded by it, in place."""

    def __init__(self, net: NetDecoder) -> None:
        self._net = net

    def pcap(
        self,
        buf: bytes,
        pos: int,
        record_size: int,
        big_endian: bool,
        units: int,
        linktype: int,
        frame: int,
        count: int,
        /,
    ) -> tuple[list[Any], int, int]:
        assert _fast_scan is not None
        done = _fast_scan(
            buf, pos, record_size, big_endian, units, linktype, frame, MAX_RECORD, count
        )
        return self._finish(*done)

    def pcapng(
        self,
        buf: bytes,
        pos: int,
        big_endian: bool,
        frame: int,
        count: int,
        interfaces: ScanInterfaces,
        /,
    ) -> tuple[list[Any], int, int]:
        assert _fast_scan_pcapng is not None
        done = _fast_scan_pcapng(buf, pos, big_endian, frame, MAX_RECORD, count, interfaces)
        return self._finish(*done)

    def _finish(
        self, entries: list[Any], stop: int, last: int, slow: list[int], udp: int, tcp: int
    ) -> tuple[list[Any], int, int]:
        net = self._net
        stats = net.stats
        stats.packets += udp + tcp  # the ones left to Python are counted by decode()
        stats.ipv4 += udp + tcp
        stats.udp += udp
        stats.tcp += tcp
        decode = net._python_decode  # the scan has declined these: no second C attempt
        for i in slow:
            raw: RawPacket = entries[i]
            entries[i] = (raw.frame, raw.ts, raw.wirelen, decode(raw))
        return entries, stop, last


def _addresses(ip: _IpPayload, sport: int, dport: int) -> tuple[str, str, Endpoint, Endpoint]:
    """The addresses as the C parser gives them: texts, then endpoints."""
    src, dst = ip.src, ip.dst
    return (
        packed_ip_text(src),
        packed_ip_text(dst),
        Endpoint(_number(src), sport),
        Endpoint(_number(dst), dport),
    )


# The one place a datagram or segment is made, from the fields _fastnet.parse returns (or the
# Python parser gives in the same shape): (17, src text, dst text, source, destination,
# payload) or (6, ..., payload, seq, ack, flags).


def _udp_datagram(
    frame: int, ts: float, plain: tuple[Any, ...], cut: bool, frames: tuple[int, ...]
) -> UdpDatagram:
    _, src_text, dst_text, source, destination, payload = plain
    return UdpDatagram(
        frame,
        ts,
        src_text,
        source.port,
        dst_text,
        destination.port,
        payload,
        cut,
        frames,
        source=source,
        destination=destination,
    )


def _tcp_segment(
    frame: int, ts: float, plain: tuple[Any, ...], cut: bool, frames: tuple[int, ...]
) -> TcpSegment:
    _, src_text, dst_text, source, destination, payload, seq, ack, flags = plain
    return TcpSegment(
        frame,
        ts,
        src_text,
        source.port,
        dst_text,
        destination.port,
        seq,
        ack,
        flags,
        payload,
        cut,
        frames,
        source=source,
        destination=destination,
    )


class _IpPayload(NamedTuple):
    """What an IPv4 datagram hands its transport parser: where the transport bytes lie."""

    packet: RawPacket
    data: bytes
    pos: int  # the transport header starts here
    end: int
    cut: bool  # the snap length cut the IP datagram
    src: bytes
    dst: bytes
    frames: tuple[int, ...]


def _number(packed: bytes) -> int:
    return int.from_bytes(packed, "big")
