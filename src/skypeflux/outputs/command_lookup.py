"""Command names a user may type (``--cmd address_reply``, ``skypeflux.cmd == probe``).

Names are resolved to numbers when a filter is built, so a typo is reported at once instead of
silently matching nothing, and a guessed name (shown as ``address_reply?``) matches with or
without its ``?``; the loose matching itself is :func:`skypeflux.messages.names.command_by_name`.
"""

from __future__ import annotations

from skypeflux.messages.names import command_by_name, command_suggestions
from skypeflux.messages.names_data import COMMANDS


def _unknown_command(text: str) -> ValueError:
    close = command_suggestions(text)
    hint = (
        f"; did you mean {' or '.join(close)}?"
        if close
        else "; give its number instead (skypeflux names lists the known ones)"
    )
    return ValueError(f"unknown command name {text.strip()!r}{hint}")


def parse_command(text: str) -> int:
    """``36``, ``0x24`` or a name from the command table (``address_reply``) -> 36.

    Numbers are taken as they are (a capture may hold commands no table names); names must be in
    the table, else ValueError suggests the closest ones.
    """
    text = text.strip()
    if not text:
        raise ValueError("empty command")
    try:
        number = int(text, 0)
    except ValueError:
        found = command_by_name(text)
        if found is None:
            raise _unknown_command(text) from None
        return found
    if number < 0:
        raise ValueError(f"command number must not be negative: {text}")
    return number


def is_known_command(number: int) -> bool:
    return number in COMMANDS
