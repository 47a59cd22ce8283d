"""The flows table: aligned columns and a faithful JSON form."""

from __future__ import annotations

import json
from collections.abc import Callable

from skypeflux.capture.flows import FlowCounters, FlowStats, Traffic
from skypeflux.capture.records import FlowKey, Transport
from skypeflux.ipv4 import Endpoint
from skypeflux.outputs.flows import COLUMNS, flow_to_json, format_flows_table


def _flow(
    a: str, b: str, transport: str, frames: tuple[int, int], counts: str, status: str
) -> FlowStats:
    units, verified, unverified, clear, blocks = (int(part) for part in counts.split("/"))
    kind = Transport(transport)
    key = FlowKey(kind, Endpoint.parse(a), Endpoint.parse(b))
    first, last = frames
    tally = FlowCounters(
        units=units,
        verified=verified,
        unverified=unverified,
        clear=clear,
        blocks=blocks,
        first_frame=first,
        last_frame=last,
    )
    traffic = Traffic(2 * units, 100 * units, 1e9 + first / 10, 1e9 + last / 10)
    return FlowStats(key, tally, status, traffic, first / 10)


FLOWS = [
    _flow("192.168.1.2:35990", "165.124.253.241:15294", "udp", (214, 1874), "6/6/0/0/6", "ok"),
    _flow("192.168.1.2:1312", "68.206.150.243:57322", "tcp", (273, 1489), "13/13/0/0/2047", "ok"),
    _flow("192.168.1.2:35990", "1.2.3.4:5", "udp", (1, 2), "3/0/2/1/0", "unverified: no address"),
]


def test_table_has_a_header_and_one_aligned_row_per_flow() -> None:
    lines = format_flows_table(FLOWS).splitlines()
    assert lines[0].split() == list(COLUMNS)
    assert len(lines) == 1 + len(FLOWS)
    # left-aligned columns start at the same position on every line
    cells: dict[str, Callable[[FlowStats], str]] = {
        "endpoints": lambda f: f" {f.key.a} ",
        "frames": lambda f: f" {f.counts.first_frame}-{f.counts.last_frame} ",
    }
    for column, cell in cells.items():
        starts = {lines[0].index(f" {column} ")} | {
            line.index(cell(flow)) for line, flow in zip(lines[1:], FLOWS, strict=True)
        }
        assert len(starts) == 1, column
    # right-aligned numbers end where their header ends
    end = lines[0].index("blocks") + len("blocks")
    for line, flow in zip(lines[1:], FLOWS, strict=True):
        assert line[:end].endswith(f" {flow.counts.blocks}")


def test_udp_is_a_conversation_and_tcp_a_direction() -> None:
    lines = format_flows_table(FLOWS).splitlines()
    assert "192.168.1.2:35990 <-> 165.124.253.241:15294" in lines[1]
    assert "192.168.1.2:1312 -> 68.206.150.243:57322" in lines[2]
    assert lines[3].endswith("unverified: no address")


def test_empty_table_is_just_the_header() -> None:
    assert format_flows_table([]).splitlines() == ["  ".join(COLUMNS)]


def test_json_keeps_every_field() -> None:
    for flow, row in zip(FLOWS, format_flows_table(FLOWS).splitlines()[1:], strict=True):
        data = json.loads(json.dumps(flow_to_json(flow)))
        key, counts = flow.key, flow.counts
        assert data == {
            "flow": str(key),
            "transport": str(key.transport),
            "a": str(key.a),
            "b": str(key.b),
            "first_frame": counts.first_frame,
            "last_frame": counts.last_frame,
            "units": counts.units,
            "verified": counts.verified,
            "unverified": counts.unverified,
            "clear": counts.clear,
            "blocks": counts.blocks,
            "packets": flow.traffic.packets,
            "bytes": flow.traffic.bytes,
            "start": flow.start,
            "duration": flow.duration,
            "status": flow.status,
        }
        # the table row shows the same flow, frames and verdict
        assert f"{counts.first_frame}-{counts.last_frame}" in row
        assert str(key.a) in row and str(key.b) in row and row.endswith(flow.status)
    assert [flow_to_json(flow)["flow"] for flow in FLOWS[:2]] == [
        "udp 192.168.1.2:35990 <-> 165.124.253.241:15294",
        "tcp 192.168.1.2:1312 <-> 68.206.150.243:57322",
    ]
