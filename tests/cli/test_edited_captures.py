"""The command line on copies of SkypeIRC.cap with chosen frames removed.

Removing the frames that reveal the client's public address is the only honest way to show that
``--public-ip`` does something: on the full capture the address is learned anyway. The same copy
has holes in two TCP streams and a fragmented message without its last fragment, so the lines
for a stopped TCP direction and an incomplete message are checked on what the pipeline really
produces.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import dpkt
import pytest
from click.testing import CliRunner, Result

from skypeflux.capture.files.writer import PcapWriter
from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_OK

CLIENT = "192.168.1.2"
PUBLIC = "86.128.245.115"
PAYLOADS = 233  # captures/README.md: verified udp.payload datagrams in the whole capture


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _json(*args: str) -> list[dict[str, Any]]:
    result = _run("decode", "--json", *args)
    assert result.exit_code == EXIT_OK, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[-1]["skypeflux.unit"] == "summary"
    return lines[:-1]


def write_without_frames(source: Path, target: Path, dropped: set[int]) -> None:
    """Copy a pcap leaving out ``dropped`` (numbered from 1); later frames are renumbered."""
    with source.open("rb") as fh, target.open("wb") as out:
        reader = dpkt.pcap.Reader(fh)
        writer = PcapWriter(out, snaplen=reader.snaplen, linktype=reader.datalink())
        for number, (ts, frame) in enumerate(reader, start=1):
            if number not in dropped:
                writer.write(frame, ts)


def _address_claim_streams(blocks_oracle: list[dict[str, Any]]) -> set[str]:
    """Source endpoints of the TCP streams whose cmd 31 reply names the public address."""
    streams = set()
    for block in blocks_oracle:
        if block["proto"] != "tcp" or block["cmd"] != 31 or block["flags"] != 3:
            continue
        if any(node["id"] == 0x11 and node["value"].startswith(PUBLIC) for node in block["tree"]):
            streams.add(block["src"])
    return streams


class Edited:
    """The edited copy and what was taken out of it."""

    def __init__(self, path: Path, dropped: set[int], message_frames: list[int]) -> None:
        self.path = path
        self.dropped = dropped
        self.message_frames = message_frames  # the cut message's fragment frames, original numbers


@pytest.fixture(scope="module")
def edited(
    skypeirc_path: Path,
    blocks_oracle: list[dict[str, Any]],
    tmp_path_factory: pytest.TempPathFactory,
) -> Edited:
    records = _json(str(skypeirc_path))
    # Every clear ACK / NAck: a NAck names the address it was sent to (frame 215).
    notices = {r["frame"] for r in records if r["skypeflux.unit"] in ("udp.ack", "udp.nack")}
    # The TCP frames carrying "client accepted, your address is ..." (cmd 31, object 0x11).
    claims = {
        r["frame"]
        for r in records
        if r["transport"] == "tcp"
        and any(
            b["skypeflux.cmd"] == 31 and b["skypeflux.cmd.flags"] == 3
            for b in r["skypeflux.blocks"]
        )
    }
    claim_sources = {f"{r['ip.src']}:{r['srcport']}" for r in records if r["frame"] in claims}
    assert claim_sources == _address_claim_streams(blocks_oracle)
    assert len(claims) == 2 and 215 in notices
    # The first fragmented message loses its last fragment.
    message = next(r for r in records if r["skypeflux.unit"] == "udp.message")
    dropped = notices | claims | {max(message["frames"])}
    path = tmp_path_factory.mktemp("edited") / "no-public-address.cap"
    write_without_frames(skypeirc_path, path, dropped)
    return Edited(path, dropped, sorted(message["frames"]))


def _renumbered(edited: Edited, frame: int) -> int:
    return frame - sum(1 for gone in edited.dropped if gone < frame)


def _payloads(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [line for line in lines if line["skypeflux.unit"] == "udp.payload"]


def test_without_the_evidence_payloads_stay_unverified(edited: Edited) -> None:
    payloads = _payloads(_json(str(edited.path)))
    assert len(payloads) == PAYLOADS  # no payload datagram was removed
    unverified = [p for p in payloads if not p["skypeflux.verified"]]
    assert len(unverified) > PAYLOADS // 2
    assert all(CLIENT in (p["ip.src"], p["ip.dst"]) for p in unverified)
    assert not any(line["skypeflux.unit"] == "note" for line in _json(str(edited.path)))


def test_public_ip_verifies_every_payload(edited: Edited) -> None:
    for value in (f"{CLIENT}={PUBLIC}", PUBLIC):  # the host named, or every private host
        payloads = _payloads(_json(str(edited.path), "--public-ip", value))
        assert len(payloads) == PAYLOADS
        assert all(p["skypeflux.verified"] for p in payloads), value
        assert {p["skypeflux.public.dst"] for p in payloads if p["ip.dst"] == CLIENT} == {PUBLIC}


def test_a_wrong_public_ip_verifies_nothing_more(edited: Edited) -> None:
    without = sum(p["skypeflux.verified"] for p in _payloads(_json(str(edited.path))))
    wrong = _payloads(_json(str(edited.path), "--public-ip", f"{CLIENT}=86.128.245.116"))
    assert sum(p["skypeflux.verified"] for p in wrong) == without


def test_a_stopped_tcp_direction_prints_its_reason_once(edited: Edited) -> None:
    result = _run("decode", str(edited.path), "--unit", "tcp.end")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    assert len(lines) == 2  # the two streams that lost their cmd 31 frame
    for line in lines:
        assert "TCP end" in line
        assert line.count("hole of ") == 1, line
        assert "UNVERIFIED: hole of " in line


def test_an_incomplete_message_says_how_many_fragments_arrived(edited: Edited) -> None:
    # with the address given, so that the fragments that did arrive decrypt and verify
    known = ("--public-ip", f"{CLIENT}={PUBLIC}")
    result = _run("decode", str(edited.path), *known, "--unit", "udp.message", "--unverified")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    have = len(edited.message_frames) - 1
    # the last fragment alone carries the count, so the total is unknown
    assert f"UDP message, incomplete ({have} of ? fragments)" in lines[0]
    assert " frags)" not in lines[0]
    [record] = _json(str(edited.path), *known, "--unit", "udp.message", "--unverified")
    kept = [_renumbered(edited, frame) for frame in edited.message_frames[:-1]]
    assert record["frames"] == kept
