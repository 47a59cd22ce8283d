"""``decode --stats``: tshark ``-z``-style tables of what was shown, and the decoder's counters.

Three tables, each counted over the records and blocks the filters let through (so
``-Y 'ip.addr == 10.0.0.0/8' --stats`` counts that network only), then the decoder's own
counters (``Decoder.stats``: packets read, UDP/TCP, what was verified, what was thrown away),
which describe the whole capture:

* records by unit and verdict (the end-of-run counts);
* command blocks by command and kind (request, reply, notify), with the name;
* requests: how many were answered (a reply names their frame), left unanswered, or resent;
* hosts: records and blocks sent and received per IP address, and plaintext bytes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from skypeflux.capture.records import Record, UnitKind
from skypeflux.outputs.naming import command_kind


@dataclass(slots=True)
class HostCounts:
    sent: int = 0
    received: int = 0
    blocks_sent: int = 0
    blocks_received: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0


@dataclass(slots=True)
class Statistics:
    """Counts over the records shown; :meth:`add` one record with the blocks shown of it."""

    units: Counter[tuple[str, str]] = field(default_factory=Counter)
    commands: Counter[tuple[int, str]] = field(default_factory=Counter)
    names: dict[int, str] = field(default_factory=dict)
    hosts: dict[str, HostCounts] = field(default_factory=dict)
    decoder: Counter[str] = field(default_factory=Counter)
    records: int = 0
    blocks: int = 0
    requests: set[int] = field(default_factory=set)  # frames that sent a request
    answered: set[int] = field(default_factory=set)  # request frames some reply names
    resent: int = 0

    def add(self, record: Record, shown: Sequence[int]) -> None:
        self.records += 1
        self.units[(record.unit, record.verification.status)] += 1
        blocks = [record.blocks[i] for i in shown if 0 <= i < len(record.blocks)]
        for block in blocks:
            kind = command_kind(block.flags)
            self.commands[(block.command, kind)] += 1
            if kind == "request":
                self.requests.add(record.frame)
            if block.reply_to_frame is not None:
                self.answered.add(block.reply_to_frame)
            if block.resend_of_frame is not None:
                self.resent += 1
            if block.name:
                self.names[block.command] = block.name
        self.blocks += len(blocks)
        if record.unit == UnitKind.NOTE:
            return  # a note is about a host, not traffic between two
        size = len(record.plaintext) if record.plaintext else 0
        src = self.hosts.setdefault(record.src.host, HostCounts())
        dst = self.hosts.setdefault(record.dst.host, HostCounts())
        src.sent += 1
        src.blocks_sent += len(blocks)
        src.bytes_sent += size
        dst.received += 1
        dst.blocks_received += len(blocks)
        dst.bytes_received += size

    def add_decoder(self, stats: Mapping[str, int]) -> None:
        self.decoder.update(stats)


def _table(title: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]
    rule = "=" * max(len(title), sum(widths) + 2 * (len(widths) - 1))

    def line(row: Sequence[str]) -> str:
        first = f"{row[0]:<{widths[0]}}"
        rest = [f"{cell:>{widths[i + 1]}}" for i, cell in enumerate(row[1:])]
        return "  ".join([first, *rest]).rstrip()

    return [rule, title, rule, line(header), *(line(row) for row in cells), rule]


def format_statistics(stats: Statistics) -> str:
    """The tables as text, in the order the module docstring gives."""
    lines: list[str] = []
    units = sorted(stats.units.items())
    lines += _table(
        f"Records: {stats.records} shown, {stats.blocks} command blocks",
        ["unit", "verdict", "records"],
        [(unit, verdict, n) for (unit, verdict), n in units] or [("-", "-", 0)],
    )
    commands = sorted(stats.commands.items())
    lines += _table(
        "Command blocks by command and kind",
        ["cmd", "name", "kind", "blocks"],
        [(c, stats.names.get(c, "-"), kind, n) for (c, kind), n in commands] or [("-",) * 3 + (0,)],
    )
    unanswered = len(stats.requests - stats.answered)
    lines += _table(
        "Requests (frames holding one)",
        ["requests", "answered", "unanswered", "resent"],
        [(len(stats.requests), len(stats.requests & stats.answered), unanswered, stats.resent)],
    )
    hosts = sorted(
        stats.hosts.items(), key=lambda item: (-(item[1].sent + item[1].received), item[0])
    )
    lines += _table(
        "Hosts",
        ["address", "sent", "received", "blocks out", "blocks in", "bytes out", "bytes in"],
        [
            (
                h,
                c.sent,
                c.received,
                c.blocks_sent,
                c.blocks_received,
                c.bytes_sent,
                c.bytes_received,
            )
            for h, c in hosts
        ]
        or [("-", 0, 0, 0, 0, 0, 0)],
    )
    decoder = [(key, n) for key, n in stats.decoder.items()]
    lines += _table("Decoder counters (whole capture)", ["counter", "value"], decoder or [("-", 0)])
    return "\n".join(lines) + "\n"
