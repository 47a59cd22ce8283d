"""The pcapng reader's in-place path against its general one, on whole and broken files.

Enhanced packet blocks that lie whole in the block already read are parsed in place
(``_Parser._buffered_packets``); everything else goes block by block. The two must give the same
packets and the same end (warning, cut, counts, or the same error) on every file, whatever
arrives in which piece: here on pcapng written by the product's writer (several interfaces,
one not decodable, a second section in the other byte order) and on thousands of mutations of
it (bits flipped in block headers, lengths and interface ids changed, cuts anywhere), read from
a file and from a stream that hands out odd-sized pieces.
"""

from __future__ import annotations

import io
import random
import struct
from collections.abc import Iterator
from typing import Any, BinaryIO, cast

import pytest

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files import open_capture, pcapng
from skypeflux.capture.files.writer import Interface, PcapngWriter
from skypeflux.capture.net import build

LINK_ETHERNET, LINK_RAW, LINK_USB = 1, 101, 189  # 189: USB, a link type nothing here decodes


def _section(order: str, seed: int) -> bytes:
    """One section: three interfaces (one undecodable) and packets of random sizes on them."""
    rng = random.Random(seed)
    out = io.BytesIO()
    interfaces = [
        Interface(LINK_ETHERNET, snaplen=65535),
        Interface(LINK_RAW, snaplen=65535),
        Interface(LINK_USB, snaplen=65535),
    ]
    writer = PcapngWriter(out, interfaces)
    for i in range(120):
        ip = build.udp("10.0.0.1", 1000 + i, "192.0.2.7", 33033, rng.randbytes(rng.randrange(90)))
        iface = rng.choice((0, 0, 0, 1, 2))
        data = build.ethernet(ip) if iface == 0 else ip
        writer.write(data, 1_150_000_000 + i * 0.37, interface=iface)
    data = out.getvalue()
    return data if order == "<" else _big_endian(data)


def _big_endian(data: bytes) -> bytes:
    """The same blocks with every framing and fixed field in big-endian order (bodies of
    packets unchanged): what a big-endian writer gives."""
    out, pos = bytearray(), 0
    while pos < len(data):
        btype, blen = struct.unpack_from("<II", data, pos)
        body = data[pos + 8 : pos + blen - 4]
        if btype == 0x0A0D0D0A:
            _bom, major, minor, length = struct.unpack_from("<IHHq", body)
            body = struct.pack(">IHHq", 0x1A2B3C4D, major, minor, length) + body[16:]
        elif btype == 1:
            linktype, reserved, snaplen = struct.unpack_from("<HHI", body)
            body = struct.pack(">HHI", linktype, reserved, snaplen) + _options_be(body[8:])
        elif btype == 6:
            fields = struct.unpack_from("<5I", body)
            body = struct.pack(">5I", *fields) + body[20:]
        out += struct.pack(">II", btype, blen) + body + struct.pack(">I", blen)
        pos += blen
    return bytes(out)


def _options_be(options: bytes) -> bytes:
    out, pos = bytearray(), 0
    while pos + 4 <= len(options):
        code, length = struct.unpack_from("<HH", options, pos)
        value = options[pos + 4 : pos + 4 + length + (-length % 4)]
        out += struct.pack(">HH", code, length) + value
        pos += 4 + len(value)
        if code == 0:
            break
    return bytes(out)


def _packet_blocks(data: bytes) -> list[tuple[int, str]]:
    """(offset, byte order) of every enhanced packet block of a well-formed file."""
    out, pos, order = [], 0, "<"
    while pos + 12 <= len(data):
        if data[pos : pos + 4] == b"\x0a\x0d\x0d\x0a":
            order = "<" if data[pos + 8 : pos + 12] == b"\x4d\x3c\x2b\x1a" else ">"
        btype, blen = struct.unpack_from(order + "II", data, pos)
        if btype == 6:
            out.append((pos, order))
        pos += blen
    return out


def _mutated(base: bytes, blocks: list[tuple[int, str]], rng: random.Random) -> bytes:
    data = bytearray(base)
    for _ in range(rng.randrange(1, 4)):
        kind = rng.randrange(5)
        at = rng.randrange(len(data))
        if kind == 4:  # a packet's captured length at the edge of the room its block has
            pos, order = rng.choice(blocks)
            if pos + 28 <= len(data):
                (blen,) = struct.unpack_from(order + "I", data, pos + 4)
                caplen = max(0, blen - 32 + rng.randrange(-2, 6))
                struct.pack_into(order + "I", data, pos + 20, caplen)
        elif kind == 0:  # a bit flipped, anywhere
            data[at] ^= 1 << rng.randrange(8)
        elif kind == 1:  # a 32-bit field set to something small or odd, where a block might start
            at -= at % 4
            data[at : at + 4] = struct.pack(
                "<I", rng.choice((0, 1, 3, 12, 20, 28, 32, 33, 1 << 27))
            )
        elif kind == 2:  # cut here
            del data[at:]
        else:  # bytes inserted (every later block misaligned)
            data[at:at] = rng.randbytes(rng.randrange(1, 9))
        if not data:
            break
    return bytes(data)


class _Pieces(io.RawIOBase):
    """A stream that hands out pieces of random sizes, as a pipe does."""

    def __init__(self, data: bytes, seed: int | None) -> None:
        super().__init__()
        self._data, self._pos = data, 0
        self._rng = random.Random(seed) if seed is not None else None
        self.name = "capture"  # messages name the stream: the same for every way of reading

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        piece = self._rng.choice((1, 7, 64, 333, 4096)) if self._rng else len(buffer)
        n = min(len(buffer), piece, len(self._data) - self._pos)
        buffer[:n] = self._data[self._pos : self._pos + n]
        self._pos += n
        return n


def _outcome(data: bytes, pieces: int | None = None) -> tuple[Any, ...]:
    """Every packet and how reading ended (or the error), as comparable values; ``pieces``
    seeds the sizes of the pieces the stream hands out (``None``: as much as asked for)."""
    try:
        stream = cast(BinaryIO, _Pieces(data, pieces))
        with open_capture(stream, skip_unsupported=True) as reader:
            packets = [tuple(p) for p in reader]
            return (
                packets,
                reader.warning,
                reader.truncated,
                reader.packets_read,
                reader.skipped_unsupported,
                dict(reader.skipped_linktypes),
            )
    except CaptureError as exc:
        return ("error", str(exc))


def _both(data: bytes, seed: int, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, ...]:
    fast = _outcome(data)
    assert _outcome(data, seed) == fast  # the same in pieces
    with monkeypatch.context() as patch:
        patch.setattr(pcapng._Parser, "_buffered_packets", lambda self: iter(()))
        general = _outcome(data)
        assert _outcome(data, seed) == general
    assert fast == general
    return fast


def test_whole_files_read_the_same_both_ways(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _section("<", 1) + _section(">", 2) + _section("<", 3)
    packets, warning, truncated, read, skipped, by_type = _both(data, 0, monkeypatch)
    assert warning is None and not truncated
    assert len(packets) + skipped == read == 360 and skipped == by_type[LINK_USB] > 0
    assert {p[2] for p in packets} == {LINK_ETHERNET, LINK_RAW}


def test_the_in_place_path_takes_the_common_blocks() -> None:
    """Not a comparison of the general path with itself: most packets come the fast way."""
    data = _section("<", 1)
    taken = 0
    original = pcapng._Parser._buffered_packets

    def counting(self: Any) -> Iterator[Any]:
        nonlocal taken
        for packet in original(self):
            taken += 1
            yield packet

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pcapng._Parser, "_buffered_packets", counting)
        packets, *_ = _outcome(data)
    assert taken > len(packets) // 2


@pytest.mark.parametrize("seed", range(4))
def test_mutated_files_read_the_same_both_ways(seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(seed)
    base = _section("<", seed) + _section(">", seed + 10)
    blocks = _packet_blocks(base)
    ends = set()
    for case in range(300):
        outcome = _both(_mutated(base, blocks, rng), case, monkeypatch)
        ends.add("error" if outcome[0] == "error" else "warning" if outcome[1] else "clean")
    assert {"warning", "clean"} <= ends  # the mutations reach the ways a read ends
