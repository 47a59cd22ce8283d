"""Command names a user may type (``--cmd address_reply``, ``skypeflux.cmd == probe``).

Names are resolved to numbers when a filter is built, so a typo is reported at once instead of
silently matching nothing, and a guessed name (shown as ``address_reply?``) matches with or
without its ``?``. Case, ``-``, ``_`` and spaces do not count.
"""

from __future__ import annotations

import difflib
import re

from skypeflux.messages.names_data import COMMANDS


def name_key(name: str) -> str:
    """Names match loosely: case, '-', '_', spaces and the '?' of a guessed name do not count."""
    return re.sub(r"[\s_-]+", "", name.strip().rstrip("?")).lower()


_COMMAND_BY_KEY: dict[str, int] = {name_key(name): number for number, (name, _) in COMMANDS.items()}


def _unknown_command(text: str) -> ValueError:
    display = {name_key(name): name for name, _ in COMMANDS.values()}
    close = difflib.get_close_matches(name_key(text), list(display), n=3, cutoff=0.6)
    hint = (
        f"; did you mean {' or '.join(display[key] for key in close)}?"
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
        number = _COMMAND_BY_KEY.get(name_key(text), -1)
        if number < 0:
            raise _unknown_command(text) from None
        return number
    if number < 0:
        raise ValueError(f"command number must not be negative: {text}")
    return number


def is_known_command(number: int) -> bool:
    return number in COMMANDS
