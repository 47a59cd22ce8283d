"""The records built from the oracles (tests.helpers.oracle) match the published figures."""

from __future__ import annotations

from typing import Any

from tests.helpers.oracle import oracle_records


def test_oracle_records_hold_every_block(
    units_oracle: list[dict[str, Any]], blocks_oracle: list[dict[str, Any]]
) -> None:
    records = oracle_records(units_oracle, blocks_oracle)
    # captures/README.md: 305 command blocks, 258 in UDP, 47 in TCP; 6 fragment messages.
    assert sum(len(record.blocks) for record in records) == 305
    assert sum(len(r.blocks) for r in records if r.transport == "udp") == 258
    assert sum(len(r.blocks) for r in records if r.transport == "tcp") == 47
    assert sum(1 for record in records if record.unit == "udp.message") == 6
    assert all(len(r.frames) == 9 for r in records if r.unit == "udp.message")
