"""Capture file reading: pcap in every byte order and resolution, pcapng, streams, and errors.

The real capture (SkypeIRC.cap) is the anchor: its frame count and bytes are cross-checked with
dpkt's reader, and the same packets written as pcapng (with the product's writer) or pushed
through a pipe must read back identically. Files for the odd and broken cases, which no writer
should produce, are written here byte by byte with struct (independent of the reader under
test); tests/capture/test_writer.py checks the writer against these same byte layouts.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import dpkt
import pytest

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files import RawPacket, open_capture, read_packets
from skypeflux.capture.files.linktypes import LINKTYPE_ETHERNET
from skypeflux.capture.files.writer import Interface, PcapngWriter
from skypeflux.capture.pipeline import Decoder
from tests.helpers.captures import PACKETS
from tests.helpers.captures import handmade_pcap as _pcap

SKYPEIRC_SHA256 = "bac79a9c3413637f871193589d848697af895b7f2700d949022224d59aa6830f"


def _block(order: str, btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    length = len(body) + 12
    return struct.pack(order + "II", btype, length) + body + struct.pack(order + "I", length)


def _option(order: str, code: int, value: bytes) -> bytes:
    return struct.pack(order + "HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


def _shb(order: str = "<") -> bytes:
    return _block(order, 0x0A0D0D0A, struct.pack(order + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def _idb(
    order: str,
    linktype: int,
    snaplen: int = 0,
    tsresol: int | None = None,
    tsoffset: int | None = None,
) -> bytes:
    opts = _option(order, 2, b"eth0")  # if_name: an option the reader must step over
    if tsresol is not None:
        opts += _option(order, 9, bytes([tsresol]))
    if tsoffset is not None:
        opts += _option(order, 14, struct.pack(order + "q", tsoffset))
    opts += _option(order, 0, b"")
    return _block(order, 1, struct.pack(order + "HHI", linktype, 0, snaplen) + opts)


def _epb(order: str, iface: int, units: int, data: bytes, wirelen: int | None = None) -> bytes:
    wire = len(data) if wirelen is None else wirelen
    head = struct.pack(order + "IIIII", iface, units >> 32, units & 0xFFFFFFFF, len(data), wire)
    return _block(order, 6, head + data)


def _spb(order: str, data: bytes) -> bytes:
    return _block(order, 3, struct.pack(order + "I", len(data)) + data)


def _dpkt_packets(path: Path) -> list[tuple[float, bytes]]:
    with path.open("rb") as fh:
        return [(ts, bytes(buf)) for ts, buf in dpkt.pcap.Reader(fh)]


def _signature(packets: list[RawPacket]) -> list[tuple[int, float, int, bytes, int, int]]:
    return [(p.frame, p.ts, p.linktype, p.data, p.caplen, p.wirelen) for p in packets]


# -- the real capture ---------------------------------------------------------------------


def test_skypeirc_frames_match_dpkt(skypeirc_path: Path) -> None:
    assert hashlib.sha256(skypeirc_path.read_bytes()).hexdigest() == SKYPEIRC_SHA256
    with open_capture(skypeirc_path) as reader:
        packets = list(reader)
    assert reader.format == "pcap"
    assert not reader.truncated and reader.warning is None
    assert len(packets) == 2263 == reader.packets_read
    assert [p.frame for p in packets] == list(range(1, 2264))
    assert {p.linktype for p in packets} == {1}
    reference = _dpkt_packets(skypeirc_path)
    assert [(p.ts, p.data) for p in packets] == reference
    assert all(p.caplen == len(p.data) for p in packets)
    assert reader.bytes_read == skypeirc_path.stat().st_size


def test_skypeirc_as_pcapng_reads_identically(skypeirc_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.capture"  # no telling extension: the content decides
    with copy.open("wb") as fh:
        writer = PcapngWriter(fh, [Interface(LINKTYPE_ETHERNET, snaplen=65535)])
        for ts, buf in _dpkt_packets(skypeirc_path):
            writer.write(buf, ts)
    original = list(read_packets(skypeirc_path))
    with open_capture(copy) as reader:
        again = list(reader)
    assert reader.format == "pcapng"
    assert _signature(again) == _signature(original)


@pytest.mark.parametrize("raw", [True, False], ids=["raw-pipe", "buffered-pipe"])
def test_skypeirc_from_a_pipe(skypeirc_path: Path, raw: bool) -> None:
    content = skypeirc_path.read_bytes()
    rfd, wfd = os.pipe()

    def feed() -> None:
        with os.fdopen(wfd, "wb") as out:
            for i in range(0, len(content), 7_919):  # odd pieces, to split records
                out.write(content[i : i + 7_919])

    thread = threading.Thread(target=feed)
    thread.start()
    stream = os.fdopen(rfd, "rb", buffering=0 if raw else io.DEFAULT_BUFFER_SIZE)
    assert not stream.seekable()
    with stream:
        piped = list(read_packets(stream))
    thread.join()
    assert _signature(piped) == _signature(list(read_packets(skypeirc_path)))


def test_dash_reads_standard_input(skypeirc_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer = io.BytesIO(skypeirc_path.read_bytes())

    monkeypatch.setattr(sys, "stdin", FakeStdin)
    with open_capture("-") as reader:
        assert reader.name == "<stdin>"
        assert sum(1 for _ in reader) == 2263


# -- pcap variants ------------------------------------------------------------------------


@pytest.mark.parametrize("order", ["<", ">"], ids=["little-endian", "big-endian"])
@pytest.mark.parametrize("nano", [False, True], ids=["usec", "nsec"])
def test_pcap_byte_orders_and_resolutions(order: str, nano: bool) -> None:
    packets = list(read_packets(io.BytesIO(_pcap(PACKETS, order=order, nano=nano))))
    scale = 1e9 if nano else 1e6
    assert [(p.frame, p.data, p.caplen, p.wirelen) for p in packets] == [
        (1, b"\x01" * 60, 60, 60),
        (2, b"\x02" * 42, 42, 1514),
    ]
    assert packets[0].ts == pytest.approx(1_156_500_000 + 250_000 / scale, abs=1e-9)
    assert packets[1].ts == pytest.approx(1_156_500_001 + 5 / scale, abs=1e-9)


def test_pcap_written_by_dpkt_nanosecond(tmp_path: Path) -> None:
    path = tmp_path / "nano.pcap"
    with path.open("wb") as fh:
        writer = dpkt.pcap.Writer(fh, nano=True, linktype=dpkt.pcap.DLT_RAW)
        writer.writepkt(b"\x45" + b"\0" * 19, ts=1_000_000_000.123456789)
    (packet,) = read_packets(path)
    assert packet.linktype == dpkt.pcap.DLT_RAW
    assert packet.ts == pytest.approx(1_000_000_000.123456789, abs=2e-7)


def test_linktype_fcs_bits_are_ignored() -> None:
    # The upper bits of the pcap link type field may say an FCS of 4 bytes ends every frame.
    content = _pcap(PACKETS, linktype=(4 << 28) | (1 << 27) | 1)
    assert {p.linktype for p in read_packets(io.BytesIO(content))} == {1}


# -- pcapng variants ----------------------------------------------------------------------


@pytest.mark.parametrize("order", ["<", ">"])
def test_pcapng_interfaces_resolutions_and_simple_blocks(order: str) -> None:
    content = b"".join(
        [
            _shb(order),
            _idb(order, 1, snaplen=96),  # default resolution: microseconds
            _idb(order, 113, tsresol=9),  # nanoseconds
            _idb(order, 101, tsresol=0x80 | 10),  # 1/1024 s
            _block(order, 4, b"\0\0\0\0"),  # a name resolution block: skipped, not a frame
            _epb(order, 0, 1_500_000, b"E" * 20),
            _epb(order, 1, 2_250_000_000, b"S" * 30, wirelen=300),
            _epb(order, 2, 3 * 1024 + 512, b"R" * 40),
            _spb(order, b"P" * 200),  # simple block: interface 0, cut to its snaplen 96
        ]
    )
    with open_capture(io.BytesIO(content)) as reader:
        packets = list(reader)
    assert reader.format == "pcapng"
    assert reader.linktypes == [1, 113, 101]
    assert [(p.frame, p.interface, p.linktype) for p in packets] == [
        (1, 0, 1),
        (2, 1, 113),
        (3, 2, 101),
        (4, 0, 1),
    ]
    assert [p.ts for p in packets[:3]] == [1.5, 2.25, 3.5]
    assert (packets[1].caplen, packets[1].wirelen, packets[1].data) == (30, 300, b"S" * 30)
    assert (packets[3].caplen, packets[3].wirelen, packets[3].data) == (96, 200, b"P" * 96)


def test_pcapng_second_section_redefines_interfaces() -> None:
    content = b"".join(
        [
            _shb("<"),
            _idb("<", 1),
            _epb("<", 0, 1_000_000, b"a" * 20),
            _shb(">"),
            _idb(">", 101, tsresol=3, tsoffset=1_000_000_000),  # milliseconds, from 2001-09-09
            _epb(">", 0, 2_500, b"b" * 20),
        ]
    )
    with open_capture(io.BytesIO(content)) as reader:
        assert reader.linktypes == [1]
        packets = list(reader)
    assert [(p.frame, p.linktype, p.ts, p.data[:1]) for p in packets] == [
        (1, 1, 1.0, b"a"),
        (2, 101, 1_000_000_002.5, b"b"),
    ]
    assert reader.linktypes == [101]  # interface 0 of the second section, not a third entry


# -- errors -------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="no such file"):
        open_capture(tmp_path / "nothing.pcap")


def test_directory_is_not_a_capture(tmp_path: Path) -> None:
    with pytest.raises(CaptureError, match="directory"):
        open_capture(tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.pcap").write_bytes(b"")
    with pytest.raises(CaptureError, match="empty file"):
        open_capture(tmp_path / "empty.pcap")


def test_garbage_names_its_first_bytes() -> None:
    with pytest.raises(CaptureError, match=r"47 45 54 20 2f.*'GET /") as info:
        open_capture(io.BytesIO(b"GET / HTTP/1.1\r\nHost: x\r\n"))
    assert info.value.offset == 0


def test_truncated_file_header() -> None:
    with pytest.raises(CaptureError, match=r"truncated file.*24 bytes.*only 10"):
        open_capture(io.BytesIO(_pcap([])[:10]))


@pytest.mark.parametrize("cut", [3, 16 + 10], ids=["in-record-header", "in-packet-data"])
def test_truncated_last_pcap_record_keeps_earlier_packets(cut: int) -> None:
    whole = _pcap([*PACKETS, (1_156_500_002, 0, b"\x03" * 50, 50)])
    content = whole[: len(whole) - (16 + 50) + cut]
    with open_capture(io.BytesIO(content)) as reader:
        packets = list(reader)
    assert [p.frame for p in packets] == [1, 2]
    assert reader.truncated
    assert reader.warning is not None
    assert "truncated" in reader.warning and "2 complete packets" in reader.warning


def test_truncated_last_pcapng_block_keeps_earlier_packets() -> None:
    content = _shb() + _idb("<", 1) + _epb("<", 0, 1, b"x" * 20) + _epb("<", 0, 2, b"y" * 64)
    with open_capture(io.BytesIO(content[:-30])) as reader:
        packets = list(reader)
    assert [p.data for p in packets] == [b"x" * 20]
    assert reader.truncated and reader.warning is not None and "1 complete" in reader.warning


def test_corrupt_record_mid_file_stops_reading_with_a_warning() -> None:
    content = _pcap(PACKETS)
    bad = content[: 24 + 16 + 60] + struct.pack("<IIII", 1, 0, 0x7FFF_FFFF, 10) + b"\0" * 64
    with open_capture(io.BytesIO(bad)) as reader:
        packets = list(reader)  # no exception: what came before the bad record is good
    assert [p.data for p in packets] == [PACKETS[0][2]]
    assert reader.truncated and reader.stopped_at == 24 + 16 + 60
    assert reader.warning is not None
    for words in ("corrupt", "record length 2147483647", "at byte 100", "packet 2", "1 complete"):
        assert words in reader.warning


def _record_offset(content: bytes, frame: int) -> int:
    """Byte offset of the pcap record header of ``frame`` (1-based), walking the lengths."""
    at = 24
    for _ in range(frame - 1):
        at += 16 + struct.unpack_from("<I", content, at + 8)[0]
    return at


def test_corrupt_record_in_the_real_capture_keeps_everything_before_it(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    content = bytearray(skypeirc_path.read_bytes())
    at = _record_offset(bytes(content), 1500)
    struct.pack_into("<I", content, at + 8, 0x7FFF_FFFF)
    cut = tmp_path / "corrupt.pcap"
    cut.write_bytes(bytes(content))
    with open_capture(cut) as reader:
        packets = list(reader)
    assert [(p.ts, p.data) for p in packets] == _dpkt_packets(skypeirc_path)[:1499]
    assert reader.truncated and reader.stopped_at == at
    assert reader.warning is not None and f"at byte {at} (packet 1500)" in reader.warning
    # The pipeline finishes the work buffered before the cut, and says why it stopped.
    decoder = Decoder()
    got = [(r.frame, r.unit) for r in decoder.run(cut)]
    whole = [(r.frame, r.unit) for r in Decoder().run(skypeirc_path)]
    assert decoder.truncated_file and decoder.warning == reader.warning
    assert got == [r for r in whole if r[0] < 1500] != []


@pytest.mark.parametrize(
    ("damage", "what"),
    [
        (lambda b: b[:-4] + struct.pack("<I", 99), "trailing length"),
        (lambda b: b[:4] + struct.pack("<I", 0x7FFF_FFFC) + b[8:], "block length 2147483644"),
        (lambda b: _block("<", 6, struct.pack("<IIIII", 7, 0, 0, 4, 4) + b"abcd"), "interface 7"),
    ],
    ids=["trailing-length", "block-length", "undeclared-interface"],
)
def test_corrupt_pcapng_block_mid_file_stops_reading(
    damage: Callable[[bytes], bytes], what: str
) -> None:
    head = _shb() + _idb("<", 1) + _epb("<", 0, 1, b"x" * 20)
    content = head + damage(_epb("<", 0, 2, b"y" * 20)) + _epb("<", 0, 3, b"z" * 20)
    with open_capture(io.BytesIO(content)) as reader:
        packets = list(reader)
    assert [p.data for p in packets] == [b"x" * 20]
    assert reader.truncated and reader.stopped_at == len(head)
    assert reader.warning is not None and what in reader.warning


def test_corrupt_pcapng_later_section_header_stops_but_the_first_raises() -> None:
    bad_bom = _block("<", 0x0A0D0D0A, struct.pack("<IHHq", 0x11223344, 1, 0, -1))
    first = _shb() + _idb("<", 1) + _epb("<", 0, 1, b"x" * 20)
    with open_capture(io.BytesIO(first + bad_bom + _idb("<", 1))) as reader:
        assert [p.data for p in reader] == [b"x" * 20]
    assert reader.truncated and reader.warning is not None and "byte-order mark" in reader.warning
    with pytest.raises(CaptureError, match=r"byte-order mark.*file header") as info:
        open_capture(io.BytesIO(bad_bom + _idb("<", 1)))
    assert info.value.offset == 0


@pytest.mark.parametrize("skip", [False, True], ids=["strict", "skip-unsupported"])
def test_unsupported_pcap_link_type_is_named(skip: bool) -> None:
    # A pcap file has one link type: skipping every packet would be silence, not leniency.
    with pytest.raises(CaptureError, match=r"unsupported link type 10 \(FDDI"):
        open_capture(io.BytesIO(_pcap(PACKETS, linktype=10)), skip_unsupported=skip)


def test_unsupported_pcapng_interface_errors_or_is_skipped() -> None:
    content = b"".join(
        [
            _shb(),
            _idb("<", 1),
            _idb("<", 187),
            _epb("<", 0, 1, b"e" * 20),
            _epb("<", 1, 2, b"w" * 20),
            _epb("<", 0, 3, b"f" * 20),
        ]
    )
    reader = open_capture(io.BytesIO(content))
    with pytest.raises(CaptureError, match="BLUETOOTH_HCI_H4") as info:
        list(reader)
    assert info.value.packets_read == 1
    with open_capture(io.BytesIO(content), skip_unsupported=True) as reader:
        packets = list(reader)
    assert [(p.frame, p.data[:1]) for p in packets] == [(1, b"e"), (3, b"f")]
    assert reader.skipped_unsupported == 1
    assert reader.skipped_linktypes == {187: 1} and reader.has_decodable_interface
    assert reader.unsupported_note() == (
        "<BytesIO>: 1 of 3 packets skipped, on link types this tool cannot decode "
        "(1 on 187 (BLUETOOTH_HCI_H4))"
    )


def test_pcapng_with_only_unsupported_interfaces_says_so() -> None:
    content = b"".join(
        [
            _shb(),
            _idb("<", 10),
            _idb("<", 187),
            _epb("<", 0, 1, b"a" * 20),
            _epb("<", 1, 2, b"b" * 20),
            _epb("<", 1, 3, b"c" * 20),
        ]
    )
    with open_capture(io.BytesIO(content), skip_unsupported=True) as reader:
        assert list(reader) == []
    assert not reader.has_decodable_interface and not reader.truncated
    assert reader.skipped_linktypes == {10: 1, 187: 2}
    note = reader.unsupported_note()
    assert note is not None and note.startswith("<BytesIO>: all 3 packets were on link types")
    assert "1 on 10 (FDDI), 2 on 187 (BLUETOOTH_HCI_H4)" in note
    with open_capture(io.BytesIO(_pcap(PACKETS))) as plain:
        list(plain)
    assert plain.has_decodable_interface and plain.unsupported_note() is None
