"""Which public address each host believes in: the key to every UDP seed.

A UDP seed is built from the public addresses of sender and receiver *as the sender believes
them*. Behind NAT the capture shows the private address, so the public one has to be learned:
from NAck/ACK datagrams (they carry the receiver's public address), from object 0x11 of a
"what is my address" reply, from the user (``--public-ip``), or by trying addresses seen in the
capture. This module keeps that knowledge with its evidence, so the output can say which address
was learned from which frame.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from skypeflux.ipv4 import UNKNOWN_IP_TEXT as UNKNOWN_SOURCE
from skypeflux.ipv4 import is_private

__all__ = ["UNKNOWN_SOURCE", "AddressBook", "Learned", "is_private"]


@dataclass(frozen=True, slots=True)
class Learned:
    """A public address attributed to a host, and why we believe it."""

    host: str  # the address seen in the capture
    public: str
    frame: int  # frame that gave the evidence (0 = given by the user)
    method: str  # "user", "nack", "ack", "object 0x11 (cmd 36)", "trial"


class AddressBook:
    """Public-address beliefs per captured host, plus a bounded set of addresses seen on the wire.

    ``user`` maps a captured (private) address to its public address; the key ``None`` gives a
    public address for every private host (the common single-host capture).
    """

    def __init__(self, user: dict[str | None, str] | None = None, seen_limit: int = 1024) -> None:
        self._user = dict(user or {})
        self._learned: dict[str, list[Learned]] = {}
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_limit = seen_limit
        for host, public in self._user.items():
            if host is not None:
                self._learned.setdefault(host, []).append(Learned(host, public, 0, "user"))

    def note_seen(self, ip: str) -> None:
        """Remember a public address seen in the capture (a candidate for trial decryption)."""
        if ip in self._seen:
            self._seen.move_to_end(ip)
            return
        if is_private(ip) or ip == UNKNOWN_SOURCE:
            return
        self._seen[ip] = None
        if len(self._seen) > self._seen_limit:
            self._seen.popitem(last=False)

    def learn(self, host: str, public: str, frame: int, method: str) -> Learned | None:
        """Record evidence that ``host`` is known publicly as ``public``; return it when new."""
        if public in (host, UNKNOWN_SOURCE) or is_private(public):
            return None
        known = self._learned.setdefault(host, [])
        if any(entry.public == public for entry in known):
            return None
        entry = Learned(host, public, frame, method)
        known.append(entry)
        return entry

    def learned(self, host: str) -> list[Learned]:
        return list(self._learned.get(host, ()))

    def all_learned(self) -> list[Learned]:
        return [entry for entries in self._learned.values() for entry in entries]

    def knows(self, host: str) -> bool:
        """Whether a public address other than the host's own is known for ``host``."""
        return bool(self._learned.get(host)) or (is_private(host) and None in self._user)

    def beliefs(self, host: str) -> list[str]:
        """Public addresses ``host`` may believe it has, most likely first (no duplicates)."""
        out: list[str] = [entry.public for entry in self._learned.get(host, ())]
        if is_private(host) and None in self._user:
            out.append(self._user[None])
        out.append(host)
        return list(dict.fromkeys(out))

    def source_candidates(self, host: str) -> list[str]:
        """Addresses a sender may have put in its own slot of the seed: real ones, then 0.0.0.0."""
        return [*self.beliefs(host), UNKNOWN_SOURCE]

    def trial_candidates(self, host: str) -> list[str]:
        """Addresses seen in the capture that ``host`` (a private one) might be known as."""
        if not is_private(host):
            return []
        tried = set(self.beliefs(host))
        return [ip for ip in reversed(self._seen) if ip not in tried]
