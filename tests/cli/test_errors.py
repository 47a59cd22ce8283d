"""The command line's contract: help, version, usage, environment, file and internal errors."""

from __future__ import annotations

import dataclasses
import os
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from skypeflux import __version__, crypto, objects
from skypeflux.capture.files import read_packets
from skypeflux.capture.files.writer import Interface, PcapngWriter
from skypeflux.capture.pipeline import Decoder
from skypeflux.capture.records import Record
from skypeflux.capture.synth import load_scenario, synthesize
from skypeflux.cli import options
from skypeflux.cli.app import cli
from skypeflux.cli.errors import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_NOT_A_CAPTURE,
    EXIT_OUTPUT,
    EXIT_UNREADABLE,
    EXIT_USAGE,
)
from skypeflux.cli.options import parse_public_ip
from tests.helpers.paths import REPO


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


def _usage_error(stderr: str, command: str = "skypeflux decode") -> str:
    """A usage error: one line in the one error format, ending with where the help is; nothing
    of click's own. Returns the line without that pointer."""
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("skypeflux: error: ")
    pointer = f" (see '{command} -h')"
    assert lines[0].endswith(pointer), lines[0]
    assert "Error:" not in stderr and "Traceback" not in stderr
    return lines[0].removesuffix(pointer)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--frame", "9-5"], "empty frame range"),
        (["--frame", "abc"], "frame range"),
        (["--frame", "0"], "frames count from 1"),
        (["--frame", "0-3"], "frames count from 1"),
        (["--addr", "not-an-ip"], "IPv4"),
        (["--transport", "sctp"], "sctp"),
        (["--unit", "udp.bogus"], "udp.bogus"),
        (["--public-ip", "192.168.1.2=nowhere"], "--public-ip"),
        (["--no-such-option"], "--no-such-option"),
        (["--cmd", "adress_reply"], "did you mean address_reply"),
        (["--cmd", "address_reply?", "--cmd", "probe_refsed"], "did you mean probe_refused"),
        (["--json", "-V"], "--json and -V do not combine"),
        (["--json", "--full"], "--json and --full do not combine"),
        (["--full"], "--full only changes the -V object tree"),
    ],
)
def test_usage_errors_are_exit_2_in_the_one_error_format(
    runner: CliRunner, skypeirc_path: Path, args: list[str], says: str
) -> None:
    result = runner.invoke(cli, ["decode", str(skypeirc_path), *args])
    assert result.exit_code == EXIT_USAGE
    assert result.stdout == ""
    assert says in _usage_error(result.stderr)


@pytest.mark.parametrize(
    ("args", "command"),
    [(["nosuchcommand"], "skypeflux"), (["--nosuchoption"], "skypeflux"), (["flows"], None)],
)
def test_usage_errors_outside_decode_use_the_same_format(
    runner: CliRunner, args: list[str], command: str | None
) -> None:
    result = runner.invoke(cli, args)
    assert result.exit_code == EXIT_USAGE
    _usage_error(result.stderr, command or f"skypeflux {args[0]}")


def test_no_arguments_still_prints_the_help(runner: CliRunner) -> None:
    result = runner.invoke(cli, [])
    assert "Usage: skypeflux" in result.output and "Exit codes:" in result.output
    assert "skypeflux: error" not in result.output


# --- the environment ------------------------------------------------------------------------


def _cli_process(env_extra: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The console script's way in (``main()``), in a fresh process with this environment."""
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), **env_extra}
    code = "from skypeflux.cli.app import main; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("SKYPEFLUX_BACKEND", "unknown crypto backend 'bogus'"),
        ("SKYPEFLUX_OBJECTS_BACKEND", "unknown objects backend 'bogus'"),
    ],
)
@pytest.mark.parametrize("command", ["decode", "flows"])
def test_a_bad_backend_variable_is_a_usage_error(
    skypeirc_path: Path, variable: str, says: str, command: str
) -> None:
    result = _cli_process({variable: "bogus"}, command, str(skypeirc_path))
    assert result.returncode == EXIT_USAGE
    line = _one_error_line(result.stderr)
    assert f"{variable}=bogus" in line and says in line
    assert result.stdout == ""


def test_help_works_whatever_the_backend_variables_say() -> None:
    result = _cli_process({"SKYPEFLUX_BACKEND": "bogus"}, "decode", "--help")
    assert result.returncode == 0 and "SKYPEFLUX_BACKEND" in result.stdout


@pytest.fixture
def no_fast_paths(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """This process as if neither C extension had been built."""
    for module in (crypto.backends, objects.backends):
        unbuilt = dataclasses.replace(module.IMPLEMENTATIONS, fast=None)
        monkeypatch.setattr(module, "IMPLEMENTATIONS", unbuilt)
    yield


@pytest.mark.parametrize(
    ("variable", "extension"),
    [("SKYPEFLUX_BACKEND", "crypto._fast"), ("SKYPEFLUX_OBJECTS_BACKEND", "objects._fast42")],
)
@pytest.mark.usefixtures("no_fast_paths")
def test_asking_for_an_unbuilt_fast_path_is_a_usage_error(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    skypeirc_path: Path,
    variable: str,
    extension: str,
) -> None:
    monkeypatch.setenv(variable, "fast")
    result = runner.invoke(cli, ["decode", str(skypeirc_path)])
    assert result.exit_code == EXIT_USAGE
    line = _one_error_line(result.stderr)
    assert f"{variable}=fast" in line and f"skypeflux.{extension}) is not built" in line


# --- our own failures -------------------------------------------------------------------------


def _failing_run(exc: BaseException) -> Callable[..., Iterator[Record]]:
    """A ``Decoder.run`` that fails with ``exc`` once the decoding starts."""

    def run(self: Decoder, source: object, progress: object = None) -> Iterator[Record]:
        raise exc
        yield  # a generator, like the real one

    return run


@pytest.mark.parametrize("command", ["decode", "flows"])
def test_an_internal_error_is_one_line_and_exit_5(
    runner: CliRunner,
    monkeypatch: pytest.MonkeyPatch,
    skypeirc_path: Path,
    command: str,
) -> None:
    monkeypatch.delenv("SKYPEFLUX_DEBUG", raising=False)
    monkeypatch.setattr(Decoder, "run", _failing_run(ZeroDivisionError("a bug\nin two lines")))
    result = runner.invoke(cli, [command, str(skypeirc_path)])
    assert result.exit_code == EXIT_INTERNAL
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert lines[0].startswith("skypeflux: internal error: ZeroDivisionError: a bug / in two")
    assert "report" in lines[0] and "SKYPEFLUX_DEBUG=1" in lines[0]


def test_skypeflux_debug_adds_the_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, skypeirc_path: Path
) -> None:
    monkeypatch.setenv("SKYPEFLUX_DEBUG", "1")
    monkeypatch.setattr(Decoder, "run", _failing_run(ZeroDivisionError("a bug")))
    result = runner.invoke(cli, ["decode", str(skypeirc_path)])
    assert result.exit_code == EXIT_INTERNAL
    assert result.stderr.startswith("skypeflux: internal error: ZeroDivisionError")
    assert "Traceback (most recent call last)" in result.stderr
    assert result.stderr.rstrip().endswith("ZeroDivisionError: a bug")


def test_ctrl_c_is_exit_130_not_no_skype(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, skypeirc_path: Path
) -> None:
    monkeypatch.setattr(Decoder, "run", _failing_run(KeyboardInterrupt()))
    result = runner.invoke(cli, ["decode", str(skypeirc_path)])
    assert result.exit_code == EXIT_INTERRUPTED
    assert result.stderr == "skypeflux: interrupted\n"


def test_public_ip_forms() -> None:
    assert parse_public_ip("86.128.245.115") == (None, "86.128.245.115")
    assert parse_public_ip("192.168.1.2=86.128.245.115") == ("192.168.1.2", "86.128.245.115")
    with pytest.raises(ValueError):
        parse_public_ip("192.168.1=86.128.245.115")


def test_demo_with_a_missing_capture_is_exit_3(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["demo", "--capture", str(tmp_path / "nowhere.pcap")])
    assert result.exit_code == EXIT_UNREADABLE
    assert "nowhere.pcap" in _one_error_line(result.stderr)


def test_packets_on_undecodable_interfaces_are_reported(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    # pcapng with the real capture on an Ethernet interface plus one FDDI packet on a second
    # interface: the Skype traffic decodes, and the skipped packet is mentioned on stderr.
    import dpkt

    path = tmp_path / "mixed.pcapng"
    with skypeirc_path.open("rb") as fh_in, path.open("wb") as fh_out:
        writer = PcapngWriter(fh_out, [Interface(1)])
        for ts, buf in dpkt.pcap.Reader(fh_in):
            writer.write(buf, ts)
    with path.open("ab") as fh_out:  # a second section whose only interface is FDDI
        writer = PcapngWriter(fh_out, [Interface(10)])
        writer.write(b"\x08\x00" + bytes(30), 1.0)
    result = CliRunner().invoke(cli, ["decode", str(path)])
    assert result.exit_code == 0
    assert "cmd 36" in result.stdout
    assert "1 of 2264 packets skipped" in result.stderr


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x7fELF\x02\x01\x01\x00\xd0\xff", "not text (byte 8 is not UTF-8)"),
        (b"192.168.1.2=86.128.245.115\n" * 10, "larger than"),
        (b"192.168.1.2=86.128.245\n", "line 1"),
    ],
)
def test_an_address_file_that_is_not_one_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, content: bytes, words: str
) -> None:
    monkeypatch.setattr(options, "MAX_ADDRESS_FILE", 200)  # not all of /dev/zero
    path = tmp_path / "addresses.txt"
    path.write_bytes(content)
    capture = tmp_path / "empty.pcap"
    capture.write_bytes(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
    result = runner.invoke(cli, ["decode", "--addresses", str(path), str(capture)])
    assert result.exit_code == EXIT_USAGE, result.output
    assert words in _one_error_line(result.stderr)


def test_the_plugin_installs_and_a_bad_folder_is_named(runner: CliRunner, tmp_path: Path) -> None:
    done = runner.invoke(cli, ["wireshark", "install", "--dir", str(tmp_path / "plugins")])
    assert done.exit_code == 0 and (tmp_path / "plugins" / "skypeflux.lua").is_file()
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    result = runner.invoke(cli, ["wireshark", "install", "--dir", str(blocked / "plugins")])
    assert result.exit_code == EXIT_OUTPUT
    assert f"cannot install the plugin: {blocked / 'plugins'}: not a directory" in (
        _one_error_line(result.stderr)
    )


def _far_future_capture(path: Path, source: Path) -> Path:
    """``source``'s packets in a pcapng whose interface adds 2^62 s to every time (if_tsoffset):
    a time no calendar and no pcapng block of microseconds can hold."""

    def block(kind: int, body: bytes) -> bytes:
        body += bytes(-len(body) % 4)
        return struct.pack("<II", kind, 12 + len(body)) + body + struct.pack("<I", 12 + len(body))

    out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    offset = struct.pack("<HHq", 14, 8, 2**62) + struct.pack("<HH", 0, 0)
    out += block(1, struct.pack("<HHI", 1, 0, 65535) + offset)
    for packet in read_packets(source):
        ticks = int(packet.ts * 1e6)
        head = struct.pack(
            "<IIIII", 0, ticks >> 32, ticks & 0xFFFFFFFF, len(packet.data), len(packet.data)
        )
        out += block(6, head + packet.data)
    path.write_bytes(out)
    return path


def test_times_beyond_any_calendar(runner: CliRunner, tmp_path: Path) -> None:
    scene = tmp_path / "scene.pcap"
    synthesize(load_scenario("nat-login"), seed=2).write(scene)
    far = _far_future_capture(tmp_path / "far.pcapng", scene)
    for fmt in ("a", "ud"):
        shown = runner.invoke(cli, ["decode", "--no-progress", "-t", fmt, str(far)])
        assert shown.exit_code == 0 and "(not representable: " in shown.stdout, shown.output
    out = tmp_path / "out.pcapng"
    result = runner.invoke(cli, ["export", "--no-progress", str(far), "-o", str(out)])
    assert result.exit_code == EXIT_OUTPUT
    assert f"{out}: cannot write: timestamp" in _one_error_line(result.stderr)
