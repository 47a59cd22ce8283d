"""The ``flows`` table: one row per Skype flow, with how much of it verified.

The table answers "what is in this capture and how much of it could be read" before anyone looks
at messages. Every count is an aggregation of the records ``decode`` shows: ``units`` =
``verified`` + ``unverified`` + ``clear``, ``blocks`` counts command blocks of verified units;
``packets``, ``bytes``, ``start`` (seconds since the capture's first packet) and ``duration``
are the endpoint pair's traffic as ``tshark -z conv`` counts it (every frame, Skype or not).
The renderer reads flows through a structural type, so it depends only on the fields the
pipeline promises, not its class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class FlowLike(Protocol):
    """The fields of ``skypeflux.capture.summary.FlowStats`` the table shows."""

    @property
    def key(self) -> str: ...
    @property
    def transport(self) -> str: ...
    @property
    def a(self) -> str: ...
    @property
    def b(self) -> str: ...
    @property
    def first_frame(self) -> int: ...
    @property
    def last_frame(self) -> int: ...
    @property
    def units(self) -> int: ...
    @property
    def verified(self) -> int: ...
    @property
    def unverified(self) -> int: ...
    @property
    def clear(self) -> int: ...
    @property
    def blocks(self) -> int: ...
    @property
    def packets(self) -> int: ...
    @property
    def bytes(self) -> int: ...
    @property
    def first_time(self) -> float: ...
    @property
    def last_time(self) -> float: ...
    @property
    def duration(self) -> float: ...
    @property
    def status(self) -> str: ...


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


def _arrow(flow: FlowLike) -> str:
    # UDP flows are conversations (either side sends); a TCP flow is one connection, a -> b.
    return "<->" if flow.transport == "udp" else "->"


def flow_row(flow: FlowLike) -> dict[str, str]:
    return {
        "transport": flow.transport.upper(),
        "endpoints": f"{flow.a} {_arrow(flow)} {flow.b}",
        "frames": f"{flow.first_frame}-{flow.last_frame}",
        "units": str(flow.units),
        "verified": str(flow.verified),
        "unverified": str(flow.unverified),
        "clear": str(flow.clear),
        "blocks": str(flow.blocks),
        "packets": str(flow.packets),
        "bytes": str(flow.bytes),
        "start": f"{flow.first_time:.6f}",
        "duration": f"{flow.duration:.4f}",
        "status": flow.status,
    }


def format_flows_table(flows: Sequence[FlowLike]) -> str:
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


def flow_to_json(flow: FlowLike) -> dict[str, Any]:
    """One flow as JSON (``flows --json`` prints a list of these, one per line)."""
    return {
        "flow": flow.key,
        "transport": flow.transport,
        "a": flow.a,
        "b": flow.b,
        "first_frame": flow.first_frame,
        "last_frame": flow.last_frame,
        "units": flow.units,
        "verified": flow.verified,
        "unverified": flow.unverified,
        "clear": flow.clear,
        "blocks": flow.blocks,
        "packets": flow.packets,
        "bytes": flow.bytes,
        "first_time": flow.first_time,
        "last_time": flow.last_time,
        "duration": flow.duration,
        "status": flow.status,
    }
