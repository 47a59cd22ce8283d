"""The decode pipeline end to end on captures built in the test, for what SkypeIRC.cap lacks.

The real capture is Ethernet, IPv4, in-order TCP without pseudo-TLS. Here the same pipeline
reads captures written with the product's own builders and writer (other link layers, pcapng,
IP fragments, snap lengths, TCP reordering and holes, NAT and NAcks) whose Skype content comes
from the project's own encoders and the real command blocks of SkypeIRC.blocks.jsonl. The
expected values are the inputs the test chose (plaintexts, seeds, addresses, stream layout),
never outputs of the code under test.
"""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from skypeflux.capture.net.build import LINKS, fragment, udp
from skypeflux.capture.net.tcp_build import TcpConversation
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import UNVERIFIED, Record
from skypeflux.objects import to_tree
from skypeflux.wire import udp as wudp
from skypeflux.wire.fragment_split import fragment_count, split_message
from skypeflux.wire.fragments import fragment_ivs
from skypeflux.wire.tcp import LAST_WORD_INITIATOR, LAST_WORD_RESPONDER, ack_frame, data_frame
from skypeflux.wire.tcp_stream import encode_stream
from skypeflux.wire.tls_prefix import (
    CLIENT_HELLO_LEN,
    CLIENT_HELLO_START,
    SERVER_HELLO_LEN,
    TlsPrefix,
    build_tls_prefix,
    tls_filler_len,
)
from skypeflux.wire.udp_crypt import seal_payload, seal_resend
from tests.helpers.captures import Packet, timed, write_capture
from tests.helpers.oracle import oracle_block
from tests.helpers.records import ends

# Public-looking hosts (ipaddress calls 192.0.2/24, 198.51.100/24, 203.0.113/24 private).
ALICE, ALICE_PORT = "86.128.245.115", 35990
BOB, BOB_PORT = "84.228.208.91", 4464
NAT_HOST, NAT_PORT = "10.0.0.5", 33033  # behind NAT; known publicly as ALICE
SUPERNODE, SN_PORT = "68.206.150.243", 443
CLIENT, CLIENT_PORT = "192.168.7.20", 1312


def decode(path: Path, options: DecodeOptions | None = None) -> tuple[Decoder, list[Record]]:
    decoder = Decoder(options)
    return decoder, list(decoder.run(path))


def units(records: list[Record], unit: str) -> list[Record]:
    return [r for r in records if r.unit == unit]


def check_blocks(record: Record, rows: list[dict[str, Any]]) -> None:
    """``record`` carries exactly the oracle blocks ``rows``, decoded to the oracle trees."""
    got = [(b.command, b.flags, b.reqid, b.list_bytes.hex()) for b in record.blocks]
    assert got == [(r["cmd"], r["flags"], r["reqid"], r["list_hex"]) for r in rows]
    assert all(b.error is None for b in record.blocks)
    assert [to_tree(b.objects or []) for b in record.blocks] == [r["tree"] for r in rows]


# -- real blocks from the oracle --------------------------------------------------------------


@pytest.fixture(scope="module")
def udp_rows(blocks_oracle: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Blocks of ordinary 0x02 datagrams, in capture order."""
    return [r for r in blocks_oracle if r["proto"] == "udp" and " udp 02 " in r["where"]]


@pytest.fixture(scope="module")
def big_row(blocks_oracle: list[dict[str, Any]]) -> dict[str, Any]:
    """The largest block of the capture: an 11.9 kB reply that travelled as 9 fragments."""
    return max(blocks_oracle, key=lambda r: r["size"])


@pytest.fixture(scope="module")
def tcp_rows(blocks_oracle: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], ...]:
    """Both directions of one real obfuscated TCP conversation (client, server)."""
    client = "192.168.1.2:1312"
    up = [r for r in blocks_oracle if r["proto"] == "tcp" and r["src"] == client]
    down = [r for r in blocks_oracle if r["proto"] == "tcp" and r["dst"] == client]
    assert len(up) == 15 and len(down) == 12
    return up, down


def test_oracle_blocks_rebuild_exactly(blocks_oracle: list[dict[str, Any]]) -> None:
    # The inputs of every test below are real: the encoder gives back the captured bytes.
    for row in blocks_oracle:
        assert oracle_block(row).hex() == row["header_hex"] + row["list_hex"], row["where"]


# -- TCP ---------------------------------------------------------------------------------------

SEED_UP, SEED_DOWN = 0x5EED0001, 0x0BADCAFE


class Expected(NamedTuple):
    """One frame a reader must find in a direction (offsets count from after the header)."""

    unit: str
    offset: int
    end: int  # offset just after the frame
    length: int  # body length, as the varint says
    packet_id: int
    rows: list[dict[str, Any]]  # the oracle blocks it carries


def _direction(
    seed: int, last_word: int, rows: list[dict[str, Any]], first_id: int, acks: int
) -> tuple[bytes, list[Expected]]:
    """An obfuscated direction carrying ``rows`` (two blocks in the first data frame, then one
    per frame), an ack frame after every data frame; and the frames a reader must find."""
    groups = [rows[:2]] + [[r] for r in rows[2:]]
    frames: list[bytes] = []
    expected: list[Expected] = []
    offset = 0
    for i, group in enumerate(groups):
        packet_id = first_id + 2 * i
        blocks = b"".join(oracle_block(r) for r in group)
        for unit, frame, body_len, pid, carried in (
            ("tcp.data", data_frame(packet_id, blocks), 2 + len(blocks), packet_id, group),
            ("tcp.control", ack_frame(acks + i), 3, acks + i, []),
        ):
            expected.append(Expected(unit, offset, offset + len(frame), body_len, pid, carried))
            frames.append(frame)
            offset += len(frame)
    stream = encode_stream(seed, frames, seq16=0x1234, last_word=last_word)
    return stream, expected


def _hello(which: TlsPrefix, rng: random.Random) -> bytes:
    """A pseudo-TLS hello: its fixed start, then filler (only the start identifies it)."""
    return build_tls_prefix(which, rng.randbytes(tls_filler_len(which)))


TlsStreams = tuple[bytes, bytes, list[Expected], list[Expected]]


@pytest.fixture(scope="module")
def tls_streams(tcp_rows: tuple[list[dict[str, Any]], ...]) -> TlsStreams:
    """Client and server bytes of a port-443 Skype connection with the pseudo-TLS hellos."""
    up_rows, down_rows = tcp_rows
    rng = random.Random(443)
    up, up_expected = _direction(SEED_UP, LAST_WORD_INITIATOR, up_rows, 0x2000, 0x7000)
    down, down_expected = _direction(SEED_DOWN, LAST_WORD_RESPONDER, down_rows, 0x7000, 0x2000)
    client = _hello(TlsPrefix.CLIENT, rng) + up
    server = _hello(TlsPrefix.SERVER, rng) + down
    assert CLIENT_HELLO_LEN == 72 and SERVER_HELLO_LEN == 79  # spec protocol.md 2.3
    return client, server, up_expected, down_expected


SEGMENT = 61  # TCP payload bytes per segment: frames and segments rarely line up
CONV = TcpConversation(CLIENT, CLIENT_PORT, SUPERNODE, SN_PORT)
UP = (f"{CLIENT}:{CLIENT_PORT}", f"{SUPERNODE}:{SN_PORT}")
DOWN = (UP[1], UP[0])


def _segments(client: bytes, server: bytes, size: int = SEGMENT) -> list[tuple[bool, int, bytes]]:
    """``(from_client, offset, packet)`` of both directions, interleaved as a dialogue would be."""
    ups = [(True, s.offset, s.packet) for s in CONV.stream(True, client, size)]
    downs = [(False, s.offset, s.packet) for s in CONV.stream(False, server, size)]
    out: list[tuple[bool, int, bytes]] = []
    while ups or downs:
        out.extend(ups[:2])
        out.extend(downs[:3])
        del ups[:2], downs[:3]
    return out


def _tcp_capture(
    path: Path, client: bytes, server: bytes, segments: list[bytes], handshake: bool = True
) -> Path:
    ips = (CONV.handshake() if handshake else []) + segments
    ips += [CONV.fin(True, len(client)), CONV.fin(False, len(server))]
    return write_capture(path, timed(ips))


def _check_direction(
    records: list[Record], pair: tuple[str, str], expected: list[Expected]
) -> None:
    mine = [r for r in records if ends(r) == pair and r.unit not in {"tcp.header", "note"}]
    assert [(r.unit, r.info["stream_offset"], r.info["length"], r.packet_id) for r in mine] == [
        (e.unit, e.offset, e.length, e.packet_id) for e in expected
    ]
    assert all(r.verification.ok and r.plaintext is not None for r in mine)
    for record, frame in zip(mine, expected, strict=True):
        check_blocks(record, frame.rows)


def _tcp_facts(records: list[Record]) -> dict[tuple[str, str], list[tuple[Any, ...]]]:
    """What a reader learns from TCP records, per direction, without the capture frames."""
    out: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    for r in records:
        if r.transport == "tcp" and r.unit != "note":
            # which frame a reply answers depends on the order the capture shows them in
            blocks = [replace(b, reply_to_frame=None) for b in r.blocks]
            facts = (r.unit, r.verification, r.packet_id, r.plaintext, r.info, blocks)
            out.setdefault(ends(r), []).append(facts)
    return out


# 5 bytes: the hello signatures and the 14-byte headers arrive in pieces; 1460: one Ethernet MSS
@pytest.mark.parametrize("size", [5, SEGMENT, 1460])
def test_tcp_port_443_with_pseudo_tls(tmp_path: Path, tls_streams: TlsStreams, size: int) -> None:
    client, server, up_expected, down_expected = tls_streams
    segments = [p for *_, p in _segments(client, server, size)]
    path = _tcp_capture(tmp_path / "tls.pcap", client, server, segments)
    decoder, records = decode(path)
    headers = {ends(r): r for r in units(records, "tcp.header")}
    assert sorted(headers) == sorted([UP, DOWN])
    for pair, seed, role in ((UP, SEED_UP, "initiator"), (DOWN, SEED_DOWN, "responder")):
        header = headers[pair]
        assert header.verification.ok and header.verification.seed == seed
        assert (header.info["seed"], header.info["role"]) == (f"{seed:08x}", role)
        assert header.info["tls_prefix"] is True
    _check_direction(records, UP, up_expected)
    _check_direction(records, DOWN, down_expected)
    assert not units(records, "tcp.end")
    assert [r.frame for r in records] == sorted(r.frame for r in records)
    assert decoder.stats["tcp_skype_connections"] == 1
    (flow,) = decoder.flows
    assert flow.status == "verified" and flow.counts.unverified == 0
    # a record names every segment that carried its bytes, and is reported at the last one
    for record in records:
        assert record.frame == max(record.frames)
        if size == 5 and record.unit == "tcp.data":
            assert len(record.frames) >= (record.info["length"] + 1) // 5


def test_tcp_reordered_duplicated_overlapping(tmp_path: Path, tls_streams: TlsStreams) -> None:
    client, server, *_ = tls_streams
    in_order = _segments(client, server)
    _, reference = decode(
        _tcp_capture(tmp_path / "a.pcap", client, server, [p for *_, p in in_order])
    )
    rng = random.Random(7)
    shuffled: list[bytes] = []
    window: list[bytes] = []
    for n, (from_client, at, packet) in enumerate(in_order):
        window.append(packet)
        data = client if from_client else server
        if n % 3 == 0:  # a retransmission of this very segment
            window.append(packet)
        if n % 4 == 1 and at >= 20:  # a resegmented copy straddling this segment's start
            window.append(CONV.segment(from_client, at - 20, data[at - 20 : at + 25]))
        if len(window) >= 6:
            rng.shuffle(window)
            shuffled.extend(window)
            window = []
    rng.shuffle(window)
    shuffled.extend(window)
    shuffled.append(in_order[4][2])  # a late duplicate after everything was delivered
    assert shuffled != [p for *_, p in in_order]
    decoder, records = decode(_tcp_capture(tmp_path / "b.pcap", client, server, shuffled))
    assert _tcp_facts(records) == _tcp_facts(reference)
    assert [r.frame for r in records] == sorted(r.frame for r in records)
    assert not units(records, "tcp.end") and decoder.stats["tcp_skype_connections"] == 1


def test_tcp_hole_ends_the_direction(tmp_path: Path, tls_streams: TlsStreams) -> None:
    client, server, up_expected, down_expected = tls_streams
    segments = _segments(client, server)
    downs = [(n, at) for n, (from_client, at, _) in enumerate(segments) if not from_client]
    lost_n, lost_at = downs[len(downs) // 2]
    lost_len = min(SEGMENT, len(server) - lost_at)
    kept = [p for n, (_, _, p) in enumerate(segments) if n != lost_n]
    _, records = decode(_tcp_capture(tmp_path / "hole.pcap", client, server, kept))
    down = [r for r in records if ends(r) == DOWN and r.unit != "note"]
    (end,) = units(down, "tcp.end")
    assert f"hole of {lost_len} bytes at stream offset {lost_at}" in end.verification.detail
    assert end.verification.status == UNVERIFIED and end.plaintext is None
    assert down[-1] is end  # nothing of this direction after the hole
    # exactly the frames that end before the hole, verified; none that reaches into it
    body_start = SERVER_HELLO_LEN + 14  # frame offsets count from after the prefix and header
    whole = [e for e in down_expected if body_start + e.end <= lost_at]
    assert 0 < len(whole) < len(down_expected)
    _check_direction(down[:-1], DOWN, whole)
    _check_direction(records, UP, up_expected)  # the other direction is untouched


def test_direction_starting_mid_stream_is_not_skype(
    tmp_path: Path, tls_streams: TlsStreams
) -> None:
    # The capture starts after the handshake and after the client's first segment: the client
    # direction has no header to verify and must not be reported; the server's is whole.
    client, server, _, down_expected = tls_streams
    segments = _segments(client, server)
    first_up = next(n for n, (fc, _, _) in enumerate(segments) if fc)
    late = [p for n, (_, _, p) in enumerate(segments) if n != first_up]
    decoder, records = decode(
        _tcp_capture(tmp_path / "mid.pcap", client, server, late, handshake=False)
    )
    assert not [r for r in records if ends(r) == UP]
    (header,) = units(records, "tcp.header")
    assert ends(header) == DOWN
    _check_direction(records, DOWN, down_expected)
    # both directions mid-stream: nothing at all
    both = [p for fc, at, p in segments if at > 0]
    decoder, records = decode(
        _tcp_capture(tmp_path / "mid2.pcap", client, server, both, handshake=False)
    )
    assert records == [] and decoder.stats["tcp_skype_connections"] == 0


# -- UDP ---------------------------------------------------------------------------------------


def _fragments(
    plain: bytes, *, packet_id: int, ref_id: int, src: str, dst: str, iv0: int
) -> list[bytes]:
    """``plain`` as 0x0F datagrams: full 1355-byte pieces and a shorter last one."""
    count = fragment_count(len(plain))
    return [
        f.build()
        for f in split_message(
            plain,
            packet_id=packet_id,
            ref_id=ref_id,
            ivs=fragment_ivs(iv0, count),  # as Skype picks them: its generator, 2 steps apart
            src_ip=src,
            dst_ip=dst,
            funcs=[0x0F | (0x10 * (i % 8)) for i in range(count)],  # random filler bits
        )
    ]


def _a_to_b(payload: bytes, ident: int = 1) -> bytes:
    return udp(ALICE, ALICE_PORT, BOB, BOB_PORT, payload, ident=ident)


def _b_to_a(payload: bytes, ident: int = 1) -> bytes:
    return udp(BOB, BOB_PORT, ALICE, ALICE_PORT, payload, ident=ident)


@pytest.fixture(scope="module")
def udp_scene(
    udp_rows: list[dict[str, Any]], big_row: dict[str, Any]
) -> tuple[list[bytes], dict[str, Any]]:
    """A short exchange between two public hosts: request, reply, ACK, a fragmented reply and
    a DNS query; with the plaintexts the decoder must find."""
    request, reply = oracle_block(udp_rows[0]), oracle_block(udp_rows[1])
    big = oracle_block(big_row)
    frags = _fragments(big, packet_id=0x4A10, ref_id=0x15E8, src=BOB, dst=ALICE, iv0=0x600DF00D)
    ips = [
        _a_to_b(
            seal_payload(request, packet_id=0x15E8, iv=0x2BB72FED, src_ip=ALICE, dst_ip=BOB).build()
        ),
        _b_to_a(
            seal_payload(
                reply, packet_id=0x4A0E, iv=0x11223344, src_ip=BOB, dst_ip=ALICE, func=0x52
            ).build()
        ),
        _a_to_b(wudp.Ack(0x4A0E, wudp.ip_number(BOB), 0xDEADBEEF, func=0x45).build()),
        udp(ALICE, 53000, "8.8.8.8", 53, bytes.fromhex("abcd01000001000000000000")),
        *(_b_to_a(f, ident=100 + i) for i, f in enumerate(frags)),
    ]
    return ips, {"request": request, "reply": reply, "big": big, "fragments": len(frags)}


def test_udp_scene_decodes(
    tmp_path: Path,
    udp_scene: tuple[list[bytes], dict[str, Any]],
    udp_rows: list[dict[str, Any]],
    big_row: dict[str, Any],
) -> None:
    ips, want = udp_scene
    decoder, records = decode(write_capture(tmp_path / "udp.pcap", timed(ips)))
    p1, p2 = units(records, "udp.payload")
    assert (p1.frame, p1.plaintext, p1.verification.public_src) == (1, want["request"], ALICE)
    assert (p2.frame, p2.plaintext, p2.udp_func) == (2, want["reply"], 0x52)
    assert p1.verification.ok and p2.verification.ok
    check_blocks(p1, [udp_rows[0]])
    (ack,) = units(records, "udp.ack")
    assert ack.info["ip"] == BOB and ack.frame == 3
    frags = units(records, "udp.fragment")
    assert len(frags) == want["fragments"] == 9 and all(r.verification.ok for r in frags)
    (message,) = units(records, "udp.message")
    assert message.plaintext == want["big"] and message.frames == list(range(5, 14))
    check_blocks(message, [big_row])
    assert not [r for r in records if "8.8.8.8:53" in ends(r)]
    assert decoder.stats["udp_not_skype"] == 1


def _same_udp_capture(tmp_path: Path, ips: list[bytes], link: str, pcapng: bool) -> list[Record]:
    name = f"{link}.{'pcapng' if pcapng else 'pcap'}"
    decoder, records = decode(write_capture(tmp_path / name, timed(ips), link=link, pcapng=pcapng))
    assert decoder.capture_format.startswith("pcapng" if pcapng else "pcap")
    return records


@pytest.mark.parametrize("link", sorted(LINKS))
def test_udp_same_records_on_every_link_type(
    tmp_path: Path, udp_scene: tuple[list[bytes], dict[str, Any]], link: str
) -> None:
    ips, _ = udp_scene
    reference = _same_udp_capture(tmp_path, ips, "ethernet", False)
    assert len(reference) == 2 + 1 + 9 + 1
    assert _same_udp_capture(tmp_path, ips, link, False) == reference
    assert _same_udp_capture(tmp_path, ips, link, True) == reference


@pytest.mark.parametrize("reverse", [False, True])
def test_ip_fragmented_datagram_is_verified(
    tmp_path: Path, udp_rows: list[dict[str, Any]], reverse: bool
) -> None:
    # One 0x02 datagram of ~1.3 kB (two real blocks) crossing a 576-byte MTU link: IP splits it.
    rows = sorted(udp_rows, key=lambda r: -r["size"])[:2]
    plain = b"".join(oracle_block(r) for r in rows)
    sealed = seal_payload(plain, packet_id=0x42CF, iv=0x0A0B0C0D, src_ip=BOB, dst_ip=ALICE).build()
    assert 1200 < len(sealed) <= wudp.MAX_DATAGRAM_LEN
    pieces = fragment(_b_to_a(sealed, ident=0x7777), 552)
    assert len(pieces) == 3
    if reverse:
        pieces.reverse()
    _, records = decode(write_capture(tmp_path / "ipfrag.pcap", timed(pieces)))
    (payload,) = records
    assert payload.unit == "udp.payload" and payload.verification.ok
    assert payload.plaintext == plain and payload.frame == 3
    assert payload.frames == [1, 2, 3]  # every frame that carried it
    check_blocks(payload, rows)


def test_datagram_cut_by_snap_length(tmp_path: Path, udp_rows: list[dict[str, Any]]) -> None:
    request = oracle_block(udp_rows[0])
    reply = b"".join(oracle_block(r) for r in udp_rows[1:40])
    assert len(reply) > 200
    first = seal_payload(request, packet_id=0x15E8, iv=1, src_ip=ALICE, dst_ip=BOB).build()
    cut = seal_payload(reply, packet_id=0x4A0E, iv=2, src_ip=BOB, dst_ip=ALICE).build()
    packets = [
        Packet(1.0, _a_to_b(first)),
        Packet(2.0, _b_to_a(cut), keep=14 + 20 + 8 + 100),  # 100 bytes of the datagram kept
        Packet(3.0, udp("8.8.8.8", 53, ALICE, 53001, bytes(300)), keep=96),  # not Skype
    ]
    decoder, records = decode(write_capture(tmp_path / "snap.pcapng", packets, pcapng=True))
    first_rec, cut_rec = records
    assert first_rec.verification.ok
    assert (cut_rec.frame, cut_rec.unit, cut_rec.verification.status) == (
        2,
        "udp.other",
        UNVERIFIED,
    )
    assert "snap length" in cut_rec.verification.detail
    assert cut_rec.plaintext is None and not cut_rec.blocks
    assert decoder.stats["truncated"] == 2


def test_fragments_out_of_order_are_joined(tmp_path: Path, big_row: dict[str, Any]) -> None:
    big = oracle_block(big_row)
    frags = _fragments(big, packet_id=0xE91E, ref_id=0x1671, src=BOB, dst=ALICE, iv0=0x12345678)
    order = [3, 0, 8, 1, 5, 2, 7, 4, 6]  # the last fragment (8) is neither first nor last
    probe = seal_payload(
        b"\x04\xda\x01\x16\x71\x42\x15", packet_id=0x1672, iv=9, src_ip=ALICE, dst_ip=BOB
    ).build()
    ips = [_a_to_b(probe)] + [_b_to_a(frags[i], ident=i) for i in order]
    _, records = decode(write_capture(tmp_path / "frag.pcap", timed(ips)))
    pieces = units(records, "udp.fragment")
    assert [r.info["index"] for r in pieces] == order
    assert all(r.verification.ok for r in pieces)
    (message,) = units(records, "udp.message")
    assert message.verification.ok and message.plaintext == big
    frame_of = {index: n + 2 for n, index in enumerate(order)}
    assert message.frames == [frame_of[i] for i in range(9)]
    assert message.frame == len(ips) and message.info["fragments"] == 9
    check_blocks(message, [big_row])


# -- NAT: public addresses learned from a NAck or given by the user ---------------------------

NACK_ID, CHALLENGE = 0x15F2, 0x24499EB8


def _nat_capture(
    path: Path, udp_rows: list[dict[str, Any]], *, with_nack: bool, filler: int = 0
) -> tuple[Path, dict[str, bytes]]:
    """A NATed client (NAT_HOST, public ALICE) and a peer (BOB).

    1. BOB -> client, sealed for the client's *public* address (undecryptable until learned);
    2. client -> BOB with source 0.0.0.0 (it does not know its address yet);
    3. BOB's NAck of 2: "you are ALICE, challenge C";  4. the resend of 2 (seed id ^ C);
    5. client -> BOB, now with its public address in the seed;
    then ``filler`` unrelated DNS queries.
    """
    early, probe, later = (oracle_block(udp_rows[i]) for i in (1, 5, 2))
    to_nat = (BOB, BOB_PORT, NAT_HOST, NAT_PORT)
    from_nat = (NAT_HOST, NAT_PORT, BOB, BOB_PORT)
    ips = [
        udp(
            *to_nat,
            seal_payload(early, packet_id=0x4A0E, iv=0xCAFEBABE, src_ip=BOB, dst_ip=ALICE).build(),
        ),
        udp(
            *from_nat,
            seal_payload(
                probe, packet_id=NACK_ID, iv=0x2BB72FED, src_ip="0.0.0.0", dst_ip=BOB
            ).build(),
        ),
    ]
    if with_nack:
        ips += [
            udp(*to_nat, wudp.Nack(NACK_ID, wudp.ip_number(ALICE), CHALLENGE, 0x77).build()),
            udp(
                *from_nat,
                seal_resend(
                    probe, packet_id=NACK_ID, challenge=CHALLENGE, dest_ip=BOB, func=0x23
                ).build(),
            ),
        ]
    ips.append(
        udp(
            *from_nat,
            seal_payload(later, packet_id=0x15F4, iv=0x0F0F0F0F, src_ip=ALICE, dst_ip=BOB).build(),
        )
    )
    dns = udp(NAT_HOST, 53001, "8.8.8.8", 53, bytes.fromhex("abcd01000001000000000000"))
    ips += [dns] * filler
    return write_capture(path, timed(ips)), {"early": early, "probe": probe, "later": later}


def test_nack_later_in_the_capture_decodes_earlier_datagrams(
    tmp_path: Path, udp_rows: list[dict[str, Any]]
) -> None:
    path, plain = _nat_capture(tmp_path / "nack.pcap", udp_rows, with_nack=True)
    decoder, records = decode(path)
    assert [(r.frame, r.unit) for r in records] == [
        (1, "note"),
        (1, "udp.payload"),
        (2, "udp.payload"),
        (3, "udp.nack"),
        (4, "udp.resend"),
        (5, "udp.payload"),
    ]
    note, early, probe, nack, resend, later = records
    # the NAck (frame 3) claims ALICE; the CRC of frame 1 confirms it, before frame 1 is shown
    assert early.verification.ok and early.plaintext == plain["early"]
    assert (early.verification.public_src, early.verification.public_dst) == (BOB, ALICE)
    assert probe.verification.ok and probe.verification.public_src == "0.0.0.0"
    assert nack.info == {"ip": ALICE, "challenge": f"{CHALLENGE:08x}"}
    assert note.info["host"] == NAT_HOST and note.info["public"] == ALICE
    assert (note.info["method"], note.info["evidence_frame"]) == ("NAck", 3)
    assert note.info["proof_frame"] == 1
    assert resend.verification.ok and resend.plaintext == plain["probe"]
    assert resend.verification.seed == NACK_ID ^ CHALLENGE and resend.udp_func == 0x23
    assert later.verification.ok and later.verification.public_src == ALICE
    assert later.plaintext == plain["later"]
    assert decoder.learned == [note]


def test_decoding_pass_streams_after_the_survey(
    tmp_path: Path, udp_rows: list[dict[str, Any]]
) -> None:
    # The survey reads the whole capture first; then records leave as the decoding pass reads
    # them: with 2000 packets after the NAck, frame 1 comes out before that pass read 500.
    path, _ = _nat_capture(tmp_path / "nack.pcap", udp_rows, with_nack=True, filler=2000)
    progress: list[int] = []
    run = Decoder().run(path, progress=lambda count, _at, _size: progress.append(count))
    note = next(run)
    first = next(run)
    assert note.unit == "note"
    assert (first.frame, first.unit, first.verification.ok) == (1, "udp.payload", True)
    assert progress == [500, 1000, 1500, 2000]  # the survey only
    rest = [r.frame for r in run]
    assert rest == sorted(rest) and max(rest) == 5
    assert progress[-1] == 2005


@pytest.mark.parametrize("key", [NAT_HOST, None])
def test_user_public_ip_replaces_the_nack(
    tmp_path: Path, udp_rows: list[dict[str, Any]], key: str | None
) -> None:
    path, plain = _nat_capture(tmp_path / "nonack.pcap", udp_rows, with_nack=False)
    _, blind = decode(path)
    payloads = units(blind, "udp.payload")
    assert [r.verification.ok for r in payloads] == [False, True, False]
    assert all(r.plaintext is None for r in payloads if not r.verification.ok)
    _, told = decode(path, DecodeOptions(public_ips={key: ALICE}))
    payloads = units(told, "udp.payload")
    assert all(r.verification.ok for r in payloads)
    assert [r.plaintext for r in payloads] == [plain["early"], plain["probe"], plain["later"]]
    assert payloads[0].verification.public_dst == ALICE
    assert payloads[2].verification.public_src == ALICE


# -- what is not Skype ---------------------------------------------------------------------------


def test_random_udp_and_tcp_are_not_skype(tmp_path: Path) -> None:
    rng = random.Random(2006)
    ips: list[bytes] = []
    for n in range(40):
        body = bytearray(rng.randbytes(rng.randrange(14, 400)))
        if n % 2:
            body[2] = (body[2] & 0x70) | 0x02  # looks like a 0x02 payload until the CRC is tried
        src, dst = (ALICE, BOB) if n % 3 else (BOB, ALICE)
        ips.append(udp(src, 5060, dst, 5060, bytes(body)))
    conv = TcpConversation("91.198.174.192", 443, "77.88.55.60", 51234)
    hello = CLIENT_HELLO_START + rng.randbytes(300)
    reply = rng.randbytes(300)
    ips += conv.handshake()
    ips += [s.packet for s in conv.stream(True, hello, 100)]
    ips += [s.packet for s in conv.stream(False, reply, 100)]
    plain = TcpConversation(BOB, 40001, ALICE, 80)
    ips += [*plain.handshake(), plain.segment(True, 0, rng.randbytes(64))]
    decoder, records = decode(write_capture(tmp_path / "noise.pcap", timed(ips)))
    assert records == []
    assert decoder.stats["udp_not_skype"] == decoder.stats["udp"] == 40
    assert decoder.stats["tcp_connections_seen"] == 2
    assert decoder.stats["tcp_skype_connections"] == 0 and decoder.flows == []


def test_unknown_type_on_skype_endpoint(tmp_path: Path, udp_rows: list[dict[str, Any]]) -> None:
    request = oracle_block(udp_rows[0])
    media = bytes(range(40))
    ips = [
        _a_to_b(seal_payload(request, packet_id=0x15E8, iv=3, src_ip=ALICE, dst_ip=BOB).build()),
        _b_to_a(wudp.Opaque(0x0101, 0x5D, media).build()),  # type 0x0D with filler bits
        udp("77.88.55.60", 7000, "91.198.174.192", 7001, wudp.Opaque(1, 0x0D, media).build()),
    ]
    _, records = decode(write_capture(tmp_path / "media.pcap", timed(ips)))
    first, other = records
    assert first.verification.ok
    assert (other.frame, other.unit, other.udp_type, other.udp_func) == (2, "udp.other", 0x0D, 0x5D)
    assert other.verification.status == UNVERIFIED
    assert "no known layout" in other.verification.detail
    assert other.plaintext is None and other.packet_id == 0x0101
