"""The key log: what the Wireshark plugin needs to decrypt every verified unit of a capture.

Like a TLS key log, a text file of labelled lines (format in the plugin's header and README):

    SKYPEFLUX_KEYLOG 1
    PUBLIC_ADDRESS <captured IPv4> <public IPv4>
    SEED_RC4_KEY <seed: 8 hex digits> <80-byte RC4 key: 160 hex digits>

Only records the pipeline *verified* contribute, each with the seed its verification carries,
so the plugin can decrypt exactly what skypeflux proved and nothing it guessed. The plugin
computes every seed itself (from the public addresses, id and IV; id XOR challenge; the TCP
seed in clear) and looks the key up: it never needs Skype's secret seed expansion, which stays
in :mod:`skypeflux.crypto`. ``PUBLIC_ADDRESS`` lines come from the public addresses the
verified UDP seeds used where they differ from the captured ones (a host behind NAT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from skypeflux.capture.records import Record
from skypeflux.crypto import expand_key
from skypeflux.ipv4 import UNKNOWN_IP_TEXT

HEADER = "SKYPEFLUX_KEYLOG 1"
UNSPECIFIED = UNKNOWN_IP_TEXT


@dataclass(slots=True)
class KeyLog:
    """Seeds and public-address beliefs gathered from verified records, in first-seen order."""

    seeds: dict[int, None] = field(default_factory=dict)
    public: dict[tuple[str, str], None] = field(default_factory=dict)
    units: int = 0

    def add(self, record: Record) -> None:
        """Take what one record proves (unverified and clear records prove nothing)."""
        verification = record.verification
        if not verification.ok or verification.seed is None:
            return
        self.units += 1
        self.seeds.setdefault(verification.seed)
        if record.transport != "udp":
            return
        pairs = (
            (record.src.host, verification.public_src),
            (record.dst.host, verification.public_dst),
        )
        for captured, public in pairs:
            if public and public != captured and public != UNSPECIFIED:
                self.public.setdefault((captured, public))

    def lines(self) -> Iterable[str]:
        """The file's lines (without newlines): header, addresses, then one key per seed."""
        yield HEADER
        yield f"# {self.units} verified units, {len(self.seeds)} seeds"
        for captured, public in self.public:
            yield f"PUBLIC_ADDRESS {captured} {public}"
        for seed in self.seeds:
            yield f"SEED_RC4_KEY {seed:08x} {expand_key(seed).hex()}"

    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines())


def build_keylog(records: Iterable[Record]) -> KeyLog:
    """The key log of a whole run of the pipeline."""
    log = KeyLog()
    for record in records:
        log.add(record)
    return log
