"""Which public address each host has: the key to every UDP seed, and the evidence for it.

A UDP seed is built from the public addresses of sender and receiver *as the sender believes
them*. Behind NAT the capture shows the private address, so the public one has to be found.
Evidence comes in two strengths, and this module keeps them apart:

* a **candidate** is an address something *says* a host has: the body of a clear ACK or NAck,
  object 0x11 of a reply (over TCP its bytes are not integrity-protected), ``--public-ip``.
  Any 11-byte datagram can look like an ACK, so a candidate is only ever *tried*;
* a **confirmed** address is one with which a datagram's CRC32 matched. Only confirmed
  addresses are reported as learned, each with the frame of its evidence and of its proof.

Candidates are bounded per host (the most frequent kept), so a flood of random look-alikes can
neither grow memory nor push the real evidence out.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import TypeVar

from skypeflux.ipv4 import UNKNOWN_IP_TEXT as UNKNOWN_SOURCE
from skypeflux.ipv4 import ip_number, is_multicast_number, is_private, private_number

__all__ = [
    "UNKNOWN_SOURCE",
    "AddressBook",
    "Candidate",
    "Learned",
    "evidence_text",
    "is_private",
    "plausible_public",
]

MAX_CANDIDATES = 64  # candidate addresses remembered per host
MAX_CLAIMED_HOSTS = 65536  # hosts whose candidates are remembered (Limits.address_hosts)
MAX_CONFIRMED = 64  # public addresses proven per host that are remembered
TRIED_CONFIRMED = 8  # the latest proven of them, tried on every datagram of the host
TRIED_CANDIDATES = 4  # unconfirmed candidates tried per datagram, most frequent first
USER = "user (--public-ip)"
V = TypeVar("V")  # what a host's table holds: candidates or proven addresses


def plausible_public(ip: str) -> bool:
    """An address a host could be known as on the Internet (the unspecified and reserved
    blocks are among the private ones)."""
    try:
        number = ip_number(ip)
    except ValueError:
        return False
    return not (private_number(number) or is_multicast_number(number))


@dataclass(slots=True)
class Candidate:
    """An address something claimed for a host: where it was first claimed, and how often."""

    host: str
    public: str
    frame: int  # first frame claiming it (0 = given by the user)
    method: str  # "NAck", "ACK", "object 0x11 (cmd 31)", USER
    count: int = 1


@dataclass(frozen=True, slots=True)
class Learned:
    """A public address proven for a host by a matching CRC."""

    host: str  # the address seen in the capture
    public: str
    frame: int  # frame whose CRC proved it
    method: str  # where the claim came from ("NAck", "ACK", ..., "trial decryption", USER)
    evidence_frame: int  # frame of that claim (0 for the user; the proof frame for a trial)


class AddressBook:
    """Candidates and confirmed public addresses per captured host, and addresses seen.

    ``user`` maps a captured (private) address to its public address; the key ``None`` gives a
    public address for every private host (the common single-host capture). A user's address is
    a candidate like any other, tried first: if the capture proves another one, both are tried
    on every datagram and the CRC decides; :meth:`user_conflicts` says what the capture showed.
    """

    def __init__(
        self,
        user: dict[str | None, str] | None = None,
        seen_limit: int = 1024,
        max_hosts: int = MAX_CLAIMED_HOSTS,
    ) -> None:
        """``max_hosts`` bounds the hosts whose claims, and those whose proven addresses, are
        remembered: past it, the host claimed (or proven) least recently is forgotten
        (``hosts_forgotten`` counts them), so a capture of claims for ever new hosts cannot
        grow memory with its size. A host keeps at most ``MAX_CONFIRMED`` proven addresses
        (the earliest forgotten first, ``publics_forgotten``) and every datagram tries the
        latest ``TRIED_CONFIRMED``: a capture that proves ever new addresses for one host
        cannot make each of its datagrams cost more than the last."""
        self._user = dict(user or {})
        # least recently claimed first
        self._candidates: OrderedDict[str, dict[str, Candidate]] = OrderedDict()
        self._max_hosts = max_hosts
        self.hosts_forgotten = 0
        # host -> its proven addresses in the order they were proven (hosts: least recently
        # proven first)
        self._confirmed: OrderedDict[str, dict[str, Learned]] = OrderedDict()
        self.publics_forgotten = 0
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._seen_limit = seen_limit
        # beliefs per host, and seed pairs per pair of hosts, valid until the next claim or
        # proof (every datagram asks)
        self._beliefs: dict[str, tuple[str, ...]] = {}
        self._pairs: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {}

    # -- evidence ----------------------------------------------------------------------------

    def add_candidate(self, host: str, public: str, frame: int, method: str) -> bool:
        """Remember that something at ``frame`` claims ``host`` is ``public``; False if ignored."""
        if public == host or not plausible_public(public):
            return False
        table = self._host_entry(self._candidates, host)
        entry = table.get(public)
        if entry is not None:
            # A count can change the order of the host's candidates, unless the address is
            # proven: candidates() leaves proven ones out. Replies repeat the proven address
            # over and over, and forgetting made every next datagram recompute its seed pairs.
            if public not in self._confirmed.get(host, ()):
                self._forget_beliefs()
            entry.count += 1
            return True
        self._forget_beliefs()  # a new claim (it may take the place of a weaker one)
        if len(table) >= MAX_CANDIDATES:
            weakest = min(table.values(), key=lambda c: (c.count, -c.frame))
            if weakest.count > 1:
                return False  # every slot holds repeated evidence: a one-off is the noise
            del table[weakest.public]
        table[public] = Candidate(host, public, frame, method)
        return True

    def _host_entry(self, hosts: OrderedDict[str, dict[str, V]], host: str) -> dict[str, V]:
        """``host``'s table in ``hosts``, made the most recent; a new one may push the least
        recent host out (``max_hosts``, counted in ``hosts_forgotten``)."""
        table = hosts.get(host)
        if table is not None:
            hosts.move_to_end(host)
            return table
        table = hosts[host] = {}
        while len(hosts) > self._max_hosts:
            hosts.popitem(last=False)
            self.hosts_forgotten += 1
        return table

    def candidates(self, host: str) -> list[Candidate]:
        """Unconfirmed claims for ``host``, the most frequent (then earliest) first."""
        confirmed = self._confirmed.get(host, {})
        table = self._candidates.get(host, {})
        found = [c for c in table.values() if c.public not in confirmed]
        return sorted(found, key=lambda c: (-c.count, c.frame))

    def confirm(self, host: str, public: str, proof_frame: int) -> Learned | None:
        """A CRC matched with ``host`` = ``public``: return the new fact, or None if known."""
        if public in (host, UNKNOWN_SOURCE) or is_private(public):
            return None
        if public in self._confirmed.get(host, {}):
            return None
        known = self._host_entry(self._confirmed, host)
        claim = self._candidates.get(host, {}).get(public)
        if claim is not None:
            method, evidence = claim.method, claim.frame
        elif self.user_address(host) == public:
            method, evidence = USER, 0
        else:
            method, evidence = "trial decryption", proof_frame
        entry = Learned(host, public, proof_frame, method, evidence)
        known[public] = entry
        if len(known) > MAX_CONFIRMED:
            del known[next(iter(known))]
            self.publics_forgotten += 1
        self._forget_beliefs()
        return entry

    def _forget_beliefs(self) -> None:
        self._beliefs.clear()
        self._pairs.clear()

    def note_seen(self, ip: str) -> None:
        """Remember a public address seen in the capture (a last-resort trial candidate)."""
        if ip in self._seen:
            self._seen.move_to_end(ip)
            return
        if is_private(ip) or ip == UNKNOWN_SOURCE:
            return
        self._seen[ip] = None
        if len(self._seen) > self._seen_limit:
            self._seen.popitem(last=False)

    # -- what to try -------------------------------------------------------------------------

    def user_address(self, host: str) -> str | None:
        """The ``--public-ip`` for ``host``, if the user gave one."""
        if host in self._user:
            return self._user[host]
        if is_private(host) and None in self._user:
            return self._user[None]
        return None

    def confirmed(self, host: str) -> list[Learned]:
        return list(self._confirmed.get(host, {}).values())

    def all_confirmed(self) -> list[Learned]:
        return [entry for entries in self._confirmed.values() for entry in entries.values()]

    def hosts_with_evidence(self) -> list[str]:
        return sorted(set(self._candidates) | set(self._confirmed))

    def knows(self, host: str) -> bool:
        """Whether ``host`` has a confirmed or user-given public address."""
        return bool(self._confirmed.get(host)) or self.user_address(host) is not None

    def beliefs(self, host: str) -> list[str]:
        """Public addresses ``host`` may believe it has, most likely first (no duplicates):
        confirmed ones, the user's, the strongest unconfirmed candidates, the host itself."""
        known = self._beliefs.get(host)
        if known is None:
            out = list(self._confirmed.get(host, {}))[-TRIED_CONFIRMED:]
            user = self.user_address(host)
            if user is not None:
                out.append(user)
            out += [c.public for c in self.candidates(host)[:TRIED_CANDIDATES]]
            out.append(host)
            known = self._beliefs[host] = tuple(dict.fromkeys(out))
            if len(self._beliefs) > 4096:  # bounded: forgotten, then recomputed
                self._beliefs.clear()
                self._beliefs[host] = known
        return list(known)

    def source_candidates(self, host: str) -> list[str]:
        """Addresses a sender may have put in its own slot of the seed: real ones, then 0.0.0.0."""
        return [*self.beliefs(host), UNKNOWN_SOURCE]

    def seed_pairs(self, src: str, dst: str) -> tuple[tuple[str, str], ...]:
        """The (public src, public dst) pairs a datagram from ``src`` to ``dst`` may be keyed
        with, in the order to try them: every source candidate with every belief of ``dst``."""
        key = (src, dst)
        pairs = self._pairs.get(key)
        if pairs is None:
            targets = self.beliefs(dst)
            pairs = tuple((s, t) for s in self.source_candidates(src) for t in targets)
            if len(self._pairs) >= 4096:  # bounded: forgotten, then recomputed
                self._pairs.clear()
            self._pairs[key] = pairs
        return pairs

    def trial_candidates(self, host: str) -> list[str]:
        """Addresses seen in the capture that ``host`` (a private one) might be known as."""
        if not is_private(host):
            return []
        tried = set(self.beliefs(host))
        return [ip for ip in reversed(self._seen) if ip not in tried]

    # -- checking the user -------------------------------------------------------------------

    def user_conflicts(self, hosts: list[str]) -> list[str]:
        """Warnings about ``--public-ip`` values the capture does not bear out.

        ``hosts`` are the private hosts that had Skype datagrams. A user's address that no CRC
        confirmed gets a warning naming what the capture did confirm or claim instead.
        """
        warnings = []
        for host in hosts:
            user = self.user_address(host)
            if user is None:
                continue
            proven = self.confirmed(host)
            if any(e.public == user for e in proven):
                others = [e for e in proven if e.public != user]
                if others:
                    warnings.append(
                        f"--public-ip {host}={user}: confirmed, but the capture also proves "
                        + ", ".join(_proof_text(e) for e in others)
                    )
                continue
            if proven:
                evidence = "the capture proves " + ", ".join(_proof_text(e) for e in proven)
            elif claims := self.candidates(host):
                best = claims[0]
                evidence = (
                    f"the capture claims {best.public} ({best.method}, frame {best.frame}, "
                    f"{best.count}x) but no CRC confirms it either"
                )
            else:
                evidence = "the capture holds no other evidence"
            warnings.append(f"--public-ip {host}={user}: no datagram verifies with it; {evidence}")
        return warnings


def _proof_text(entry: Learned) -> str:
    return f"{entry.public} (CRC of frame {entry.frame})"


def evidence_text(entry: Learned) -> str:
    """How a confirmed address was found, in words: claim, then proof."""
    if entry.method == USER:
        return f"{USER}, confirmed by the CRC of frame {entry.frame}"
    if entry.method == "trial decryption":
        return f"trial decryption, CRC of frame {entry.frame}"
    claim = f"{entry.method} in frame {entry.evidence_frame}"
    return f"{claim}, confirmed by the CRC of frame {entry.frame}"
