"""The Lua plugin, assembled from its source parts and the product's own tables.

The plugin is one file a user copies into Wireshark's plugin folder, so it cannot import
anything, and one file of two thousand lines is hard to read and review. So the hand-written
Lua lives in ``parts/NN_name.lua`` (each a section of the plugin, in load order) and
``skypeflux.lua`` is generated: a header line, then the parts concatenated in name order, with
the 0x42 frequency tables, the command and object names and the ProtoFields written in between
their ``-- BEGIN GENERATED <what>`` and ``-- END GENERATED <what>`` markers (empty in the parts).
``python -m skypeflux.outputs.wireshark.generate`` rewrites the plugin; a test checks that the
committed file is exactly what the parts and tables give, so the Lua never drifts from the
parts, :mod:`skypeflux.objects.tables`, :mod:`skypeflux.messages.names_data` and the field
registry.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from skypeflux.messages import names_data
from skypeflux.objects import tables

PLUGIN = Path(__file__).with_name("skypeflux.lua")
PARTS = Path(__file__).with_name("parts")
HEADER_LINE = (
    "-- GENERATED from parts/*.lua by `python -m skypeflux.outputs.wireshark.generate`:"
    " edit the parts, not this file.\n"
)
_SECTION = re.compile(
    r"(-- BEGIN GENERATED (?P<what>[A-Z ]+?) \(.*?\)\n)(?P<body>.*?)(-- END GENERATED (?P=what)\n)",
    re.S,
)


def _lua_string(data: bytes) -> str:
    """A Lua string literal of arbitrary bytes (decimal escapes: valid in every Lua)."""
    out = []
    for byte in data:
        if 0x20 <= byte < 0x7F and chr(byte) not in '"\\':
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03d}")
    return '"' + "".join(out) + '"'


def _numbers(values: Iterable[int], per_line: int = 16, indent: str = "    ") -> str:
    items = [f"0x{v:03X}" for v in values]
    lines = [", ".join(items[i : i + per_line]) for i in range(0, len(items), per_line)]
    return "{\n" + ",\n".join(indent + line for line in lines) + ",\n}"


def _table_list(name: str, rows: Iterable[tuple[int, ...]]) -> str:
    body = []
    for index, row in enumerate(rows):
        body.append(f"    [{index}] = " + _numbers(row, indent="        ")[:-1] + "    },")
    return f"local {name} = {{\n" + "\n".join(body) + "\n}\n"


def tables_section() -> str:
    """The 0x42 model constants (objects.md section 6) as Lua tables."""
    parts = [
        f"local HEADER = {_numbers(tables.HEADER)}\n",
        f"local SMALL_NUMBER = {_numbers(tables.SMALL_NUMBER)}\n",
        f"local VALUE_NUMBER = {_numbers(tables.VALUE_NUMBER)}\n",
        "local INITIAL_FAMILY_ORDER = { "
        + ", ".join(str(f) for f in tables.INITIAL_FAMILY_ORDER)
        + " }\n",
        "local CLASS_CHARS = {\n"
        + "\n".join(
            f"    [{i}] = {_lua_string(chars)}," for i, chars in enumerate(tables.CLASS_CHARS)
        )
        + "\n}\n",
        _table_list("WITHIN_CLASS", tables.WITHIN_CLASS),
        _table_list("NEXT_CLASS", tables.NEXT_CLASS),
    ]
    return "".join(parts)


def _entry(entry: tuple[str, bool]) -> str:
    name, guessed = entry
    return f'{{ "{name}", {"true" if guessed else "false"} }}'


def _path_key(key: tuple[Any, ...]) -> str | None:
    """``(id, family)`` or a path of them from the top list down, as the plugin's string key
    ``"id:family>id:family"``; None for a key of another shape."""
    steps = [key] if len(key) == 2 and all(isinstance(k, int) for k in key) else list(key)
    if not all(isinstance(step, tuple) and len(step) == 2 for step in steps):
        return None
    return ">".join(f"{oid}:{family}" for oid, family in steps)


def names_section() -> str:
    """Command and object names (protocol.md 5.2-5.3) with their guess flags.

    Object names are keyed by path (``"17:2"`` at the top level, ``"0:5>0:3"`` inside a list),
    or by id alone for a top-level object of any family.
    """
    lines = ["local COMMANDS = {"]
    for cmd, entry in sorted(names_data.COMMANDS.items()):
        lines.append(f"    [{cmd}] = {_entry(entry)},")
    lines.append("}")
    lines.append("local OBJECTS_BY_COMMAND = {")
    for cmd, table in sorted(names_data.OBJECTS_BY_COMMAND.items()):
        ids = sorted((k, e) for k, e in table.items() if isinstance(k, int))
        paths = sorted(
            (path, e)
            for k, e in table.items()
            if isinstance(k, tuple) and (path := _path_key(k)) is not None
        )
        lines.append(f"    [{cmd}] = {{")
        if ids:
            lines.append(
                "        ids = { " + ", ".join(f"[{k}] = {_entry(e)}" for k, e in ids) + " },"
            )
        if paths:
            lines.append(
                "        paths = { " + ", ".join(f'["{k}"] = {_entry(e)}' for k, e in paths) + " },"
            )
        lines.append("    },")
    lines.append("}")
    lines.append("local OBJECTS_GENERIC = {")
    generic: dict[int, tuple[str, bool]] = getattr(names_data, "OBJECTS_GENERIC", {})
    for oid, entry in sorted(generic.items()):
        lines.append(f"    [{oid}] = {_entry(entry)},")
    lines.append("}")
    return "\n".join(lines) + "\n"


def sections() -> dict[str, Callable[[], str]]:
    """Every generated section of the plugin, by marker name."""
    from skypeflux.outputs.wireshark.lua_fields import fields_section

    return {"TABLES": tables_section, "NAMES": names_section, "FIELDS": fields_section}


def render(text: str) -> str:
    """``text`` (the plugin source) with every generated section rewritten."""
    makers = sections()

    def replace(match: re.Match[str]) -> str:
        what = match.group("what")
        maker = makers.get(what)
        if maker is None:
            raise KeyError(f"unknown generated section {what!r} in the plugin")
        return match.group(1) + maker() + match.group(4)

    return _SECTION.sub(replace, text)


def part_paths() -> list[Path]:
    """The plugin's source parts, in the order they are assembled (their names sort so)."""
    paths = sorted(PARTS.glob("[0-9][0-9]_*.lua"))
    if not paths:
        raise FileNotFoundError(f"no plugin parts in {PARTS}")
    return paths


def assemble() -> str:
    """The whole plugin: the header line, every part in order, generated sections filled in."""
    text = "".join(path.read_text(encoding="utf-8") for path in part_paths())
    return HEADER_LINE + render(text)


def main(argv: list[str] | None = None) -> int:
    """Write the assembled plugin; ``--check`` only says whether the committed one is current."""
    args = sys.argv[1:] if argv is None else argv
    current = PLUGIN.read_text(encoding="utf-8") if PLUGIN.exists() else ""
    wanted = assemble()
    if "--check" in args:
        if wanted != current:
            print(f"{PLUGIN} is out of date: run python -m skypeflux.outputs.wireshark.generate")
            return 1
        return 0
    if wanted != current:
        PLUGIN.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
