"""Results that do not depend on where a capture starts, and Skype that cannot be verified.

The cuts and excerpts are made here from SkypeIRC.cap with the project's own reader and writer.
A unit is compared by its kind, its capture time and its bytes (frame numbers change in a cut).
"""

from __future__ import annotations

import subprocess
import sys
from functools import partial
from pathlib import Path
from typing import BinaryIO, cast

import pytest

from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.net.build import ethernet, udp
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import Record
from skypeflux.capture.skype.udp_decoder import REASON_UNKNOWN
from skypeflux.cli.errors import EXIT_UNVERIFIED
from skypeflux.wire.udp_crypt import seal_payload
from tests.helpers.excerpts import Pipe, frame_times, write_frames

CUT_STARTS = [300, 550, 700, 1000, 1400]
EXCERPT = {1505, 1589, 1611, 1888, 1898}
HOST, PUBLIC = "192.168.1.2", "86.128.245.115"

Key = tuple[str, float, bytes]


def _kept(frame: int, *, start: int, dropped: set[int]) -> bool:
    return frame >= start and frame not in dropped


def _key(record: Record) -> Key:
    return record.unit, round(record.time, 6), record.plaintext or b""


@pytest.fixture(scope="module")
def full(skypeirc_path: Path) -> list[Record]:
    return list(Decoder().run(skypeirc_path))


@pytest.fixture(scope="module")
def times(skypeirc_path: Path) -> dict[int, float]:
    return frame_times(skypeirc_path)


def _expected(full: list[Record], times: dict[int, float], kept: set[int]) -> set[Key]:
    """Verified units of the full capture whose bytes all lie in ``kept`` (for a TCP frame the
    direction's header too: without it no key can be known)."""
    headers = {
        (r.src, r.dst): min(r.frames) for r in full if r.unit == "tcp.header"
    }  # one connection per direction in SkypeIRC.cap
    out = set()
    for record in full:
        if not record.verification.ok or record.unit == "note":
            continue
        frames = set(record.frames)
        if record.transport == "tcp":
            frames.add(headers[(record.src, record.dst)])
        if frames <= kept:
            out.add(_key(record))
    return out


def _check_cut(records: list[Record], expected: set[Key], full: list[Record]) -> None:
    verified = {_key(r) for r in records if r.verification.ok and r.unit != "note"}
    assert expected <= verified, sorted(expected - verified)[:5]
    assert verified <= {_key(r) for r in full if r.verification.ok}  # nothing else claimed
    assert [r.frame for r in records] == sorted(r.frame for r in records)


@pytest.mark.parametrize("start", CUT_STARTS)
def test_a_cut_verifies_what_the_full_capture_verifies(
    skypeirc_path: Path, tmp_path: Path, full: list[Record], times: dict[int, float], start: int
) -> None:
    cut = write_frames(skypeirc_path, tmp_path / f"s{start}.pcap", lambda n: n >= start)
    kept = {n for n in times if n >= start}
    expected = _expected(full, times, kept)
    assert sum(1 for k in expected if k[0] == "udp.payload") > 30
    records = list(Decoder().run(cut))
    _check_cut(records, expected, full)
    # and through standard input (a stream that cannot seek: spooled) the very same records
    piped = list(Decoder().run(cast(BinaryIO, Pipe(cut.read_bytes()))))
    assert [_key(r) for r in piped] == [_key(r) for r in records]
    assert [r.verification for r in piped] == [r.verification for r in records]


def test_without_both_nacks_everything_still_verifies(
    skypeirc_path: Path, tmp_path: Path, full: list[Record], times: dict[int, float]
) -> None:
    nacks = {r.frame for r in full if r.unit == "udp.nack"}
    assert len(nacks) == 2
    for start in [1, *CUT_STARTS]:
        cut = write_frames(
            skypeirc_path,
            tmp_path / f"n{start}.pcap",
            partial(_kept, start=start, dropped=nacks),
        )
        kept = {n for n in times if n >= start} - nacks
        expected = _expected(full, times, kept)
        records = list(Decoder().run(cut))
        _check_cut(records, expected, full)
        if start == 1:  # only the two NAcks and their resends' partners are gone
            assert sum(r.unit == "udp.payload" and r.verification.ok for r in records) == 233


def test_a_cut_through_a_real_pipe(skypeirc_path: Path, tmp_path: Path) -> None:
    cut = write_frames(skypeirc_path, tmp_path / "s700.pcap", lambda n: n >= 700)
    command = [sys.executable, "-m", "skypeflux", "decode", "--json"]
    from_file = subprocess.run([*command, str(cut)], capture_output=True, check=False)
    with cut.open("rb") as fh:
        piped = subprocess.Popen([*command, "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        out, _ = piped.communicate(fh.read(), timeout=120)
    assert from_file.returncode == piped.returncode == 0
    assert out == from_file.stdout and out.count(b'"skypeflux.verified":true') > 100


# -- Skype that cannot be verified ------------------------------------------------------------


def test_five_datagram_excerpt_is_unverified_skype_with_the_reason(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    excerpt = write_frames(skypeirc_path, tmp_path / "five.pcap", lambda n: n in EXCERPT)
    decoder = Decoder()
    records = list(decoder.run(excerpt))
    assert len(records) == 5
    assert all(r.unit == "udp.payload" and not r.verification.ok for r in records)
    assert all(r.verification.detail.startswith(REASON_UNKNOWN) for r in records)
    assert all(r.plaintext is None and not r.blocks for r in records)
    (host,) = decoder.hosts
    assert host.host == HOST and host.address_unknown and host.unverified == 5
    assert "recover-ip" in host.text("five.pcap") and "--public-ip" in host.text("five.pcap")
    told = Decoder(DecodeOptions(public_ips={HOST: PUBLIC}))
    again = list(told.run(excerpt))
    (note,) = [r for r in again if r.unit == "note"]  # the CRC that proves the user right
    assert note.info["method"].startswith("user") and note.info["public"] == PUBLIC
    assert sum(r.verification.ok for r in again) == 5
    assert not told.warnings


def test_five_datagram_excerpt_on_the_command_line(skypeirc_path: Path, tmp_path: Path) -> None:
    excerpt = write_frames(skypeirc_path, tmp_path / "five.pcap", lambda n: n in EXCERPT)
    command = [sys.executable, "-m", "skypeflux", "decode", str(excerpt)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == EXIT_UNVERIFIED
    assert result.stdout.count("UNVERIFIED: public address unknown") == 5
    assert f"host {HOST}: 0 verified, 5 unverified" in result.stderr
    assert f"skypeflux recover-ip {excerpt}" in result.stderr
    told = subprocess.run(
        [*command, "--public-ip", f"{HOST}={PUBLIC}"], capture_output=True, text=True, check=False
    )
    assert told.returncode == 0 and told.stdout.count("CRC ok") == 5
    wrong = subprocess.run(
        [*command, "--public-ip", f"{HOST}=1.2.3.4"], capture_output=True, text=True, check=False
    )
    assert wrong.returncode == EXIT_UNVERIFIED
    assert f"warning: --public-ip {HOST}=1.2.3.4: no datagram verifies with it" in wrong.stderr


def test_a_wrong_public_ip_is_warned_about_with_the_evidence(skypeirc_path: Path) -> None:
    decoder = Decoder(DecodeOptions(public_ips={HOST: "1.2.3.4"}))
    records = list(decoder.run(skypeirc_path))
    assert sum(r.unit == "udp.payload" and r.verification.ok for r in records) == 233
    (warning,) = decoder.warnings
    assert "no datagram verifies with it" in warning and f"proves {PUBLIC}" in warning


def _never_answered(path: Path) -> tuple[Path, int]:
    """A NATed host (10.0.0.5, public 198.51.100.7) whose requests nobody answers."""
    packets = []
    block = bytes.fromhex("04da0115e74215")  # a real probe (cmd 27)
    for i in range(12):
        packet_id = 0x2000 + 2 * i
        datagram = seal_payload(
            block,
            packet_id=packet_id,
            iv=0x1000 + i,
            src_ip="198.51.100.7",
            dst_ip=f"203.0.113.{10 + i % 4}",
        ).build()
        ip = udp("10.0.0.5", 40000, f"203.0.113.{10 + i % 4}", 33033, datagram)
        packets.append(Packet(1_200_000_000.0 + i, ethernet(ip)))
    write_capture(path, packets)
    return path, len(packets)


def test_a_host_nobody_answers_is_reported_not_dropped(tmp_path: Path) -> None:
    path, count = _never_answered(tmp_path / "quiet.pcap")
    decoder = Decoder()
    records = list(decoder.run(path))
    assert len(records) == count
    assert all(not r.verification.ok and r.plaintext is None for r in records)
    assert all(r.verification.detail.startswith(REASON_UNKNOWN) for r in records)
    (host,) = decoder.hosts
    assert host.host == "10.0.0.5" and host.unverified == count and host.address_unknown
    summary = decoder.summary()
    assert summary["verified"] == 0 and summary["unverified"] == count
    assert summary["hosts"][0]["hint"].startswith("skypeflux recover-ip FILE")
    told = list(Decoder(DecodeOptions(public_ips={"10.0.0.5": "198.51.100.7"})).run(path))
    assert sum(r.verification.ok for r in told) == count


def test_late_problems_carry_a_frame_of_their_own_flow(
    skypeirc_path: Path, tmp_path: Path, full: list[Record]
) -> None:
    # the last fragment of one message and a TCP segment in the middle of a stream removed:
    # the incomplete message is reported at its flow's last frame, not at the capture's last
    (message,) = [r for r in full if r.unit == "udp.message" and r.packet_id == 0xAA30]
    dropped = {max(message.frames)}
    cut = write_frames(skypeirc_path, tmp_path / "late.pcap", lambda n: n not in dropped)
    decoder = Decoder()
    records = list(decoder.run(cut))
    (broken,) = [r for r in records if r.unit == "udp.message" and not r.verification.ok]
    flow_frames = [f for r in records if r.flow == broken.flow for f in r.frames]
    assert broken.frame == max(flow_frames) < 2262
    assert "last fragment never seen" in broken.verification.detail
    (flow,) = [f for f in decoder.flows if f.key == broken.flow]
    assert flow.counts.last_frame == broken.frame and "unverified" in flow.status


# -- nothing claimed that is not Skype ---------------------------------------------------------


def test_no_record_outside_the_skype_traffic(full: list[Record], skypeirc_path: Path) -> None:
    from tests.helpers.samples import SKYPE_PORT, skype_datagrams

    skype_frames = {frame for frame, *_ in skype_datagrams(skypeirc_path)}
    udp_frames = {f for r in full if r.transport == "udp" for f in r.frames}
    assert udp_frames <= skype_frames  # no IRC, DNS or Kazaa datagram, not even unverified
    tcp_ports = {end.port for r in full if r.transport == "tcp" for end in (r.src, r.dst)}
    assert not tcp_ports & {53, 6667, 1214, 33033, 12350, 443}
    assert all(r.verification.status != "unverified" for r in full)
    assert SKYPE_PORT == 35990
