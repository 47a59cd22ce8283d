"""The 7-bit little-endian group integer (spec protocol.md 4.1).

It frames TCP data and command blocks, so the wire layer owns a copy; values are at most 32 bits,
which bounds a varint to 5 bytes and lets a reader tell "not yet complete" from "not a varint".
"""

from __future__ import annotations

from skypeflux.wire.errors import WireError

MAX_VARINT_BYTES = 5
MAX_VARINT_VALUE = 0xFFFFFFFF


def encode_varint(value: int) -> bytes:
    """Encode ``value`` (0 <= value < 2**32), least significant group first."""
    if not 0 <= value <= MAX_VARINT_VALUE:
        raise WireError(f"varint value {value} out of range", 0)
    out = bytearray()
    while value >= 0x80:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def try_read_varint(
    data: bytes | bytearray | memoryview, offset: int = 0
) -> tuple[int, int] | None:
    """Return ``(value, next_offset)``, or ``None`` when the data ends inside the varint.

    Raises :class:`WireError` when the bytes cannot be a varint of at most 32 bits, because a
    streaming reader must not wait for more input in that case.
    """
    value = 0
    shift = 0
    end = len(data)
    pos = offset
    while pos < end:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            if value > MAX_VARINT_VALUE:
                raise WireError("varint exceeds 32 bits", offset)
            return value, pos
        shift += 7
        if pos - offset >= MAX_VARINT_BYTES:
            raise WireError("varint longer than 5 bytes", offset)
    return None


def read_varint(data: bytes | bytearray | memoryview, offset: int = 0) -> tuple[int, int]:
    """Like :func:`try_read_varint`, but truncation is an error too."""
    got = try_read_varint(data, offset)
    if got is None:
        raise WireError("data ends inside a varint", offset)
    return got
