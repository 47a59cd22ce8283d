"""What verification promises, checked by mutating real datagrams of SkypeIRC.cap.

* UDP: a CRC32 covers the plaintext and the seed covers id and IV, so every single-bit flip in
  id, IV, CRC or ciphertext turns verification off. The func byte's filler bits (0x70) carry
  nothing (protocol.md 1.1): a flip there changes the label, never the key or the content.
  A fragment's reference id, index and ``last`` bit are outside every CRC: a flip there leaves
  the piece verified, and the joined message is then not verified.
* TCP has no checksum: the schema says so, and every verified TCP frame says so.
* Clear ACK/NAck bodies teach no address unless a CRC confirms it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.net.build import ethernet, udp
from skypeflux.capture.net.packets import UdpDatagram
from skypeflux.capture.pipeline import Decoder
from skypeflux.capture.records import CONTENT_UNPROTECTED, Record
from skypeflux.capture.skype.addresses import AddressBook
from skypeflux.capture.skype.survey import SurveyResult
from skypeflux.capture.skype.udp_decoder import UdpDecoder
from skypeflux.ipv4 import Endpoint
from skypeflux.outputs.jsonl import load_schema
from skypeflux.wire import udp as wudp
from tests.helpers.samples import HOST_PUBLIC, SKYPE_PORT, skype_datagrams

HOST = "192.168.1.2"
FILLER_BITS = 0x70


@pytest.fixture(scope="module")
def datagrams(skypeirc_path: Path) -> dict[int, tuple[str, str, bytes]]:
    return {frame: (src, dst, data) for frame, src, dst, data in skype_datagrams(skypeirc_path)}


def _decode(items: list[tuple[str, str, bytes]]) -> list[Record]:
    """Feed datagrams (our port on the host side) to a UDP decoder that knows the address."""
    out: list[Record] = []
    book = AddressBook({HOST: HOST_PUBLIC})
    survey = SurveyResult(proven={Endpoint.of(HOST, SKYPE_PORT)})
    decoder = UdpDecoder(book, out.append, survey, try_seen_addresses=False)
    for frame, (src, dst, data) in enumerate(items, start=1):
        sport, dport = (SKYPE_PORT, 40000) if src == HOST else (40000, SKYPE_PORT)
        decoder.feed(
            UdpDatagram(frame, float(frame), src, sport, dst, dport, data, False, (frame,))
        )
    decoder.finish(len(items), float(len(items)))
    return [r for r in out if r.unit != "note"]


def _flips(data: bytes) -> list[tuple[int, int, bytes]]:
    out = []
    for index in range(len(data)):
        for bit in range(8):
            mutated = bytearray(data)
            mutated[index] ^= 1 << bit
            out.append((index, 1 << bit, bytes(mutated)))
    return out


@pytest.mark.parametrize("frame", [333, 216, 219])  # an incoming reply, a resend, an outgoing
def test_every_bit_flip_of_a_datagram_turns_verification_off(
    datagrams: dict[int, tuple[str, str, bytes]], frame: int
) -> None:
    src, dst, data = datagrams[frame]
    (original,) = _decode([(src, dst, data)])
    assert original.verification.ok
    for index, bit, mutated in _flips(data):
        records = _decode([(src, dst, mutated)])
        verified = [r for r in records if r.verification.ok]
        if index == 2 and bit & FILLER_BITS:
            # filler bits: the same key and the same bytes, only the func byte differs
            assert [r.plaintext for r in verified] == [original.plaintext]
        else:
            assert not verified, (frame, index, bit)


def _message(datagrams: dict[int, tuple[str, str, bytes]], first: int) -> list[int]:
    frames = []
    outer_id = datagrams[first][2][:2]
    for frame in sorted(datagrams):
        data = datagrams[frame][2]
        if frame >= first and data[2] & 0x8F == wudp.TYPE_FRAGMENT and data[:2] == outer_id:
            frames.append(frame)
            if data[5] & wudp.FRAGMENT_LAST_BIT:
                return frames
    raise AssertionError("no last fragment")


def test_every_bit_flip_of_a_fragment_turns_its_verification_off(
    datagrams: dict[int, tuple[str, str, bytes]],
) -> None:
    src, dst, data = datagrams[1290]
    assert data[2] & 0x8F == wudp.TYPE_FRAGMENT
    rng = random.Random(9)
    flips = _flips(data)
    covered = [f for f in flips if f[0] in (0, 1) or f[0] >= 6 or (f[0] == 2 and not f[1] & 0x70)]
    # every bit of the header, a sample of the ciphertext's (all of it takes minutes)
    chosen = [f for f in covered if f[0] < 40] + rng.sample([f for f in covered if f[0] >= 40], 800)
    for index, bit, mutated in chosen:
        records = _decode([(src, dst, mutated)])
        assert not any(r.verification.ok for r in records), (index, bit)


@pytest.mark.parametrize("index,bit", [(3, 0x01), (4, 0x80), (5, 0x01), (5, 0x02), (5, 0x80)])
def test_a_flip_outside_the_crc_breaks_the_message(
    datagrams: dict[int, tuple[str, str, bytes]], index: int, bit: int
) -> None:
    frames = _message(datagrams, 1290)
    assert len(frames) == 9
    items = [datagrams[f] for f in frames]
    assert sum(r.unit == "udp.message" and r.verification.ok for r in _decode(items)) == 1
    for victim in range(len(items)):
        src, dst, data = items[victim]
        mutated = bytearray(data)
        mutated[index] ^= bit
        changed = [*items[:victim], (src, dst, bytes(mutated)), *items[victim + 1 :]]
        records = _decode(changed)
        assert not [r for r in records if r.unit == "udp.message" and r.verification.ok], victim


def _with_fragment_byte(item: tuple[str, str, bytes], value: int) -> tuple[str, str, bytes]:
    src, dst, data = item
    return src, dst, data[:5] + bytes([value]) + data[6:]


def test_swapped_or_reflagged_fragments_are_not_a_verified_message(
    datagrams: dict[int, tuple[str, str, bytes]],
) -> None:
    starts = [1290]
    starts.append(min(f for f in datagrams if f > 1340 and datagrams[f][2][2] & 0x8F == 0x0F))
    for start in starts:
        items = [datagrams[f] for f in _message(datagrams, start)]
        last = len(items) - 1
        for i in range(last):
            for j in range(i + 1, last):  # swap two index fields (the last keeps its flag)
                swapped = list(items)
                swapped[i] = _with_fragment_byte(items[i], j)
                swapped[j] = _with_fragment_byte(items[j], i)
                records = _decode(swapped)
                assert all(r.verification.ok for r in records if r.unit == "udp.fragment")
                messages = [r for r in records if r.unit == "udp.message"]
                assert messages and not any(r.verification.ok for r in messages), (start, i, j)
        for middle in range(1, last):  # the last bit set on a middle fragment
            flagged = list(items)
            flagged[middle] = _with_fragment_byte(items[middle], 0x80 | middle)
            records = _decode(flagged)
            messages = [r for r in records if r.unit == "udp.message"]
            assert messages and not any(r.verification.ok for r in messages), (start, middle)


def test_random_eleven_byte_datagrams_teach_no_address(tmp_path: Path) -> None:
    # A NATed host sends Skype datagrams nobody answers; 300 random 11-byte "ACKs" and
    # "NAcks" arrive on its port. None of their addresses may be believed.
    from tests.capture.test_whole_capture import _never_answered

    path, _ = _never_answered(tmp_path / "quiet.pcap")
    rng = random.Random(11)
    packets = []
    for i in range(300):
        body = bytearray(rng.randbytes(11))
        body[2] = rng.choice([0x05, 0x07]) | (rng.randrange(8) << 4)
        ip = udp(f"198.18.{i // 200}.{i % 200 + 1}", 9000 + i, "10.0.0.5", 40000, bytes(body))
        packets.append(Packet(1_200_000_100.0 + i, ethernet(ip)))
    from skypeflux.capture.files.source import read_packets

    base = [Packet(p.ts, p.data, p.wirelen) for p in read_packets(path)]
    mixed = tmp_path / "mixed.pcap"
    write_capture(mixed, base + packets)
    decoder = Decoder()
    records = list(decoder.run(mixed))
    assert not any(r.unit == "note" for r in records)
    assert decoder.book.all_confirmed() == []
    assert not any(r.verification.ok for r in records)
    (host,) = decoder.hosts
    assert host.address_unknown


def test_tcp_says_what_a_flipped_bit_can_change(skypeirc_path: Path) -> None:
    schema = load_schema()["properties"]
    assert "NOT integrity-protected" in schema["skypeflux.verified"]["description"]
    assert "not integrity-protected" in schema["skypeflux.verify.content"]["description"]
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    assert "not integrity-protected" in readme
    records = list(Decoder().run(skypeirc_path))
    tcp = [r for r in records if r.unit in ("tcp.data", "tcp.control")]
    assert len(tcp) == 52
    assert all(r.verification.content == CONTENT_UNPROTECTED for r in tcp)
    assert all(r.verification.key == "tcp-header" for r in tcp)
    udp_units = [r for r in records if r.unit in ("udp.payload", "udp.resend", "udp.fragment")]
    assert all(r.verification.content == "crc32" for r in udp_units)
