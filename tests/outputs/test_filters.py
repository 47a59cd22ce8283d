"""Filters select exactly what they say, checked against the oracles counted independently."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from skypeflux.capture.records import CLEAR, UNVERIFIED, Method, Record, Verification
from skypeflux.outputs.filters import (
    AddressPattern,
    FrameRange,
    RecordFilter,
    build_filter,
    parse_address,
    parse_command,
    parse_frame_range,
)
from tests.helpers.oracle import oracle_records


@pytest.fixture(scope="module")
def records(
    units_oracle: list[dict[str, Any]], blocks_oracle: list[dict[str, Any]]
) -> list[Record]:
    return oracle_records(units_oracle, blocks_oracle)


def _blocks_where(blocks_oracle: list[dict[str, Any]], key: str, value: Any) -> int:
    return sum(1 for line in blocks_oracle if line[key] == value)


def test_empty_filter_selects_everything(records: list[Record]) -> None:
    assert RecordFilter().is_empty
    assert list(RecordFilter().apply(records)) == records


@pytest.mark.parametrize("command", [27, 29, 36, 15])
def test_cmd_selects_the_records_holding_that_command(
    records: list[Record], blocks_oracle: list[dict[str, Any]], command: int
) -> None:
    selected = list(build_filter(commands=[str(command)]).apply(records))
    assert selected
    blocks = sum(1 for r in selected for b in r.blocks if b.command == command)
    assert blocks == _blocks_where(blocks_oracle, "cmd", command)
    assert all(any(b.command == command for b in r.blocks) for r in selected)


def test_repeated_cmd_widens_and_hex_is_accepted(records: list[Record]) -> None:
    one = list(build_filter(commands=["29"]).apply(records))
    other = list(build_filter(commands=["0x24"]).apply(records))
    both = list(build_filter(commands=["29", "36"]).apply(records))
    assert len(both) == len(one) + len(other)


@pytest.mark.parametrize(
    "name", ["probe_refused", "Probe Refused", "probe-refused", "PROBE_REFUSED"]
)
def test_cmd_by_name_selects_what_the_number_selects(records: list[Record], name: str) -> None:
    by_name = list(build_filter(commands=[name]).apply(records))
    assert by_name == list(build_filter(commands=["29"]).apply(records)) and by_name


@pytest.mark.parametrize("name", ["address_reply", "address_reply?", "Address Reply ?"])
def test_a_guessed_name_matches_with_or_without_its_question_mark(
    records: list[Record], blocks_oracle: list[dict[str, Any]], name: str
) -> None:
    # cmd 36's name is a guess, shown as "address_reply?" (spec protocol.md 5.2)
    selected = list(build_filter(commands=[name]).apply(records))
    blocks = sum(1 for r in selected for b in r.blocks if b.command == 36)
    assert blocks == _blocks_where(blocks_oracle, "cmd", 36) > 0


@pytest.mark.parametrize(
    ("typo", "suggestion"), [("adress_reply", "address_reply"), ("probe-refsed", "probe_refused")]
)
def test_a_name_not_in_the_command_table_is_refused_with_suggestions(
    typo: str, suggestion: str
) -> None:
    with pytest.raises(ValueError, match="unknown command name") as caught:
        build_filter(commands=[typo])
    assert f"did you mean {suggestion}" in str(caught.value)


def test_a_name_far_from_every_command_says_to_use_the_number() -> None:
    with pytest.raises(ValueError, match="unknown command name 'xyzzy'; give its number"):
        parse_command("xyzzy")


def test_unnamed_command_numbers_are_still_accepted() -> None:
    # a capture may hold commands that no table names: numbers are never refused
    assert build_filter(commands=["250"]).commands == frozenset({250})


def test_addr_matches_either_side(
    records: list[Record], blocks_oracle: list[dict[str, Any]]
) -> None:
    peer = "165.124.253.241"
    selected = list(build_filter(addresses=[peer]).apply(records))
    directions = {(r.src.host == peer, r.dst.host == peer) for r in selected}
    assert directions == {(True, False), (False, True)}
    with_port = list(build_filter(addresses=[f"{peer}:15294"]).apply(records))
    assert with_port == selected
    assert not list(build_filter(addresses=[f"{peer}:1"]).apply(records))
    expected = sum(1 for b in blocks_oracle if peer in b["src"] or peer in b["dst"])
    assert sum(len(r.blocks) for r in selected) == expected


def test_transport_and_frame_range(records: list[Record]) -> None:
    tcp = list(build_filter(transports=["TCP"]).apply(records))
    assert tcp and all(r.transport == "tcp" for r in tcp)
    window = list(build_filter(frames=["200-230"]).apply(records))
    assert window and all(200 <= r.frame <= 230 for r in window)
    assert [r.frame for r in build_filter(frames=["219"]).apply(records)] == [219]


def test_a_fragment_message_matches_any_of_its_frames(records: list[Record]) -> None:
    message = next(r for r in records if r.unit == "udp.message")
    inner = sorted(message.frames)[1]
    selected = list(build_filter(frames=[str(inner)], units=["udp.message"]).apply(records))
    assert selected == [message]


def test_verified_and_unverified(records: list[Record]) -> None:
    failed = Verification(UNVERIFIED, Method.CRC32, "crc mismatch")
    mixed = [*records[:5], *(dataclasses.replace(r, verification=failed) for r in records[5:8])]
    assert list(build_filter(verified=[True]).apply(mixed)) == mixed[:5]
    assert list(build_filter(verified=[False]).apply(mixed)) == mixed[5:]
    clear = dataclasses.replace(records[0], verification=Verification(CLEAR, Method.NONE))
    assert not build_filter(verified=[True]).matches(clear)
    assert not build_filter(verified=[False]).matches(clear)
    # an unverified record's blocks are not evidence for --cmd
    assert not list(build_filter(commands=["27"]).apply(mixed[5:]))


def test_parsers_accept_the_documented_forms() -> None:
    assert parse_command("36") == 36
    assert parse_command("0x24") == 36
    assert parse_command("Probe_Refused") == 29
    assert parse_command("slotquery") == 6  # separators and case do not count
    assert parse_address("1.2.3.4") == AddressPattern("1.2.3.4")
    assert parse_address("1.2.3.4:80") == AddressPattern("1.2.3.4", 80)
    assert parse_address("10.1.2.3/8:80") == AddressPattern("10.0.0.0/8", 80)
    assert parse_frame_range("5") == FrameRange(5, 5)
    assert parse_frame_range("5-9") == FrameRange(5, 9)
    assert parse_frame_range("5-") == FrameRange(5, None)
    assert parse_frame_range("-9") == FrameRange(None, 9)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"addresses": ["1.2.3"]}, "IPv4"),
        ({"addresses": ["1.2.3.4:99999"]}, "port"),
        ({"addresses": ["1.2.3.4:"]}, "port"),
        ({"frames": ["9-5"]}, "empty"),
        ({"frames": ["x"]}, "frame range"),
        ({"frames": ["-"]}, "frame range"),
        ({"units": ["udp.nonsense"]}, "unknown unit"),
        ({"transports": ["sctp"]}, "transport"),
        ({"commands": ["-3"]}, "negative"),
        ({"frames": ["0"]}, "count from 1"),
        ({"frames": ["0-5"]}, "count from 1"),
        ({"frames": ["-0"]}, "count from 1"),
    ],
)
def test_bad_values_raise_value_error(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_filter(**kwargs)
