"""How object values and loose fields are shown to a person, and made safe for JSON.

Strings on the wire are arbitrary bytes: they are shown as text only when they decode as UTF-8
and every character is printable, so a capture can never write terminal escape sequences to the
user's screen. Blobs can be kilobytes long (certificates, 11 kB search results), so the text
output shows a prefix and the total length unless the user asks for everything.
"""

from __future__ import annotations

import json
from typing import Any

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


def _bytes_of(value: Any) -> bytes | None:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, str):
        try:
            return bytes.fromhex(value)
        except ValueError:
            return None
    return None


def string_text(value: Any) -> str | None:
    """Printable text of a family-3 value (hex in the tree form), or None."""
    data = _bytes_of(value)
    return printable_text(data) if data is not None else None


def render_value(family: int, value: Any, *, full: bool) -> str:
    """One object's value as a person reads it (family 5 is rendered by the caller, nested)."""
    if family == 0 and isinstance(value, int):
        return f"{value} (0x{value:x})"
    if family == 1 and isinstance(value, int):
        return f"0x{value:016x} ({value})"
    if family == 3:
        data = _bytes_of(value)
        if data is None:
            return repr(value)
        text = printable_text(data)
        if text is not None:
            return json.dumps(text, ensure_ascii=False)
        return f"hex {hex_preview(data, full=full)}"
    if family == 4:
        data = _bytes_of(value)
        if data is None:
            return repr(value)
        if full or len(data) <= BLOB_PREVIEW_BYTES:
            return f"{data.hex()} ({len(data)} bytes)"
        return hex_preview(data, full=False)
    if family == 6 and isinstance(value, list):
        items = value if full else value[:INTLIST_PREVIEW_ITEMS]
        shown = ", ".join(str(item) for item in items)
        more = "" if len(items) == len(value) else f", ... ({len(value)} items)"
        return f"[{shown}{more}]"
    return str(value)


def split_endpoint(endpoint: str) -> tuple[str, int | None]:
    """``"1.2.3.4:80"`` -> ``("1.2.3.4", 80)``; an endpoint without a port keeps None."""
    host, sep, port = endpoint.rpartition(":")
    if sep and port.isdigit():
        return host, int(port)
    return endpoint, None


def json_safe(value: Any) -> Any:
    """``value`` with bytes as hex and tuples/sets as lists, so json.dumps cannot fail on it."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(item) for item in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)
