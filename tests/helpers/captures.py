"""Capture files made in a test from IPv4 packets, with the product's builders and writer.

A test says which IPv4 packets a capture holds and when; the link framing
(:data:`skypeflux.capture.net.build.LINKS`) and the file (:mod:`skypeflux.capture.files.writer`)
come from the product, so the tests exercise the same encoders ``skypeflux synth`` uses.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from skypeflux.capture.files.writer import Interface
from skypeflux.capture.files.writer import Packet as FilePacket
from skypeflux.capture.files.writer import write_capture as write_file
from skypeflux.capture.net.build import LINKS
from skypeflux.capture.synth.repeat import packets_of, repeated


@dataclass(frozen=True, slots=True)
class Packet:
    """An IPv4 packet seen at ``ts``; ``keep`` cuts the frame to that many bytes (a snap)."""

    ts: float
    ip: bytes
    keep: int | None = None


def write_capture(
    path: Path, packets: Iterable[Packet], *, link: str = "ethernet", pcapng: bool = False
) -> Path:
    """Write ``packets`` framed for ``link`` as a pcap (or pcapng) file; return ``path``."""
    framing = LINKS[link]
    out = []
    for p in packets:
        frame = framing.frame(p.ip)
        kept = frame if p.keep is None else frame[: p.keep]
        out.append(FilePacket(p.ts, kept, wirelen=len(frame)))
    write_file(
        path, out, format="pcapng" if pcapng else "pcap", interfaces=[Interface(framing.linktype)]
    )
    return path


def timed(ips: Iterable[bytes], start: float = 1_150_000_000.0, step: float = 0.01) -> list[Packet]:
    """Packets at evenly spaced times, in the order given."""
    return [Packet(start + i * step, ip) for i, ip in enumerate(ips)]


PACKETS = [(1_156_500_000, 250_000, b"\x01" * 60, 60), (1_156_500_001, 5, b"\x02" * 42, 1514)]
"""(seconds, sub-second units, captured bytes, wire length) of two records, one cut."""


def handmade_pcap(
    packets: list[tuple[int, int, bytes, int]],
    *,
    order: str = "<",
    nano: bool = False,
    linktype: int = 1,
) -> bytes:
    """A pcap file written field by field with struct, independent of the writer; packets are
    (seconds, sub-second units, captured bytes, wire length)."""
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(order + "IHHiIII", magic, 2, 4, 0, 0, 65535, linktype)]
    for sec, frac, data, wirelen in packets:
        out.append(struct.pack(order + "IIII", sec, frac, len(data), wirelen) + data)
    return b"".join(out)


def repeated_capture(source: Path, path: Path, copies: int) -> Path:
    """``copies`` copies of ``source``, each an hour later and on moved ports (new
    conversations every time, as a long capture of many hosts holds), written to ``path``."""
    write_file(path, repeated(packets_of(source), copies))
    return path
