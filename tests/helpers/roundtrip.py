"""Comparing what a synthesized capture holds with what the decoder gives back.

A *fact* is what a reader learns from one unit: its kind, endpoints, packet id and command
blocks (command, flags, request id, the object list's exact bytes). The synthesizer knows the
facts it sent; the decoder's records give the facts it found. Round trips compare the two as
multisets, so "every message, and nothing else" is one equality.
"""

from __future__ import annotations

import io
from collections import Counter
from typing import Any

from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import CLEAR, Record
from skypeflux.capture.synth import Synthesized, Unit

Fact = tuple[Any, ...]

DERIVED = {"note"}  # what the decoder concludes (learned addresses), not a unit on the wire


def unit_fact(unit: Unit) -> Fact:
    blocks = tuple((b.command, b.flags, b.reqid, b.list_hex) for b in unit.blocks)
    return (unit.unit, unit.src, unit.dst, unit.packet_id, blocks)


def record_fact(record: Record) -> Fact:
    blocks = tuple((b.command, b.flags, b.reqid, b.list_bytes.hex()) for b in record.blocks)
    packet_id = None if record.unit == "tcp.header" else record.packet_id
    return (record.unit, record.src, record.dst, packet_id, blocks)


def trusted(record: Record) -> bool:
    """A record that says it holds the unit: verified, or clear by nature (ACK, NAck)."""
    if record.verification.status == CLEAR:
        return True
    return record.verification.ok and all(b.error is None for b in record.blocks)


def decode(
    synth: Synthesized, fmt: str = "pcap", options: DecodeOptions | None = None
) -> tuple[Decoder, list[Record]]:
    out = io.BytesIO()
    synth.write(out, format=fmt)  # type: ignore[arg-type]
    out.seek(0)
    decoder = Decoder(options)
    return decoder, list(decoder.run(out))


def compare(synth: Synthesized, records: list[Record]) -> tuple[Counter[Fact], Counter[Fact]]:
    """(sent but not decoded, decoded but not sent) among trusted records; both empty when the
    decoder gave back exactly the units that survived."""
    want = Counter(unit_fact(u) for u in synth.kept)
    got = Counter(record_fact(r) for r in records if r.unit not in DERIVED and trusted(r))
    return want - got, got - want


def unreported(synth: Synthesized, records: list[Record], decoder: Decoder) -> list[Unit]:
    """Lost units that the capture holds part of but the decoder said nothing about.

    What the capture keeps of a lost unit must come out as an unverified record: a datagram cut
    by the snap length as ``udp.other``, a message missing fragments as an unverified
    ``udp.message``, a TCP direction with a hole as ``tcp.end``. A cut datagram on endpoints
    nothing has yet shown to be Skype cannot be told from other traffic: it must at least be
    counted (``stats["truncated"]``). Units lost entirely leave nothing in the capture to
    report (the synthesizer lists them).
    """
    cut_packets = sum(1 for item in synth.items if item.cut_to is not None)
    doubtful = [r for r in records if r.unit not in DERIVED and not trusted(r)]
    kept_headers = {u.direction for u in synth.kept if u.unit == "tcp.header"}
    missing = []
    for unit in synth.lost:
        if not unit.partial:
            continue
        ends = (unit.src, unit.dst)
        if unit.direction is not None:
            if unit.direction not in kept_headers:
                continue  # never recognised as Skype: nothing to end
            found = any(r.unit == "tcp.end" and (r.src, r.dst) == ends for r in doubtful)
        elif unit.lost and unit.lost.startswith("cut"):
            found = decoder.stats.get("truncated", 0) >= cut_packets or any(
                r.unit == "udp.other" and (r.src, r.dst) == ends and "snap" in r.verification.detail
                for r in doubtful
            )
        elif unit.unit == "udp.message":
            found = any(
                r.unit == "udp.message" and (r.src, r.dst) == ends and r.packet_id == unit.packet_id
                for r in doubtful
            )
        else:
            continue  # a piece (fragment) of a lost message: the message carries the report
        if not found:
            missing.append(unit)
    return missing
