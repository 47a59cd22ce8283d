"""The low 3 bits of a command varint (spec protocol.md 1.3).

Only 1, 2 and 3 were ever observed; bit 1 is the one that matters to a parser, since it says a
2-byte request id follows.
"""

from __future__ import annotations

FLAG_ONE_WAY = 1
"""Notification: no request id, no command-level reply."""
FLAG_REQUEST = 2
"""Request: carries a request id and expects a reply."""
FLAG_REPLY = 3
"""Reply: carries the request id of the request it answers."""
REQID_BIT = 2


def has_reqid(flags: int) -> bool:
    return bool(flags & REQID_BIT)
