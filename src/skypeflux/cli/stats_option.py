"""``decode --stats``: the tables of :mod:`skypeflux.outputs.stats` after the records."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

import click

from skypeflux.capture.pipeline import Decoder
from skypeflux.capture.records import Record
from skypeflux.outputs.stats import Statistics, format_statistics

stats_option = click.option(
    "--stats",
    "-z",
    "stats",
    is_flag=True,
    help="After the records, tables of what was shown (by unit and verdict, by command and "
    "kind, by host) and the decoder's counters, as tshark -z does.",
)


class StatsCollector:
    """Counts what ``decode`` shows, over all its captures, and prints the tables at the end."""

    def __init__(self) -> None:
        self.stats = Statistics()

    def see(self, record: Record, shown: Sequence[int]) -> None:
        self.stats.add(record, shown)

    def add_run(self, decoder: Decoder) -> None:
        self.stats.add_decoder(decoder.stats)

    def report(self, out: TextIO) -> None:
        out.write(format_statistics(self.stats))
        out.flush()
