"""``decode -x``: the verified plaintext as hex and ASCII, laid out as ``tshark -x`` does.

Only plaintext that was verified is ever dumped (nothing else is decrypted as far as a reader
is concerned); bytes outside printable ASCII show as ``.`` so a capture cannot write terminal
escape sequences.
"""

from __future__ import annotations

BYTES_PER_LINE = 16


def _ascii(chunk: bytes) -> str:
    return "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)


def hex_dump(data: bytes) -> list[str]:
    """``0000  16 06 13 f2 ...   ........`` lines, 16 bytes each (offsets in hex)."""
    lines = []
    for offset in range(0, len(data), BYTES_PER_LINE):
        chunk = data[offset : offset + BYTES_PER_LINE]
        hex_part = " ".join(f"{b:02x}" for b in chunk)
        lines.append(f"{offset:04x}  {hex_part:<{BYTES_PER_LINE * 3 - 1}}   {_ascii(chunk)}")
    return lines


def parse_hex_dump(lines: list[str]) -> bytes:
    """The bytes back from :func:`hex_dump` lines (for tests and for scripts reading ``-x``)."""
    out = bytearray()
    for line in lines:
        hex_part = line[6 : 6 + BYTES_PER_LINE * 3 - 1]
        out.extend(bytes.fromhex(hex_part.replace(" ", "")))
    return bytes(out)
