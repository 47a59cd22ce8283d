"""The main job on real traffic: SkypeIRC.cap decoded and checked against its published figures
(captures/README.md) and, unit by unit and block by block, against the oracles beside it."""

from __future__ import annotations

import errno
import io
import os
import random
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any, BinaryIO, cast

import dpkt
import pytest

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.writer import (
    Interface,
    Packet,
    PcapngWriter,
    PcapWriter,
    write_capture,
)
from skypeflux.capture.limits import Limits
from skypeflux.capture.net import build
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import VERIFIED, Record
from skypeflux.cli.errors import EXIT_UNREADABLE, as_failure
from skypeflux.objects import to_tree
from tests.helpers.excerpts import Pipe
from tests.helpers.records import ends

UDP_UNITS = {"udp.payload", "udp.resend", "udp.fragment", "udp.ack", "udp.nack", "udp.other"}


@pytest.fixture(scope="module")
def decoded(skypeirc_path: Path) -> tuple[Decoder, list[Record]]:
    decoder = Decoder()
    return decoder, list(decoder.run(skypeirc_path))


def _by_unit(records: list[Record]) -> dict[str, list[Record]]:
    out: dict[str, list[Record]] = {}
    for r in records:
        out.setdefault(r.unit, []).append(r)
    return out


def test_udp_figures(decoded: tuple[Decoder, list[Record]]) -> None:
    _, records = decoded
    units = _by_unit(records)
    skype_udp = [r for r in records if r.unit in UDP_UNITS]
    assert len(skype_udp) == 326
    for unit, count in [("udp.payload", 233), ("udp.fragment", 54), ("udp.resend", 2)]:
        assert len(units[unit]) == count
        assert all(r.verification.status == VERIFIED for r in units[unit]), unit
        assert all(r.verification.method == "crc32" for r in units[unit])
    assert len(units["udp.ack"]) == 35
    assert len(units["udp.nack"]) == 2
    messages = units["udp.message"]
    assert len(messages) == 6
    assert all(r.verification.ok and len(r.frames) == 9 for r in messages)
    assert all(11297 <= len(r.plaintext or b"") <= 11950 for r in messages)


def test_public_address_learned_without_help(decoded: tuple[Decoder, list[Record]]) -> None:
    decoder, records = decoded
    notes = [r for r in records if r.unit == "note"]
    assert notes, "no public address learned"
    first = notes[0].info
    assert first["host"] == "192.168.1.2"
    assert first["public"] == "86.128.245.115"
    assert first["method"] in {"NAck", "ACK"}
    assert {n.info["public"] for n in notes} == {"86.128.245.115"}
    assert decoder.learned == notes


def test_outgoing_probes_used_unknown_source(decoded: tuple[Decoder, list[Record]]) -> None:
    _, records = decoded
    zero = sorted(
        r.frame
        for r in records
        if r.unit == "udp.payload" and r.verification.public_src == "0.0.0.0"
    )
    assert zero == [176, 184, 185, 186, 187, 214, 1867, 1868, 1869, 1870, 1871]


def test_udp_units_match_oracle(
    decoded: tuple[Decoder, list[Record]], units_oracle: list[dict[str, Any]]
) -> None:
    _, records = decoded
    mine = {r.frame: r for r in records if r.unit in {"udp.payload", "udp.resend", "udp.fragment"}}
    oracle = [u for u in units_oracle if u["proto"] == "udp"]
    assert len(oracle) == 289
    assert set(mine) == {u["frame"] for u in oracle}
    for unit in oracle:
        record = mine[unit["frame"]]
        assert record.plaintext is not None
        assert record.plaintext.hex() == unit["plaintext"], unit["frame"]
        assert record.verification.seed == int(unit["seed"], 16)
        if "public_src" in unit and record.unit != "udp.resend":
            assert record.verification.public_src == unit["public_src"]
            assert record.verification.public_dst == unit["public_dst"]


def test_tcp_figures(decoded: tuple[Decoder, list[Record]]) -> None:
    decoder, records = decoded
    units = _by_unit(records)
    headers = units["tcp.header"]
    assert len(headers) == 8
    assert all(r.verification.ok for r in headers)
    assert len({r.flow for r in headers}) == 4
    assert decoder.stats["tcp_skype_connections"] == 4
    assert len(units["tcp.data"]) == 41
    assert len(units["tcp.control"]) == 11
    assert sorted(r.frame for r in headers)[:2] == [273, 274]


def test_tcp_directions_match_oracle(
    decoded: tuple[Decoder, list[Record]], units_oracle: list[dict[str, Any]]
) -> None:
    _, records = decoded
    oracle = [u for u in units_oracle if u["proto"] == "tcp"]
    seeds = {ends(r): r.info["seed"] for r in records if r.unit == "tcp.header"}
    assert seeds == {(u["src"], u["dst"]): u["seed"] for u in oracle}
    for unit in oracle:
        frames = [
            r
            for r in records
            if r.unit in {"tcp.data", "tcp.control"} and ends(r) == (unit["src"], unit["dst"])
        ]
        # body_frames rows: [offset, varint length, body length, flag]
        expected = [(off, length) for off, _vlen, length, _flag in unit["body_frames"]]
        assert [(r.info["stream_offset"], r.info["length"]) for r in frames] == expected


def _copy_without(src: Path, dst: Path, drop: set[int], cut: dict[int, int] | None = None) -> None:
    """Write ``src`` again without the frames in ``drop`` (a capture with a hole in it), and
    with the frames in ``cut`` kept to that many bytes (as a short snap length would)."""
    cut = cut or {}
    with src.open("rb") as fh_in, dst.open("wb") as fh_out:
        reader = dpkt.pcap.Reader(fh_in)
        writer = PcapWriter(fh_out, linktype=reader.datalink())
        for number, (ts, buf) in enumerate(reader, start=1):
            if number not in drop:
                writer.write(buf[: cut.get(number, len(buf))], ts)


def test_hole_ends_direction_cleanly(skypeirc_path: Path, tmp_path: Path) -> None:
    # Frame 1932 carries 660 bytes of 67.71.69.121:12492 -> 192.168.1.2:1092; without it that
    # direction must stop at the hole: frames before it verified, nothing after it decrypted.
    holed = tmp_path / "holed.pcap"
    _copy_without(skypeirc_path, holed, {1932})
    records = list(Decoder().run(holed))
    direction = [r for r in records if ends(r) == ("67.71.69.121:12492", "192.168.1.2:1092")]
    (end,) = [r for r in direction if r.unit == "tcp.end"]
    assert "hole of 660 bytes at stream offset 615" in end.verification.detail
    assert not end.verification.ok and end.plaintext is None
    before = [r for r in direction if r.unit != "tcp.end"]
    assert before and all(r.verification.ok and r.frame < 1932 for r in before)
    # the other direction and the rest of the capture are unaffected
    assert sum(r.unit == "tcp.header" for r in records) == 8
    assert sum(r.unit == "udp.payload" and r.verification.ok for r in records) == 233


def test_segment_cut_by_snap_length_ends_direction(skypeirc_path: Path, tmp_path: Path) -> None:
    # Frame 1932 (660 bytes of 67.71.69.121:12492 -> 192.168.1.2:1092) kept to 200 bytes of
    # TCP payload: the frames wholly inside those bytes still decode, then the direction stops.
    cut = tmp_path / "cut.pcap"
    _copy_without(skypeirc_path, cut, set(), {1932: 14 + 20 + 20 + 200})
    records = list(Decoder().run(cut))
    direction = [r for r in records if ends(r) == ("67.71.69.121:12492", "192.168.1.2:1092")]
    (end,) = [r for r in direction if r.unit == "tcp.end"]
    assert end.frame == 1932
    assert "frame 1932 cut by the snap length" in end.verification.detail
    assert all(r.verification.ok for r in direction if r.unit != "tcp.end")
    assert all(r.frame <= 1932 for r in direction)
    assert sum(r.unit == "tcp.header" for r in records) == 8


def test_blocks_match_oracle(
    decoded: tuple[Decoder, list[Record]], blocks_oracle: list[dict[str, Any]]
) -> None:
    _, records = decoded
    mine = [
        (*ends(r), b)
        for r in records
        if r.unit in {"udp.payload", "udp.resend", "udp.message", "tcp.data"}
        for b in r.blocks
    ]
    assert len(mine) == 305 == len(blocks_oracle)
    assert all(b.error is None and b.objects is not None for _, _, b in mine)
    got = Counter(
        (src, dst, b.command, b.flags, b.reqid, b.list_bytes.hex()) for src, dst, b in mine
    )
    want = Counter(
        (o["src"], o["dst"], o["cmd"], o["flags"], o["reqid"], o["list_hex"]) for o in blocks_oracle
    )
    assert got == want
    trees = {(src, dst, b.list_bytes.hex()): b.objects for src, dst, b in mine}
    for o in blocks_oracle:
        objects = trees[(o["src"], o["dst"], o["list_hex"])]
        assert objects is not None and to_tree(objects) == o["tree"]


def test_frame_333_carries_public_address(decoded: tuple[Decoder, list[Record]]) -> None:
    _, records = decoded
    (record,) = [r for r in records if r.frame == 333 and r.unit == "udp.payload"]
    (block,) = record.blocks
    assert (block.command, block.flags) == (36, 3)
    assert block.objects is not None
    (obj,) = block.objects
    assert (obj.family, obj.id, str(obj.value)) == (2, 0x11, "86.128.245.115:35990")
    assert block.reply_to_frame is not None and block.reply_to_frame < 333


def test_other_traffic_is_not_skype(
    decoded: tuple[Decoder, list[Record]], units_oracle: list[dict[str, Any]]
) -> None:
    # IRC, DNS, Kazaa and the pseudo-TLS login/event-server TCP must not appear: every record
    # belongs to the Skype UDP endpoint or to one of the four obfuscated TCP connections.
    decoder, records = decoded
    tcp_pairs = {(u["src"], u["dst"]) for u in units_oracle if u["proto"] == "tcp"}
    for r in records:
        if r.transport == "tcp":
            assert ends(r) in tcp_pairs, r
        elif r.transport == "udp":
            assert "192.168.1.2:35990" in ends(r), r
    assert all(r.plaintext is None for r in records if not r.verification.ok)
    assert decoder.stats["udp_not_skype"] == decoder.stats["udp"] - 326
    assert decoder.stats["tcp_connections_seen"] > 4


def test_frame_order_and_user_address(skypeirc_path: Path) -> None:
    decoder = Decoder(DecodeOptions(public_ips={"192.168.1.2": "86.128.245.115"}))
    records = list(decoder.run(skypeirc_path))
    frames = [r.frame for r in records]
    assert frames == sorted(frames)
    payloads = [r for r in records if r.unit == "udp.payload"]
    assert len(payloads) == 233 and all(r.verification.ok for r in payloads)


def test_missing_fragment_leaves_message_unverified(skypeirc_path: Path, tmp_path: Path) -> None:
    holed = tmp_path / "nofrag.pcap"
    _copy_without(skypeirc_path, holed, {1292})  # fragment 3 of message 0xaa30
    records = list(Decoder().run(holed))
    messages = [r for r in records if r.unit == "udp.message"]
    assert sum(r.verification.ok for r in messages) == 5
    (broken,) = [r for r in messages if not r.verification.ok]
    assert broken.packet_id == 0xAA30
    assert "missing 1 fragment(s)" in broken.verification.detail
    assert broken.plaintext is None and not broken.blocks
    assert sum(r.unit == "udp.fragment" for r in records) == 53


def test_address_learned_later_releases_held_datagrams(skypeirc_path: Path, tmp_path: Path) -> None:
    # Without the first NAck (215) the public address comes from a later ACK; every datagram
    # received before that is held, then decoded, and the output stays in frame order.
    holed = tmp_path / "nonack.pcap"
    _copy_without(skypeirc_path, holed, {215})
    records = list(Decoder().run(holed))
    notes = [r for r in records if r.unit == "note"]
    assert notes[0].info["public"] == "86.128.245.115"
    assert notes[0].info["evidence_frame"] > 215
    payloads = [r for r in records if r.unit == "udp.payload"]
    assert len(payloads) == 233 and all(r.verification.ok for r in payloads)
    assert [r.frame for r in records] == sorted(r.frame for r in records)


def _udp_frame(src: str, dst: str, sport: int, dport: int, payload: bytes) -> bytes:
    return build.ethernet(build.udp(src, sport, dst, dport, payload))


def test_public_address_found_by_trial(tmp_path: Path) -> None:
    # A NATed host (10.0.0.5, public 86.128.245.115) whose public address only appears in the
    # capture as the source of some other packet: trial decryption must find and report it.
    from skypeflux.wire.udp_crypt import seal_payload

    plain = bytes.fromhex("04da0115e74215")  # a real probe (cmd 27) from SkypeIRC.cap
    sealed = seal_payload(
        plain, packet_id=0x15E8, iv=0x2BB72FED, src_ip="82.253.163.244", dst_ip="86.128.245.115"
    ).build()
    path = tmp_path / "trial.pcap"
    with path.open("wb") as fh:
        writer = PcapWriter(fh)
        writer.write(_udp_frame("86.128.245.115", "8.8.4.4", 5353, 53, b"\x12\x34\x01\x00"), 1.0)
        writer.write(_udp_frame("82.253.163.244", "10.0.0.5", 33033, 40000, sealed), 2.0)
    records = list(Decoder().run(path))
    (payload,) = [r for r in records if r.unit == "udp.payload"]
    assert payload.verification.ok
    assert payload.verification.public_dst == "86.128.245.115"
    assert payload.plaintext == plain
    (note,) = [r for r in records if r.unit == "note"]
    assert note.info["method"] == "trial decryption"
    # and without trials nothing is claimed
    quiet = list(Decoder(DecodeOptions(try_seen_addresses=False)).run(path))
    assert not any(r.verification.ok for r in quiet)


def test_blind_trials_are_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Random datagrams that merely look like type 0x02, from many public hosts to a private one:
    # trial decryption with every seen address may be spent on only a few of them.
    from skypeflux.wire import udp_crypt

    rng = random.Random(7)
    path = tmp_path / "lookalike.pcap"
    with path.open("wb") as fh:
        writer = PcapWriter(fh)
        for i in range(300):
            body = bytearray(rng.randbytes(40))
            body[2] = 0x02
            src = f"81.{i // 200}.{i % 200}.9"
            writer.write(_udp_frame(src, "10.0.0.5", 40000 + i, 5000, bytes(body)), float(i))
    big_calls = 0
    real = udp_crypt._default_open_first

    def counting(pairs: list[tuple[str, str]], *args: Any) -> Any:
        nonlocal big_calls
        big_calls += len(pairs) > 8
        return real(pairs, *args)

    # what the decoders call for the default back end (a module global even where udp_crypt
    # is compiled with mypyc)
    monkeypatch.setattr(udp_crypt, "_default_open_first", counting)
    records = list(Decoder().run(path))
    assert records == []
    assert 0 < big_calls <= Limits().blind_trials


def test_tcp_reply_teaches_the_address_udp_waits_for(
    decoded: tuple[Decoder, list[Record]], skypeirc_path: Path, tmp_path: Path
) -> None:
    # Without any NAck or ACK the only evidence is object 0x11 of the supernode's cmd 31 reply
    # over TCP (frame 277): a candidate (TCP content is not integrity-protected) that the CRC
    # of a UDP datagram confirms; UDP replies received before frame 277 decode too.
    _, full = decoded
    notices = {r.frame for r in full if r.unit in {"udp.ack", "udp.nack"}}
    assert len(notices) == 37
    quiet = tmp_path / "quiet.pcap"
    _copy_without(skypeirc_path, quiet, notices)
    records = list(Decoder().run(quiet))
    first = next(r for r in records if r.unit == "note")
    renumbered = 277 - sum(n < 277 for n in notices)  # dropping frames renumbers the rest
    assert first.info["method"] == "object 0x11 (cmd 31)"
    assert first.info["evidence_frame"] == renumbered
    assert first.transport == "udp" and first.info["public"] == "86.128.245.115"
    assert first.info["proof_frame"] == first.frame < renumbered
    early = [r for r in records if r.unit == "udp.payload" and r.frame < renumbered]
    assert any(str(r.dst) == "192.168.1.2:35990" for r in early)
    assert all(r.verification.ok for r in records if r.unit == "udp.payload")
    assert [r.frame for r in records] == sorted(r.frame for r in records)


def test_end_records_keep_time_and_frame_order(skypeirc_path: Path, tmp_path: Path) -> None:
    holed = tmp_path / "holed.pcap"
    _copy_without(skypeirc_path, holed, {1932})
    records = list(Decoder().run(holed))
    assert [r.frame for r in records] == sorted(r.frame for r in records)
    (end,) = [r for r in records if r.unit == "tcp.end"]
    same_frame = [r.time for r in records if r.frame == end.frame and r.unit != "tcp.end"]
    before = [r.time for r in records if r.frame < end.frame]
    assert end.time > 0 and end.time >= max(before)
    assert all(t == end.time for t in same_frame)


def test_notice_before_any_verified_datagram_is_not_stuck(
    skypeirc_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Without the probes before it, the first NAck (215) reaches an endpoint not yet proven
    # Skype: it waits, and is released as soon as the next datagram verifies (the resend, 216),
    # not at the end of the capture.
    from skypeflux.capture import pipeline

    probes = {176, 184, 185, 186, 187, 214}
    late = tmp_path / "late.pcap"
    _copy_without(skypeirc_path, late, probes)
    monkeypatch.setattr(pipeline, "PROGRESS_EVERY", 1)
    read = 0

    def progress(frames: int, _done: int, _total: int | None) -> None:
        nonlocal read
        read = frames

    seen_at: dict[str, int] = {}
    # with the address given, nothing new is learned that would release it by accident
    known = DecodeOptions(public_ips={"192.168.1.2": "86.128.245.115"})
    for record in Decoder(known).run(late, progress=progress):
        seen_at.setdefault(record.unit, read)
    nack_frame = 215 - len(probes)
    assert seen_at["udp.nack"] < nack_frame + 10


def test_duplicated_frames_change_nothing(
    decoded: tuple[Decoder, list[Record]], skypeirc_path: Path, tmp_path: Path
) -> None:
    # Every frame twice (a capture from two taps merged): retransmitted fragments and datagrams
    # must not make bogus incomplete messages, and every message still verifies.
    doubled = tmp_path / "doubled.pcap"
    with skypeirc_path.open("rb") as fh_in, doubled.open("wb") as fh_out:
        reader = dpkt.pcap.Reader(fh_in)
        writer = PcapWriter(fh_out, linktype=reader.datalink())
        for ts, buf in reader:
            writer.write(buf, ts)
            writer.write(buf, ts)
    decoder = Decoder()
    records = list(decoder.run(doubled))
    messages = [r for r in records if r.unit == "udp.message"]
    assert len(messages) == 6 and all(r.verification.ok for r in messages)
    assert sum(r.unit == "udp.payload" and r.verification.ok for r in records) == 2 * 233
    assert all("incomplete" not in f.status for f in decoder.flows)
    assert [r.frame for r in records] == sorted(r.frame for r in records)


def test_capture_with_only_undecodable_link_types_is_an_error(tmp_path: Path) -> None:
    # A pcapng whose only interface is FDDI holds nothing we can read: say so (the CLI turns
    # this into exit code 4), rather than reporting "no Skype traffic".
    from skypeflux.capture.errors import CaptureError

    path = tmp_path / "wifi.pcapng"
    with path.open("wb") as fh:
        writer = PcapngWriter(fh, [Interface(10)])  # FDDI
        writer.write(b"\x08\x00" + bytes(30), 1.0)
    with pytest.raises(CaptureError, match="link types this tool cannot decode"):
        list(Decoder().run(path))


def test_a_clock_jump_does_not_lose_tcp(skypeirc_path: Path, tmp_path: Path) -> None:
    # One unrelated TCP packet (frame 1000) stamped 700 s ahead: every Skype TCP frame still
    # decodes, no connection is forgotten.
    jumped = tmp_path / "jump.pcap"
    with skypeirc_path.open("rb") as fh_in, jumped.open("wb") as fh_out:
        reader = dpkt.pcap.Reader(fh_in)
        writer = PcapWriter(fh_out, linktype=reader.datalink())
        for number, (ts, buf) in enumerate(reader, start=1):
            writer.write(buf, ts + 700.0 if number == 1000 else ts)
    records = list(Decoder().run(jumped))
    assert sum(r.unit == "tcp.data" and r.verification.ok for r in records) == 41
    assert not [r for r in records if r.unit == "tcp.end"]


def test_a_lookalike_on_the_skype_port_is_reported_unverified(
    decoded: tuple[Decoder, list[Record]], skypeirc_path: Path, tmp_path: Path
) -> None:
    # A random datagram shaped like type 0x02 sent to the host's Skype port: an unverified
    # record with its reason, and nothing else of the capture changes.
    lookalike = bytearray(random.Random(3).randbytes(60))
    lookalike[2] = 0x02
    path = tmp_path / "lookalike.pcap"
    with skypeirc_path.open("rb") as fh_in, path.open("wb") as fh_out:
        reader = dpkt.pcap.Reader(fh_in)
        writer = PcapWriter(fh_out, linktype=reader.datalink())
        for number, (ts, buf) in enumerate(reader, start=1):
            if number == 1:
                junk = _udp_frame("81.2.3.4", "192.168.1.2", 4000, 35990, bytes(lookalike))
                writer.write(junk, ts)
            writer.write(buf, ts)
    records = list(Decoder().run(path))
    first = records[0]
    assert (first.frame, first.unit, first.verification.status) == (1, "udp.payload", "unverified")
    assert first.verification.detail.startswith("no candidate address gives a matching CRC")
    assert first.plaintext is None and not first.blocks
    _, full = decoded
    assert sum(r.verification.ok for r in records) == sum(r.verification.ok for r in full)


def test_tcp_records_name_every_segment_that_carried_them(
    decoded: tuple[Decoder, list[Record]], units_oracle: list[dict[str, Any]]
) -> None:
    _, records = decoded
    for unit in (u for u in units_oracle if u["proto"] == "tcp"):
        mine = [
            r
            for r in records
            if ends(r) == (unit["src"], unit["dst"]) and r.unit.startswith("tcp.")
        ]
        carried = sorted({f for r in mine for f in r.frames})
        assert carried == unit["frames"]
        assert all(r.frame == max(r.frames) for r in mine)


def test_the_same_traffic_an_hour_later_decodes_again(
    decoded: tuple[Decoder, list[Record]], skypeirc_path: Path, tmp_path: Path
) -> None:
    # The capture twice, the copy an hour later: same hosts, ports, datagram ids and even TCP
    # sequence numbers. The second copy is new traffic (not retransmissions of the first) and
    # must give the same records as the first, apart from the address already learned.
    _, once = decoded
    twice = tmp_path / "twice.pcap"
    with skypeirc_path.open("rb") as fh_in, twice.open("wb") as fh_out:
        reader = dpkt.pcap.Reader(fh_in)
        packets = list(reader)
        writer = PcapWriter(fh_out, linktype=reader.datalink())
        for shift in (0.0, 3600.0 + packets[-1][0] - packets[0][0]):
            for ts, buf in packets:
                writer.write(buf, ts + shift)
    records = list(Decoder().run(twice))

    def units(rs: list[Record]) -> Counter[str]:
        return Counter(r.unit for r in rs if r.verification.status != "unverified")

    second = [r for r in records if r.frame > len(packets)]
    assert units(second) == units(once) - Counter({"note": 1})


class _FullDisk(io.BytesIO):
    """A temporary file on a full disk."""

    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FailingPipe(io.RawIOBase):
    """A stream that cannot seek and whose read fails (a broken device)."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        raise OSError(errno.EIO, os.strerror(errno.EIO))


def _small_capture() -> bytes:
    out = io.BytesIO()
    packets = [
        Packet(1e9 + i, build.ethernet(build.udp("10.0.0.1", 5000, "10.0.0.2", 53, b"x")))
        for i in range(3)
    ]
    write_capture(out, packets)
    return out.getvalue()


def test_a_stream_that_cannot_be_spooled_says_where(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input is copied to a temporary file to be read twice: a full disk there is
    named as such (the folder, and what to do), not as a capture that cannot be read."""
    data = _small_capture()
    assert list(Decoder().run(cast(BinaryIO, Pipe(data)))) == []  # spooled and read: no Skype
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: _FullDisk())
    with pytest.raises(CaptureError) as caught:
        list(Decoder().run(cast(BinaryIO, Pipe(data))))
    message = str(caught.value)
    assert "temporary file in " in message and os.strerror(errno.ENOSPC) in message
    assert "TMPDIR" in message and isinstance(caught.value.__cause__, OSError)
    assert as_failure(caught.value).code == EXIT_UNREADABLE


def test_a_stream_that_fails_to_read_is_not_blamed_on_the_spool() -> None:
    with pytest.raises(OSError) as caught:
        list(Decoder().run(cast(BinaryIO, _FailingPipe())))
    assert caught.value.errno == errno.EIO and not isinstance(caught.value, CaptureError)
