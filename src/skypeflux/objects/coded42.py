"""The 0x42 arithmetic-coded layout (spec/objects.md 4.4 to 4.9): list structure and values.

``42 | range-coded structure | raw area``. The structure is coded with three context slots
(top list, level 1, and one slot SHARED by every deeper level for the whole stream), each with a
family move-to-front list and a history of the previous list's first 16 (id, family) pairs, so
a list that repeats its predecessor's layout costs one small number. Encoder and decoder must
update that state identically, including a deeper list clobbering the shared slot half-way
through its parent.

The encoder reproduces the reference packer's bytes: stable sort by id, longest repeat prefix,
minimal family-1 length. A prefix never needs to stop early because of that clobbering: a
history entry of family 5 is always the last entry written before its nested list restarts the
history, so it can only be the last object of a repeat prefix, after which nothing is replayed.

The range coder is the caller's ``Backend`` (pure Python or the optional C one).
"""

from __future__ import annotations

from typing import Any

from .backends import Backend, SymbolDecoder
from .errors import ObjectsError
from .model import FAMILIES, Address, Obj, ObjectList, Value
from .range_coder import SMALL_MODEL, VALUE_MODEL
from .tables import HEADER, HISTORY_SIZE, INITIAL_FAMILY_ORDER, symbol_lookup

CODED_MARKER = 0x42
OBJECT_COST = 16
INT_LIST_MAX = 0x3FFFFFFF
"""The largest int-list count the reference accepts (its 2006 heap-overflow fix)."""
UINT64_MAX_BYTES = 8
# The C structure decoder recurses once per level: it takes lists this shallow (the default
# limit is 8), and budgets a C long long holds; beyond, the Python loop decodes, with its
# RecursionError verdict where the interpreter runs out of stack.
MAX_C_DEPTH = 64
MAX_C_BUDGET = 1 << 62

_HEADER_LOOKUP = symbol_lookup(HEADER)
_new_obj = Obj.trusted
_wrap = ObjectList.trusted


class _Slot:
    """One model context: family move-to-front order and the (id, family) history."""

    __slots__ = ("count", "families", "ids", "order")

    def __init__(self) -> None:
        self.order = list(INITIAL_FAMILY_ORDER)
        self.ids = [0] * HISTORY_SIZE
        self.families = [0] * HISTORY_SIZE
        self.count = 0


class _Decoding:
    """State of one 0x42 decode: the coder, the slots, the budget and the pending raw values."""

    __slots__ = ("budget", "coder", "max_depth", "raw", "slots")

    def __init__(self, coder: SymbolDecoder, max_depth: int, budget: int) -> None:
        self.coder = coder
        self.max_depth = max_depth
        self.budget = budget
        self.slots = (_Slot(), _Slot(), _Slot())
        # (list the object sits in, its index, family, id, raw size), in coding order
        self.raw: list[tuple[list[Obj], int, int, int, int]] = []

    def fail(self, message: str) -> ObjectsError:
        return ObjectsError(message, self.coder.read_position)

    def read_list(self, level: int) -> list[Obj]:
        coder = self.coder
        if level >= self.max_depth:
            raise self.fail(f"lists nested deeper than the limit of {self.max_depth} levels")
        slot = self.slots[level if level < 2 else 2]
        order = slot.order
        repeat = 0
        if level and slot.count:
            repeat = coder.number(SMALL_MODEL)
            if repeat > slot.count:
                raise self.fail(f"repeat count {repeat} exceeds the history of {slot.count}")
        slot.count = 0
        oid = 0
        items: list[Obj] = []
        append = items.append
        symbol = coder.symbol
        while True:
            if repeat:
                repeat -= 1
                at = slot.count
                if at >= HISTORY_SIZE:  # unreachable (see the module docstring); kept as a guard
                    raise self.fail("repeat prefix runs past the history")
                oid = slot.ids[at]
                family = slot.families[at]
                j = order.index(family)
                if j:
                    del order[j]
                    order.insert(0, family)
            else:
                s = symbol(HEADER, _HEADER_LOOKUP)
                if s == 0:
                    return items
                if s > 6:
                    j = s - 6
                    delta = coder.number(SMALL_MODEL)
                    family = order.pop(j)
                    order.insert(0, family)
                else:
                    delta = s - 1 if s != 6 else 5 + coder.number(SMALL_MODEL)
                    family = order[0]
                oid = (oid + delta) & 0xFFFFFFFF
            if slot.count < HISTORY_SIZE:
                slot.ids[slot.count] = oid
                slot.families[slot.count] = family
                slot.count += 1
            if self.budget < OBJECT_COST:
                raise self.fail("memory budget exhausted")
            self.budget -= OBJECT_COST
            if family == 0:
                append(_new_obj(0, oid, coder.number(VALUE_MODEL)))
            elif family == 3:
                text, self.budget = coder.string(self.budget)
                append(_new_obj(3, oid, text))
            elif family == 5:
                append(_new_obj(5, oid, _wrap(self.read_list(level + 1))))
            elif family == 6:
                count = coder.number(VALUE_MODEL)
                if count > INT_LIST_MAX:
                    raise self.fail(f"int list of {count} elements")
                if self.budget < 4 * count:
                    raise self.fail("memory budget exhausted")
                self.budget -= 4 * count
                number = coder.number
                append(_new_obj(6, oid, tuple([number(VALUE_MODEL) for _ in range(count)])))
            else:
                if family == 2:
                    size = 6
                else:
                    size = coder.number(VALUE_MODEL)
                    if family == 1:
                        if size > UINT64_MAX_BYTES:
                            raise self.fail(f"8-byte value of {size} bytes")
                    elif self.budget < size:
                        raise self.fail("memory budget exhausted")
                    else:
                        self.budget -= size
                self.raw.append((items, len(items), family, oid, size))
                append(_new_obj(family, oid, b""))  # placeholder until the raw area is read
                coder.reserve(size)


def decode_coded(
    data: bytes, start: int, max_depth: int, budget: int, coder: Backend
) -> tuple[ObjectList, int, int]:
    """Decode the 0x42 list at ``data[start]``: (objects, end position, budget left).

    The list may be followed by other bytes; they are neither read as raw values nor counted.
    """
    if data[start] != CODED_MARKER:
        raise ObjectsError(f"unknown list marker 0x{data[start]:02x}", start + 1)
    in_c = max_depth <= MAX_C_DEPTH and 0 <= budget <= MAX_C_BUDGET
    if in_c and coder.coded_list is not None:
        # what follows, in one C call (decoder, structure, raw area): nearly every list
        done = coder.coded_list(data, start, max_depth, budget)
        if done is not None:
            return done
    decoder = coder.decoder(data, start + 1)
    read_lists = getattr(decoder, "read_lists", None)
    if read_lists is not None and in_c:
        items, raw, budget = read_lists(max_depth, budget)  # the same loop, in C
    else:
        state = _Decoding(decoder, max_depth, budget)
        try:
            items = state.read_list(0)
        except RecursionError:
            raise state.fail("lists nested too deeply for this interpreter") from None
        raw, budget = state.raw, state.budget
    pos = decoder.finish()
    for holder, index, family, oid, size in raw:
        chunk = data[pos : pos + size]
        if family == 4:
            value: Value = chunk
        elif family == 1:
            value = int.from_bytes(chunk, "little")
        else:
            value = Address(int.from_bytes(chunk[:4], "little"), chunk[4] | (chunk[5] << 8))
        holder[index] = _new_obj(family, oid, value)
        pos += size
    return _wrap(items), pos, budget


def list_types() -> tuple[Any, ...]:
    """What the C structure decoder (``_fast42_lists.c``) builds objects with, handed to it
    once at import: the header table and models it reads, and the types it makes."""
    return (
        HEADER,
        _HEADER_LOOKUP,
        SMALL_MODEL,
        VALUE_MODEL,
        Obj,
        FAMILIES,
        ObjectList,  # made as ObjectList.trusted makes it: its _items slot set
        INITIAL_FAMILY_ORDER,
        Address,
    )


def _stable_by_id(obj: Obj) -> int:
    return obj[1]


class _Encoding:
    """State of one 0x42 encode: the coder, the slots and the raw area being collected."""

    __slots__ = ("coder", "raw", "slots")

    def __init__(self, coder: Backend) -> None:
        self.coder = coder.encoder(CODED_MARKER)
        self.slots = (_Slot(), _Slot(), _Slot())
        self.raw = bytearray()

    def write_list(self, objects: ObjectList | list[Obj], level: int) -> None:
        coder = self.coder
        slot = self.slots[level if level < 2 else 2]
        order = slot.order
        items = sorted(objects, key=_stable_by_id)
        repeat = 0
        if level and slot.count:
            limit = min(slot.count, len(items))
            while (
                repeat < limit
                and items[repeat][1] == slot.ids[repeat]
                and items[repeat][0] == slot.families[repeat]
            ):
                repeat += 1
            coder.number(SMALL_MODEL, repeat)
        slot.count = 0
        previous = 0
        for i, obj in enumerate(items):
            family, oid = obj[0], obj[1]
            value: Any = obj[2]
            j = order.index(family)
            if j:
                del order[j]
                order.insert(0, family)
            if slot.count < HISTORY_SIZE:
                slot.ids[slot.count] = oid
                slot.families[slot.count] = family
                slot.count += 1
            if i >= repeat:
                delta = oid - previous
                if j == 0:
                    coder.symbol(HEADER, (delta if delta < 5 else 5) + 1)
                    if delta >= 5:
                        coder.number(SMALL_MODEL, delta - 5)
                else:
                    coder.symbol(HEADER, j + 6)
                    coder.number(SMALL_MODEL, delta)
            previous = oid
            if family == 0:
                coder.number(VALUE_MODEL, value)
            elif family == 3:
                coder.string(value)
            elif family == 5:
                self.write_list(value, level + 1)
            elif family == 6:
                coder.number(VALUE_MODEL, len(value))
                for element in value:
                    coder.number(VALUE_MODEL, element)
            elif family == 4:
                coder.number(VALUE_MODEL, len(value))
                self.raw += value
            elif family == 1:
                size = (value.bit_length() + 7) // 8
                coder.number(VALUE_MODEL, size)
                self.raw += value.to_bytes(size, "little")
            else:
                self.raw += value.ip.to_bytes(4, "little")
                self.raw += value.port.to_bytes(2, "little")
        coder.symbol(HEADER, 0)


def encode_coded(objects: ObjectList | list[Obj], coder: Backend) -> bytes:
    """The 0x42 serialisation of ``objects`` (every level stably sorted by id)."""
    state = _Encoding(coder)
    try:
        state.write_list(objects, 0)
    except RecursionError:
        raise ObjectsError("lists nested too deeply to encode") from None
    out = state.coder.finish()
    out += state.raw
    return bytes(out)
