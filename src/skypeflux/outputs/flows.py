"""The ``flows`` table: one row per Skype flow, with how much of it verified.

The table answers "what is in this capture and how much of it could be read" before anyone looks
at messages; the status column says why a flow is not fully verified. The renderer reads flows
through a structural type, so it depends only on the fields the pipeline promises, not its class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class FlowLike(Protocol):
    """The fields of ``skypeflux.capture.pipeline.FlowStats`` the table shows."""

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
    def blocks(self) -> int: ...
    @property
    def status(self) -> str: ...


COLUMNS = (
    "transport",
    "endpoints",
    "frames",
    "units",
    "verified",
    "unverified",
    "blocks",
    "status",
)
_RIGHT_ALIGNED = frozenset({"units", "verified", "unverified", "blocks"})


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
        "blocks": str(flow.blocks),
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
        "blocks": flow.blocks,
        "status": flow.status,
    }
