"""Compressed captures that are cut or corrupt read like cut captures: what came before is kept,
and the reason is said, even when the cut falls between two records.

The capture is synthesized, compressed here, then cut or given a flipped byte.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable

import pytest
import zstandard

from skypeflux.capture import CaptureError
from skypeflux.capture.files import open_capture, read_packets
from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.synth import load_scenario, synthesize


def _zstd_blocks(data: bytes) -> bytes:
    """zstd as a live capture would be written: a block every 16 kB, so a cut or a damaged
    byte lands after whole blocks (one call compresses this repetitive capture into a first
    block of nearly all its bytes)."""
    squeeze = zstandard.ZstdCompressor(write_checksum=True).compressobj()  # as zstd(1) writes
    out = [
        squeeze.compress(data[i : i + 16384]) + squeeze.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
        for i in range(0, len(data), 16384)
    ]
    return b"".join(out) + squeeze.flush()


COMPRESS: dict[str, Callable[[bytes], bytes]] = {
    "gzip": gzip.compress,
    "bzip2": lambda data: bz2.compress(data, 1),
    "xz": lzma.compress,
    "zstd": _zstd_blocks,
}


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A capture of some 400 kB: a synthesized scene, its packets again and again."""
    folder = tmp_path_factory.mktemp("scene")
    scene = folder / "scene.pcap"
    synthesize(load_scenario("lossy"), seed=5).write(scene)
    packets = list(read_packets(scene))
    again = [Packet(p.ts + 100 * round_, p.data) for round_ in range(40) for p in packets]
    out = io.BytesIO()
    write_capture(out, again)
    return out.getvalue()


def _read(data: bytes) -> tuple[int, bool, str | None]:
    with open_capture(io.BytesIO(data)) as reader:
        count = sum(1 for _ in reader)
        return count, reader.truncated, reader.warning


@pytest.mark.parametrize("kind", sorted(COMPRESS))
def test_a_cut_compressed_capture_keeps_what_came_before(plain: bytes, kind: str) -> None:
    whole = _read(plain)[0]
    packed = COMPRESS[kind](plain)
    count, truncated, warning = _read(packed[: len(packed) * 2 // 3])
    assert 0 < count < whole and truncated and warning is not None
    assert "truncated" in warning or "stopped" in warning


@pytest.mark.parametrize("kind", ["bzip2", "zstd"])
def test_corrupt_compressed_data_stops_reading_there(plain: bytes, kind: str) -> None:
    """It was an error that lost every packet read before it."""
    packed = bytearray(COMPRESS[kind](plain))
    packed[len(packed) * 2 // 3] ^= 0xFF
    count, truncated, warning = _read(bytes(packed))
    assert count > 0 and truncated and warning is not None
    assert f"corrupt {kind} data" in warning


def test_a_gzip_stream_cut_between_two_records_is_said(plain: bytes) -> None:
    """The bytes end at a record boundary: only the missing end marker tells the cut."""
    records = list(read_packets(io.BytesIO(plain)))
    end = 24 + sum(16 + len(p.data) for p in records[:500])
    squeeze = zlib.compressobj(6, zlib.DEFLATED, 31)  # the gzip format
    cut = squeeze.compress(plain[:end]) + squeeze.flush(zlib.Z_FULL_FLUSH)  # no end marker
    count, truncated, warning = _read(cut)
    assert count == 500 and truncated and warning is not None
    assert "the gzip stream is cut" in warning


def test_a_compressed_stream_with_no_data_is_not_called_empty(plain: bytes) -> None:
    with pytest.raises(CaptureError, match="the zstd stream is cut"):
        _read(_zstd_blocks(plain)[:12])
    with pytest.raises(CaptureError, match="the gzip stream ends before any data"):
        _read(gzip.compress(b""))
    with pytest.raises(CaptureError, match="empty file"):
        _read(b"")
