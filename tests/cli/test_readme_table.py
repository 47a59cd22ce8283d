"""README's table for tshark users: every skypeflux command in it runs on the example capture,
and every test it names exists (so the table cannot promise what nothing checks)."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from skypeflux.cli.app import cli
from skypeflux.outputs.field_access import all_fields
from tests.helpers.paths import REPO

TESTS = REPO / "tests"


def _table_rows() -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### For tshark users") :]
    section = section[: section.index("\n\n", section.index("| habit"))]
    rows = [line.split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return [row for row in rows[2:]]  # header and rule


def _commands(cell: str) -> list[list[str]]:
    return [shlex.split(code) for code in re.findall(r"`(skypeflux[^`]*)`", cell)]


def test_the_table_has_every_habit_of_the_issue() -> None:
    habits = {row[0].strip("| ") for row in _table_rows()}
    for habit in ("display filter", "fields output", "compressed captures", "statistics", "help"):
        assert habit in habits


def test_readme_tshark_table(skypeirc_path: Path) -> None:
    source = "\n".join(path.read_text(encoding="utf-8") for path in TESTS.rglob("test_*.py"))
    for row in _table_rows():
        for name in re.findall(r"`(test_\w+)`", row[-1]):
            assert f"def {name}(" in source, name
        for argv in _commands(row[2]):
            args = [
                str(skypeirc_path) if re.fullmatch(r"f\.pcap(\.gz)?", a) else a for a in argv[1:]
            ]
            if args == ["decode", "-"] or (args[:1] == ["decode"] and "<" in args):
                continue  # shell redirections: test_stdin_without_argument_and_read_file
            if "-c" not in args and args[:1] == ["decode"]:
                args += ["-c", "3"]
            result = CliRunner().invoke(cli, args)
            assert result.exit_code == 0, (argv, result.output)
            assert result.stdout, argv


@pytest.mark.parametrize("level", ["record", "block", "object"])
def test_fields_command_lists_every_json_field(level: str) -> None:
    out = CliRunner().invoke(cli, ["fields"]).stdout
    listed = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    expected = {f.name for f in all_fields().values() if f.level == level}
    assert expected and all(listed[name] == level for name in expected)
    assert "skypeflux.cmd" in listed and "skypeflux.obj.id" in listed and "ip.addr" in listed
