"""The 0x41 raw layout (spec/objects.md sections 2 and 3): decode and encode.

``41 varint(count) object*count`` with ``object = family:u8 varint(id) value``. The decoder
follows the reference reader's checks in the reference's order, so it gives the same verdict
and stops at the same byte on every vector, including the over-long varint the reference
accepts: its shift count wraps modulo 32 (x86), folding excess bits back into the low bits.
The encoder always writes the shortest varints, so such an input is the one kind (besides a
0x42 list nested in a 0x41 one) that does not re-encode to the same bytes.
"""

from __future__ import annotations

from typing import Any, Protocol

from .backends import Backend
from .errors import ObjectsError
from .model import Address, Obj, ObjectList, Value

RAW_MARKER = 0x41
OBJECT_COST = 16
"""Budget charged per object, and again per nested list (the reference's allocation sizes)."""
INT_LIST_LIMIT = 1 << 27
"""The reference rejects int lists of this many elements or more (before its 4-byte scaling)."""

_new_obj = Obj.trusted
_wrap = ObjectList.trusted


def _varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    """A varint at ``pos``: (value, next position). Over-long forms fold as on x86."""
    value = 0
    shift = 0
    while pos < end:
        byte = data[pos]
        pos += 1
        value |= ((byte & 0x7F) << (shift & 31)) & 0xFFFFFFFF
        if byte < 0x80:
            return value, pos
        shift += 7
    raise ObjectsError("input ends inside a varint", end)


class ListDecoder(Protocol):
    """The dispatcher (``lists.decode_list``): decodes whichever list form starts at ``pos``."""

    def __call__(
        self, data: bytes, pos: int, level: int, max_depth: int, budget: int, coder: Backend, /
    ) -> tuple[ObjectList, int, int]: ...


def decode_raw(
    data: bytes,
    pos: int,
    level: int,
    max_depth: int,
    budget: int,
    coder: Backend,
    nested: ListDecoder,
) -> tuple[ObjectList, int, int]:
    """Decode the 0x41 list at ``data[pos]``: (objects, end position, budget left).

    The caller (the dispatcher) has checked the depth and the marker. A nested list (family 5)
    may be of either form, so it goes back through ``nested``, the dispatcher itself (passed in
    rather than imported, so the two modules do not import each other).
    """
    end = len(data)
    pos += 1
    byte = data[pos] if pos < end else 0x80
    if byte < 0x80:
        count = byte
        pos += 1
    else:
        count, pos = _varint(data, pos, end)
    items: list[Obj] = []
    append = items.append
    for _ in range(count):
        if budget < OBJECT_COST:
            raise ObjectsError("memory budget exhausted", pos)
        budget -= OBJECT_COST
        if end - pos < 2:  # the family byte may not be the last byte (nor past the end)
            raise ObjectsError("input ends before the object the count promises", pos)
        family = data[pos]
        byte = data[pos + 1]
        if byte < 0x80:
            oid = byte
            pos += 2
        else:
            oid, pos = _varint(data, pos + 1, end)
        if family == 0:
            byte = data[pos] if pos < end else 0x80
            if byte < 0x80:
                value: Value = byte
                pos += 1
            else:
                value, pos = _varint(data, pos, end)
        elif family == 3:
            nul = data.find(0, pos)
            if nul < 0:
                raise ObjectsError("string without its NUL terminator", pos)
            if budget < nul + 1 - pos:
                raise ObjectsError("memory budget exhausted", pos)
            budget -= nul + 1 - pos
            value = data[pos:nul]
            pos = nul + 1
        elif family == 4:
            length, pos = _varint(data, pos, end)
            if end - pos < length:
                raise ObjectsError(f"blob of {length} bytes runs past the input", pos)
            if budget < length:
                raise ObjectsError("memory budget exhausted", pos)
            budget -= length
            value = data[pos : pos + length]
            pos += length
        elif family == 5:
            if budget < OBJECT_COST:
                raise ObjectsError("memory budget exhausted", pos)
            value, pos, budget = nested(
                data, pos, level + 1, max_depth, budget - OBJECT_COST, coder
            )
        elif family == 1:
            if end - pos < 8:
                raise ObjectsError("8-byte value runs past the input", pos)
            value = int.from_bytes(data[pos : pos + 8], "big")
            pos += 8
        elif family == 2:
            if end - pos < 6:
                raise ObjectsError("address runs past the input", pos)
            value = Address(
                int.from_bytes(data[pos : pos + 4], "big"), (data[pos + 4] << 8) | data[pos + 5]
            )
            pos += 6
        elif family == 6:
            n, pos = _varint(data, pos, end)
            if n > end - pos or n >= INT_LIST_LIMIT:
                raise ObjectsError(f"int list of {n} elements cannot fit the input", pos)
            if budget < 4 * n:
                raise ObjectsError("memory budget exhausted", pos)
            budget -= 4 * n
            ints = []
            for _ in range(n):
                byte = data[pos] if pos < end else 0x80
                if byte < 0x80:
                    ints.append(byte)
                    pos += 1
                else:
                    element, pos = _varint(data, pos, end)
                    ints.append(element)
            value = tuple(ints)
        else:
            raise ObjectsError(f"unknown object family {family}", pos)
        append(_new_obj(family, oid, value))
    return _wrap(items), pos, budget


def _put_varint(out: bytearray, value: int) -> None:
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def encode_into(out: bytearray, objects: ObjectList | list[Obj]) -> None:
    """Append the 0x41 form of ``objects`` (nested lists in 0x41 too, as the packer does)."""
    out.append(RAW_MARKER)
    _put_varint(out, len(objects))
    for obj in objects:
        family, oid = obj[0], obj[1]
        value: Any = obj[2]
        out.append(family)
        _put_varint(out, oid)
        if family == 0:
            _put_varint(out, value)
        elif family == 3:
            out += value
            out.append(0)
        elif family == 4:
            _put_varint(out, len(value))
            out += value
        elif family == 5:
            encode_into(out, value)
        elif family == 1:
            out += value.to_bytes(8, "big")
        elif family == 2:
            out += value.ip.to_bytes(4, "big")
            out += value.port.to_bytes(2, "big")
        else:
            _put_varint(out, len(value))
            for element in value:
                _put_varint(out, element)


def encode_raw(objects: ObjectList | list[Obj]) -> bytes:
    """The 0x41 serialisation of ``objects``, in their order."""
    out = bytearray()
    encode_into(out, objects)
    return bytes(out)
