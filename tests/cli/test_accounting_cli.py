"""Packets that change no record still show: malformed and cut packets are counted on stderr,
and a capture without Skype says what it held instead."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from skypeflux.cli.app import cli
from tests.helpers.mutate import Pkt, pcap_bytes, real_packets

SHORT_IP = bytes(12) + b"\x08\x00" + bytes([0x45, 0, 0, 40]) + bytes(8)  # header cut at 12
IPV6 = bytes(12) + b"\x86\xdd" + b"\x60" + bytes(39)


def test_added_malformed_packets_are_reported(skypeirc_path: Path, tmp_path: Path) -> None:
    pkts = real_packets(skypeirc_path)
    mixed = list(pkts)
    for i in range(596):
        mixed.insert(3 * i, Pkt(1, SHORT_IP, len(SHORT_IP), pkts[0].ts))
    clean, dirty = tmp_path / "clean.pcap", tmp_path / "dirty.pcap"
    clean.write_bytes(pcap_bytes(pkts))
    dirty.write_bytes(pcap_bytes(mixed))
    runner = CliRunner()
    for command in ("decode", "flows"):
        before = runner.invoke(cli, [command, str(clean)])
        after = runner.invoke(cli, [command, str(dirty)])
        assert before.exit_code == after.exit_code == 0
        note = "skypeflux: note: 596 malformed packets; reasons: 596 IPv4 header cut short"
        # the clean run says nothing about malformed packets; the dirty one says it once, beside
        # the same end-of-run summary (whose frame numbers move with the added packets)
        assert "malformed" not in before.stderr
        lines = after.stderr.splitlines()
        assert lines.count(note) == 1
        assert len(lines) == len(before.stderr.splitlines()) + 1
        # the same records and flows, only their frame numbers moved
        assert len(before.stdout.splitlines()) == len(after.stdout.splitlines()) > 10


def test_no_skype_says_what_the_capture_held(tmp_path: Path) -> None:
    path = tmp_path / "odd.pcap"
    path.write_bytes(pcap_bytes([Pkt(1, SHORT_IP, len(SHORT_IP), 1.0), Pkt(1, IPV6, 60, 2.0)]))
    result = CliRunner().invoke(cli, ["decode", str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == (
        f"skypeflux: no Skype traffic in {path} (2 packets: 0 UDP, 0 TCP; 1 ipv6, 1 malformed)"
    )
