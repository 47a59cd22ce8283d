"""A TCP connection known to hold no Skype skips the tracker (capture/skype/tcp_decoder.py,
``_settled``) until a SYN opens a new connection on the same addresses and ports, which is then
decoded as any other; nothing about the skipped segments is lost from the accounting."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from skypeflux.capture import DecodeOptions, Decoder
from skypeflux.capture.files.source import open_capture
from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.limits import Limits
from skypeflux.capture.net.build import ethernet
from skypeflux.capture.net.packets import NetDecoder, TcpSegment
from skypeflux.capture.net.tcp_build import TcpConversation
from skypeflux.capture.records import Record, UnitKind
from skypeflux.capture.skype import tcp_decoder
from skypeflux.capture.skype.survey import _to_private_host
from skypeflux.capture.skype.tcp_decoder import TcpDecoder
from skypeflux.messages.blocks import encode_block
from skypeflux.objects import Family, Obj
from skypeflux.wire.tcp import LAST_WORD_INITIATOR, LAST_WORD_RESPONDER, ack_frame, data_frame
from skypeflux.wire.tcp_stream import encode_stream

HOST, PEER = "10.0.0.2", "68.206.150.243"  # PEER: public (documentation ranges are not)
BLOCK = encode_block(0x2A, 1, None, [Obj(Family.NUMBER, 0x05, 7)])
SKYPE_FRAMES = [data_frame(0x2000 + 2 * i, BLOCK) for i in range(6)]


def _capture(path: Path, host: str = HOST) -> tuple[Path, int, int]:
    """A plain-text connection of 200 segments, then a Skype one on the same ports; the
    number of segments of each."""
    ips: list[bytes] = []
    plain = TcpConversation(host, 4000, PEER, 8080, isn_client=100, isn_server=900)
    ips += plain.handshake()
    request, response = b"GET / HTTP/1.0\r\n\r\n" * 20, b"HTTP/1.0 200 OK\r\n" + b"x" * 9000
    ips += [s.packet for s in plain.stream(True, request, 100)]
    ips += [s.packet for s in plain.stream(False, response, 50)]
    plain_segments = len(ips)
    # no FIN: the same ports open again with a new ISN, and this time it is Skype
    skype = TcpConversation(host, 4000, PEER, 8080, isn_client=5_000_000, isn_server=7_000_000)
    up = encode_stream(0x5EED0001, SKYPE_FRAMES, seq16=0x1234, last_word=LAST_WORD_INITIATOR)
    down = encode_stream(
        0x0BADCAFE, [ack_frame(0x2000)], seq16=0x4321, last_word=LAST_WORD_RESPONDER
    )
    ips += skype.handshake()
    ips += [s.packet for s in skype.stream(True, up, 40)]
    ips += [s.packet for s in skype.stream(False, down, 40)]
    ips += [skype.fin(True, len(up)), skype.fin(False, len(down))]
    packets = [Packet(1_300_000_000 + n * 0.01, ethernet(ip)) for n, ip in enumerate(ips)]
    write_capture(path, packets)
    return path, plain_segments, len(ips) - plain_segments


def test_a_new_connection_after_a_settled_one_is_decoded(tmp_path: Path) -> None:
    path, plain_segments, _ = _capture(tmp_path / "settled.pcap")
    decoder = Decoder(DecodeOptions())
    records = list(decoder.run(path))
    data = [r for r in records if r.unit == UnitKind.TCP_DATA]
    assert [r.packet_id for r in data] == [0x2000 + 2 * i for i in range(6)]
    assert all(r.verification.ok for r in records)
    assert len([r for r in records if r.unit == UnitKind.TCP_HEADER]) == 2
    assert decoder.stats["tcp_connections_seen"] == 2
    assert decoder.stats["tcp_skype_connections"] == 1
    assert decoder.outcomes["tcp_not_skype"] == plain_segments
    assert decoder.outcomes["unaccounted"] == 0


def _segments(path: Path) -> list[TcpSegment]:
    net = NetDecoder()
    with open_capture(path) as reader:
        return [
            item
            for batch in net.stream(reader)
            for *_, item in batch
            if isinstance(item, TcpSegment)
        ]


@pytest.mark.parametrize("host", [HOST, "86.128.245.115"])  # behind NAT, or at a router
@pytest.mark.parametrize("survey", [False, True])
def test_settled_segments_skip_the_tracker(tmp_path: Path, host: str, survey: bool) -> None:
    """Once both directions of the plain connection are judged, its later segments are not
    tracked: only its handshake and first data segments reach the tracker, in either pass
    (the survey reads only directions towards private hosts: between two public ones it
    judges both at their first data)."""
    path, plain_segments, skype_segments = _capture(tmp_path / "settled.pcap", host)
    records: list[Record] = []
    if survey:  # as the survey makes its own (capture/skype/survey.py)
        decoder = TcpDecoder(records.append, wanted=_to_private_host, claims_only=True)
    else:
        decoder = TcpDecoder(records.append)
    segments = _segments(path)
    assert len(segments) == plain_segments + skype_segments
    for seg in segments:
        decoder.feed(seg)
    decoder.finish()
    assert plain_segments > 150
    assert survey or len([r for r in records if r.unit == UnitKind.TCP_DATA]) == 6
    # every Skype segment, and of the plain connection its handshake and the first data of
    # each direction (judged by its first segment), about 6
    assert skype_segments < decoder.segments_tracked <= skype_segments + 10


def _many_connections(path: Path, count: int) -> Path:
    """``count`` short plain-text connections one after another, each to a new port."""
    ips: list[bytes] = []
    for n in range(count):
        conv = TcpConversation(HOST, 1024 + n, PEER, 80, isn_client=n, isn_server=10 * n)
        ips += conv.handshake()
        ips += [conv.segment(True, 0, b"GET / HTTP/1.0\r\n\r\n")]
        ips += [conv.segment(False, 0, b"HTTP/1.0 200 OK\r\n\r\n", acked=18)]
        ips += [conv.fin(True, 18, acked=19), conv.fin(False, 19, acked=18)]
    write_capture(
        path, [Packet(1_300_000_000 + n * 0.01, ethernet(ip)) for n, ip in enumerate(ips)]
    )
    return path


def _heap_peak(path: Path) -> int:
    # the first pass's table of open flows is bounded too (65,536 by default): small here
    decoder = Decoder(DecodeOptions(keep_flows=False, limits=Limits(open_flows=256)))
    tracemalloc.start()
    try:
        for _record in decoder.run(path):
            pass
        assert decoder.outcomes["unaccounted"] == 0
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_settled_connections_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Settled connections are remembered up to a bound (the first pass does not know where
    they end), so many of them do not grow memory past it."""
    monkeypatch.setattr(tcp_decoder, "MAX_SETTLED", 256)
    # both files well above the reader's 1 MiB block (two of them and a join at a block's end
    # are the largest allocations), so that what differs is what the connections leave
    few = _heap_peak(_many_connections(tmp_path / "few.pcap", 4500))
    many = _heap_peak(_many_connections(tmp_path / "many.pcap", 13500))
    print(f"heap peak: 4,500 connections {few / 2**20:.2f} MiB, 13,500: {many / 2**20:.2f} MiB")
    assert many - few < 200 * 1024  # 9,000 more connections: about 20 bytes each
