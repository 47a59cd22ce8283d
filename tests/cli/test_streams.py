"""Standard streams that are closed, full, a terminal, a FIFO; hostile file names.

These run the real program in a subprocess, because the cases are about real file descriptors
(a closed descriptor, /dev/full, a pseudo-terminal, a FIFO) that click's test runner replaces.
"""

from __future__ import annotations

import builtins
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from skypeflux.cli import entry
from skypeflux.cli.errors import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_OUTPUT,
    EXIT_UNREADABLE,
    EXIT_USAGE,
    safe_text,
)

PROGRAM = [sys.executable, "-m", "skypeflux"]


def _run(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    kwargs.setdefault("stdout", subprocess.PIPE)
    kwargs.setdefault("stderr", subprocess.PIPE)
    return subprocess.run([*PROGRAM, *args], timeout=60, check=False, **kwargs)


def _one_line(stderr: bytes) -> str:
    text = stderr.decode()
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    assert text.startswith("skypeflux: error: ")
    return text


def _closed(fd: int) -> None:
    os.close(fd)


def test_closed_stdin_is_exit_3() -> None:
    result = _run(["decode", "-"], preexec_fn=lambda: _closed(0))
    assert result.returncode == EXIT_UNREADABLE
    assert "standard input is closed" in _one_line(result.stderr)


@pytest.mark.parametrize("command", ["decode", "flows"])
def test_closed_stdout_is_exit_6(skypeirc_path: Path, command: str) -> None:
    result = _run([command, str(skypeirc_path)], stdout=None, preexec_fn=lambda: _closed(1))
    assert result.returncode == EXIT_OUTPUT
    assert "standard output is closed" in _one_line(result.stderr)


FULL_DISK_CASES = [["decode", "CAP"], ["decode", "CAP", "--json"], ["flows", "CAP"]]
FULL_DISK_CASES += [["decode", "--help"], ["--version"]]
FULL_DISK_CASES += [["names"], ["fields"], ["help"], [], ["decode", "CAP", "-q", "--stats"]]
FULL_DISK_CASES += [["decode", "CAP", "-T", "fields", "-e", "frame"], ["decode", "CAP", "-x"]]


@pytest.mark.parametrize("args", FULL_DISK_CASES)
def test_full_disk_is_exit_6(skypeirc_path: Path, args: list[str]) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("this system has no /dev/full")
    with open("/dev/full", "wb") as full:
        result = _run([str(skypeirc_path) if a == "CAP" else a for a in args], stdout=full)
    assert result.returncode == EXIT_OUTPUT
    assert "cannot write the output: no space left on device" in _one_line(result.stderr)


def test_a_reader_that_stops_early_is_still_success(skypeirc_path: Path) -> None:
    proc = subprocess.Popen(
        [*PROGRAM, "decode", str(skypeirc_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read()
    assert proc.wait(timeout=60) == EXIT_OK and err == b""


def test_a_fifo_is_opened_once(tmp_path: Path, skypeirc_path: Path) -> None:
    fifo = tmp_path / "capture.fifo"
    os.mkfifo(fifo)

    def feed() -> None:
        with fifo.open("wb") as fh:  # one writer, once: a second open by the reader would hang
            fh.write(skypeirc_path.read_bytes())

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    through_fifo = _run(["decode", str(fifo)])
    writer.join(timeout=60)
    direct = _run(["decode", str(skypeirc_path)])
    assert through_fifo.returncode == direct.returncode == EXIT_OK
    assert through_fifo.stdout == direct.stdout and len(through_fifo.stdout.splitlines()) > 300


def test_a_terminal_on_stdin_is_refused_not_waited_on() -> None:
    parent, child = pty.openpty()
    try:
        result = _run(["decode", "-"], stdin=child)
    finally:
        os.close(parent)
        os.close(child)
    assert result.returncode == EXIT_USAGE
    assert "standard input is a terminal" in _one_line(result.stderr)


def test_file_names_are_shown_escaped(tmp_path: Path) -> None:
    name = tmp_path / "evil\x1b[31mred\x07.pcap"
    result = _run(["decode", str(name)])
    assert result.returncode == EXIT_UNREADABLE
    line = _one_line(result.stderr)
    assert "\x1b" not in line and "\x07" not in line and "evil\\x1b[31mred\\x07.pcap" in line


def test_safe_text_keeps_printable_text() -> None:
    assert safe_text("ordinary name.pcap: éà 日本") == "ordinary name.pcap: éà 日本"
    assert safe_text("a\tb\nc\x9bd") == "a\tb\\x0ac\\x9bd"


def test_ctrl_c_while_starting_is_exit_130(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_import = builtins.__import__

    def interrupted(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "skypeflux.cli.app":
            raise KeyboardInterrupt
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", interrupted)
    with pytest.raises(SystemExit) as stop:
        entry.main([])
    assert stop.value.code == EXIT_INTERRUPTED == entry.EXIT_INTERRUPTED
    assert capsys.readouterr().err == "skypeflux: interrupted\n"
