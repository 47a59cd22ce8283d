"""``decode -t``: the time column in tshark's formats.

``r`` seconds since the first packet (the default), ``a`` time of day, ``ad`` date and time,
``d`` and ``dd`` seconds since the previous record shown (the only packets this output shows are
Skype units, so both of tshark's deltas mean that here), ``e`` seconds since the epoch, ``u``
and ``ud`` as ``a`` and ``ad`` in UTC. ``a`` and ``ad`` use the local time zone, as tshark does.
A time no calendar holds (a crafted timestamp, or pcapng time offset) is shown as its seconds.
"""

from __future__ import annotations

from datetime import UTC, datetime

FORMATS = ("r", "a", "ad", "d", "dd", "e", "u", "ud")


class Clock:
    """Formats each record's time; stateful for the deltas (one clock per output)."""

    def __init__(self, fmt: str = "r") -> None:
        if fmt not in FORMATS:
            raise ValueError(f"unknown time format {fmt!r} (one of {', '.join(FORMATS)})")
        self.fmt = fmt
        self._previous: float | None = None

    def text(self, time: float, origin: float) -> str:
        fmt = self.fmt
        if fmt == "r":
            return f"{time - origin:>11.6f}"
        if fmt == "e":
            return f"{time:.6f}"
        if fmt in ("d", "dd"):
            delta = 0.0 if self._previous is None else time - self._previous
            self._previous = time
            return f"{delta:>11.6f}"
        try:
            when = datetime.fromtimestamp(time, UTC if fmt.startswith("u") else None)
            if not fmt.startswith("u"):
                when = when.astimezone()
        except (OverflowError, OSError, ValueError):  # a time no calendar holds
            return f"(not representable: {time:.6f})"
        if fmt.endswith("d"):
            return when.strftime("%Y-%m-%d %H:%M:%S.%f")
        return when.strftime("%H:%M:%S.%f")
