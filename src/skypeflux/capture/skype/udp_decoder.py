"""Classic Skype over UDP, the decoding pass: every datagram verified, or reported with why not.

The survey (``survey.py``) has already gone over the whole capture, so the public addresses
that can be proven are known before the first datagram here, wherever their evidence sat. Each
datagram then goes through the same steps, in capture order, and is decided at once:

1. parse its type (wire layer); anything without a Skype header shape is left alone;
2. build the seed from the public addresses each side may believe in (confirmed addresses,
   the user's, the strongest unconfirmed candidates, the real address, 0.0.0.0 for a sender)
   and check the CRC; a resend needs no address (id XOR the NAck's challenge). As a last,
   bounded resort, public addresses seen in the capture are tried;
3. a datagram that verifies makes both endpoints Skype. One that does not is still a record,
   with its reason ("public address unknown", "no candidate address gives a matching CRC"),
   when it is on a Skype endpoint: proven by a verified datagram, or following Skype's datagram
   pattern (survey). Other traffic (DNS, Kazaa...) is never reported;
4. fragments that verify go to the message joiner (``udp_messages.py``).

An address a datagram's CRC proves (a candidate, or a trial) is reported as a ``note`` at that
datagram's frame, with the frame of the claim and of the proof.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from skypeflux import crypto, objects
from skypeflux.capture.limits import Limits
from skypeflux.capture.net.packets import UdpDatagram
from skypeflux.capture.records import (
    CLEAR,
    PROOF_CRC,
    STRUCTURE_EXACT,
    STRUCTURE_FAILED,
    UNVERIFIED,
    VERIFIED,
    BlockInfo,
    FlowKey,
    Method,
    Record,
    Transport,
    UnitKind,
    Verification,
)
from skypeflux.capture.skype.addresses import AddressBook, Learned, evidence_text, is_private
from skypeflux.capture.skype.describe import describe_blocks, public_address_claims
from skypeflux.capture.skype.survey import SurveyResult
from skypeflux.capture.skype.udp_messages import MessageJoiner, structure_problem
from skypeflux.ipv4 import Endpoint, ip_text
from skypeflux.wire import udp as wudp
from skypeflux.wire.errors import WireError
from skypeflux.wire.udp_crypt import Opened, open_payload_any, open_resend

# Seen addresses are tried (Limits.trial_addresses per side) on a datagram nothing else opens.
# Trials on endpoints not known to be Skype cost up to two key schedules per address and mostly
# hit other protocols that merely look like Skype: only Limits.blind_trials of them may fail.

REASON_UNKNOWN = "public address unknown"
REASON_NO_MATCH = "no candidate address gives a matching CRC"
MAX_KEPT_NOTES = 4096  # notes kept in UdpDecoder.notes (a capture can prove many)


class UdpDecoder:
    """Sans-IO over parsed UDP datagrams: feed them in capture order, records come out via emit."""

    def __init__(
        self,
        book: AddressBook,
        emit: Callable[[Record], None],
        survey: SurveyResult | None = None,
        *,
        try_seen_addresses: bool = True,
        crypto_backend: crypto.BackendArg = None,
        objects_backend: objects.BackendArg = None,
        limits: Limits | None = None,
    ) -> None:
        limits = limits or Limits()
        self._crypto = crypto.get_backend(crypto_backend)
        self._objects = objects.get_backend(objects_backend)
        self._book = book
        self._emit = emit
        self._survey = survey or SurveyResult()
        self._try_seen = try_seen_addresses
        # endpoints proven Skype, least recently proven first (a dict as an ordered set)
        # least recently proven first; an OrderedDict finds the oldest at once (FlowEnds)
        self._skype_endpoints: OrderedDict[Endpoint, None] = OrderedDict.fromkeys(
            self._survey.proven
        )
        self._max_skype_endpoints = max(limits.skype_endpoints, len(self._skype_endpoints))
        self._trial_addresses = limits.trial_addresses
        self._joiner = MessageJoiner(
            self._out,
            objects_backend=self._objects,
            max_sets=limits.udp_message_sets,
            timeout=limits.udp_message_seconds,
        )
        self.counts: dict[str, int] = {}
        # the first notes of learned addresses, for the library (all of them are emitted)
        self.notes: list[Record] = []
        self.private_hosts: set[str] = set()  # private hosts that had Skype datagrams
        self._blind_trials = limits.blind_trials

    # -- bookkeeping -------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    def fragment_counts(self) -> dict[str, int]:
        return self._joiner.counts()

    def _out(
        self,
        record: Record,
        plaintext: bytes | None = None,
        blocks: list[BlockInfo] | None = None,
    ) -> None:
        """Hand ``record`` out; a plaintext gets its blocks (``blocks`` when the caller has
        already decoded them: an object list is decoded once)."""
        if plaintext is not None:
            record.plaintext = plaintext
            if blocks is None:
                blocks = describe_blocks(plaintext, objects_backend=self._objects)
            record.blocks = blocks
        for endpoint in (record.src, record.dst):
            if is_private(endpoint.ip):  # the number: no text made for the public side
                self.private_hosts.add(endpoint.host)
        self._emit(record)
        if plaintext is not None and record.verification.ok:
            self._learn_from_claims(record)

    def _base(self, d: UdpDatagram, unit: UnitKind, verification: Verification) -> Record:
        src, dst = d.source, d.destination
        # fields in order, not named: one is made for every datagram
        return Record(
            d.frame,
            d.ts,
            unit,
            src,
            dst,
            Transport.UDP,
            verification,
            FlowKey.udp(src, dst),
            list(d.frames),  # several when IP fragmented the datagram
        )

    def note(self, entry: Learned, frame: int, ts: float, src: Endpoint, dst: Endpoint) -> Record:
        """The record that reports a proven public address (at the frame that proved it)."""
        note = Record(
            frame=frame,
            time=ts,
            unit=UnitKind.NOTE,
            src=src,
            dst=dst,
            transport=Transport.UDP,
            verification=Verification(
                CLEAR, Method.EVIDENCE, f"{entry.host} is {entry.public} ({evidence_text(entry)})"
            ),
            frames=[frame],
            flow=FlowKey.udp(src, dst),
        )
        note.info = {
            "note": "public-address",
            "host": entry.host,
            "public": entry.public,
            "method": entry.method,
            "evidence_frame": entry.evidence_frame,
            "proof_frame": entry.frame,
        }
        if len(self.notes) < MAX_KEPT_NOTES:
            self.notes.append(note)
        return note

    def _learned(self, entry: Learned | None, d: UdpDatagram) -> None:
        if entry is not None:
            src, dst = d.source, d.destination
            self._emit(self.note(entry, d.frame, d.ts, src, dst))

    def _learn_from_claims(self, record: Record) -> None:
        """Object 0x11 of a reply to a private host: a candidate for its later datagrams."""
        if is_private(record.dst.ip):
            host = record.dst.host
            for ip, _port, cmd in public_address_claims(record.blocks):
                self._book.add_candidate(host, ip, record.frame, f"object 0x11 (cmd {cmd})")

    # -- entry points ------------------------------------------------------------------------

    def feed(self, d: UdpDatagram) -> None:
        self._book.note_seen(d.src)
        self._book.note_seen(d.dst)
        payload = d.payload
        if d.truncated:
            if self._is_skype(d):
                self._count("udp_truncated")
                reason = "truncated: cut by the snap length"
                self._out(
                    self._base(d, UnitKind.UDP_OTHER, Verification(UNVERIFIED, Method.NONE, reason))
                )
            else:
                self._count("udp_not_skype")  # cut, on endpoints not known to be Skype
            return
        try:
            parsed = wudp.parse_datagram(payload) if wudp.looks_like_skype_udp(payload) else None
        except WireError:
            parsed = None
        if parsed is None:
            self._opaque(d, payload)
        elif isinstance(parsed, wudp.Resend):
            self._resend(d, parsed)
        elif isinstance(parsed, wudp.Ack | wudp.Nack):
            self._notice(d, parsed)
        elif isinstance(parsed, wudp.Payload | wudp.Fragment):
            self._obfuscated(d, parsed)
        else:
            self._opaque(d, payload)

    def flow_ended(self, flow: FlowKey, frame: int, ts: float) -> None:
        """The survey saw nothing later on ``flow``: close its unfinished messages here."""
        self._joiner.flow_ended(flow, frame, ts)

    def finish(self, last_frame: int = 0, last_ts: float = 0.0) -> None:
        self._joiner.finish(last_frame, last_ts)

    # -- which datagrams are Skype -----------------------------------------------------------

    def _is_skype(self, d: UdpDatagram) -> bool:
        # asked of most datagrams that are not Skype: written out, not as any() over a
        # generator, which cost more than the four lookups
        known, likely = self._skype_endpoints, self._survey.skype_like
        src, dst = d.source, d.destination
        return src in known or src in likely or dst in known or dst in likely

    def _confirm(self, d: UdpDatagram) -> None:
        known = self._skype_endpoints
        for endpoint in (d.source, d.destination):
            known[endpoint] = None
            known.move_to_end(endpoint)
        while len(known) > self._max_skype_endpoints:
            known.popitem(last=False)

    def _opaque(self, d: UdpDatagram, payload: bytes) -> None:
        """A type with no known layout (0x0D media...) on a Skype endpoint: shown, never opened."""
        if len(payload) < 3 or not self._is_skype(d):
            self._count("udp_not_skype")
            return
        kind = payload[2] & wudp.TYPE_MASK
        self._count(f"udp_type_{kind:02x}")
        reason = f"type 0x{kind:02x} has no known layout: not decrypted"
        record = self._base(d, UnitKind.UDP_OTHER, Verification(UNVERIFIED, Method.NONE, reason))
        record.udp_type, record.udp_func = kind, payload[2]
        record.packet_id = int.from_bytes(payload[:2], "big")
        self._out(record)

    # -- per type ----------------------------------------------------------------------------

    def _obfuscated(self, d: UdpDatagram, parsed: wudp.Payload | wudp.Fragment) -> None:
        opened = self._open(d, parsed)
        if opened is None:
            if not self._is_skype(d):
                self._count("udp_not_skype")
                return
            verification = Verification(UNVERIFIED, Method.CRC32, self._failure_reason(d))
        else:
            self._confirm(d)
            verification = Verification(
                VERIFIED,
                Method.CRC32,
                f"CRC {parsed.crc:08x} ok with public {opened.public_src} -> {opened.public_dst}",
                opened.seed,
                opened.public_src,
                opened.public_dst,
                key=PROOF_CRC,
                content=PROOF_CRC,
            )
        if isinstance(parsed, wudp.Fragment):
            self._fragment(d, parsed, verification, opened)
        else:
            self._payload(d, parsed, verification, opened)

    def _failure_reason(self, d: UdpDatagram) -> str:
        book = self._book
        hidden = [ip for ip in (d.src, d.dst) if is_private(ip)]
        unknown = [ip for ip in hidden if not book.knows(ip) and not book.candidates(ip)]
        if unknown:
            return f"{REASON_UNKNOWN} (of {', '.join(unknown)}, behind NAT)"
        if hidden:
            return f"{REASON_NO_MATCH} (for {', '.join(hidden)})"
        return "CRC mismatch with the captured addresses: damaged, or not what it seems"

    def _open(self, d: UdpDatagram, parsed: wudp.Payload | wudp.Fragment) -> Opened | None:
        """Find the public-address pair whose seed makes the CRC match; learn from it."""
        book = self._book
        opened = open_payload_any(parsed, book.seed_pairs(d.src, d.dst), backend=self._crypto)
        if opened is None and self._try_seen:
            skype = self._is_skype(d)
            if skype or self._blind_trials > 0:
                extra_src = book.trial_candidates(d.src)[: self._trial_addresses]
                extra_dst = book.trial_candidates(d.dst)[: self._trial_addresses]
                trials = [(s, d.dst) for s in extra_src] + [(d.src, t) for t in extra_dst]
                if trials:
                    opened = open_payload_any(parsed, trials, backend=self._crypto)
                    if not skype and opened is None:
                        self._blind_trials -= 1
        if opened is None:
            return None
        for host, public in ((d.src, opened.public_src), (d.dst, opened.public_dst)):
            if is_private(host) and public:
                self._learned(book.confirm(host, public, d.frame), d)
        return opened

    def _payload(
        self,
        d: UdpDatagram,
        parsed: wudp.Payload,
        verification: Verification,
        opened: Opened | None,
    ) -> None:
        self._count("udp_payload")
        self._count("udp_payload_verified" if opened else "udp_payload_unverified")
        record = self._base(d, UnitKind.UDP_PAYLOAD, verification)
        record.udp_type, record.udp_func, record.packet_id = 0x02, parsed.func, parsed.id
        record.info = {"iv": f"{parsed.iv:08x}", "crc": f"{parsed.crc:08x}"}
        self._plain(record, opened.plaintext if opened else None)

    def _plain(self, record: Record, plaintext: bytes | None) -> None:
        """Attach a CRC-proven plaintext and say whether its blocks parse exactly."""
        blocks = None
        if plaintext is not None:
            blocks = describe_blocks(plaintext, objects_backend=self._objects)
            exact = structure_problem(plaintext, blocks) is None
            record.verification = record.verification.with_structure(
                STRUCTURE_EXACT if exact else STRUCTURE_FAILED
            )
        self._out(record, plaintext, blocks)

    def _resend(self, d: UdpDatagram, parsed: wudp.Resend) -> None:
        opened = open_resend(parsed, backend=self._crypto)
        dest = ip_text(parsed.dest_ip)
        ok = opened.crc_ok and self._plausible_receiver(d.dst, dest)
        if ok:
            verification = Verification(
                VERIFIED,
                Method.CRC32,
                f"CRC {parsed.crc:08x} ok with seed id ^ challenge {parsed.challenge:08x}",
                opened.seed,
                key=PROOF_CRC,
                content=PROOF_CRC,
            )
            self._confirm(d)
        elif not self._is_skype(d):
            self._count("udp_not_skype")
            return
        elif opened.crc_ok:
            reason = f"CRC ok, but dest_ip {dest} (outside the CRC) is not the receiver's address"
            verification = Verification(UNVERIFIED, Method.CRC32, reason, opened.seed)
        else:
            reason = "CRC mismatch with seed id ^ challenge"
            verification = Verification(UNVERIFIED, Method.CRC32, reason, opened.seed)
        self._count("udp_resend")
        self._count("udp_resend_verified" if ok else "udp_resend_unverified")
        record = self._base(d, UnitKind.UDP_RESEND, verification)
        record.udp_type, record.udp_func, record.packet_id = 0x03, parsed.func, parsed.id
        record.info = {
            "challenge": f"{parsed.challenge:08x}",
            "dest_ip": dest,
            "crc": f"{parsed.crc:08x}",
        }
        self._plain(record, opened.plaintext if ok else None)

    def _plausible_receiver(self, receiver: str, dest: str) -> bool:
        """A resend's ``dest_ip`` (not covered by its CRC) must name its receiver: the captured
        address or one it may be known as; for a NATed receiver nothing contradicts yet."""
        book = self._book
        if dest == receiver or dest in book.beliefs(receiver):
            return True
        return is_private(receiver) and not book.knows(receiver)

    def _notice(self, d: UdpDatagram, parsed: wudp.Ack | wudp.Nack) -> None:
        """An ACK or NAck: clear, shown on Skype endpoints; its address is only a candidate."""
        if not self._is_skype(d):
            self._count("udp_not_skype")
            return
        is_nack = isinstance(parsed, wudp.Nack)
        kind = UnitKind.UDP_NACK if is_nack else UnitKind.UDP_ACK
        self._count(str(kind).replace(".", "_"))
        detail = "sent in clear; the address it carries is a candidate until a CRC confirms it"
        record = self._base(d, kind, Verification(CLEAR, Method.NONE, detail))
        record.udp_type = wudp.TYPE_NACK if is_nack else wudp.TYPE_ACK
        record.udp_func, record.packet_id = parsed.func, parsed.id
        value = parsed.challenge if isinstance(parsed, wudp.Nack) else parsed.value
        record.info = {"ip": parsed.ip_text, ("challenge" if is_nack else "value"): f"{value:08x}"}
        self._out(record)

    def _fragment(
        self,
        d: UdpDatagram,
        parsed: wudp.Fragment,
        verification: Verification,
        opened: Opened | None,
    ) -> None:
        self._count("udp_fragment")
        self._count("udp_fragment_verified" if opened else "udp_fragment_unverified")
        record = self._base(d, UnitKind.UDP_FRAGMENT, verification)
        record.udp_type, record.udp_func, record.packet_id = 0x0F, parsed.func, parsed.id
        record.info = {
            "ref_id": parsed.ref_id,
            "index": parsed.index,
            "last": parsed.last,
            "iv": f"{parsed.iv:08x}",
            "crc": f"{parsed.crc:08x}",
        }
        if opened is not None:
            record.plaintext = opened.plaintext  # its blocks come with the joined message
        self._out(record)
        if opened is not None:  # an unverified piece can never be part of a verified message
            self._joiner.add(record, parsed, opened, verification)
