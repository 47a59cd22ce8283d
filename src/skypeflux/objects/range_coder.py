"""The 0x42 range coder (spec/objects.md 4.1, 4.2, 4.3, 4.7, 4.8): bytes <-> symbols.

A carry-propagating range coder with 12-bit frequency totals, 8-bit output and a decoder whose
``code`` runs one bit behind the byte boundary (each input byte is split: 7 bits now, 1 bit with
the next byte). The decoder also owns the end-of-input bookkeeping that makes the format work:
payload bytes of family 1/2/4 objects live in a raw area *after* the coded stream, so each one
reserves its size off the end of what the coder may read, and the coder may run at most three
bytes past what is left (those read as zeros).

The methods are written for speed: each loads the coder state into locals once, calls the one
normalisation step (``_refill``) only when the range has run low, and stores the state back;
symbol search is a 4096-entry table lookup. Strings get a whole-string method because
text-heavy lists spend nearly all their time there.
"""

from __future__ import annotations

import sys
from typing import NoReturn

from .errors import ObjectsError
from .tables import (
    CHAR_CLASS,
    CHAR_INDEX,
    CLASS_CHARS,
    NEXT_CLASS,
    SMALL_NUMBER,
    SMALL_NUMBER_SHAPE,
    TOTAL,
    VALUE_NUMBER,
    VALUE_NUMBER_SHAPE,
    WITHIN_CLASS,
    Cumulative,
    symbol_lookup,
)

BOTTOM = 0x800000
_MAX_RESERVE = sys.maxsize // 4  # the C decoder's bound on one reservation
"""Normalise while the range is at or below this (2**23): one output byte at a time."""
MAX_OVERRUN = 3
"""Zero bytes the decoder may read past what it is allowed before the stream is bad."""
OVERRUN = "coded stream reads past the end of its bytes"

NumberModel = tuple[Cumulative, bytes, int, int, int]
"""(table, its symbol lookup, 2**D, K, E): see spec 4.3."""


def _model(table: Cumulative, shape: tuple[int, int, int]) -> NumberModel:
    direct_bits, offset, escape = shape
    return (table, symbol_lookup(table), 1 << direct_bits, offset, escape)


SMALL_MODEL = _model(SMALL_NUMBER, SMALL_NUMBER_SHAPE)
"""M1: id deltas and repeat counts."""
VALUE_MODEL = _model(VALUE_NUMBER, VALUE_NUMBER_SHAPE)
"""M2: numbers, byte lengths, int-list counts and elements."""

_NEXT_LOOKUPS = tuple(symbol_lookup(t) for t in NEXT_CLASS)
_WITHIN_LOOKUPS = tuple(symbol_lookup(t) if len(t) > 2 else b"" for t in WITHIN_CLASS)


class RangeDecoder:
    """Decodes symbols, raw bit groups and numbers from ``data[start:]``.

    ``pos`` is the absolute index of the next byte to take and ``limit`` the index where the
    bytes the coder may read end (the input end, less every reservation so far). ``pos`` may run
    up to ``MAX_OVERRUN`` past ``limit``; those bytes read as zero.
    """

    __slots__ = ("bit", "code", "data", "limit", "pos", "range", "start")

    def __init__(self, data: bytes, start: int) -> None:
        """Start decoding at ``data[start]``, the first byte after the 0x42 marker.

        ``start`` must lie in 0..len(data) + MAX_OVERRUN (the C twin needs the bound to keep
        its position arithmetic from overflowing; both refuse alike with ``ValueError``).
        """
        if start < 0:
            raise ValueError("start must not be negative")
        if start > len(data) + MAX_OVERRUN:
            raise ValueError(f"start {start} is beyond the end of the data ({len(data)} bytes)")
        self.data = data
        self.limit = len(data)
        self.pos = start
        self.start = start
        first = self._take()
        self.code = first >> 1
        self.bit = first & 1
        self.range = 0x80

    @property
    def read_position(self) -> int:
        """Where the reference decoder's input pointer is (it never moves past ``limit``)."""
        return max(min(self.pos, self.limit), self.start)

    def _take(self) -> int:
        pos = self.pos
        self.pos = pos + 1
        if pos < self.limit:
            return self.data[pos]
        if pos - self.limit >= MAX_OVERRUN:
            raise ObjectsError(OVERRUN, self.read_position)
        return 0

    def _refill(self, code: int, bit: int, pos: int, rng: int) -> tuple[int, int, int]:
        """Normalise (spec 4.2): while the range is at most ``BOTTOM``, shift in one more byte.

        Takes the caller's copy of the state and returns ``(code, pos, rng)``, storing ``bit``
        and ``pos`` itself; past the bytes allowed (plus ``MAX_OVERRUN`` zeros) it stores the
        state reached and raises, as the C twin's ``fill`` does.
        """
        data, limit = self.data, self.limit
        while rng <= BOTTOM:
            if pos < limit:
                b = data[pos]
            elif pos - limit >= MAX_OVERRUN:
                self.code, self.bit, self.pos, self.range = code, bit, pos, rng
                self._overrun(limit)
            else:
                b = 0
            pos += 1
            code = ((((code << 1) | bit) << 7) | (b >> 1)) & 0xFFFFFFFF
            bit = b & 1
            rng <<= 8
        self.bit = bit
        self.pos = pos
        return code, pos, rng

    def _overrun(self, limit: int) -> NoReturn:
        raise ObjectsError(OVERRUN, max(limit, self.start))

    def symbol(self, table: Cumulative, lookup: bytes) -> int:
        """Decode one symbol of a cumulative table (``lookup`` = ``symbol_lookup(table)``)."""
        rng = self.range
        code = self.code
        if rng <= BOTTOM:
            code, _, rng = self._refill(code, self.bit, self.pos, rng)
        r = rng >> 12
        v = code // r
        s = lookup[v if v < TOTAL else TOTAL - 1]
        low = table[s]
        high = table[s + 1]
        self.code = code - r * low
        self.range = rng - r * low if high == TOTAL else r * (high - low)
        return s

    def bits(self, count: int) -> int:
        """Decode ``count`` (0..16) raw bits."""
        if not 0 <= count <= 16:
            raise ValueError("bits: count must be 0..16")
        rng = self.range
        code = self.code
        if rng <= BOTTOM:
            code, _, rng = self._refill(code, self.bit, self.pos, rng)
        r = rng >> count
        top = (1 << count) - 1
        v = code // r
        if v >= top:
            v = top
            self.range = rng - r * v
        else:
            self.range = r
        self.code = code - r * v
        return v

    def number(self, model: NumberModel, nested: bool = False) -> int:
        """Decode a number with model M1 or M2 (spec 4.3)."""
        table, lookup, direct_limit, offset, escape = model
        s = self.symbol(table, lookup)
        if s < direct_limit:
            return s
        length = s - offset
        if length >= escape:
            if nested:
                raise ObjectsError("escaped number inside an escape", self.read_position)
            extra = self.number(model, True)
            if extra > 32 - escape:
                raise ObjectsError("escaped number longer than 32 bits", self.read_position)
            length = escape + extra
        value = 1 << (length - 1)
        done = 0
        remaining = length - 1
        while remaining > 0:
            group = 16 if remaining > 16 else remaining
            value += self.bits(group) << done
            done += group
            remaining -= group
        return value

    def string(self, budget: int) -> tuple[bytes, int]:
        """Decode a NUL-terminated string: (bytes without the NUL, budget left).

        Each character (the NUL included) costs one unit of memory budget, as in the reference.
        """
        out = bytearray()
        append = out.append
        code, pos, limit, rng = self.code, self.pos, self.limit, self.range
        refill = self._refill
        next_tables = NEXT_CLASS
        next_lookups = _NEXT_LOOKUPS
        within_tables = WITHIN_CLASS
        within_lookups = _WITHIN_LOOKUPS
        class_chars = CLASS_CHARS
        start = self.start
        cls = 0
        while True:
            if budget < 1:
                self.code, self.pos, self.range = code, pos, rng
                raise ObjectsError("memory budget exhausted", max(min(pos, limit), start))
            budget -= 1
            # the class of this character, given the previous one
            if rng <= BOTTOM:
                code, pos, rng = refill(code, self.bit, pos, rng)
            r = rng >> 12
            v = code // r
            table = next_tables[cls]
            cls = next_lookups[cls][v if v < TOTAL else TOTAL - 1]
            low = table[cls]
            high = table[cls + 1]
            code -= r * low
            rng = rng - r * low if high == TOTAL else r * (high - low)
            if cls == 0:
                break
            lookup = within_lookups[cls]
            if not lookup:  # a one-character class (the space): nothing coded
                append(class_chars[cls][0])
                continue
            if rng <= BOTTOM:
                code, pos, rng = refill(code, self.bit, pos, rng)
            r = rng >> 12
            v = code // r
            table = within_tables[cls]
            index = lookup[v if v < TOTAL else TOTAL - 1]
            low = table[index]
            high = table[index + 1]
            code -= r * low
            rng = rng - r * low if high == TOTAL else r * (high - low)
            append(class_chars[cls][index])
        self.code, self.pos, self.range = code, pos, rng
        return bytes(out), budget

    def reserve(self, size: int) -> None:
        """Set ``size`` bytes at the end aside for the raw area (spec 4.7); refused (and nothing
        changed) when they do not fit, as the C decoder does."""
        if not 0 <= size <= _MAX_RESERVE:
            raise ValueError("reserve: size out of range")
        if size > self.limit - self.pos + MAX_OVERRUN:  # offset: where the input would end
            at = max(self.limit - size, self.start)
            raise ObjectsError("raw values do not fit after the coded stream", at)
        self.limit -= size

    def finish(self) -> int:
        """Close the stream after the top list's end symbol; return where the raw area starts.

        The decoder is always three bytes ahead of the encoder's last byte, so those are given
        back.
        """
        rng = self.range >> 1
        self.code, pos, self.range = self._refill(self.code, self.bit, self.pos, rng)
        return pos - MAX_OVERRUN


class RangeEncoder:
    """Encodes symbols, raw bit groups and numbers; ``finish`` gives the stream's bytes.

    ``out`` starts with the 0x42 marker, which doubles as the coder's leading cache byte (that is
    why the first cache byte is never written).
    """

    __slots__ = ("cache", "first", "low", "out", "pending", "range")

    def __init__(self, marker: int = 0x42) -> None:
        self.out = bytearray((marker,))
        self.low = 0
        self.range = 0x80000000
        self.cache = 0
        self.pending = 0
        self.first = True

    def _normalise(self) -> None:
        low, rng = self.low, self.range
        while rng <= BOTTOM:
            if low < 0x7F800000:
                if self.first:
                    self.first = False
                else:
                    self.out.append(self.cache)
                if self.pending:
                    self.out += b"\xff" * self.pending
                    self.pending = 0
                self.cache = low >> 23
            elif low < 0x80000000:
                self.pending += 1
            else:
                self.out.append(self.cache + 1)
                if self.pending:
                    self.out += bytes(self.pending)
                    self.pending = 0
                self.cache = (low >> 23) & 0xFF
            low = (low & 0x7FFFFF) << 8
            rng <<= 8
        self.low, self.range = low, rng

    def symbol(self, table: Cumulative, s: int) -> None:
        # A symbol outside the table (s = -1 would read table[-1]) or a table whose bounds are
        # not 0..4096 and increasing would make the range zero or negative and the renormalising
        # loop endless: refused with the C encoder's errors.
        if not 0 <= s < len(table) - 1:
            raise IndexError("symbol outside its table")
        low = table[s]
        high = table[s + 1]
        if not 0 <= low <= high <= TOTAL:
            raise ValueError("table bounds outside 0..4096")
        if low == high:
            raise ValueError("a symbol of zero width cannot be encoded")
        if self.range <= BOTTOM:
            self._normalise()
        rng = self.range
        r = rng >> 12
        self.low += r * low
        self.range = rng - r * low if high == TOTAL else r * (high - low)

    def bits(self, count: int, value: int) -> None:
        if not (0 <= count <= 16 and 0 <= value < 1 << count):
            raise ValueError("bits: count must be 0..16 and value fit in it")
        if self.range <= BOTTOM:
            self._normalise()
        r = self.range >> count
        self.low += r * value
        self.range = self.range - r * value if value == (1 << count) - 1 else r

    def number(self, model: NumberModel, value: int) -> None:
        """Encode ``value`` with model M1 or M2 (spec 4.3); the wire's numbers are 0..2**32-1,
        the coder takes 0..2**64-1 (ValueError beyond, as the C one)."""
        if not 0 <= value <= 0xFFFF_FFFF_FFFF_FFFF:
            raise ValueError("number: value must be 0..2**64-1")
        table, _lookup, direct_limit, offset, escape = model
        if value < direct_limit:
            self.symbol(table, value)
            return
        length = value.bit_length()
        if length >= escape:
            self.symbol(table, escape + offset)
            self.number(model, length - escape)
        else:
            self.symbol(table, length + offset)
        remaining = length - 1
        while remaining > 0:
            group = 16 if remaining > 16 else remaining
            self.bits(group, value & ((1 << group) - 1))
            value >>= group
            remaining -= group

    def string(self, text: bytes) -> None:
        """Encode ``text`` (no NUL inside) and its terminator by character class.

        Inlined like the decoder's string loop: the coder state stays in locals, and the rare
        normalisation step goes through ``_normalise``.
        """
        char_class, char_index = CHAR_CLASS, CHAR_INDEX
        next_tables, within_tables = NEXT_CLASS, WITHIN_CLASS
        low, rng = self.low, self.range
        prev = 0
        for ch in (*text, 0):
            cls = char_class[ch]
            table = next_tables[prev]
            if rng <= BOTTOM:
                self.low, self.range = low, rng
                self._normalise()
                low, rng = self.low, self.range
            r = rng >> 12
            base = table[cls]
            low += r * base
            high = table[cls + 1]
            rng = rng - r * base if high == TOTAL else r * (high - base)
            table = within_tables[cls]
            if len(table) > 2:  # a one-symbol class codes no index
                if rng <= BOTTOM:
                    self.low, self.range = low, rng
                    self._normalise()
                    low, rng = self.low, self.range
                r = rng >> 12
                index = char_index[ch]
                base = table[index]
                low += r * base
                high = table[index + 1]
                rng = rng - r * base if high == TOTAL else r * (high - base)
            prev = cls
        self.low, self.range = low, rng

    def finish(self) -> bytearray:
        """Flush the coder; returns the stream's bytes, marker included."""
        self.range >>= 1
        self.low += self.range
        self._normalise()
        v = self.low >> 23
        out = self.out
        if v <= 0xFF:
            if not self.first:
                out.append(self.cache)
            out += b"\xff" * self.pending
            out.append(v)
        else:
            out.append(self.cache + 1)
            out += bytes(self.pending)
            out.append(v & 0xFF)
        self.pending = 0
        return out
