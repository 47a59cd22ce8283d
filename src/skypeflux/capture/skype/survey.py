"""The first, cheap pass over a capture: evidence that does not depend on where it appears.

A UDP seed needs the public address of a NATed host, and the evidence for it (an ACK or NAck
body, object 0x11 of a TCP reply) can come anywhere in the capture, often after the datagrams
that need it. So before any UDP output the whole capture is surveyed once:

* clear ACK/NAck bodies and TCP replies give **candidates** (never believed as such);
* a few type 0x02 datagrams per private host are kept as **samples**, and at the end every
  candidate is tried on them: a matching CRC **confirms** it, with the sample's frame as proof;
* sending endpoints whose datagrams follow Skype's pattern (exact header shapes, ids stepping
  by 2 or repeated with the same CRC) are remembered as **Skype-looking**, so that datagrams on
  them that cannot be verified are still reported, with the reason, instead of dropped;
* the last frame of every flow (:mod:`skypeflux.capture.flow_ends`: one bit per frame), so a
  message still incomplete when its flow ends is reported there (not at the capture's last
  frame), and the flow's counters can leave memory there.

Memory: a fixed number of samples per host, bounded tables per endpoint and open flow, one bit
per frame; no packet is kept beyond the samples.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Final

from skypeflux import crypto, objects
from skypeflux.capture.flow_ends import FlowEnds
from skypeflux.capture.flows import pair_key
from skypeflux.capture.limits import Limits
from skypeflux.capture.net.packets import TcpSegment, UdpDatagram
from skypeflux.capture.records import Record, Transport
from skypeflux.capture.skype.addresses import AddressBook, Learned, is_private
from skypeflux.capture.skype.describe import public_address_claims
from skypeflux.capture.skype.tcp_decoder import TcpDecoder
from skypeflux.ipv4 import Endpoint
from skypeflux.wire import udp as wudp
from skypeflux.wire.errors import WireError
from skypeflux.wire.udp_crypt import open_payload, open_payload_any

INCOMING_SAMPLES = 12  # datagrams to a private host kept to confirm its candidates
OUTGOING_SAMPLES = 4
MAX_SAMPLED_HOSTS = 256
RUN_LENGTH = 3  # exact-shape datagrams an endpoint must send (with one Skype id step)
CONFIRM_CANDIDATES = 16  # candidates per host tried on the samples
MAX_FIRSTS = 4096  # sending endpoints whose first 0x02 datagram is kept to prove them Skype
MAX_FIRST_BYTES = 4 << 20


@dataclass(slots=True)
class Sample:
    frame: Final[int]
    ts: Final[float]
    src: Final[Endpoint]
    dst: Final[Endpoint]
    src_ip: Final[str]
    dst_ip: Final[str]
    payload: Final[wudp.Payload]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        frame: int,
        ts: float,
        src: Endpoint,
        dst: Endpoint,
        src_ip: str,
        dst_ip: str,
        payload: wudp.Payload,
    ) -> None:
        self.frame = frame
        self.ts = ts
        self.src = src
        self.dst = dst
        self.src_ip = src_ip
        self.dst_ip = dst_ip
        self.payload = payload


@dataclass(slots=True)
class _Run:
    shaped: int = 0
    steps: int = 0
    spoiled: bool = False
    last_id: int = -1
    last_crc: int = -1

    # written out: compiled, the generated one runs as byte code (see Record)
    def __init__(
        self,
        shaped: int = 0,
        steps: int = 0,
        spoiled: bool = False,
        last_id: int = -1,
        last_crc: int = -1,
    ) -> None:
        self.shaped = shaped
        self.steps = steps
        self.spoiled = spoiled
        self.last_id = last_id
        self.last_crc = last_crc


def parse_skype_shaped(payload: bytes) -> wudp.Datagram | None:
    """The datagram when ``payload`` has the exact shape of one of Skype's types, else None."""
    if not wudp.looks_like_skype_udp(payload):
        return None
    try:
        return wudp.parse_datagram(payload)
    except WireError:
        return None


def _ids(parsed: wudp.Datagram) -> tuple[int, int] | None:
    if isinstance(parsed, wudp.Payload | wudp.Fragment | wudp.Resend):
        return parsed.id, parsed.crc
    return None


class RunDetector:
    """Which sending endpoints follow Skype's datagram pattern (protocol.md 1.1).

    An endpoint qualifies after RUN_LENGTH datagrams of exact Skype header shape with at least
    one Skype id step between consecutive ones: the next request id (+2) or a retransmission
    (the same id and CRC). One datagram of another shape from the same endpoint spoils it.
    """

    def __init__(self, max_senders: int = 65536) -> None:
        self._max = max_senders
        self._runs: OrderedDict[Endpoint, _Run] = OrderedDict()

    def feed(self, endpoint: Endpoint, parsed: wudp.Datagram | None) -> None:
        """One datagram ``endpoint`` sent, as :func:`parse_skype_shaped` read it (``None``: not
        of Skype's exact shape)."""
        run = self._runs.get(endpoint)
        if run is None:
            run = self._runs[endpoint] = _Run()
            if len(self._runs) > self._max:
                self._runs.popitem(last=False)
        if run.spoiled:
            return
        if parsed is None:
            run.spoiled = True
            return
        run.shaped += 1
        ids = _ids(parsed)
        if ids is None:
            return
        packet_id, crc = ids
        if (packet_id - run.last_id) % 0x10000 == 2 or (
            packet_id == run.last_id and crc == run.last_crc
        ):
            run.steps += 1
        run.last_id, run.last_crc = packet_id, crc

    def skype_like(self, endpoint: Endpoint) -> bool:
        run = self._runs.get(endpoint)
        return run is not None and not run.spoiled and run.shaped >= RUN_LENGTH and run.steps > 0

    def endpoints(self) -> set[Endpoint]:
        return {e for e in self._runs if self.skype_like(e)}


@dataclass(slots=True)
class SurveyResult:
    """What the first pass hands to the decoding pass."""

    skype_like: set[Endpoint] = field(default_factory=set)  # following Skype's pattern
    proven: set[Endpoint] = field(default_factory=set)  # endpoints of samples that verified
    proofs: list[tuple[Learned, Sample]] = field(default_factory=list)
    ends: FlowEnds = field(default_factory=FlowEnds)  # the last frame of each flow


class Survey:
    """Feed every datagram and segment in capture order, then :meth:`finish`."""

    def __init__(
        self,
        book: AddressBook,
        *,
        crypto_backend: crypto.BackendArg = None,
        objects_backend: objects.BackendArg = None,
        limits: Limits | None = None,
    ) -> None:
        self._crypto = crypto.get_backend(crypto_backend)
        self._book = book
        limits = limits or Limits()
        self._runs = RunDetector(limits.udp_senders)
        self._incoming: dict[str, list[Sample]] = {}
        self._outgoing: dict[str, list[Sample]] = {}
        self._firsts: dict[Endpoint, Sample] = {}  # sending endpoint -> its first 0x02 datagram
        self._first_bytes = 0
        self._tcp = TcpDecoder(
            self._tcp_record,
            crypto_backend=self._crypto,
            objects_backend=objects_backend,
            limits=limits,
            wanted=_to_private_host,
            claims_only=True,
        )
        self.result = SurveyResult(
            ends=FlowEnds(max_open=limits.open_flows, idle_seconds=limits.flow_idle_seconds)
        )
        self._saw = self.result.ends.saw  # asked for every packet of the capture

    def feed_udp(self, d: UdpDatagram) -> None:
        src, dst = d.source, d.destination
        self._saw(pair_key(Transport.UDP, src, dst), d.frame, d.ts)
        if d.truncated:
            return
        payload = d.payload
        parsed = parse_skype_shaped(payload)
        self._runs.feed(src, parsed)
        if parsed is None:
            return
        if isinstance(parsed, wudp.Ack | wudp.Nack):
            if is_private(d.dst):
                method = "NAck" if isinstance(parsed, wudp.Nack) else "ACK"
                self._book.add_candidate(d.dst, parsed.ip_text, d.frame, method)
        elif isinstance(parsed, wudp.Payload):
            # a Sample is made only when one of its tables keeps it: most datagrams none
            sample: Sample | None = None
            if self._first_wanted(src, len(payload)):
                sample = Sample(d.frame, d.ts, src, dst, d.src, d.dst, parsed)
                self._firsts[src] = sample
                self._first_bytes += len(payload)
            for host, table, limit in (
                (d.dst, self._incoming, INCOMING_SAMPLES),
                (d.src, self._outgoing, OUTGOING_SAMPLES),
            ):
                if is_private(host):
                    kept = self._room(table, host, src, dst, limit)
                    if kept is not None:
                        if sample is None:
                            sample = Sample(d.frame, d.ts, src, dst, d.src, d.dst, parsed)
                        kept.append(sample)

    def feed_tcp(self, seg: TcpSegment) -> None:
        src, dst = seg.source, seg.destination
        self._saw(pair_key(Transport.TCP, src, dst), seg.frame, seg.ts)
        self._tcp.feed(seg)

    def _tcp_record(self, record: Record) -> None:
        """Object 0x11 of a TCP reply to a private host: a candidate (TCP has no checksum)."""
        if not record.blocks or not record.verification.ok:
            return
        host = record.dst.host
        if is_private(host):
            for ip, _port, cmd in public_address_claims(record.blocks):
                self._book.add_candidate(host, ip, record.frame, f"object 0x11 (cmd {cmd})")

    @staticmethod
    def _room(
        table: dict[str, list[Sample]], host: str, src: Endpoint, dst: Endpoint, limit: int
    ) -> list[Sample] | None:
        """``host``'s samples when they take one more from ``src`` to ``dst``, else None: one
        per endpoint pair, so a wrong peer cannot fill every slot."""
        kept = table.get(host)
        if kept is None:
            if len(table) >= MAX_SAMPLED_HOSTS:
                return None
            kept = table[host] = []
        if len(kept) < limit and all(s.src != src or s.dst != dst for s in kept):
            return kept
        return None

    def _first_wanted(self, src: Endpoint, size: int) -> bool:
        """Whether the first 0x02 datagram ``src`` sends (of ``size`` bytes) is still kept."""
        if src in self._firsts or len(self._firsts) >= MAX_FIRSTS:
            return False
        return self._first_bytes + size <= MAX_FIRST_BYTES

    def finish(self) -> SurveyResult:
        """Try every host's candidates (and the user's address) on its samples."""
        self._tcp.finish()
        result = self.result
        result.ends.finish()
        result.skype_like = self._runs.endpoints()
        book = self._book
        hosts = sorted(set(self._incoming) | set(self._outgoing))
        for host in hosts:
            samples = self._incoming.get(host, []) + self._outgoing.get(host, [])
            tries = [c.public for c in book.candidates(host)[:CONFIRM_CANDIDATES]]
            user = book.user_address(host)
            if user is not None:
                tries.insert(0, user)
            for public in dict.fromkeys(tries):
                sample = _proving(host, public, samples, self._crypto)
                if sample is None:
                    continue
                entry = book.confirm(host, public, sample.frame)
                result.proven.update((sample.src, sample.dst))
                if entry is not None:
                    result.proofs.append((entry, sample))
        self._prove_endpoints()
        return result

    def _prove_endpoints(self) -> None:
        """Open each sending endpoint's first datagram with what is now known: a match proves
        both endpoints Skype, so their datagrams that cannot be verified are still reported."""
        book, result = self._book, self.result
        for sample in self._firsts.values():
            if sample.src in result.proven:
                continue
            pairs = book.seed_pairs(sample.src_ip, sample.dst_ip)
            opened = open_payload_any(sample.payload, pairs, backend=self._crypto)
            if opened is None:  # no pair matched the CRC
                continue
            result.proven.update((sample.src, sample.dst))
            for host, public in (
                (sample.src_ip, opened.public_src),
                (sample.dst_ip, opened.public_dst),
            ):
                if is_private(host) and public:
                    entry = book.confirm(host, public, sample.frame)
                    if entry is not None:
                        result.proofs.append((entry, sample))
        self._firsts.clear()


def _to_private_host(endpoint: Endpoint) -> bool:
    """Only a reply to a private host can carry a claim of its public address."""
    return is_private(endpoint.ip)


def _proving(
    host: str, public: str, samples: list[Sample], backend: crypto.Backend
) -> Sample | None:
    """The first sample whose CRC matches when ``host`` is known as ``public``."""
    for sample in samples:
        pair = (sample.src_ip, public) if sample.dst_ip == host else (public, sample.dst_ip)
        if open_payload(sample.payload, *pair, backend=backend).crc_ok:
            return sample
    return None
