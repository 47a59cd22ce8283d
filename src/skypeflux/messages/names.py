"""Looking up names for commands and object ids (the tables are in :mod:`.names_data`)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from skypeflux.messages.names_data import (
    COMMANDS,
    OBJECTS_BY_COMMAND,
    OBJECTS_GENERIC,
    SESSION_COMMANDS,
    Entry,
)


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


def object_info(cmd: int, obj_id: int, family: int | None = None) -> Name | None:
    """Name of object ``obj_id`` inside command ``cmd``; ``family`` picks between same-id objects.

    Order: (id, family) for this command, then id for this command, then the generic table.
    """
    table = OBJECTS_BY_COMMAND.get(cmd, {})
    if family is not None and (obj_id, family) in table:
        return Name(*table[(obj_id, family)])
    if obj_id in table:
        return Name(*table[obj_id])
    return _name(OBJECTS_GENERIC.get(obj_id))


def object_name(cmd: int, obj_id: int, family: int | None = None) -> str | None:
    info = object_info(cmd, obj_id, family)
    return None if info is None else info.name
