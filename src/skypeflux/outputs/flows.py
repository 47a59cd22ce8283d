"""The ``flows`` table: one row per Skype flow, with how much of it verified.

The table answers "what is in this capture and how much of it could be read" before anyone looks
at messages; the status column says why a flow is not fully verified. Every count is an
aggregation of the records ``decode`` shows: ``units`` = ``verified`` + ``unverified`` +
``clear``, ``blocks`` counts command blocks of verified units; ``packets``, ``bytes``, ``start``
(seconds since the capture's first packet) and ``duration`` are the endpoint pair's traffic as
``tshark -z conv`` counts it (every frame, Skype or not).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from skypeflux.capture.flows import FlowStats
from skypeflux.capture.records import Transport

COLUMNS = (
    "transport",
    "endpoints",
    "frames",
    "units",
    "verified",
    "unverified",
    "clear",
    "blocks",
    "packets",
    "bytes",
    "start",
    "duration",
    "status",
)
_RIGHT_ALIGNED = frozenset(
    {"units", "verified", "unverified", "clear", "blocks", "packets", "bytes", "start", "duration"}
)


def _arrow(flow: FlowStats) -> str:
    # UDP flows are conversations (either side sends); a TCP flow is one connection, a -> b.
    return "<->" if flow.key.transport == Transport.UDP else "->"


def flow_row(flow: FlowStats) -> dict[str, str]:
    key, counts = flow.key, flow.counts
    return {
        "transport": key.transport.upper(),
        "endpoints": f"{key.a} {_arrow(flow)} {key.b}",
        "frames": f"{counts.first_frame}-{counts.last_frame}",
        "units": str(counts.units),
        "verified": str(counts.verified),
        "unverified": str(counts.unverified),
        "clear": str(counts.clear),
        "blocks": str(counts.blocks),
        "packets": str(flow.traffic.packets),
        "bytes": str(flow.traffic.bytes),
        "start": f"{flow.start:.6f}",
        "duration": f"{flow.duration:.4f}",
        "status": flow.status,
    }


def format_flows_table(flows: Sequence[FlowStats]) -> str:
    """Aligned columns with a header line; numbers right-aligned, text left-aligned."""
    rows = [flow_row(flow) for flow in flows]
    widths = {column: max([len(column), *(len(row[column]) for row in rows)]) for column in COLUMNS}

    def line(cells: dict[str, str]) -> str:
        parts = [
            cells[column].rjust(widths[column])
            if column in _RIGHT_ALIGNED
            else cells[column].ljust(widths[column])
            for column in COLUMNS
        ]
        return "  ".join(parts).rstrip()

    header = line({column: column for column in COLUMNS})
    return "\n".join([header, *(line(row) for row in rows)]) + "\n"


def flow_to_json(flow: FlowStats) -> dict[str, Any]:
    """One flow as JSON (``flows --json`` prints a list of these, one per line)."""
    key, counts = flow.key, flow.counts
    return {
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
