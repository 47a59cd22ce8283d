"""Every bound on what a capture can make the decoder hold, in one place, with its default.

A capture from an untrusted place decides how many connections, fragments and early bytes the
decoder is asked to keep. Each table below is bounded (and expires in capture time), so memory
depends on these numbers, not on the file; a user decoding a very large or very odd capture
can raise or lower them (``skypeflux decode --limit NAME=VALUE``, README "Limits and resource
use"). Reaching a bound is reported (a ``tcp.end`` record, a counter in the run's statistics),
never silent, and never makes a record that was not verified look verified.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

KIB, MIB, GIB = 1 << 10, 1 << 20, 1 << 30


@dataclass(frozen=True, slots=True)
class Limits:
    """The bounds; the defaults fit a desktop (about 100 MiB at worst, see README)."""

    tcp_connections: int = 4096  # connections followed at once (least recently active evicted)
    tcp_idle_seconds: float = 600.0  # capture time after which an idle connection is evicted
    tcp_buffer_bytes: int = 1 * MIB  # early (out-of-order) payload held per direction
    tcp_buffer_memory: int = 2 * MIB  # the same in memory, bookkeeping included
    tcp_buffer_pieces: int = 4096  # early segments held per direction
    tcp_memory_total: int = 64 * MIB  # early data of all directions together
    ip_fragment_sets: int = 256  # IPv4 datagrams being reassembled at once
    ip_fragment_seconds: float = 30.0  # capture time an incomplete set is kept
    ip_fragment_pieces: int = 8192  # fragments per set (one per 8-byte offset of 64 KiB)
    ip_fragment_memory: int = 16 * MIB  # bytes held by all sets together
    open_requests: int = 4096  # unanswered requests remembered to pair replies with
    open_flows: int = 65536  # flows whose latest frame the survey follows at once
    flow_idle_seconds: float = 600.0  # capture time after which an idle flow ends (past 4096)
    udp_senders: int = 65536  # sending endpoints followed for Skype's datagram pattern
    skype_endpoints: int = 65536  # endpoints remembered as Skype (least recently proven dropped)
    udp_message_sets: int = 256  # 0x0F messages being joined at once (oldest reported first)
    udp_message_seconds: float = 60.0  # capture time a fragmented message may take to complete
    blind_trials: int = 64  # datagrams off known Skype endpoints tried with seen addresses
    trial_addresses: int = 256  # seen addresses tried per side of such a datagram
    address_hosts: int = 65536  # private hosts whose claimed public addresses are remembered

    @classmethod
    def names(cls) -> list[str]:
        """The option names, as the command line spells them (``tcp-connections``)."""
        return [f.name.replace("_", "-") for f in dataclasses.fields(cls)]

    def with_setting(self, name: str, text: str) -> Limits:
        """A copy with ``name`` (dashes or underscores) set from ``text``: an integer, with an
        optional K, M or G suffix (powers of 1024) for sizes, or seconds for timeouts. Raises
        ``ValueError`` with the reason for an unknown name or a value that is not positive."""
        key = name.strip().lower().replace("-", "_")
        fields = {f.name: f for f in dataclasses.fields(self)}
        if key not in fields:
            raise ValueError(f"unknown limit {name!r}; known: {', '.join(self.names())}")
        value: Any = float(text) if key.endswith("_seconds") else _size(text)
        if not value > 0:
            raise ValueError(f"limit {name} must be positive, got {text!r}")
        return dataclasses.replace(self, **{key: value})


def _size(text: str) -> int:
    clean = text.strip().upper().removesuffix("B").removesuffix("I")
    scale = {"K": KIB, "M": MIB, "G": GIB}.get(clean[-1:], 1)
    number = clean[:-1] if scale != 1 else clean
    try:
        return int(number.replace("_", "")) * scale
    except ValueError:
        raise ValueError(f"expected a whole number (with K, M or G), got {text!r}") from None
