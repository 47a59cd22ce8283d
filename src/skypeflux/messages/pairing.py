"""Pairing requests (flags 2) with replies (flags 3) by request id within one conversation.

A reply quotes its request's ``reqid`` (spec 1.3); ids are only 16 bits and every host picks its
own, so the key also holds the endpoints: a request from A to B is answered by a reply from B to
A (all 112 replies in the 2006 capture pair this way). Streaming-friendly: the table of open
requests is bounded and the oldest request is forgotten first; what became of every block is
reported as data.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from enum import Enum
from typing import Generic, TypeVar

from skypeflux.messages.flags import FLAG_REPLY, FLAG_REQUEST
from skypeflux.value_class import value_class

T = TypeVar("T")
"""Whatever the caller wants back with a pairing (a Block, a Message record...)."""


class Outcome(Enum):
    OPENED = "opened"
    """A request, now waiting for its reply."""
    PAIRED = "paired"
    """A reply whose request was found."""
    ORPHAN = "orphan"
    """A reply with no open request (request not seen, forgotten, or already answered)."""
    REPEATED = "repeated"
    """A request whose id was already open in this conversation (a retransmission); replaces it."""
    NOT_PAIRABLE = "not_pairable"
    """Flags other than 2 or 3, or no request id."""


@value_class
class Pairing(Generic[T]):
    outcome: Outcome
    request: T | None = None
    """For PAIRED: the request that this reply answers; for REPEATED: the one replaced."""


class RequestPairer(Generic[T]):
    """Feed blocks in capture order; get back what each one pairs with."""

    def __init__(self, max_open: int = 4096) -> None:
        if max_open < 1:
            raise ValueError("max_open must be at least 1")
        self.max_open = max_open
        self._open: OrderedDict[tuple[Hashable, Hashable, int], T] = OrderedDict()
        self.forgotten = 0

    def __len__(self) -> int:
        return len(self._open)

    def add(
        self,
        item: T,
        *,
        src: Hashable,
        dst: Hashable,
        command: int,
        flags: int,
        reqid: int | None,
    ) -> Pairing[T]:
        """Record one block. Requests and replies may use different command numbers (14 -> 15),
        so the command is not part of the key; it is kept for callers that want to check it."""
        del command
        if reqid is None or flags not in (FLAG_REQUEST, FLAG_REPLY):
            return Pairing(Outcome.NOT_PAIRABLE)
        if flags == FLAG_REQUEST:
            key = (src, dst, reqid)
            previous = self._open.pop(key, None)
            self._open[key] = item
            while len(self._open) > self.max_open:
                self._open.popitem(last=False)
                self.forgotten += 1
            if previous is not None:
                return Pairing(Outcome.REPEATED, previous)
            return Pairing(Outcome.OPENED)
        request = self._open.pop((dst, src, reqid), None)
        if request is None:
            return Pairing(Outcome.ORPHAN)
        return Pairing(Outcome.PAIRED, request)

    def open_requests(self) -> list[T]:
        """Requests still unanswered, oldest first."""
        return list(self._open.values())
