"""Looking up names for commands and object ids (the tables are in :mod:`.names_data`)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from skypeflux.messages.names_data import (
    COMMAND_SOURCES,
    COMMANDS,
    OBJECTS_BY_COMMAND,
    SESSION_COMMANDS,
    SESSION_SOURCE,
    Entry,
)

FAMILY_WORDS = ("number", "u64", "address", "string", "blob", "list", "intlist")


@dataclass(frozen=True, slots=True)
class Name:
    """A name and whether it is a guess; ``label`` is what a reader is shown."""

    name: str
    guessed: bool

    @property
    def label(self) -> str:
        return f"{self.name}?" if self.guessed else self.name


def _name(entry: Entry | None) -> Name | None:
    return None if entry is None else Name(*entry)


def command_info(cmd: int) -> Name | None:
    return _name(COMMANDS.get(cmd))


_COMMAND_LABELS: dict[int, str] = {cmd: Name(*entry).label for cmd, entry in COMMANDS.items()}


def command_label(cmd: int) -> str | None:
    """What a reader is shown for command ``cmd`` (a guessed name ends in '?'), or ``None``:
    asked for every block decoded, so read from a table made once."""
    return _COMMAND_LABELS.get(cmd)


def command_name(cmd: int) -> str | None:
    """Name of a supernode/peer command number (``cmd_raw >> 3``), or ``None``."""
    entry = COMMANDS.get(cmd)
    return None if entry is None else entry[0]


def _name_key(name: str) -> str:
    """Names match loosely: case, '-', '_', spaces and the '?' of a guessed name do not count."""
    return re.sub(r"[\s_-]+", "", name.strip().rstrip("?")).lower()


_COMMAND_BY_KEY: dict[str, int] = {_name_key(name): cmd for cmd, (name, _) in COMMANDS.items()}
_COMMAND_DISPLAY: dict[str, str] = {_name_key(name): name for name, _ in COMMANDS.values()}


def command_by_name(name: str) -> int | None:
    """The command number of a name from the table, matched loosely (``Address-Reply?`` finds
    ``address_reply``); ``None`` for a name the table does not have."""
    return _COMMAND_BY_KEY.get(_name_key(name))


def command_suggestions(name: str, limit: int = 3) -> list[str]:
    """Names from the table closest to a misspelt ``name``, best first."""
    close = difflib.get_close_matches(_name_key(name), list(_COMMAND_DISPLAY), n=limit, cutoff=0.6)
    return [_COMMAND_DISPLAY[key] for key in close]


def session_command_info(raw: int) -> Name | None:
    return _name(SESSION_COMMANDS.get(raw))


def session_command_name(raw: int) -> str | None:
    """Name of a client-to-client session command (a raw number, not shifted)."""
    entry = SESSION_COMMANDS.get(raw)
    return None if entry is None else entry[0]


def object_info(
    cmd: int, obj_id: int, family: int, parents: Sequence[tuple[int, int]] = ()
) -> Name | None:
    """Name of object ``obj_id`` of ``family`` in command ``cmd``, inside the lists ``parents``
    (their ``(id, family)`` from the top level down); None where no table names exactly that."""
    table = OBJECTS_BY_COMMAND.get(cmd)
    if table is None:
        return None
    return _name(table.get((*parents, (obj_id, family))))


def object_name(
    cmd: int, obj_id: int, family: int, parents: Sequence[tuple[int, int]] = ()
) -> str | None:
    info = object_info(cmd, obj_id, family, parents)
    return None if info is None else info.name


@dataclass(frozen=True, slots=True)
class NameRow:
    """One line of ``skypeflux names``: a command, or an object path in a command."""

    kind: str  # "command", "object" or "session"
    command: int
    path: tuple[tuple[int, int], ...]
    name: Name
    source: str

    def path_text(self) -> str:
        return "/".join(f"obj 0x{i:02x} {FAMILY_WORDS[f]}" for i, f in self.path)

    def text(self) -> str:
        if self.kind == "object":
            where = f"  {self.path_text()}"
            return f"cmd {self.command:<5} {where:<44} {self.name.label:<26} {self.source}"
        what = "cmd" if self.kind == "command" else "session"
        return f"{what} {self.command:<5} {'':<44} {self.name.label:<26} {self.source}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "skypeflux.cmd": self.command,
            "path": [{"id": i, "family": FAMILY_WORDS[f]} for i, f in self.path],
            "name": self.name.name,
            "guessed": self.name.guessed,
            "source": self.source,
        }


def name_table() -> Iterator[NameRow]:
    """Every name the tables define: each command, then its objects; then session commands."""
    for cmd in sorted(COMMANDS):
        source = COMMAND_SOURCES.get(cmd, "spec protocol.md 5.2")
        yield NameRow("command", cmd, (), Name(*COMMANDS[cmd]), source)
        for path, entry in OBJECTS_BY_COMMAND.get(cmd, {}).items():
            yield NameRow("object", cmd, path, Name(*entry), f"spec 5.2, cmd {cmd}")
    for raw in sorted(SESSION_COMMANDS):
        yield NameRow("session", raw, (), Name(*SESSION_COMMANDS[raw]), SESSION_SOURCE)
