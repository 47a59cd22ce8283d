"""``decode -T fields -e F ...``: one line per record with the chosen fields, as tshark prints them.

The values are the JSON lines' values (same names, same facts), formatted as tshark formats
fields: integers in decimal (the registry's hex fields as ``0x`` and digits), booleans as 1/0,
an absent field as nothing, several occurrences joined by the aggregator (``,``). The ``-E``
options are tshark's: ``header=y``, ``separator=/t|/s|C``, ``occurrence=f|l|a|N``,
``aggregator=,|/s|C``, ``quote=d|s|n``. Block and object fields list the blocks a filter
selected (all of them without a filter).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from skypeflux.capture.records import Record
from skypeflux.outputs import field_access as fa
from skypeflux.outputs.jsonl import REPLY_IN_FRAME, add_reply_frames, record_to_json


@dataclass(frozen=True, slots=True)
class FieldOptions:
    """tshark's ``-E`` settings."""

    header: bool = False
    separator: str = "\t"
    occurrence: str = "a"  # f(irst), l(ast), a(ll) or a 1-based number
    aggregator: str = ","
    quote: str = ""


def _char(value: str, what: str) -> str:
    special = {"/t": "\t", "/s": " "}
    if value in special:
        return special[value]
    if len(value) != 1:
        raise ValueError(f"-E {what}= takes one character, /t or /s, not {value!r}")
    return value


def parse_field_options(settings: Sequence[str]) -> FieldOptions:
    """``-E key=value`` settings -> options; ValueError names a bad one."""
    values: dict[str, Any] = {}
    for setting in settings:
        key, sep, value = setting.partition("=")
        key = key.strip().lower()
        if not sep:
            raise ValueError(f"-E takes key=value, not {setting!r}")
        if key == "header":
            if value.lower() not in ("y", "n"):
                raise ValueError(f"-E header= takes y or n, not {value!r}")
            values["header"] = value.lower() == "y"
        elif key == "separator":
            values["separator"] = _char(value, key)
        elif key == "aggregator":
            values["aggregator"] = _char(value, key)
        elif key == "quote":
            quotes = {"d": '"', "s": "'", "n": ""}
            if value not in quotes:
                raise ValueError(f"-E quote= takes d, s or n, not {value!r}")
            values["quote"] = quotes[value]
        elif key == "occurrence":
            if value not in ("f", "l", "a") and not (value.isdigit() and int(value) > 0):
                raise ValueError(f"-E occurrence= takes f, l, a or a number from 1, not {value!r}")
            values["occurrence"] = value
        else:
            known = "header, separator, occurrence, aggregator, quote"
            raise ValueError(f"unknown -E setting {key!r} (one of {known})")
    return FieldOptions(**values)


def resolve_fields(names: Sequence[str]) -> list[fa.Field]:
    """The ``-e`` names as fields; ValueError names an unknown one."""
    fields = []
    for name in names:
        field = fa.lookup(name)
        if field is None:
            if name in fa.PLUGIN_ONLY:
                raise ValueError(f"-e {name}: not in decode's output: {fa.PLUGIN_ONLY[name]}")
            raise ValueError(f"unknown field {name!r} for -e (skypeflux fields lists them)")
        fields.append(field)
    return fields


def format_value(value: Any, hex_width: int = 0) -> str:
    """One occurrence as tshark prints it (a hex-based integer field as ``0x`` and digits)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if hex_width and isinstance(value, int):
        return f"0x{value:0{hex_width}x}"
    if isinstance(value, float):
        return f"{value:.6f}"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


class FieldsWriter:
    """Writes one separated line per record: the ``-T fields`` output."""

    def __init__(self, out: TextIO, fields: Sequence[fa.Field], options: FieldOptions) -> None:
        self._out = out
        self._fields = list(fields)
        self._options = options
        self.origin: float | None = None
        self._header_due = options.header
        self.replies: Mapping[tuple[int, int], int] | None = None
        """Set by the caller when a field needs a later reply (``skypeflux.reply_in_frame``)."""

    @property
    def needs_replies(self) -> bool:
        return any(field.name == REPLY_IN_FRAME for field in self._fields)

    def _cell(self, occurrences: list[Any], hex_width: int = 0) -> str:
        chosen = self._options.occurrence
        if chosen == "f":
            occurrences = occurrences[:1]
        elif chosen == "l":
            occurrences = occurrences[-1:]
        elif chosen != "a":
            index = int(chosen) - 1
            occurrences = occurrences[index : index + 1]
        text = self._options.aggregator.join(format_value(v, hex_width) for v in occurrences)
        quote = self._options.quote
        return f"{quote}{text}{quote}" if quote else text

    def line(self, data: dict[str, Any], only: Sequence[int] | None = None) -> str:
        """The line for the JSON form of a record (``only``: the blocks a filter selected)."""
        blocks: list[dict[str, Any]] = data.get("skypeflux.blocks") or []
        if only is not None:
            blocks = [blocks[i] for i in only if 0 <= i < len(blocks)]
        cells = [
            self._cell(fa.values(field, data, blocks), field.hex_width) for field in self._fields
        ]
        return self._options.separator.join(cells)

    def write(self, record: Record, only: Sequence[int] | None = None) -> None:
        if self.origin is None:
            self.origin = record.time
        if self._header_due:
            self._header_due = False
            names = (self._cell([field.name]) for field in self._fields)
            self._out.write(self._options.separator.join(names) + "\n")
        data = record_to_json(record, self.origin)
        if self.replies is not None:
            add_reply_frames(data, record.frame, self.replies)
        self._out.write(self.line(data, only) + "\n")
