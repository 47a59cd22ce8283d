"""Long conversations (capture/synth/long_streams.py): connections that last the whole capture
decode frame for frame, and what the decoder keeps for them does not grow with their length."""

from __future__ import annotations

import tracemalloc
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

import pytest

from skypeflux.capture import DecodeOptions, Decoder
from skypeflux.capture.files.writer import write_capture
from skypeflux.capture.records import Record, UnitKind
from skypeflux.capture.synth.long_streams import HOST, long_streams


def _capture(path: Path, size: int) -> Path:
    write_capture(path, long_streams(size, connections=3, fragment_every=4))
    return path


def test_every_frame_of_a_long_connection_is_decoded_in_order(tmp_path: Path) -> None:
    decoder = Decoder(DecodeOptions())
    records = list(decoder.run(_capture(tmp_path / "long.pcap", 600_000)))
    data = [r for r in records if r.unit == UnitKind.TCP_DATA]
    acks = [r for r in records if r.unit == UnitKind.TCP_CONTROL]
    headers = [r for r in records if r.unit == UnitKind.TCP_HEADER]
    assert len(headers) == 6  # 3 connections, 2 directions each
    assert len(data) == len(acks) > 500
    assert all(r.verification.ok for r in records if r.transport.value == "tcp")
    # per direction the data frames' packet ids step by 2: no frame lost, none twice
    ids: dict[tuple[object, object], list[int]] = defaultdict(list)
    for record in data:
        ask = record.src.host == HOST
        ids[record.src, record.dst].append(record.packet_id or 0)
        assert [block.command for block in record.blocks] == [30 if ask else 31, 42]
    assert len(ids) == 6
    # and every reply is paired with its request
    replies = [b for r in data for b in r.blocks if b.command == 31]
    assert replies and all(b.reply_to_frame is not None for b in replies)
    for seen in ids.values():
        assert all((b - a) & 0xFFFF == 2 for a, b in pairwise(seen))
    # each data frame is acknowledged by the other direction, naming its packet id
    acked = {(r.dst, r.src, r.packet_id) for r in acks}
    assert acked == {(r.src, r.dst, r.packet_id) for r in data}
    # the bulk download and the fragmented UDP are there, and not Skype
    outcomes = decoder.outcomes
    assert outcomes["tcp_not_skype"] > 0 and outcomes["udp_not_skype"] > 0
    assert outcomes["unaccounted"] == 0
    assert decoder.stats["ip_fragments_reassembled"] == outcomes["udp_not_skype"]
    assert decoder.stats["tcp_skype_connections"] == 3
    (host,) = [h for h in decoder.hosts if h.host == HOST]
    assert host.verified == len(records)


def _peak(path: Path) -> tuple[int, list[Record]]:
    decoder = Decoder(DecodeOptions(keep_flows=False))
    tracemalloc.start()
    try:
        kept = [r for r in decoder.run(path) if r.unit == UnitKind.TCP_HEADER]
        return tracemalloc.get_traced_memory()[1], kept
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_does_not_grow_with_the_length_of_a_connection(tmp_path: Path) -> None:
    # both above the reader's 1 MiB block, whose buffer is the largest single allocation
    short, short_headers = _peak(_capture(tmp_path / "short.pcap", 2_000_000))
    long, long_headers = _peak(_capture(tmp_path / "long.pcap", 6_000_000))
    assert len(short_headers) == len(long_headers) == 6
    print(f"heap peak: 2 MB {short / 2**20:.2f} MiB, 6 MB {long / 2**20:.2f} MiB")
    assert long - short < 256 * 1024  # three times the frames on the same connections
