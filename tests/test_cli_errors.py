"""The command line's contract without decoding anything: help, version, usage and file errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from skypeflux import __version__
from skypeflux.cli import main as cli_main
from skypeflux.cli.main import (
    EXIT_NOT_A_CAPTURE,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    cli,
    parse_public_ip,
)


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _one_error_line(stderr: str) -> str:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("skypeflux: error: ")
    assert "Traceback" not in stderr
    return lines[0]


def test_help_shows_commands_examples_and_exit_codes(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--help"])
    assert result.exit_code == 0
    for word in ("decode", "flows", "demo", "Examples:", "Exit codes:", "skypeflux decode -"):
        assert word in result.output


def test_decode_help_documents_one_line_per_block(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["decode", "--help"])
    assert result.exit_code == 0
    assert "one line per command block" in result.output
    for option in ("-V", "--json", "--public-ip", "--cmd", "--addr", "--frame", "--no-progress"):
        assert option in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"skypeflux, version {__version__}"


@pytest.mark.parametrize("command", ["decode", "flows"])
def test_missing_file_is_exit_3(runner: CliRunner, tmp_path: Path, command: str) -> None:
    missing = tmp_path / "nothing.pcap"
    result = runner.invoke(cli, [command, str(missing)])
    assert result.exit_code == EXIT_UNREADABLE
    assert str(missing) in _one_error_line(result.stderr)
    assert result.stdout == ""


def test_directory_is_exit_3(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["decode", str(tmp_path)])
    assert result.exit_code == EXIT_UNREADABLE
    _one_error_line(result.stderr)


@pytest.mark.parametrize(
    "content", [b"", b"hello, this is a text file and not a capture\n", b"\xd4\xc3\xb2\xa1\x02"]
)
def test_not_a_capture_is_exit_4(runner: CliRunner, tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(content)
    for command in ("decode", "flows"):
        result = runner.invoke(cli, [command, str(path)])
        assert result.exit_code == EXIT_NOT_A_CAPTURE, result.output
        _one_error_line(result.stderr)


def test_not_a_capture_on_stdin_is_exit_4(runner: CliRunner) -> None:
    result = runner.invoke(cli, ["decode", "-"], input=b"GET / HTTP/1.0\r\n\r\n")
    assert result.exit_code == EXIT_NOT_A_CAPTURE
    _one_error_line(result.stderr)


@pytest.mark.parametrize(
    "args",
    [
        ["--frame", "9-5"],
        ["--frame", "abc"],
        ["--addr", "not-an-ip"],
        ["--transport", "sctp"],
        ["--unit", "udp.bogus"],
        ["--public-ip", "192.168.1.2=nowhere"],
        ["--no-such-option"],
    ],
)
def test_usage_errors_are_exit_2(runner: CliRunner, skypeirc_path: Path, args: list[str]) -> None:
    result = runner.invoke(cli, ["decode", str(skypeirc_path), *args])
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""


def test_public_ip_forms() -> None:
    assert parse_public_ip("86.128.245.115") == (None, "86.128.245.115")
    assert parse_public_ip("192.168.1.2=86.128.245.115") == ("192.168.1.2", "86.128.245.115")
    with pytest.raises(ValueError):
        parse_public_ip("192.168.1=86.128.245.115")


def test_demo_without_the_example_capture_says_what_to_pass(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli_main, "find_demo_capture", lambda start=None: None)
    result = runner.invoke(cli, ["demo"])
    assert result.exit_code == EXIT_UNREADABLE
    assert "skypeflux decode" in _one_error_line(result.stderr)
