"""Which frame answered each request: what a first pass learns for ``skypeflux.reply_in_frame``.

A request's reply comes later in the capture, so a filter or a field that asks for it needs one
pass to learn the answers before the pass that shows them. Every answered request of the
capture is then held at once: as a dict of tuples that took 194 bytes a request (a gigabyte of
Skype-dense traffic answers about 300,000), here 16, in two sorted arrays searched by bisection.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator, Mapping

_REQID_BITS = 16  # a request id is two bytes on the wire


def _key(frame: int, reqid: int) -> int:
    return frame << _REQID_BITS | reqid


def _valid(frame: int, reqid: int) -> bool:
    return 0 <= frame < 1 << (64 - _REQID_BITS) and 0 <= reqid < 1 << _REQID_BITS


class ReplyFrames(Mapping[tuple[int, int], int]):
    """(request frame, request id) -> frame of its reply; the first reply given for a request
    is the one kept, as ``dict.setdefault`` would keep it."""

    def __init__(self, answers: Iterable[tuple[int, int, int]] = ()) -> None:
        """``answers``: (request frame, request id, reply frame), in any order."""
        keys, replies = array("Q"), array("Q")
        for frame, reqid, reply in answers:
            if not _valid(frame, reqid):
                raise ValueError(f"not a frame and a 16-bit request id: {frame}, {reqid}")
            keys.append(_key(frame, reqid))
            replies.append(reply)
        order = sorted(range(len(keys)), key=keys.__getitem__)  # stable: the first stays first
        self._keys, self._replies = array("Q"), array("Q")
        for i in order:
            if not self._keys or self._keys[-1] != keys[i]:
                self._keys.append(keys[i])
                self._replies.append(replies[i])

    def __getitem__(self, request: tuple[int, int]) -> int:
        frame, reqid = request
        if not _valid(frame, reqid):
            raise KeyError(request)
        key = _key(frame, reqid)
        at = bisect_left(self._keys, key)
        if at == len(self._keys) or self._keys[at] != key:
            raise KeyError(request)
        return self._replies[at]

    def __len__(self) -> int:
        return len(self._keys)

    def __iter__(self) -> Iterator[tuple[int, int]]:
        mask = (1 << _REQID_BITS) - 1
        return ((key >> _REQID_BITS, key & mask) for key in self._keys)
