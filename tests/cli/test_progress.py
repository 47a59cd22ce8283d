"""The progress line: only on a terminal, one self-overwriting line, wiped without a trace."""

from __future__ import annotations

import io

import pytest

from skypeflux.cli.progress import ProgressLine, format_progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_format_with_and_without_a_known_size() -> None:
    assert format_progress(1234, 3 * 1024 * 1024, None) == "skypeflux: frames 1,234  3.0 MB"
    assert format_progress(10, 512 * 1024, 1024 * 1024).endswith("of 1.0 MB  50%")


def test_silent_unless_stderr_is_a_terminal() -> None:
    pipe = io.StringIO()
    line = ProgressLine.for_terminal(pipe, wanted=True)
    line(100, 1000, 2000)
    line.clear()
    assert not line.enabled and pipe.getvalue() == ""
    terminal = _Terminal()
    assert not ProgressLine.for_terminal(terminal, wanted=False).enabled
    assert ProgressLine.for_terminal(terminal, wanted=True).enabled


def test_one_line_overwritten_then_wiped(monkeypatch: pytest.MonkeyPatch) -> None:
    clock = iter(float(tick) for tick in range(100))
    monkeypatch.setattr("skypeflux.cli.progress.time.monotonic", lambda: next(clock))
    terminal = _Terminal()
    line = ProgressLine(terminal, enabled=True)
    line(100, 1024 * 1024, None)
    line(2000, 2 * 1024 * 1024, None)
    line.clear()
    written = terminal.getvalue()
    assert "\n" not in written
    assert written.count("\r") == 4  # two updates, the wipe goes back and forth
    # after the wipe, the visible line is blank: replay the carriage returns
    screen = ""
    for chunk in written.split("\r"):
        screen = chunk + screen[len(chunk) :]
    assert screen.strip() == ""


def test_updates_are_throttled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("skypeflux.cli.progress.time.monotonic", lambda: 1000.0)
    terminal = _Terminal()
    line = ProgressLine(terminal, enabled=True)
    for frame in range(50):
        line(frame, frame * 100, None)
    assert terminal.getvalue().count("\r") == 1
