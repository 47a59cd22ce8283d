"""How object values and loose fields are shown to a person, and made safe for JSON.

Strings on the wire are arbitrary bytes: they are shown as text only when they decode as UTF-8
and every character is printable, so a capture can never write terminal escape sequences to the
user's screen. Blobs can be kilobytes long (certificates, 11 kB search results), so the text
output shows a prefix and the total length unless the user asks for everything.
"""

from __future__ import annotations

import json
from typing import Any

from skypeflux.ipv4 import Endpoint
from skypeflux.objects import Address, Family
from skypeflux.objects.model import Value

BLOB_PREVIEW_BYTES = 32
INTLIST_PREVIEW_ITEMS = 16


def printable_text(data: bytes) -> str | None:
    """The bytes as text when they are printable UTF-8, else None (show them as hex)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() else None


def hex_preview(data: bytes, *, full: bool, limit: int = BLOB_PREVIEW_BYTES) -> str:
    """Hex of ``data``; when not ``full`` and longer than ``limit``, a prefix and the length."""
    if full or len(data) <= limit:
        return data.hex()
    return f"{data[:limit].hex()}... ({len(data)} bytes)"


def string_text(value: Value) -> str | None:
    """Printable text of a family-3 value, or None."""
    return printable_text(value) if isinstance(value, bytes) else None


def render_value(family: int, value: Value, *, full: bool) -> str:
    """One object's value as a person reads it (family 5 is rendered by the caller, nested)."""
    if family == Family.NUMBER and isinstance(value, int):
        return f"{value} (0x{value:x})"
    if family == Family.UINT64 and isinstance(value, int):
        return f"0x{value:016x} ({value})"
    if family == Family.STRING and isinstance(value, bytes):
        text = printable_text(value)
        if text is not None:
            return json.dumps(text, ensure_ascii=False)
        return f"hex {hex_preview(value, full=full)}"
    if family == Family.BLOB and isinstance(value, bytes):
        if full or len(value) <= BLOB_PREVIEW_BYTES:
            return f"{value.hex()} ({len(value)} bytes)"
        return hex_preview(value, full=False)
    if family == Family.INT_LIST and isinstance(value, tuple):
        items = value if full else value[:INTLIST_PREVIEW_ITEMS]
        shown = ", ".join(str(item) for item in items)
        more = "" if len(items) == len(value) else f", ... ({len(value)} items)"
        return f"[{shown}{more}]"
    return str(value)


def plain_value(value: Value) -> Any:
    """An object's value in the tree form (spec objects.md): numbers, ``"a.b.c.d:port"``, hex
    for strings and blobs, a list for int lists; nested lists are the caller's."""
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, Address):
        return str(value)
    if isinstance(value, tuple):
        return list(value)
    return value


_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})


def json_safe(value: Any) -> Any:
    """``value`` with bytes as hex and tuples/sets as lists, so json.dumps cannot fail on it."""
    if type(value) in _AS_THEY_ARE:
        return value  # most values of a record's info: the checks below, in their order, agree
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):  # a record's info: its plain values without a call each
        return {
            key if type(key) is str else str(key): (
                item if type(item) in _AS_THEY_ARE else json_safe(item)
            )
            for key, item in value.items()
        }
    if isinstance(value, Endpoint):  # a named tuple, shown as "a.b.c.d:port", not as a list
        return str(value)
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
