"""The pcap and pcapng writer: byte layout, and what two independent readers make of it.

Each file is read back by dpkt (an independent reader, a test-only dependency) and by the
product's reader; the pcap layout is also compared byte for byte with one written by hand with
struct in tests/capture/test_reader.py.
"""

from __future__ import annotations

import io
import struct
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import dpkt
import pytest

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files import open_capture, read_packets
from skypeflux.capture.files.writer import (
    Interface,
    Packet,
    PcapngWriter,
    PcapWriter,
    capture_bytes,
    format_for_path,
    write_capture,
)
from tests.helpers.captures import PACKETS
from tests.helpers.captures import handmade_pcap as _pcap

FRAMES = [bytes([n]) * (40 + 7 * n) for n in range(1, 6)]
TIMES = [1_156_500_000.25 + 0.5 * n for n in range(5)]


@pytest.mark.parametrize("order", ["<", ">"])
@pytest.mark.parametrize("nano", [False, True])
def test_pcap_bytes_match_the_hand_written_layout(order: str, nano: bool) -> None:
    out = io.BytesIO()
    writer = PcapWriter(out, snaplen=65535, nanoseconds=nano, byte_order=order)  # type: ignore[arg-type]
    scale = 1_000_000_000 if nano else 1_000_000
    for sec, frac, data, wirelen in PACKETS:
        writer.write(data, sec + Fraction(frac, scale), wirelen=wirelen)
    assert out.getvalue() == _pcap(PACKETS, order=order, nano=nano)


def test_pcap_read_back_by_dpkt_and_by_the_reader(tmp_path: Path) -> None:
    path = tmp_path / "a.pcap"
    count = write_capture(path, [Packet(t, f) for t, f in zip(TIMES, FRAMES, strict=True)])
    assert count == 5
    with path.open("rb") as fh:
        theirs = [(ts, bytes(buf)) for ts, buf in dpkt.pcap.Reader(fh)]
    assert theirs == list(zip(TIMES, FRAMES, strict=True))
    ours = list(read_packets(path))
    assert [(p.ts, p.data, p.wirelen, p.linktype) for p in ours] == [
        (t, f, len(f), 1) for t, f in zip(TIMES, FRAMES, strict=True)
    ]


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
def test_snap_length_cuts_and_keeps_the_wire_length(fmt: str) -> None:
    data = capture_bytes(
        [Packet(1.0, b"\xaa" * 100), Packet(2.0, b"\xbb" * 30, wirelen=80)],
        format=fmt,  # type: ignore[arg-type]
        interfaces=[Interface(101, snaplen=64)],
    )
    packets = list(read_packets(io.BytesIO(data)))
    assert [(p.data, p.caplen, p.wirelen, p.linktype) for p in packets] == [
        (b"\xaa" * 64, 64, 100, 101),
        (b"\xbb" * 30, 30, 80, 101),
    ]


def test_pcapng_interfaces_resolutions_and_comments(tmp_path: Path) -> None:
    path = tmp_path / "multi.pcapng"
    with path.open("wb") as fh:
        writer = PcapngWriter(fh, [Interface(1, name="eth0")])
        writer.write(FRAMES[0], TIMES[0], comment="first")
        nano = writer.add_interface(Interface(101, snaplen=1000, tsresol=9))
        writer.write(FRAMES[1], Decimal("1156500000.123456789"), interface=nano)
        writer.write(FRAMES[2], TIMES[2], interface=0)
        with pytest.raises(CaptureError, match="interface 5"):
            writer.write(b"x", 1.0, interface=5)
    with open_capture(path) as reader:
        packets = list(reader)
    assert reader.format == "pcapng" and not reader.truncated
    assert [(p.interface, p.linktype, p.data) for p in packets] == [
        (0, 1, FRAMES[0]),
        (1, 101, FRAMES[1]),
        (0, 1, FRAMES[2]),
    ]
    assert packets[1].ts == pytest.approx(1_156_500_000.123456789, abs=1e-6)
    with path.open("rb") as fh:  # dpkt reads the first interface's packets and the comment
        blocks = fh.read()
    assert b"first" in blocks and b"eth0" in blocks and b"skypeflux" in blocks
    with path.open("rb") as fh:
        first = next(iter(dpkt.pcapng.Reader(fh)))
    assert first == (pytest.approx(TIMES[0]), FRAMES[0])


@pytest.mark.parametrize("order", ["<", ">"])
def test_pcapng_in_either_byte_order(order: str) -> None:
    out = io.BytesIO()
    writer = PcapngWriter(out, [Interface(1)], byte_order=order)  # type: ignore[arg-type]
    for t, f in zip(TIMES, FRAMES, strict=True):
        writer.write(f, t)
    data = out.getvalue()
    assert data[:4] == b"\x0a\x0d\x0d\x0a"
    magic = struct.unpack_from(order + "I", data, 8)[0]
    assert magic == 0x1A2B3C4D
    packets = list(read_packets(io.BytesIO(data)))
    assert [(p.ts, p.data) for p in packets] == list(zip(TIMES, FRAMES, strict=True))


def test_refusals() -> None:
    with pytest.raises(CaptureError, match="one interface"):
        PcapWriter(io.BytesIO()).write_packet(Packet(1.0, b"x", interface=1))
    with pytest.raises(CaptureError, match="shorter"):
        PcapWriter(io.BytesIO()).write(b"xyz", 1.0, wirelen=2)
    with pytest.raises(CaptureError, match="exactly one interface"):
        capture_bytes([], interfaces=[Interface(), Interface()])
    with pytest.raises(CaptureError, match="micro- or nanoseconds"):
        capture_bytes([], interfaces=[Interface(tsresol=3)])
    with pytest.raises(CaptureError, match="snap length"):
        PcapWriter(io.BytesIO(), snaplen=0)
    assert format_for_path("x.PCAPNG") == "pcapng" and format_for_path("x.cap") == "pcap"
