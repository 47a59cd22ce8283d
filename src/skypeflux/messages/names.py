"""Looking up names for commands and object ids (the tables are in :mod:`.names_data`)."""

from __future__ import annotations

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
