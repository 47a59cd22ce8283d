"""The main job: a capture in, verified Skype records out, in frame order, in two passes.

``Decoder.run`` reads the capture twice, packet by packet (never the whole file in memory):

1. a cheap **survey** (``skype/survey.py``) collects the evidence of public addresses (clear
   ACK/NAck bodies, object 0x11 of TCP replies) over the whole capture and confirms it by CRC
   on a few sample datagrams, notes which endpoints follow Skype's datagram pattern, and the last
   frame of every flow;
2. the **decoding pass** hands UDP datagrams and TCP segments to their decoders, which start
   out knowing everything the survey proved, so a datagram decodes the same wherever the
   capture starts and wherever its evidence sits; requests are paired with replies.

Standard input (or any stream that cannot seek) is first spooled to an anonymous temporary
file (``tempfile.TemporaryFile``: the system's temporary folder, ``TMPDIR``), deleted when the
run ends, so it gives exactly the result of the same capture read from a file.

Memory is bounded by the open flows: fragment sets, TCP reassembly buffers, the request table,
the survey's samples and tables all have limits, and a flow's counters leave memory at its last
frame (the survey marks it: one bit per frame). What grows is that bit, counts per pair of
Skype addresses (for the host summaries), and, only with ``DecodeOptions.keep_flows`` (the
``flows`` table), one row per Skype flow (``benchmarks/bench_throughput.py`` measures resident
memory on captures of many flows).
"""

from __future__ import annotations

import dataclasses
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Any, BinaryIO, cast

from skypeflux import crypto, objects
from skypeflux.capture.accounting import PacketAccount
from skypeflux.capture.emitter import OrderedEmitter
from skypeflux.capture.errors import CaptureError
from skypeflux.capture.files.capture_set import CaptureFiles, Part
from skypeflux.capture.files.source import Source, check_file_object, open_capture
from skypeflux.capture.files.spool import spooled
from skypeflux.capture.flows import FlowStats, FlowTable, FlowTotals
from skypeflux.capture.limits import Limits
from skypeflux.capture.net.ip_fragments import FragmentReassembler
from skypeflux.capture.net.packets import NetDecoder, TcpSegment, UdpDatagram
from skypeflux.capture.records import FlowKey, Record, Transport
from skypeflux.capture.skype.addresses import AddressBook
from skypeflux.capture.skype.survey import Survey, SurveyResult
from skypeflux.capture.skype.tcp_decoder import TcpDecoder
from skypeflux.capture.skype.udp_decoder import UdpDecoder
from skypeflux.capture.summary import HostSummary, host_summaries
from skypeflux.ipv4 import Endpoint
from skypeflux.messages.pairing import Outcome, RequestPairer

ProgressCallback = Callable[[int, int, int | None], None]
PROGRESS_EVERY = 500  # packets between progress callbacks
MAX_OPEN_REQUESTS = 4096  # unanswered requests remembered for pairing

__all__ = ["DecodeOptions", "Decoder", "FlowStats", "HostSummary", "ProgressCallback"]


@dataclass(slots=True)
class DecodeOptions:
    """What a user can tell the decoder.

    ``public_ips`` maps a captured (private) address to its public one; the key ``None`` applies
    to every private host. A user's address is tried first on every datagram, but it is a claim
    like any other: the CRC decides, and :attr:`Decoder.warnings` says when the capture does not
    bear it out. ``try_seen_addresses`` lets the decoder try, as a last resort, public addresses
    seen in the capture for datagrams nothing else decrypts. ``crypto_backend`` and
    ``objects_backend`` are the implementations the decoders use (default: the C ones when
    built); the command line fills them from its environment variables, nothing below reads them.
    ``limits`` bounds every table a capture can fill (:mod:`skypeflux.capture.limits`).
    ``keep_flows`` keeps one row per Skype flow for :attr:`Decoder.flows` (the ``flows``
    table); without it a finished flow leaves only its share of the totals and host figures,
    so memory does not grow with the number of flows in the capture.
    """

    public_ips: dict[str | None, str] = field(default_factory=dict)
    try_seen_addresses: bool = True
    crypto_backend: crypto.Backend = field(default_factory=crypto.get_backend)
    objects_backend: objects.Backend = field(default_factory=objects.get_backend)
    limits: Limits = field(default_factory=Limits)
    keep_flows: bool = True


class Decoder:
    """Runs the whole pipeline over one capture; see the module docstring."""

    def __init__(self, options: DecodeOptions | None = None) -> None:
        self.options = options or DecodeOptions()
        self.book = _address_book(self.options)
        self.flows: list[FlowStats] = []  # with DecodeOptions.keep_flows
        self.totals = FlowTotals()
        self.hosts: list[HostSummary] = []
        self.stats: dict[str, int] = {}
        self.learned: list[Record] = []  # the first 4,096 notes of learned addresses
        self.warnings: list[str] = []  # facts the user gave that the capture does not bear out
        self.capture_format = ""
        self.truncated_file = False
        self.warning: str | None = None  # what the reader had to say (a cut file), in words
        self.skipped_note: str | None = None  # packets on link types we cannot decode
        self.first_time: float | None = None  # time of the first packet (tshark's origin)
        self.last_frame = 0
        self.last_time = 0.0
        # one outcome per packet read (see capture.accounting); they add up to packets_read
        self.outcomes: dict[str, int] = {}
        self.reasons: dict[str, int] = {}  # malformed or cut packets, by reason

    @property
    def verified_units(self) -> int:
        return self.totals.verified

    @property
    def skype_units(self) -> int:
        return self.totals.units

    def run(self, source: Source, progress: ProgressCallback | None = None) -> Iterator[Record]:
        """Decode ``source`` (a path, ``"-"`` or a binary file object), yielding records in
        frame order; each run starts afresh, so one Decoder may run several captures."""
        self._reset()
        with _rewindable(source) as (reopen, total):
            survey = self._survey(reopen(), progress, total)
            yield from self._decode(reopen(), survey, progress, total)

    def _reset(self) -> None:
        """Forget what an earlier run learned: the same capture twice gives the same output."""
        self.book = _address_book(self.options)
        self.flows, self.hosts, self.stats, self.learned = [], [], {}, []
        self.totals = FlowTotals()
        self.outcomes, self.reasons, self.warnings = {}, {}, []
        self.capture_format, self.truncated_file = "", False
        self.warning = self.skipped_note = None
        self.first_time = None
        self.last_frame, self.last_time = 0, 0.0

    # -- pass 1 ------------------------------------------------------------------------------

    def _survey(
        self, source: Source, progress: ProgressCallback | None, total: int | None
    ) -> SurveyResult:
        options = self.options
        survey = Survey(
            self.book,
            crypto_backend=options.crypto_backend,
            objects_backend=options.objects_backend,
            limits=options.limits,
        )
        net = _net_decoder(options.limits)
        feed_udp, feed_tcp = survey.feed_udp, survey.feed_tcp
        count = 0
        with open_capture(source, skip_unsupported=True) as reader:
            for batch in net.stream(reader):
                for _frame, _ts, _wirelen, item in batch:
                    if isinstance(item, UdpDatagram):
                        feed_udp(item)
                    elif isinstance(item, TcpSegment):
                        feed_tcp(item)
                    count += 1
                    if progress is not None and count % PROGRESS_EVERY == 0:
                        progress(count, _position(reader) // 2, total)
        return survey.finish()

    # -- pass 2 ------------------------------------------------------------------------------

    def _decode(
        self,
        source: Source,
        survey: SurveyResult,
        progress: ProgressCallback | None,
        total: int | None,
    ) -> Iterator[Record]:
        emitter = OrderedEmitter()
        held = emitter.held
        limits = self.options.limits
        pairing = _Pairing(limits.open_requests)
        table = FlowTable(keep_rows=self.options.keep_flows)
        account = PacketAccount()
        udp = UdpDecoder(
            self.book,
            emitter.push,
            survey,
            try_seen_addresses=self.options.try_seen_addresses,
            crypto_backend=self.options.crypto_backend,
            objects_backend=self.options.objects_backend,
            limits=limits,
        )
        tcp = TcpDecoder(
            emitter.push,
            crypto_backend=self.options.crypto_backend,
            objects_backend=self.options.objects_backend,
            limits=limits,
        )
        net = _net_decoder(limits)
        proofs = sorted(survey.proofs, key=lambda p: p[1].frame)
        # the flows' last frames, ascending, met in order: one comparison a packet
        end_frames = survey.ends.frames()
        next_end = next(end_frames, None)
        count_packet = table.packet
        last_frame, last_ts = 0, 0.0
        ended: tuple[Transport, Endpoint, Endpoint] | None = None

        def out(records: Iterator[Record]) -> Iterator[Record]:
            for record in records:
                table.record(record)
                account.record(record)
                yield pairing.apply(record)  # in frame order: a request precedes its reply

        with open_capture(source, skip_unsupported=True) as reader:
            self.capture_format = reader.format
            count = 0
            for batch in net.stream(reader):
                if self.first_time is None:
                    self.first_time = batch[0][1]
                # a local, not the field: the consumer runs between packets, and compiled code
                # would trust mypy's narrowing of the field to float past anything it does
                origin = self.first_time
                for frame, ts, wirelen, item in batch:
                    last_frame, last_ts = frame, ts
                    while proofs and proofs[0][1].frame <= frame:
                        entry, sample = proofs.pop(0)
                        note = udp.note(entry, sample.frame, sample.ts, sample.src, sample.dst)
                        emitter.push(note)
                    if item is not None:
                        while next_end is not None and next_end < item.frame:
                            next_end = next(end_frames, None)  # only if the passes disagreed
                        if isinstance(item, UdpDatagram):
                            src, dst = item.source, item.destination
                            count_packet(Transport.UDP, src, dst, wirelen, ts)
                            udp.feed(item)
                            if item.frame == next_end:
                                udp.flow_ended(FlowKey.udp(src, dst), item.frame, item.ts)
                                ended = Transport.UDP, src, dst
                        else:
                            src, dst = item.source, item.destination
                            count_packet(Transport.TCP, src, dst, wirelen, ts)
                            tcp.feed(item)
                            if item.frame == next_end:
                                tcp.close_connection(item)
                                ended = Transport.TCP, src, dst
                    if held:
                        yield from out(emitter.drain())
                    if ended is not None:  # its records are out: its counters can go
                        table.end(*ended, origin)
                        ended = None
                    count += 1
                    if progress is not None and count % PROGRESS_EVERY == 0:
                        progress(count, ((total or 0) + _position(reader)) // 2, total)
            self.truncated_file = reader.truncated
            self.warning = reader.warning
            self.skipped_note = reader.unsupported_note()
            if reader.skipped_unsupported and reader.skipped_unsupported == reader.packets_read:
                # nothing was decodable: that is "not a capture we can read", not "no Skype"
                raise CaptureError(self.skipped_note or "no packet on a decodable link type")
            for entry, sample in proofs:
                emitter.push(udp.note(entry, sample.frame, sample.ts, sample.src, sample.dst))
            udp.finish(last_frame, last_ts)
            tcp.finish(last_frame, last_ts)
            yield from out(emitter.flush())
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
        self.last_frame, self.last_time = last_frame, last_ts
        self.learned = sorted(udp.notes, key=lambda r: r.frame)
        self._summarise(net, udp, tcp, table)
        self.warnings = self.book.user_conflicts(sorted(udp.private_hosts))

    def _summarise(
        self, net: NetDecoder, udp: UdpDecoder, tcp: TcpDecoder, table: FlowTable
    ) -> None:
        stats = dataclasses.asdict(net.stats)
        stats.update(
            {f"ip_fragments_{k}": v for k, v in dataclasses.asdict(net.fragments.stats).items()}
        )
        stats.update(udp.counts)
        stats.update(udp.fragment_counts())
        stats.update(tcp.counts)
        stats["tcp_connections_seen"] = tcp.connections_seen
        stats["tcp_skype_connections"] = tcp.skype_connections
        stats["address_hosts_forgotten"] = self.book.hosts_forgotten
        stats["address_publics_forgotten"] = self.book.publics_forgotten
        self.stats = stats
        self.flows = table.finish(self.first_time or 0.0)
        self.totals = table.totals
        self.hosts = host_summaries(table.pairs, self.book)

    def summary(self) -> dict[str, Any]:
        """The end of the run in figures (the last line of ``decode --json`` carries it)."""
        return {
            "units": self.totals.units,
            "verified": self.totals.verified,
            "unverified": self.totals.unverified,
            "clear": self.totals.clear,
            "flows": self.totals.flows,
            "hosts": [host.to_json() for host in self.hosts],
            "warnings": list(self.warnings),
            # where every packet went, disjoint and adding up to the packets read
            "packets": dict(self.outcomes),
        }


class _Pairing:
    """Marks each reply block with the frame of the request it answers, and each repeated
    request (same endpoints and request id while the first is unanswered: a retransmission)
    with the frame that first sent it.

    Records are paired as they leave the reorder buffer, i.e. in frame order. Only the later
    block is annotated: the earlier one has been printed by the time the later arrives, and a
    streaming tool does not rewrite what it already showed. A reply names the latest copy of
    its request (the one it answers, as far as the capture can tell).
    """

    def __init__(self, max_open: int = MAX_OPEN_REQUESTS) -> None:
        # each open request: (its frame, the frame that first sent it)
        self._pairer: RequestPairer[tuple[int, int]] = RequestPairer(max_open=max_open)

    def apply(self, record: Record) -> Record:
        if not record.blocks:
            return record
        blocks = list(record.blocks)
        for i, block in enumerate(blocks):
            if block.reqid is None:
                continue  # nothing to pair (most blocks of most units)
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
                blocks[i] = block.paired(reply_to_frame=pairing.request[0])
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
                blocks[i] = block.paired(resend_of_frame=first)
        record.blocks = blocks
        return record


def _address_book(options: DecodeOptions) -> AddressBook:
    return AddressBook(options.public_ips, max_hosts=options.limits.address_hosts)


def _net_decoder(limits: Limits) -> NetDecoder:
    """Link and IP decoding with the IP fragment bounds a user set (both passes)."""
    return NetDecoder(
        fragments=FragmentReassembler(
            max_sets=limits.ip_fragment_sets,
            timeout=limits.ip_fragment_seconds,
            max_pieces=limits.ip_fragment_pieces,
            max_bytes=limits.ip_fragment_memory,
        )
    )


@contextmanager
def _rewindable(source: Source) -> Iterator[tuple[Callable[[], Source], int | None]]:
    """A way to read ``source`` twice: a path is opened twice; a seekable stream is rewound;
    standard input or a pipe is first copied to an anonymous temporary file; several files read
    as one, each of them so."""
    if isinstance(source, CaptureFiles):
        with ExitStack() as stack:
            parts = [stack.enter_context(_rewindable(part)) for part in source.parts]
            sizes = [size for _, size in parts]
            whole = None if None in sizes else sum(size or 0 for size in sizes)
            yield (lambda: CaptureFiles(tuple(cast(Part, again()) for again, _ in parts))), whole
        return
    if isinstance(source, str | os.PathLike) and os.fspath(source) != "-":
        try:
            total: int | None = os.path.getsize(source)
        except OSError:
            total = None
        yield (lambda: source), total
        return
    stream: BinaryIO
    if isinstance(source, str | os.PathLike):
        stream = sys.stdin.buffer
    else:
        check_file_object(source)  # a wrong kind of source fails as it would when read once
        stream = source
    start = _seekable_position(stream)
    if start is not None:

        def rewind() -> Source:
            stream.seek(start)
            return stream

        yield rewind, None
        return
    name = str(getattr(stream, "name", "<stdin>"))
    with spooled(stream, name) as spool:
        size = spool.tell()

        def from_spool() -> Source:
            spool.seek(0)
            return cast(BinaryIO, _Named(spool, name))

        yield from_spool, size


class _Named(io.RawIOBase):
    """The spooled copy, read under the original stream's name (messages say ``<stdin>``)."""

    def __init__(self, inner: BinaryIO, name: str) -> None:
        super().__init__()
        self._inner = inner
        self.name = name

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        return self._inner.readinto(buffer)  # type: ignore[attr-defined, no-any-return]

    def close(self) -> None:  # the spool is closed by its own context
        super().close()


def _seekable_position(stream: BinaryIO) -> int | None:
    try:
        if stream.seekable():
            return stream.tell()
    except (OSError, ValueError, AttributeError):
        pass
    return None


def _position(reader: object) -> int:
    tell = getattr(reader, "bytes_read", None)
    return int(tell) if isinstance(tell, int) else 0
