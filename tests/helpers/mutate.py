"""A structure-aware mutator of whole captures, for the pipeline fuzzer.

Inputs are slices of 1 to 50 packets: of SkypeIRC.cap (biased towards its Skype frames) and of
captures synthesized here from the project's own encoders (UDP 0x02/0x03/0x05/0x07/0x0F, an
obfuscated TCP conversation, IP fragments), framed for every decodable link type. Each case
applies a few packet-level mutations (bit flips, interesting values in IP/UDP/TCP length and
fragment fields, cuts at every layer boundary, random lengths, shuffled, duplicated, dropped and
random packets, IP re-fragmentation) and is written as pcap or pcapng by a writer that can lie
(huge snap lengths, bad record and block lengths, short or empty blocks, odd options, several
sections and interfaces); some cases then get file-level mutations (cut at any byte, bit flips,
length fields replaced) at offsets the writer reports. Everything is derived from ``random.Random``
with the case's seed, so a failing case is reproduced from ``(seed, index)`` alone.
"""

from __future__ import annotations

import random
import struct
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from skypeflux.capture.files import open_capture
from skypeflux.capture.net.build import LINKS, fragment, udp
from skypeflux.capture.net.tcp_build import TcpConversation
from skypeflux.wire import udp as wudp
from skypeflux.wire.tcp import LAST_WORD_INITIATOR, LAST_WORD_RESPONDER, ack_frame, data_frame
from skypeflux.wire.tcp_stream import encode_stream
from skypeflux.wire.udp_crypt import seal_fragment, seal_payload, seal_resend

MAX_SLICE = 50


@dataclass(slots=True)
class Pkt:
    """One packet to write: link type, captured bytes, original length, time."""

    linktype: int
    data: bytes
    wirelen: int
    ts: float


@dataclass(slots=True)
class Case:
    """One mutated capture and how it was made (for a failure report)."""

    data: bytes
    steps: list[str] = field(default_factory=list)


# -- seeds ---------------------------------------------------------------------------------


def real_packets(path: Path) -> list[Pkt]:
    with open_capture(path) as reader:
        return [Pkt(p.linktype, p.data, p.wirelen, p.ts) for p in reader]


_A, _AP = "86.128.245.115", 35990
_B, _BP = "84.228.208.91", 4464
_C, _CP = "192.168.7.20", 1312
_S, _SP = "68.206.150.243", 33033


def synthesized_ips(rng: random.Random) -> list[list[bytes]]:
    """IPv4 packets of a few small Skype scenes built with the project's own encoders."""
    body = bytes.fromhex("0aa3c2c4e0074142010007ac01")  # a tiny block: cmd, reqid, 0x41 list

    def up(payload: bytes, ident: int = 1) -> bytes:
        return udp(_A, _AP, _B, _BP, payload, ident=ident)

    def down(payload: bytes, ident: int = 1) -> bytes:
        return udp(_B, _BP, _A, _AP, payload, ident=ident)

    scenes: list[list[bytes]] = []
    payload = seal_payload(body, packet_id=0x1234, iv=0x2BB72FED, src_ip=_A, dst_ip=_B).build()
    ack = wudp.Ack(0x1234, wudp.ip_number(_A), 0xDEADBEEF, func=0x45).build()
    resend = seal_resend(body, packet_id=0x1235, challenge=0xDEADBEEF, dest_ip=_B).build()
    scenes.append([up(payload), down(ack), up(resend)])
    big = bytes(rng.randrange(256) for _ in range(3000))
    pieces = [big[i : i + 1340] for i in range(0, len(big), 1340)]
    frags = [
        seal_fragment(
            piece,
            packet_id=0x4A10,
            ref_id=0x1234,
            index=i,
            last=i == len(pieces) - 1,
            iv=(0x600DF00D + i) & 0xFFFFFFFF,
            src_ip=_B,
            dst_ip=_A,
        ).build()
        for i, piece in enumerate(pieces)
    ]
    scenes.append([down(f, 100 + i) for i, f in enumerate(frags)])
    whole = down(frags[0], 200)
    scenes.append(fragment(whole, 8 * rng.randrange(1, 40)))
    conv = TcpConversation(_C, _CP, _S, _SP)
    frames = [data_frame(0x2000 + 2 * i, body) for i in range(4)] + [ack_frame(7)]
    client = encode_stream(0x5EED0001, frames, seq16=0x1234, last_word=LAST_WORD_INITIATOR)
    server = encode_stream(0x0BADCAFE, frames, seq16=0x4321, last_word=LAST_WORD_RESPONDER)
    size = rng.randrange(1, 64)
    tcp = conv.handshake()
    tcp += [s.packet for s in conv.stream(True, client, size)]
    tcp += [s.packet for s in conv.stream(False, server, size)]
    tcp += [conv.fin(True, len(client)), conv.fin(False, len(server))]
    scenes.append(tcp)
    return scenes


def frame_for(rng: random.Random, ips: list[bytes], ts: float) -> list[Pkt]:
    chosen = LINKS[rng.choice(sorted(LINKS))]
    out = []
    for i, ip in enumerate(ips):
        data = chosen.frame(ip)
        out.append(Pkt(chosen.linktype, data, len(data), ts + i * 0.01))
    return out


class Seeds:
    """Slices to mutate: real ones from SkypeIRC.cap and synthesized scenes."""

    def __init__(self, real: list[Pkt], skype_frames: list[int]) -> None:
        self.real = real
        self.skype_frames = skype_frames or [1]

    def slice(self, rng: random.Random) -> tuple[list[Pkt], str]:
        n = rng.randrange(1, MAX_SLICE + 1)
        if rng.random() < 0.3:
            scenes = synthesized_ips(rng)
            chosen_scenes = rng.sample(scenes, rng.randrange(1, len(scenes) + 1))
            ips = [ip for scene in chosen_scenes for ip in scene]
            return frame_for(rng, ips[:n], 1_150_000_000.0), f"synth {len(ips[:n])} packets"
        if rng.random() < 0.8:
            start = max(rng.choice(self.skype_frames) - 1 - rng.randrange(0, 8), 0)
        else:
            start = rng.randrange(len(self.real))
        chosen = self.real[start : start + n]
        return list(chosen), f"SkypeIRC frames {start + 1}-{start + len(chosen)}"


# -- packet-level mutations ----------------------------------------------------------------

_ETH = 14
# cuts at and around the Ethernet, IPv4, UDP and TCP header boundaries
_CUTS: tuple[int, ...] = (
    0,
    1,
    3,
    13,
    _ETH,
    _ETH + 1,
    _ETH + 19,
    _ETH + 20,
    _ETH + 27,
    _ETH + 28,
    _ETH + 33,
)
_CUTS += (_ETH + 39, _ETH + 40, _ETH + 41, _ETH + 42)
_INTERESTING16 = (0, 1, 7, 8, 19, 20, 21, 0x7FFF, 0x8000, 0xFFFF)
# (offset inside the IPv4 header, width) of fields worth lying about
_IP_FIELDS = ((0, 1), (2, 2), (6, 2), (9, 1))


def _ip_start(p: Pkt) -> int:
    for pos in (0, 4, 14, 16, 18, 20):
        if len(p.data) > pos and p.data[pos] >> 4 == 4 and (p.data[pos] & 0x0F) >= 5:
            return pos
    return 0


def _set(data: bytes, pos: int, value: int, width: int) -> bytes:
    if pos + width > len(data):
        return data
    return data[:pos] + value.to_bytes(width, "big") + data[pos + width :]


def _bitflip(rng: random.Random, pkts: list[Pkt]) -> str:
    i = rng.randrange(len(pkts))
    p = pkts[i]
    if not p.data:
        return "flip: empty"
    buf = bytearray(p.data)
    limit = len(buf) if rng.random() < 0.5 else min(len(buf), 80)
    for _ in range(rng.choice((1, 1, 2, 4, 8))):
        buf[rng.randrange(limit)] ^= 1 << rng.randrange(8)
    pkts[i] = replace(p, data=bytes(buf))
    return f"flip bits in packet {i}"


def _header_field(rng: random.Random, pkts: list[Pkt]) -> str:
    i = rng.randrange(len(pkts))
    p = pkts[i]
    ip = _ip_start(p)
    ihl = (p.data[ip] & 0x0F) * 4 if len(p.data) > ip else 20
    choice = rng.randrange(5)
    if choice == 0:
        where, width = rng.choice(_IP_FIELDS)
        pos = ip + where
    elif choice == 1:  # UDP length / TCP data offset and flags
        where, width = rng.choice(((4, 2), (12, 1), (13, 1), (4, 4)))
        pos = ip + ihl + where
    elif choice == 2:  # IP total length 0 (offload) or huge
        pos, width = ip + 2, 2
    elif choice == 3:  # fragment bits and offset
        pos, width = ip + 6, 2
    else:
        pos, width = ip + ihl + rng.choice((0, 2)), 2  # ports
    value = rng.choice(_INTERESTING16) if rng.random() < 0.7 else rng.randrange(1 << 16)
    if choice == 2:
        value = rng.choice((0, 0, value))
    value &= (1 << (8 * width)) - 1
    pkts[i] = replace(p, data=_set(p.data, pos, value, width))
    return f"field at {pos} of packet {i} = {value}"


def _cut(rng: random.Random, pkts: list[Pkt]) -> str:
    i = rng.randrange(len(pkts))
    p = pkts[i]
    keep = rng.choice(_CUTS) if rng.random() < 0.6 else rng.randrange(len(p.data) + 1)
    snap = rng.random() < 0.6  # as a snap length would (wire length kept) or a lying writer
    wirelen = p.wirelen if snap else min(p.wirelen, keep)
    pkts[i] = replace(p, data=p.data[:keep], wirelen=wirelen)
    return f"cut packet {i} at {keep}{' (snap)' if snap else ''}"


def _lengths(rng: random.Random, pkts: list[Pkt]) -> str:
    i = rng.randrange(len(pkts))
    p = pkts[i]
    wirelen = rng.choice((0, len(p.data) // 2, len(p.data) + 1, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF))
    pkts[i] = replace(p, wirelen=wirelen)
    return f"wire length of packet {i} = {wirelen}"


def _shuffle(rng: random.Random, pkts: list[Pkt]) -> str:
    how = rng.randrange(3)
    if how == 0:
        rng.shuffle(pkts)
        return "shuffle"
    if how == 1:
        pkts.reverse()
        return "reverse"
    a, b = rng.randrange(len(pkts)), rng.randrange(len(pkts))
    pkts[a], pkts[b] = pkts[b], pkts[a]
    return f"swap {a} {b}"


def _duplicate(rng: random.Random, pkts: list[Pkt]) -> str:
    i = rng.randrange(len(pkts))
    times = rng.choice((1, 1, 2, 5, 50, 300))
    pkts[i + 1 : i + 1] = [pkts[i]] * times
    return f"duplicate packet {i} x{times}"


def _drop(rng: random.Random, pkts: list[Pkt]) -> str:
    if len(pkts) < 2:
        return "drop: too few"
    i = rng.randrange(len(pkts))
    del pkts[i]
    return f"drop packet {i}"


def _random_packet(rng: random.Random, pkts: list[Pkt]) -> str:
    n = rng.choice((0, 1, 14, 20, 34, 42, 60, rng.randrange(2000)))
    base = pkts[rng.randrange(len(pkts))]
    keep = rng.randrange(min(len(base.data), 54) + 1)
    data = base.data[:keep] + rng.randbytes(max(n - keep, 0))
    i = rng.randrange(len(pkts) + 1)
    pkts.insert(i, Pkt(base.linktype, data, len(data), base.ts))
    return f"random packet of {len(data)} bytes at {i}"


def _refragment(rng: random.Random, pkts: list[Pkt]) -> str:
    """Cut one IPv4 packet into fragments (some duplicated, overlapping or out of order)."""
    i = rng.randrange(len(pkts))
    p = pkts[i]
    ip = _ip_start(p)
    body = p.data[ip:]
    if len(body) < 28 or body[0] >> 4 != 4:
        return "refragment: not IPv4"
    ihl = (body[0] & 0x0F) * 4
    if not 20 <= ihl <= len(body):
        return "refragment: bad IPv4 header length"  # left so by an earlier mutation
    payload = body[ihl:]
    size = 8 * rng.randrange(1, 20)
    out = []
    for at in range(0, len(payload), size):
        more = at + size < len(payload)
        if rng.random() < 0.1:  # overlap: start a little earlier
            at = max(at - 8, 0)
        piece = payload[at : at + size]
        head = bytearray(body[:ihl])
        struct.pack_into("!H", head, 2, ihl + len(piece))
        struct.pack_into("!H", head, 6, (0x2000 if more else 0) | (at // 8))
        out.append(p.data[:ip] + bytes(head) + piece)
    if rng.random() < 0.3:
        rng.shuffle(out)
    if rng.random() < 0.2:
        out += out[: rng.randrange(len(out) + 1)]
    pkts[i : i + 1] = [replace(p, data=d, wirelen=len(d)) for d in out]
    return f"refragment packet {i} into {len(out)} of {size}"


def _timestamps(rng: random.Random, pkts: list[Pkt]) -> str:
    i = rng.randrange(len(pkts))
    pkts[i] = replace(pkts[i], ts=rng.choice((0.0, pkts[i].ts - 1e6, pkts[i].ts + 1e6)))
    return f"time of packet {i}"


MUTATIONS: tuple[Callable[[random.Random, list[Pkt]], str], ...] = (
    _bitflip,
    _bitflip,
    _header_field,
    _header_field,
    _cut,
    _cut,
    _lengths,
    _shuffle,
    _duplicate,
    _drop,
    _random_packet,
    _refragment,
    _timestamps,
)


# -- writers that can lie -------------------------------------------------------------------


@dataclass(slots=True)
class Written:
    data: bytearray
    lengths: list[tuple[int, int]]  # (offset, width) of every length field, for file mutations


def write_pcap(rng: random.Random, pkts: list[Pkt]) -> Written:
    order = rng.choice("<>")
    nano = rng.random() < 0.2
    modified = rng.random() < 0.05
    magic = 0xA1B23C4D if nano else (0xA1B2CD34 if modified else 0xA1B2C3D4)
    snap = rng.choice((65535, 65535, 262144, 0, 0xFFFFFFFF, 0x7FFFFFFF))
    linktype = pkts[0].linktype if pkts else 1
    out = bytearray(struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, snap, linktype))
    lengths = [(16, 4)]
    units = 1_000_000_000 if nano else 1_000_000
    for p in pkts:
        ts = max(p.ts, 0.0)
        sec = int(ts) & 0xFFFFFFFF
        frac = int((ts - int(ts)) * units) % units
        lengths.append((len(out) + 8, 4))
        lengths.append((len(out) + 12, 4))
        out += struct.pack(order + "IIII", sec, frac, len(p.data), p.wirelen & 0xFFFFFFFF)
        if modified:
            out += bytes(8)
        out += p.data
    return Written(out, lengths)


def pcap_bytes(pkts: list[Pkt]) -> bytes:
    """An honest little-endian microsecond pcap of ``pkts`` (link type of the first packet)."""
    linktype = pkts[0].linktype if pkts else 1
    out = bytearray(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
    for p in pkts:
        sec, frac = divmod(round(p.ts * 1e6), 1_000_000)
        out += struct.pack("<IIII", sec, frac, len(p.data), p.wirelen) + p.data
    return bytes(out)


def _block(order: str, btype: int, body: bytes, lengths: list[tuple[int, int]], at: int) -> bytes:
    body += bytes(-len(body) % 4)
    blen = 12 + len(body)
    lengths.append((at + 4, 4))
    lengths.append((at + blen - 4, 4))
    return struct.pack(order + "II", btype, blen) + body + struct.pack(order + "I", blen)


def _options(rng: random.Random, order: str) -> bytes:
    out = b""
    for _ in range(rng.choice((0, 0, 1, 2, 3))):
        code = rng.choice((9, 14, 2, 3, 9, 14, rng.randrange(1 << 16)))
        value = rng.randbytes(rng.choice((0, 1, 4, 7, 8, 9)))
        length = len(value) if rng.random() < 0.8 else rng.randrange(1 << 16)
        out += struct.pack(order + "HH", code, length) + value + bytes(-len(value) % 4)
    if rng.random() < 0.7:
        out += struct.pack(order + "HH", 0, 0)
    return out


def write_pcapng(rng: random.Random, pkts: list[Pkt]) -> Written:
    order = rng.choice("<>")
    out = bytearray()
    lengths: list[tuple[int, int]] = []

    def add(btype: int, body: bytes) -> None:
        out.extend(_block(order, btype, body, lengths, len(out)))

    def section() -> None:
        major = 1 if rng.random() < 0.95 else rng.randrange(3)
        head = struct.pack(order + "IHHq", 0x1A2B3C4D, major, 0, -1)
        add(0x0A0D0D0A, head + _options(rng, order))

    section()
    interfaces: dict[int, int] = {}

    def interface(linktype: int) -> int:
        snap = rng.choice((0, 65535, 262144, 0xFFFFFFFF))
        add(1, struct.pack(order + "HHI", linktype, 0, snap) + _options(rng, order))
        interfaces[linktype] = len(interfaces)
        return interfaces[linktype]

    for p in pkts:
        if p.linktype not in interfaces or rng.random() < 0.02:
            interface(p.linktype if rng.random() < 0.95 else rng.choice((10, 187, 6, 147, 105)))
        iface = interfaces.get(p.linktype, 0)
        kind = rng.random()
        us = int(max(p.ts, 0.0) * 1e6)
        wire = p.wirelen & 0xFFFFFFFF
        if kind < 0.85:
            head = struct.pack(order + "IIIII", iface, us >> 32, us & 0xFFFFFFFF, len(p.data), wire)
            add(6, head + p.data + _options(rng, order) * (rng.random() < 0.1))
        elif kind < 0.93:
            add(3, struct.pack(order + "I", wire) + p.data)
        else:
            head = struct.pack(order + "HHII", iface, 0, us >> 32, us & 0xFFFFFFFF)
            add(2, head + struct.pack(order + "II", len(p.data), wire) + p.data)
        extra = rng.random()
        if extra < 0.01:
            section()
            interfaces.clear()
        elif extra < 0.03:
            add(rng.choice((4, 5, 10, 0xBAD, 0x40000BAD)), rng.randbytes(rng.randrange(40)))
        elif extra < 0.035:
            add(3, b"")  # an empty simple packet block
        elif extra < 0.05:  # a block too short for its own fixed fields
            add(rng.choice((1, 2, 3, 6, 0x0A0D0D0A)), rng.randbytes(rng.randrange(24)))
    return Written(out, lengths)


_BAD32 = (0, 1, 4, 8, 11, 12, 13, 16, 0xFFFFFFFF, 0x7FFFFFFF, 0x04000001, 0x10000)


def _file_mutation(rng: random.Random, written: Written) -> str:
    data = written.data
    how = rng.randrange(4)
    if how == 0 and data:
        at = rng.randrange((len(data) if rng.random() < 0.5 else min(len(data), 40)) + 1)
        del data[at:]
        return f"file cut at {at}"
    if how == 1 and data:
        for _ in range(rng.choice((1, 2, 8))):
            at = rng.randrange(min(len(data), 64) if rng.random() < 0.5 else len(data))
            data[at] ^= 1 << rng.randrange(8)
        return "file bit flips"
    if how == 2 and written.lengths:
        at, width = rng.choice(written.lengths)
        if at + width <= len(data):
            value = rng.choice(_BAD32) if rng.random() < 0.7 else rng.randrange(1 << 32)
            data[at : at + 4] = value.to_bytes(4, rng.choice(("little", "big")))
            return f"length at {at} = {value}"
    if data:
        at = rng.randrange(len(data))
        data[at:at] = rng.randbytes(rng.choice((1, 4, 12, 100)))
        return f"bytes inserted at {at}"
    return "file: nothing"


def make_case(seeds: Seeds, seed: int, index: int) -> Case:
    """Mutated capture number ``index`` of the run with ``seed``: reproducible from both."""
    rng = random.Random(seed * 1_000_003 + index)
    pkts, origin = seeds.slice(rng)
    steps = [origin]
    if not pkts:
        pkts = [Pkt(1, rng.randbytes(rng.randrange(80)), 60, 0.0)]
    for _ in range(rng.choice((0, 1, 1, 2, 3, 5))):
        if not pkts:
            break
        steps.append(rng.choice(MUTATIONS)(rng, pkts))
    writer = write_pcapng if rng.random() < 0.45 else write_pcap
    written = writer(rng, pkts)
    steps.append(writer.__name__)
    if rng.random() < 0.3:
        for _ in range(rng.choice((1, 1, 2))):
            steps.append(_file_mutation(rng, written))
    return Case(bytes(written.data), steps)
