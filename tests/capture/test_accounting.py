"""Every packet of a capture gets exactly one outcome, and the outcomes add up.

On the real capture the verified UDP units match the oracle; packets added by the test (cut
IPv4 headers, bad UDP lengths, IPv6, ARP) show up under their own outcome and reason instead of
vanishing; running one Decoder twice gives the same records and counts.
"""

from __future__ import annotations

import io
import json
import struct
from pathlib import Path
from typing import Any

import dpkt
import pytest

from skypeflux.capture import CaptureError, Decoder
from skypeflux.capture.net.build import udp
from tests.helpers.mutate import Pkt, pcap_bytes, real_packets


def _run(data: bytes) -> tuple[Decoder, int]:
    decoder = Decoder()
    records = sum(1 for _ in decoder.run(io.BytesIO(data)))
    return decoder, records


def test_real_capture_outcomes_add_up(
    skypeirc_path: Path, units_oracle: list[dict[str, Any]]
) -> None:
    decoder = Decoder()
    list(decoder.run(skypeirc_path))
    out = decoder.outcomes
    assert out["unaccounted"] == 0
    with skypeirc_path.open("rb") as fh:
        in_file = sum(1 for _ in dpkt.pcap.Reader(fh))  # counted by another reader
    assert sum(out.values()) == in_file
    udp_units = [r for r in units_oracle if r["proto"] == "udp" and r["crc_ok"]]
    assert out["skype_udp_verified"] == len(udp_units)
    assert out["skype_tcp"] > 0 and out["udp_not_skype"] > 0 and out["malformed"] == 0


def _eth(ip: bytes) -> bytes:
    return b"\x00\x0c\x29\x11\x22\x33\x00\x1b\x21\x44\x55\x66\x08\x00" + ip


def test_added_bad_packets_are_counted_with_reasons(skypeirc_path: Path) -> None:
    pkts = real_packets(skypeirc_path)
    baseline, base_records = _run(pcap_bytes(pkts))
    ts = pkts[0].ts
    short_ip = _eth(bytes([0x45, 0, 0, 40]) + bytes(8))  # IPv4 header cut at 12 bytes
    udp_head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 28, 1, 0, 64, 17, 0, bytes(4), bytes(4))
    bad_udp = _eth(udp_head + struct.pack("!HHHH", 1, 2, 400, 0))  # UDP length beyond the packet
    ipv6 = b"\x00" * 12 + b"\x86\xdd" + b"\x60" + bytes(39)
    arp = b"\x00" * 12 + b"\x08\x06" + bytes(28)
    added = [short_ip] * 300 + [bad_udp] * 296 + [ipv6] * 7 + [arp] * 5
    mixed = list(pkts)
    for i, data in enumerate(added):
        mixed.insert(3 * i, Pkt(1, data, len(data), ts))
    decoder, records = _run(pcap_bytes(mixed))
    out, base = decoder.outcomes, baseline.outcomes
    assert out["unaccounted"] == 0 and records == base_records
    assert out["malformed"] - base["malformed"] == 596
    assert decoder.reasons["IPv4 header cut short"] == 300
    assert decoder.reasons["UDP length beyond the IPv4 packet"] == 296
    assert out["ipv6"] - base["ipv6"] == 7 and out["not_ip"] - base["not_ip"] == 5
    assert sum(out.values()) == len(mixed)


def test_one_decoder_twice_gives_the_same(skypeirc_path: Path) -> None:
    decoder = Decoder()
    first = [(r.frame, r.unit, r.verification.status) for r in decoder.run(skypeirc_path)]
    counts = dict(decoder.outcomes)
    second = [(r.frame, r.unit, r.verification.status) for r in decoder.run(skypeirc_path)]
    assert first == second and len(first) == 393
    assert decoder.outcomes == counts


def test_a_cut_datagram_off_skype_endpoints_is_counted() -> None:
    """Regression: a snap-length-cut UDP datagram on endpoints not known as Skype vanished."""
    ip = udp("1.2.3.4", 5000, "5.6.7.8", 53, bytes(100))
    frame = _eth(ip)
    decoder, records = _run(pcap_bytes([Pkt(1, frame[:50], len(frame), 1.0)]))
    assert records == 0 and decoder.outcomes["unaccounted"] == 0
    assert decoder.outcomes["udp_not_skype"] == 1
    assert decoder.reasons == {"UDP datagram cut by the snap length": 1}


@pytest.mark.parametrize("source", [b"\xd4\xc3\xb2\xa1", bytearray(24), 42, io.StringIO("x")])
def test_wrong_kinds_of_source_are_capture_errors(source: Any) -> None:
    with pytest.raises(CaptureError, match=r"binary file object|text mode"):
        list(Decoder().run(source))


def test_a_text_mode_file_is_a_capture_error(skypeirc_path: Path) -> None:
    with skypeirc_path.open() as text, pytest.raises(CaptureError, match="text mode"):
        list(Decoder().run(text))  # type: ignore[arg-type]


def test_the_json_summary_says_where_every_packet_went(skypeirc_path: Path) -> None:
    """The last line of ``decode --json`` carries the outcomes, so a user sees them too."""
    from click.testing import CliRunner

    from skypeflux.cli.app import cli

    result = CliRunner().invoke(cli, ["decode", "--json", "--no-progress", str(skypeirc_path)])
    assert result.exit_code == 0
    summary = json.loads(result.stdout.splitlines()[-1])
    assert summary["skypeflux.unit"] == "summary"
    packets = summary["skypeflux.info"]["packets"]
    assert packets["unaccounted"] == 0
    assert sum(n for k, n in packets.items() if k != "unaccounted") == 2263  # frames in the file
    assert packets["skype_udp_verified"] > 0 and packets["udp_not_skype"] > 0
