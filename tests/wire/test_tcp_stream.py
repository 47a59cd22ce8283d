"""Obfuscated TCP directions: decode the real capture bytes, and re-encode them exactly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dpkt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.ipv4 import ip_text
from skypeflux.wire.errors import WireError
from skypeflux.wire.tcp import FrameKind, Role, ack_frame, build_frame, data_frame
from skypeflux.wire.tcp_stream import (
    DecoderStatus,
    StreamDecoder,
    StreamEncoder,
    build_stream_header,
    decode_stream,
    encode_stream,
    open_stream_header,
)
from skypeflux.wire.tls_prefix import TlsPrefix
from tests.helpers.backends import BACKENDS, crypto_backend

Direction = tuple[dict[str, Any], list[bytes]]


def _endpoint(addr: bytes, port: int) -> str:
    return f"{ip_text(int.from_bytes(addr, 'big'))}:{port}"


def _segments(path: Path) -> dict[tuple[str, str], list[tuple[int, int, bytes]]]:
    flows: dict[tuple[str, str], list[tuple[int, int, bytes]]] = {}
    with path.open("rb") as fh:
        for _, buf in dpkt.pcap.Reader(fh):
            ip = dpkt.ethernet.Ethernet(buf).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
                tcp = ip.data
                key = (_endpoint(ip.src, tcp.sport), _endpoint(ip.dst, tcp.dport))
                flows.setdefault(key, []).append((tcp.seq, tcp.flags, bytes(tcp.data)))
    return flows


def _in_order(segments: list[tuple[int, int, bytes]]) -> list[bytes]:
    """Payloads by sequence number (the capture has no overlaps or holes in these flows)."""
    syn = [seq for seq, flags, _ in segments if flags & dpkt.tcp.TH_SYN]
    start = syn[0] + 1 if syn else min(seq for seq, _, data in segments if data)
    chunks = {(seq - start) & 0xFFFFFFFF: data for seq, _, data in segments if data}
    out, pos = [], 0
    for offset in sorted(chunks):
        assert offset == pos, "unexpected hole or overlap"
        out.append(chunks[offset])
        pos += len(chunks[offset])
    return out


@pytest.fixture(scope="module")
def directions(skypeirc_path: Path, units_oracle: list[dict[str, Any]]) -> list[Direction]:
    flows = _segments(skypeirc_path)
    units = [u for u in units_oracle if u["proto"] == "tcp"]
    assert len(units) == 8
    return [(u, _in_order(flows[(u["src"], u["dst"])])) for u in units]


def _oracle_frames(unit: dict[str, Any]) -> list[list[int]]:
    frames = unit["body_frames"]
    return json.loads(frames) if isinstance(frames, str) else list(frames)


def _check(unit: dict[str, Any], decoder: StreamDecoder, frames: list[Any]) -> None:
    assert decoder.header is not None and decoder.header.ok
    assert decoder.header.seed == int(unit["seed"], 16)
    assert decoder.header.plain.hex() == unit["hdr10"]
    assert decoder.exact, decoder.error
    assert [[f.offset, f.varint_len, f.length, f.flag] for f in frames] == _oracle_frames(unit)
    assert b"".join(f.build() for f in frames) == bytes.fromhex(unit["plaintext"])[10:]


def test_every_direction_decodes_segment_by_segment(directions: list[Direction]) -> None:
    for unit, segments in directions:
        decoder = StreamDecoder(strict_header=True)
        frames = [frame for segment in segments for frame in decoder.feed(segment)]
        _check(unit, decoder, frames)
        assert decoder.tls_prefix is None


def test_every_direction_decodes_byte_by_byte(directions: list[Direction]) -> None:
    for unit, segments in directions:
        decoder = StreamDecoder()
        data = b"".join(segments)
        frames = [frame for i in range(len(data)) for frame in decoder.feed(data[i : i + 1])]
        _check(unit, decoder, frames)


def test_roles_from_the_header(directions: list[Direction]) -> None:
    roles = [open_stream_header(b"".join(seg)[:14]).role for _, seg in directions]
    assert roles.count(Role.INITIATOR) == roles.count(Role.RESPONDER) == 4


def test_encoder_reproduces_every_captured_direction(directions: list[Direction]) -> None:
    for unit, segments in directions:
        hdr = bytes.fromhex(unit["hdr10"])
        encoder = StreamEncoder(int(unit["seed"], 16), int.from_bytes(hdr[:2], "big"), hdr[-1])
        body = bytes.fromhex(unit["plaintext"])[10:]
        frames = [f.build() for f in decode_stream(b"".join(segments))[1]]
        out = b"".join(encoder.encrypt(frame) for frame in frames)
        assert out == b"".join(segments)
        assert encoder.header == out[:14]
        assert b"".join(frames) == body


def test_spec_appendix_stream_start() -> None:
    first = bytes.fromhex(
        "0790c7dd5df5e39e3c0c554141446de2e58dce0c4344030cb638d06ca1d66596c8b21e710b80f9fb"
    )
    decoder, frames = decode_stream(first)
    assert decoder.header is not None
    assert decoder.header.plain.hex() == "00010000000100000001"
    assert frames[0].body.hex() == "160613f20116054249b21c6fd2b2622cf24c36c1098857e1"
    assert decoder.pending == 1 and not decoder.exact  # the ack frame has only begun


def test_bad_header_is_a_status_not_an_exception() -> None:
    garbage = bytes(range(40))
    lenient, _ = decode_stream(garbage)
    assert lenient.header is not None and not lenient.header.ok
    strict = StreamDecoder(strict_header=True)
    assert strict.feed(garbage) == []
    assert strict.status is DecoderStatus.BROKEN
    assert strict.dropped == 26
    assert strict.feed(b"more") == [] and strict.dropped == 30


def test_broken_framing_stops_the_decoder() -> None:
    stream = encode_stream(0x12345678, [data_frame(1, b"\x02\x08\x42\x15"), b"\xff" * 6])
    decoder, frames = decode_stream(stream, max_body=1000)
    assert len(frames) == 1
    assert decoder.status is DecoderStatus.BROKEN
    assert decoder.error is not None and decoder.error_offset == 7
    assert decoder.feed(b"xyz") == []


def test_tls_prefix_is_skipped_in_any_chunking() -> None:
    client = bytes.fromhex("8046010301002d00000010") + bytes(61)
    stream = encode_stream(0xCAFEBABE, [ack_frame(5), build_frame(1, b"\x03junk")])
    whole = client + stream
    for size in (1, 5, 13, 72, 100):
        decoder = StreamDecoder(strict_header=True)
        frames = [f for i in range(0, len(whole), size) for f in decoder.feed(whole[i : i + size])]
        assert decoder.tls_prefix is TlsPrefix.CLIENT
        assert [f.kind for f in frames] == [FrameKind.ACK, FrameKind.FILLER]
        assert decoder.exact


def test_build_stream_header_checks_the_seed() -> None:
    with pytest.raises(WireError):
        build_stream_header(1 << 32)
    with pytest.raises(WireError):
        open_stream_header(b"short")


@settings(max_examples=40, deadline=None)
@given(
    st.integers(0, 0xFFFFFFFF),
    st.lists(st.tuples(st.integers(0, 1), st.binary(max_size=200)), max_size=6),
    st.integers(1, 50),
)
def test_encode_decode_round_trip(seed: int, items: list[tuple[int, bytes]], chunk: int) -> None:
    stream = encode_stream(seed, [build_frame(flag, body) for flag, body in items], 0x14E, 3)
    decoder = StreamDecoder(strict_header=True)
    frames = [f for i in range(0, len(stream), chunk) for f in decoder.feed(stream[i : i + chunk])]
    assert [(f.flag, f.body) for f in frames] == items
    assert decoder.exact
    assert decoder.header is not None and decoder.header.role is Role.RESPONDER


# --- the 14-byte header (spec 2.1, Appendix A) -------------------------------------------------


@pytest.fixture(scope="module")
def tcp_frames(skypeirc_path: Path) -> dict[int, tuple[str, str, bytes]]:
    """Frame number (1-based) -> (src ip, dst ip, TCP payload) for the capture's TCP frames."""
    out: dict[int, tuple[str, str, bytes]] = {}
    with skypeirc_path.open("rb") as fh:
        for number, (_, raw) in enumerate(dpkt.pcap.Reader(fh), start=1):
            ip = dpkt.ethernet.Ethernet(raw).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.tcp.TCP):
                src, dst = (ip_text(int.from_bytes(a, "big")) for a in (ip.src, ip.dst))
                out[number] = (src, dst, bytes(ip.data.data))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_appendix_a_tcp_stream_start(backend: str) -> None:
    from skypeflux.crypto import cipher_for_seed

    name = crypto_backend(backend)
    stream = bytes.fromhex(
        "0790c7dd5df5e39e3c0c554141446de2e58dce0c4344030cb638d06ca1d66596c8b21e710b80f9fb"
    )
    header = open_stream_header(stream, backend=name)
    assert header.seed == 0x0790C7DD
    assert header.plain == bytes.fromhex("00010000000100000001")
    assert header.ok and header.seq16 == 1 and header.last_word == 1
    body = cipher_for_seed(header.seed, backend=name).crypt(stream[14:])
    # The RC4 state restarts at byte 14; the appendix's frame and ack continue past byte 40.
    frame_and_ack = bytes.fromhex("30160613f20116054249b21c6fd2b2622cf24c36c1098857e107017a58")
    assert body == frame_and_ack[: len(body)]


def test_sn_tcp_example_spec_2_1() -> None:
    header = open_stream_header(bytes.fromhex("33fbaf7628abb1930aff6cdf55b1"))
    assert header.plain == bytes.fromhex("00010000000100000001") and header.ok


def test_tcp_header_rejects_random_bytes_and_short_input() -> None:
    assert not open_stream_header(bytes(range(14))).ok
    with pytest.raises(WireError) as info:
        open_stream_header(b"\x00" * 13)
    assert info.value.offset == 13


def test_frame_273_tcp_header(tcp_frames: dict[int, tuple[str, str, bytes]]) -> None:
    src, dst, payload = tcp_frames[273]
    assert (src, dst) == ("192.168.1.2", "68.206.150.243")
    header = open_stream_header(payload)
    assert header.seed == 0x0790C7DD
    assert header.plain == bytes.fromhex("00010000000100000001")
    assert header.ok


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_tcp_direction_in_the_capture(
    backend: str,
    tcp_frames: dict[int, tuple[str, str, bytes]],
    units_oracle: list[dict[str, Any]],
) -> None:
    directions = [u for u in units_oracle if u["proto"] == "tcp"]
    assert len(directions) == 8
    for unit in directions:
        header = open_stream_header(tcp_frames[unit["frame"]][2], backend=crypto_backend(backend))
        assert header.ok, unit["frame"]
        assert f"{header.seed:08x}" == unit["seed"]
        assert header.plain.hex() == unit["hdr10"]
