"""Classic Skype over UDP: classify, decrypt with the right public addresses, verify, reassemble.

Every datagram goes through the same steps:

1. parse its type (wire layer); anything that does not look like classic Skype is left alone;
2. build the seed from the public addresses each side believes in (real source first, then
   0.0.0.0) and check the CRC; a resend needs no address (id XOR the NAck's challenge);
3. a datagram that fails every candidate is *held* (bounded) and tried again whenever a public
   address is learned, because the NAck or the reply that reveals it often comes later;
4. fragments are verified one by one and joined in index order into one message.

An endpoint (address and port) becomes "Skype" when one of its datagrams verifies; only datagrams
touching such an endpoint are reported, so DNS or Kazaa traffic never shows up as Skype.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from skypeflux import crypto, objects
from skypeflux.capture.flows import FlowCounters
from skypeflux.capture.net.packets import UdpDatagram
from skypeflux.capture.records import (
    CLEAR,
    NOT_APPLICABLE,
    UNVERIFIED,
    VERIFIED,
    FlowKey,
    Method,
    Record,
    Transport,
    UnitKind,
    Verification,
)
from skypeflux.capture.skype.addresses import UNKNOWN_SOURCE, AddressBook, Learned, is_private
from skypeflux.capture.skype.describe import describe_blocks, public_address_claims
from skypeflux.ipv4 import Endpoint, ip_text
from skypeflux.wire import udp as wudp
from skypeflux.wire.errors import WireError
from skypeflux.wire.fragments import DONE_MEMORY, FragmentAssembler, Incomplete, Reassembled
from skypeflux.wire.udp_crypt import Opened, open_payload_any, open_resend

MAX_HELD = 4096  # datagrams waiting for a public address
# A held datagram keeps every later record waiting (output is in frame order), so it may wait
# only so long: in the example capture the NAck that frees a datagram comes ~6 s after it.
MAX_HELD_AGE = 5000  # frames
MAX_HELD_SECONDS = 30.0  # seconds of capture time
MAX_FRAGMENT_SETS = 256
# Seconds of capture time a fragmented message may take to complete: the same lifetime after
# which the assembler takes a piece of a finished message for a new one (one fact, one home).
FRAGMENT_TIMEOUT = DONE_MEMORY
MAX_TRIALS = 256  # seen addresses tried per datagram at the end of the capture
# Trials on endpoints not (yet) known to be Skype cost up to 2 * MAX_TRIALS key schedules each
# and mostly hit other protocols that merely look like Skype: only this many may fail.
MAX_BLIND_TRIALS = 64


_Parsed = wudp.Payload | wudp.Fragment | wudp.Ack | wudp.Nack | wudp.Opaque


@dataclass(slots=True)
class _Held:
    dgram: UdpDatagram
    parsed: _Parsed


def _endpoint(ip: str, port: int) -> Endpoint:
    return Endpoint.of(ip, port)


class UdpDecoder:
    """Sans-IO over parsed UDP datagrams: feed them in capture order, records come out via emit."""

    def __init__(
        self,
        book: AddressBook,
        emit: Callable[[Record], None],
        hold: Callable[[int], None],
        release: Callable[[int], None],
        *,
        try_seen_addresses: bool = True,
        crypto_backend: crypto.BackendArg = None,
        objects_backend: objects.BackendArg = None,
    ) -> None:
        self._crypto = crypto.get_backend(crypto_backend)
        self._objects = objects.get_backend(objects_backend)
        self._book = book
        self._emit = emit
        self._hold = hold
        self._release = release
        self._try_seen = try_seen_addresses
        self._skype_endpoints: set[Endpoint] = set()
        self._held: OrderedDict[int, _Held] = OrderedDict()  # keyed by frame
        self._fragments = FragmentAssembler(max_messages=MAX_FRAGMENT_SETS)
        # Seed of each verified fragment by (key, frame), until its message is complete: a
        # message says every fragment's seed, not only the last one's. Bounded like the sets.
        self._fragment_seeds: OrderedDict[tuple[object, int], int] = OrderedDict()
        self._fragment_times: dict[tuple[Endpoint, Endpoint, int], float] = {}
        self.counts: dict[str, int] = {}
        self.flows: dict[FlowKey, FlowCounters] = {}
        self.notes: list[Record] = []
        self._learned_something = False
        self._blind_trials = MAX_BLIND_TRIALS

    # -- bookkeeping -------------------------------------------------------------------------

    def _count(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n

    @staticmethod
    def flow_key(d: UdpDatagram) -> FlowKey:
        return FlowKey.udp(_endpoint(d.src, d.sport), _endpoint(d.dst, d.dport))

    def _account(self, record: Record) -> None:
        self.flows.setdefault(record.flow, FlowCounters()).add(record)
        self._emit(record)

    def _base(self, d: UdpDatagram, unit: UnitKind, verification: Verification) -> Record:
        return Record(
            frame=d.frame,
            time=d.ts,
            unit=unit,
            src=_endpoint(d.src, d.sport),
            dst=_endpoint(d.dst, d.dport),
            transport=Transport.UDP,
            verification=verification,
            frames=list(d.frames),  # several when IP fragmented the datagram
            flow=self.flow_key(d),
        )

    def _note_learned(self, entry: Learned | None, origin: Record | UdpDatagram) -> None:
        """Report a newly learned public address at the record or datagram that proved it."""
        if entry is None:
            return
        verification = Verification(
            CLEAR, Method.EVIDENCE, f"{entry.host} is {entry.public} ({entry.method})"
        )
        if isinstance(origin, Record):
            note = Record(
                frame=origin.frame,
                time=origin.time,
                unit=UnitKind.NOTE,
                src=origin.src,
                dst=origin.dst,
                transport=origin.transport,
                verification=verification,
                frames=[origin.frame],
                flow=origin.flow,
            )
        else:
            note = self._base(origin, UnitKind.NOTE, verification)
        note.info = {
            "note": "public-address",
            "host": entry.host,
            "public": entry.public,
            "method": entry.method,
            "evidence_frame": entry.frame,
        }
        self.notes.append(note)
        self._emit(note)
        self._learned_something = True

    def _learn_from_claims(self, record: Record) -> None:
        """Object 0x11 of a reply addressed to a private host is that host's public address."""
        host = record.dst.host
        if not is_private(host):
            return
        for ip, _port, cmd in public_address_claims(record.blocks):
            entry = self._book.learn(host, ip, record.frame, f"object 0x11 (cmd {cmd})")
            self._note_learned(entry, record)

    def learn_from(self, record: Record) -> None:
        """Learn from a verified record of another transport (a TCP cmd 31 reply, say), then
        decode whatever was waiting for that knowledge."""
        if record.verification.ok and record.blocks:
            self._learn_from_claims(record)
            self._settle()

    def _settle(self) -> None:
        """Retry held datagrams until learning stops (a decoded one may teach more)."""
        while self._learned_something:
            self._learned_something = False
            self._retry_held()

    # -- entry point -------------------------------------------------------------------------

    def feed(self, d: UdpDatagram) -> None:
        self._book.note_seen(d.src)
        self._book.note_seen(d.dst)
        payload = d.payload
        if d.truncated:
            if self._is_skype(d):
                self._count("udp_truncated")
                record = self._base(
                    d,
                    UnitKind.UDP_OTHER,
                    Verification(UNVERIFIED, Method.NONE, "cut by the snap length"),
                )
                self._account(record)
            else:
                self._count("udp_not_skype")  # cut, on endpoints not known to be Skype
            return
        if not wudp.looks_like_skype_udp(payload):
            if self._is_skype(d) and self._opaque(d, payload):
                return
            self._count("udp_not_skype")
            return
        try:
            parsed = wudp.parse_datagram(payload)
        except WireError:
            self._count("udp_not_skype")
            return
        if isinstance(parsed, wudp.Resend):
            self._resend(d, parsed)
        elif not self._try(d, parsed, final=False) and not self._keep(d, parsed):
            self._try(d, parsed, final=True)
        self._settle()

    def fragment_counts(self) -> dict[str, int]:
        """What the fragment assembler threw away, for the run's statistics."""
        frags = self._fragments
        return {
            "udp_fragments_duplicate": frags.duplicates,
            "udp_fragments_rejected": frags.rejected,
            "udp_messages_evicted": frags.evicted,
        }

    def finish(self, last_frame: int = 0, last_ts: float = 0.0) -> None:
        """End of capture: last attempts for held datagrams, then report what stays unverified
        (incomplete fragmented messages at the capture's last frame, to keep frame order)."""
        while self._held:
            frame, held = self._held.popitem(last=False)
            self._release(frame)
            self._try(held.dgram, held.parsed, final=True)
            self._settle()
        for incomplete in self._fragments.flush():
            self._incomplete(incomplete, last_frame, last_ts)
        self._fragment_times.clear()

    def _opaque(self, d: UdpDatagram, payload: bytes) -> bool:
        """A type with no known layout (0x0D media...) on an endpoint already proven Skype.

        Such types have no CRC to check, so only the endpoint vouches for them: they are shown
        (never decrypted) once it is Skype, and never held waiting for it to become so.
        """
        try:
            parsed = wudp.parse_datagram(payload)
        except WireError:
            return False
        return isinstance(parsed, wudp.Opaque) and self._try(d, parsed, final=True)

    # -- held datagrams ----------------------------------------------------------------------

    def _keep(self, d: UdpDatagram, parsed: _Parsed) -> bool:
        """Hold ``d`` for later; False when waiting cannot help (then it is decided now)."""
        if not isinstance(parsed, wudp.Ack | wudp.Nack) and not self._may_learn(d):
            return False
        self._held[d.frame] = _Held(d, parsed)
        self._hold(d.frame)
        while len(self._held) > MAX_HELD:
            self._give_up_oldest()
        return True

    def _may_learn(self, d: UdpDatagram) -> bool:
        """Whether a public address that would change this datagram's seed can still be learned:
        a private side whose public address is not known yet."""
        book = self._book
        return any(is_private(ip) and not book.knows(ip) for ip in (d.src, d.dst))

    def _give_up_oldest(self) -> None:
        frame, old = self._held.popitem(last=False)
        self._release(frame)
        self._try(old.dgram, old.parsed, final=True)
        self._settle()

    def expire(self, frame: int, ts: float) -> None:
        """Give up on datagrams that waited too long; called for every packet of the capture,
        so a datagram that will never verify cannot stall the output."""
        held = self._held
        while held:
            first_frame, first = next(iter(held.items()))
            if frame - first_frame <= MAX_HELD_AGE and ts - first.dgram.ts <= MAX_HELD_SECONDS:
                return
            self._give_up_oldest()

    def _retry_held(self) -> None:
        for frame in list(self._held):
            held = self._held.get(frame)
            if held is not None and self._try(held.dgram, held.parsed, final=False):
                del self._held[frame]
                self._release(frame)

    # -- per type ----------------------------------------------------------------------------

    def _is_skype(self, d: UdpDatagram) -> bool:
        return (
            _endpoint(d.src, d.sport) in self._skype_endpoints
            or _endpoint(d.dst, d.dport) in self._skype_endpoints
        )

    def _confirm(self, d: UdpDatagram) -> None:
        """Both endpoints are Skype now: held ACK/NAcks on them can be shown (and teach)."""
        for end in (_endpoint(d.src, d.sport), _endpoint(d.dst, d.dport)):
            if end not in self._skype_endpoints:
                self._skype_endpoints.add(end)
                self._learned_something = True

    def _try(self, d: UdpDatagram, parsed: _Parsed, *, final: bool) -> bool:
        """Decode ``d`` if we can now; False means "hold it and try again later"."""
        if isinstance(parsed, wudp.Ack | wudp.Nack):
            return self._notice(d, parsed, final=final)
        if isinstance(parsed, wudp.Opaque):
            if self._is_skype(d):
                self._count(f"udp_type_{parsed.type:02x}")
                record = self._base(
                    d,
                    UnitKind.UDP_OTHER,
                    Verification(NOT_APPLICABLE, Method.NONE, "no known layout"),
                )
                record.udp_type, record.udp_func, record.packet_id = (
                    parsed.type,
                    parsed.func,
                    parsed.id,
                )
                self._account(record)
                return True
            if final:
                self._count("udp_not_skype")
            return final
        opened = self._open(d, parsed, final=final)
        if opened is None:
            if not final:
                return False
            if not self._is_skype(d):
                self._count("udp_not_skype")
                return True
            verification = Verification(
                UNVERIFIED, Method.CRC32, "CRC mismatch for every public-address pair tried"
            )
        else:
            verification = opened[0]
            self._confirm(d)
        found = opened[1] if opened is not None else None
        if isinstance(parsed, wudp.Fragment):
            self._fragment(d, parsed, verification, found)
        else:
            self._payload(d, parsed, verification, found.plaintext if found else None)
        return True

    def _open(
        self, d: UdpDatagram, parsed: wudp.Payload | wudp.Fragment, *, final: bool
    ) -> tuple[Verification, Opened] | None:
        """Find the public-address pair whose seed makes the CRC match."""
        book = self._book
        pairs = [(s, t) for s in book.source_candidates(d.src) for t in book.beliefs(d.dst)]
        blind = False
        if final and self._try_seen and (self._is_skype(d) or self._blind_trials > 0):
            extra_src = book.trial_candidates(d.src)[:MAX_TRIALS]
            extra_dst = book.trial_candidates(d.dst)[:MAX_TRIALS]
            pairs += [(s, d.dst) for s in extra_src] + [(d.src, t) for t in extra_dst]
            blind = not self._is_skype(d)
        opened = open_payload_any(parsed, pairs, backend=self._crypto)
        if opened is None or not opened.crc_ok:
            if blind:
                self._blind_trials -= 1
            return None
        src_ip, dst_ip = opened.public_src or "", opened.public_dst or ""
        self._learn_from_pair(d, src_ip, dst_ip)
        detail = f"CRC {parsed.crc:08x} ok with public {src_ip} -> {dst_ip}"
        return Verification(VERIFIED, Method.CRC32, detail, opened.seed, src_ip, dst_ip), opened

    def _learn_from_pair(self, d: UdpDatagram, src_ip: str, dst_ip: str) -> None:
        """A pair found by trial is evidence too: remember it for the next datagram."""
        book = self._book
        if is_private(d.src) and src_ip not in book.beliefs(d.src) and src_ip != UNKNOWN_SOURCE:
            self._note_learned(book.learn(d.src, src_ip, d.frame, "trial decryption"), d)
        if is_private(d.dst) and dst_ip not in book.beliefs(d.dst):
            self._note_learned(book.learn(d.dst, dst_ip, d.frame, "trial decryption"), d)

    def _payload(
        self,
        d: UdpDatagram,
        parsed: wudp.Payload,
        verification: Verification,
        plaintext: bytes | None,
    ) -> None:
        self._count("udp_payload")
        self._count("udp_payload_verified" if plaintext is not None else "udp_payload_unverified")
        record = self._base(d, UnitKind.UDP_PAYLOAD, verification)
        record.udp_type, record.udp_func, record.packet_id = 0x02, parsed.func, parsed.id
        record.info = {"iv": f"{parsed.iv:08x}", "crc": f"{parsed.crc:08x}"}
        self._finish_plain(d, record, plaintext)

    def _finish_plain(self, d: UdpDatagram, record: Record, plaintext: bytes | None) -> None:
        if plaintext is not None:
            record.plaintext = plaintext
            record.blocks = describe_blocks(plaintext, objects_backend=self._objects)
        self._account(record)
        if plaintext is not None:
            self._learn_from_claims(record)

    def _resend(self, d: UdpDatagram, parsed: wudp.Resend) -> None:
        opened = open_resend(parsed, backend=self._crypto)
        plaintext: bytes | None = opened.plaintext
        if opened.crc_ok:
            verification = Verification(
                VERIFIED,
                Method.CRC32,
                f"CRC {parsed.crc:08x} ok with seed id ^ challenge {parsed.challenge:08x}",
                opened.seed,
            )
            self._confirm(d)
        elif self._is_skype(d):
            verification = Verification(
                UNVERIFIED, Method.CRC32, "CRC mismatch with seed id ^ challenge", opened.seed
            )
            plaintext = None
        else:
            self._count("udp_not_skype")
            return
        self._count("udp_resend")
        self._count("udp_resend_verified" if plaintext is not None else "udp_resend_unverified")
        record = self._base(d, UnitKind.UDP_RESEND, verification)
        record.udp_type, record.udp_func, record.packet_id = 0x03, parsed.func, parsed.id
        record.info = {
            "challenge": f"{parsed.challenge:08x}",
            "dest_ip": ip_text(parsed.dest_ip),
            "crc": f"{parsed.crc:08x}",
        }
        self._finish_plain(d, record, plaintext)

    def _notice(self, d: UdpDatagram, parsed: wudp.Ack | wudp.Nack, *, final: bool) -> bool:
        if not self._is_skype(d):
            # Not proof of anything yet (11 clear bytes), but the address it names is the best
            # candidate for a held datagram of the host it was sent to (a capture that starts
            # after the NAck has nothing else): tried as a last resort like a seen address.
            self._book.note_seen(parsed.ip_text)
            if final:
                self._count("udp_not_skype")
            return final
        is_nack = isinstance(parsed, wudp.Nack)
        kind = UnitKind.UDP_NACK if is_nack else UnitKind.UDP_ACK
        self._count(kind.replace(".", "_"))
        record = self._base(d, kind, Verification(CLEAR, Method.NONE, "sent in clear"))
        record.udp_type, record.udp_func, record.packet_id = parsed.TYPE, parsed.func, parsed.id
        value = parsed.challenge if isinstance(parsed, wudp.Nack) else parsed.value
        record.info = {"ip": parsed.ip_text, ("challenge" if is_nack else "value"): f"{value:08x}"}
        self._account(record)
        if is_private(d.dst):
            method = "NAck" if is_nack else "ACK"
            self._note_learned(self._book.learn(d.dst, parsed.ip_text, d.frame, method), d)
        return True

    # -- fragments ---------------------------------------------------------------------------

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
            record.plaintext = opened.plaintext
        self._account(record)
        if opened is None:
            return  # an unverified piece can never be part of a verified message
        key = (record.src, record.dst, parsed.id)
        self._expire_fragments(d)
        self._fragment_seeds[(key, d.frame)] = opened.seed
        while len(self._fragment_seeds) > MAX_FRAGMENT_SETS * 16:
            self._fragment_seeds.popitem(last=False)
        done = self._fragments.add(key, parsed, opened, d.frame, d.ts)
        if done is not None:
            self._fragment_times.pop(key, None)
            self._message(d, parsed, done, verification)
        elif key in self._fragments.pending_keys():
            self._fragment_times.setdefault(key, d.ts)

    def _expire_fragments(self, d: UdpDatagram) -> None:
        """Give up on messages whose first piece is older than FRAGMENT_TIMEOUT (capture time)."""
        times = self._fragment_times
        while times:
            key, first = next(iter(times.items()))
            if d.ts - first <= FRAGMENT_TIMEOUT and len(times) <= MAX_FRAGMENT_SETS:
                return
            del times[key]
            incomplete = self._fragments.drop(key)
            if incomplete is not None:
                self._incomplete(incomplete, d.frame, d.ts)

    def _message(
        self, d: UdpDatagram, parsed: wudp.Fragment, done: Reassembled, last: Verification
    ) -> None:
        verification = Verification(
            VERIFIED,
            Method.CRC32,
            f"{done.count} fragments, each CRC ok",
            last.seed,
            last.public_src,
            last.public_dst,
        )
        self._count("udp_message")
        record = self._base(d, UnitKind.UDP_MESSAGE, verification)
        record.frames = list(done.frames)
        record.frame = max(done.frames)
        record.udp_type, record.udp_func, record.packet_id = 0x0F, parsed.func, parsed.id
        seeds = [self._fragment_seeds.pop((done.key, frame), None) for frame in done.frames]
        record.info = {
            "ref_id": done.ref_id,
            "fragments": done.count,
            "seeds": [f"{seed:08x}" if seed is not None else "?" for seed in seeds],
        }
        self._finish_plain(d, record, done.plaintext)

    def _incomplete(self, incomplete: Incomplete, frame: int, ts: float) -> None:
        """A message given up at ``frame`` (reported there, so the output stays in order)."""
        key = cast(tuple[Endpoint, Endpoint, int], incomplete.key)
        src, dst, packet_id = key
        expected = "?" if incomplete.last_index is None else str(incomplete.last_index + 1)
        missing = (
            "last fragment never seen"
            if incomplete.last_index is None
            else f"missing {incomplete.last_index + 1 - incomplete.have} fragment(s)"
        )
        self._count("udp_message_incomplete")
        record = Record(
            frame=max(frame, *incomplete.frames) if incomplete.frames else frame,
            time=ts,
            unit=UnitKind.UDP_MESSAGE,
            src=src,
            dst=dst,
            transport=Transport.UDP,
            verification=Verification(UNVERIFIED, Method.CRC32, f"incomplete message: {missing}"),
            frames=list(incomplete.frames),
            flow=FlowKey.udp(src, dst),
            packet_id=packet_id,
            udp_type=0x0F,
        )
        record.info = {
            "ref_id": incomplete.ref_id,
            "fragments": incomplete.have,
            "expected": expected,
            "complete": False,
        }
        self._account(record)
