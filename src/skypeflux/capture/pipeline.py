"""The main job: a capture in, verified Skype records out, in frame order, in one pass.

``Decoder.run`` reads the capture packet by packet (never the whole file), hands UDP datagrams
and TCP segments to their decoders, pairs requests with replies, and yields records as soon as no
earlier frame is still waiting for a public address. Memory is bounded by the open flows: held
datagrams, fragment sets, TCP reassembly buffers and the request table all have limits. What
does grow is one small summary per Skype flow and endpoint (counters for the flows table, well
under a kilobyte each), never anything per packet or per record
(``benchmarks/bench_memory.py`` measures it).
"""

from __future__ import annotations

import dataclasses
import io
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace

from skypeflux import crypto, objects
from skypeflux.capture.accounting import PacketAccount
from skypeflux.capture.emitter import OrderedEmitter
from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.source import Source, open_capture
from skypeflux.capture.flows import FlowCounters, FlowStats
from skypeflux.capture.net.packets import NetDecoder, TcpSegment, UdpDatagram
from skypeflux.capture.records import FlowKey, Record
from skypeflux.capture.skype.addresses import AddressBook
from skypeflux.capture.skype.tcp_decoder import DirectionSummary, TcpDecoder
from skypeflux.capture.skype.udp_decoder import UdpDecoder
from skypeflux.messages.pairing import Outcome, RequestPairer

ProgressCallback = Callable[[int, int, int | None], None]
PROGRESS_EVERY = 500  # packets between progress callbacks
MAX_OPEN_REQUESTS = 4096  # unanswered requests remembered for pairing


@dataclass(slots=True)
class DecodeOptions:
    """What a user can tell the decoder.

    ``public_ips`` maps a captured (private) address to its public one; the key ``None`` applies
    to every private host. ``try_seen_addresses`` lets the decoder try, as a last resort, public
    addresses seen in the capture for datagrams nothing else decrypts. ``crypto_backend`` and
    ``objects_backend`` are the implementations the decoders use (default: the C ones when
    built); the command line fills them from its environment variables, nothing below reads them.
    """

    public_ips: dict[str | None, str] = field(default_factory=dict)
    try_seen_addresses: bool = True
    crypto_backend: crypto.Backend = field(default_factory=crypto.get_backend)
    objects_backend: objects.Backend = field(default_factory=objects.get_backend)


class Decoder:
    """Runs the whole pipeline over one capture; see the module docstring."""

    def __init__(self, options: DecodeOptions | None = None) -> None:
        self.options = options or DecodeOptions()
        self.book = AddressBook(self.options.public_ips)
        self.flows: list[FlowStats] = []
        self.stats: dict[str, int] = {}
        self.learned: list[Record] = []
        self.capture_format = ""
        self.truncated_file = False
        self.warning: str | None = None  # what the reader had to say (a cut file), in words
        self.skipped_note: str | None = None  # packets on link types we cannot decode
        self.first_time: float | None = None  # time of the first packet (tshark's origin)
        # one outcome per packet read (see capture.accounting); they add up to packets_read
        self.outcomes: dict[str, int] = {}
        self.reasons: dict[str, int] = {}  # malformed or cut packets, by reason

    def run(self, source: Source, progress: ProgressCallback | None = None) -> Iterator[Record]:
        """Decode ``source`` (a path, ``"-"`` or a binary file object), yielding records in
        frame order; each run starts afresh, so one Decoder may run several captures."""
        self._reset()
        emitter = OrderedEmitter()
        pairing = _Pairing()
        account = PacketAccount()

        def leave(record: Record) -> Record:
            account.record(record)
            return pairing.apply(record)

        def emit_tcp(record: Record) -> None:
            emitter.push(record)
            udp.learn_from(record)  # a TCP reply may reveal the public address UDP waits for

        udp = UdpDecoder(
            self.book,
            emitter.push,
            emitter.hold,
            emitter.release,
            try_seen_addresses=self.options.try_seen_addresses,
            crypto_backend=self.options.crypto_backend,
            objects_backend=self.options.objects_backend,
        )
        tcp = TcpDecoder(
            emit_tcp,
            crypto_backend=self.options.crypto_backend,
            objects_backend=self.options.objects_backend,
        )
        net = NetDecoder()
        total = _size_of(source)
        last_frame, last_ts = 0, 0.0
        with open_capture(source, skip_unsupported=True) as reader:
            self.capture_format = reader.format
            count = 0
            for packet in reader:
                if self.first_time is None:
                    self.first_time = packet.ts
                last_frame, last_ts = packet.frame, packet.ts
                udp.expire(last_frame, last_ts)
                item = net.decode(packet)
                if isinstance(item, UdpDatagram):
                    udp.feed(item)
                elif isinstance(item, TcpSegment):
                    tcp.feed(item)
                if len(emitter):
                    # paired as they leave, in frame order: a held request still finds its reply
                    yield from map(leave, emitter.drain())
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0:
                    progress(count, _position(reader), total)
            self.truncated_file = reader.truncated
            self.warning = reader.warning
            self.skipped_note = reader.unsupported_note()
            if reader.skipped_unsupported and reader.skipped_unsupported == reader.packets_read:
                # nothing was decodable: that is "not a capture we can read", not "no Skype"
                raise CaptureError(self.skipped_note or "no packet on a decodable link type")
            udp.finish(last_frame, last_ts)
            tcp.finish(last_frame, last_ts)
            yield from map(leave, emitter.flush())
            if progress is not None:
                progress(count, total or 0, total)
            self.outcomes = account.outcomes(
                packets_read=reader.packets_read,
                skipped_link=reader.skipped_unsupported,
                net=net,
                udp_not_skype=udp.counts.get("udp_not_skype", 0),
                tcp_skype_segments=tcp.counts.get("tcp_skype_segments", 0),
            )
        self.reasons = dict(net.reasons)
        self.learned = list(udp.notes)
        self._summarise(net, udp, tcp)

    def _reset(self) -> None:
        """Forget what an earlier run learned: the same capture twice gives the same output."""
        self.book = AddressBook(self.options.public_ips)
        self.flows, self.stats, self.learned = [], {}, []
        self.outcomes, self.reasons = {}, {}
        self.capture_format, self.truncated_file = "", False
        self.warning = self.skipped_note = None
        self.first_time = None

    def _summarise(self, net: NetDecoder, udp: UdpDecoder, tcp: TcpDecoder) -> None:
        stats = dataclasses.asdict(net.stats)
        stats.update(
            {f"ip_fragments_{k}": v for k, v in dataclasses.asdict(net.fragments.stats).items()}
        )
        stats.update(udp.counts)
        stats.update(udp.fragment_counts())
        stats.update(tcp.counts)
        stats["tcp_connections_seen"] = tcp.connections_seen
        skype_tcp = {half.flow for half in tcp.finished}
        stats["tcp_skype_connections"] = len(skype_tcp)
        self.stats = stats
        flows = []
        for key, counts in udp.flows.items():
            problems = [f"{counts.unverified} unverified"] if counts.unverified else []
            if counts.incomplete:
                problems.append(f"{counts.incomplete} incomplete message(s)")
            flows.append(FlowStats(key, counts, ", ".join(problems) or "verified"))
        by_conn: dict[FlowKey, list[DirectionSummary]] = {}
        for half in tcp.finished:
            by_conn.setdefault(half.flow, []).append(half)
        for key, halves in by_conn.items():
            problems = sorted(
                f"{h.src} -> {h.dst}: {h.status}" for h in halves if h.status != "exact"
            )
            status = "; ".join(problems) if problems else f"exact ({len(halves)} directions)"
            merged = FlowCounters()
            for half in halves:
                merged.merge(half.counts)
            flows.append(FlowStats(key, merged, status))
        flows.sort(key=lambda f: f.counts.first_frame)
        self.flows = flows


class _Pairing:
    """Marks each reply block with the frame of the request it answers, and each repeated
    request (same endpoints and request id while the first is unanswered: a retransmission)
    with the frame that first sent it.

    Records are paired as they leave the reorder buffer, i.e. in frame order. Only the later
    block is annotated: the earlier one has been printed by the time the later arrives, and a
    streaming tool does not rewrite what it already showed. A reply names the latest copy of
    its request (the one it answers, as far as the capture can tell).
    """

    def __init__(self) -> None:
        # each open request: (its frame, the frame that first sent it)
        self._pairer: RequestPairer[tuple[int, int]] = RequestPairer(max_open=MAX_OPEN_REQUESTS)

    def apply(self, record: Record) -> Record:
        if not record.blocks:
            return record
        blocks = list(record.blocks)
        for i, block in enumerate(blocks):
            first = record.frame
            pairing = self._pairer.add(
                (record.frame, first),
                src=record.src,
                dst=record.dst,
                command=block.command,
                flags=block.flags,
                reqid=block.reqid,
            )
            if pairing.outcome is Outcome.PAIRED and pairing.request is not None:
                blocks[i] = replace(block, reply_to_frame=pairing.request[0])
            elif pairing.outcome is Outcome.REPEATED and pairing.request is not None:
                first = pairing.request[1]
                self._pairer.add(
                    (record.frame, first),
                    src=record.src,
                    dst=record.dst,
                    command=block.command,
                    flags=block.flags,
                    reqid=block.reqid,
                )  # keep the first frame for a third copy (same key: replaces, no new entry)
                blocks[i] = replace(block, resend_of_frame=first)
        record.blocks = blocks
        return record


def _size_of(source: Source) -> int | None:
    """The capture's size for the progress line: of a path, or of a regular file opened by the
    caller (``None`` for pipes, sockets and anything else without a size)."""
    try:
        if isinstance(source, str | os.PathLike):
            return None if os.fspath(source) == "-" else os.path.getsize(source)
        info = os.fstat(source.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        return None
    return info.st_size if stat.S_ISREG(info.st_mode) else None


def _position(reader: object) -> int:
    tell = getattr(reader, "bytes_read", None)
    return int(tell) if isinstance(tell, int) else 0
