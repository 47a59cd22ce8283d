"""``flows`` is the aggregation of ``decode --json``: the same capture, the same counts."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skypeflux.cli.app import cli
from tests.helpers.excerpts import write_frames

NOT_UNITS = {"note", "summary", "tcp.end"}


def _lines(*args: str) -> list[dict[str, Any]]:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return [json.loads(line) for line in result.stdout.splitlines()]


def _aggregate(records: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    flows: dict[str, dict[str, int]] = defaultdict(
        lambda: {"units": 0, "verified": 0, "unverified": 0, "clear": 0, "blocks": 0}
    )
    frames: dict[str, list[int]] = defaultdict(list)
    for record in records:
        unit = record["skypeflux.unit"]
        if unit in ("note", "summary"):
            continue
        key = record["skypeflux.flow"]
        frames[key] += record["frames"]
        if unit in NOT_UNITS:
            flows[key]  # a flow with only an end record still exists
            continue
        row = flows[key]
        row["units"] += 1
        status = record["skypeflux.verify.status"]
        if status == "verified":
            row["verified"] += 1
            row["blocks"] += len(record["skypeflux.blocks"])
        elif status == "clear":
            row["clear"] += 1
        else:
            row["unverified"] += 1
    for key, row in flows.items():
        row["first_frame"], row["last_frame"] = min(frames[key]), max(frames[key])
    return dict(flows)


@pytest.mark.parametrize("start", [1, 700])
def test_flows_equal_the_aggregation_of_decode(
    skypeirc_path: Path, tmp_path: Path, start: int
) -> None:
    capture = write_frames(skypeirc_path, tmp_path / "c.pcap", lambda n: n >= start)
    records = _lines("decode", "--json", str(capture))
    flows = {f["flow"]: f for f in _lines("flows", "--json", str(capture))}
    expected = _aggregate(records)
    assert set(flows) == set(expected)
    for key, row in expected.items():
        got = {name: flows[key][name] for name in row}
        assert got == row, key
        flow = flows[key]
        assert flow["units"] == flow["verified"] + flow["unverified"] + flow["clear"]
        assert flow["packets"] > 0 and flow["bytes"] > flow["packets"] * 42
        assert flow["duration"] >= 0 and flow["start"] >= 0
    summary = records[-1]["skypeflux.info"]
    assert summary["units"] == sum(f["units"] for f in flows.values())
    assert summary["verified"] == sum(f["verified"] for f in flows.values())


def test_flow_traffic_matches_tshark_conversations(skypeirc_path: Path) -> None:
    # packets and bytes per endpoint pair as `tshark -z conv,udp` counts them (figures taken
    # from the capture itself here: every frame of the pair, its length on the wire)
    from skypeflux.capture.files.source import read_packets
    from skypeflux.capture.net.packets import NetDecoder, UdpDatagram

    net = NetDecoder()
    pairs: dict[frozenset[str], list[int]] = defaultdict(lambda: [0, 0])
    for packet in read_packets(skypeirc_path):
        item = net.decode(packet)
        if isinstance(item, UdpDatagram):
            key = frozenset({f"{item.src}:{item.sport}", f"{item.dst}:{item.dport}"})
            pairs[key][0] += 1
            pairs[key][1] += packet.wirelen
    flows = _lines("flows", "--json", str(skypeirc_path))
    udp_flows = [f for f in flows if f["transport"] == "udp"]
    assert udp_flows
    for flow in udp_flows:
        assert [flow["packets"], flow["bytes"]] == pairs[frozenset({flow["a"], flow["b"]})]
