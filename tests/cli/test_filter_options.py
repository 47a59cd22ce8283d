"""``decode -Y`` and its shorthands on the real capture: widening, narrowing, blocks, hints."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_OK, EXIT_USAGE


def _run(*args: str) -> Result:
    result = CliRunner().invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result

def _records(result: Result) -> list[dict[str, Any]]:
    """The JSON lines of a run without its closing summary line (it is not a record)."""
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return [line for line in lines if line.get("skypeflux.unit") != "summary"]



@pytest.fixture(scope="module")
def json_lines(skypeirc_path: Path) -> list[dict[str, Any]]:
    result = _run("decode", "--json", str(skypeirc_path))
    return _records(result)


def _frames(result: Result) -> list[int]:
    return [int(line.split()[0]) for line in result.stdout.splitlines()]


def test_a_repeated_frame_widens(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "--frame", "333", "--frame", "338")
    assert result.exit_code == EXIT_OK
    assert _frames(result) == [333, 338]


def test_repeated_transport_and_verdicts_widen(
    skypeirc_path: Path, json_lines: list[dict[str, Any]]
) -> None:
    both = _run("decode", "--json", str(skypeirc_path), "--transport", "UDP", "--transport", "tcp")
    udp = _run("decode", "--json", str(skypeirc_path), "--transport", "udp")
    expected_udp = [x for x in json_lines if x["transport"] == "udp"]
    assert _records(udp) == expected_udp
    assert len(_records(both)) == sum(1 for x in json_lines if x["transport"])
    either = _run("decode", "--json", str(skypeirc_path), "--verified", "--unverified")
    statuses = {"verified", "unverified"}
    assert len(_records(either)) == sum(
        1 for x in json_lines if x["skypeflux.verify.status"] in statuses
    )


def test_cmd_prints_only_the_matching_blocks(
    skypeirc_path: Path, json_lines: list[dict[str, Any]]
) -> None:
    result = _run("decode", str(skypeirc_path), "--cmd", "38")
    lines = result.stdout.splitlines()
    expected = sum(1 for x in json_lines for b in x["skypeflux.blocks"] if b["skypeflux.cmd"] == 38)
    assert len(lines) == expected == 3
    assert all(" cmd 38 " in line for line in lines)


def test_addr_takes_a_network(skypeirc_path: Path, json_lines: list[dict[str, Any]]) -> None:
    result = _run("decode", "--json", str(skypeirc_path), "--addr", "68.0.0.0/8")
    got = _records(result)
    expected = [
        x for x in json_lines if x["ip.src"].startswith("68.") or x["ip.dst"].startswith("68.")
    ]
    assert got == expected and got


def test_shorthands_and_filter_narrow_each_other(skypeirc_path: Path) -> None:
    result = _run(
        "decode", str(skypeirc_path), "--transport", "tcp", "-Y", "skypeflux.cmd.kind == reply"
    )
    lines = result.stdout.splitlines()
    assert lines and all(" TCP " in line and " reply " in line for line in lines)


def test_an_unknown_command_number_gets_a_hint(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "--cmd", "999")
    assert result.exit_code == EXIT_OK and result.stdout == ""
    assert "command 999" in result.stderr and "skypeflux names" in result.stderr


def test_a_syntax_error_points_at_the_column(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "-Y", "skypeflux.cmd == && frame")
    assert result.exit_code == EXIT_USAGE
    first = result.stderr.splitlines()[0]
    assert first.startswith("skypeflux: error: -Y: column 18: ")
