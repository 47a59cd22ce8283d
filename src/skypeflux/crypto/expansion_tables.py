"""The three 256-entry lookup tables used by the key expansion, derived rather than listed.

The expansion indexes each table with the low byte of a key word. Deriving them from their
definitions keeps the tables auditable (tests check the derivation against the known-answer
vectors) and lets the C generator emit exactly the same values.
"""

from __future__ import annotations

import math
from typing import Final

TABLE_SIZE: Final = 256


def _negative_cosine() -> tuple[int, ...]:
    """1 where cos(x) < 0 for x = 0..255 radians, else 0."""
    return tuple(int(math.cos(x) < 0) for x in range(TABLE_SIZE))


def _negative_sine() -> tuple[int, ...]:
    """1 where sin(x) < 0 for x = 0..255 radians, else 0."""
    return tuple(int(math.sin(x) < 0) for x in range(TABLE_SIZE))


def _root_of_successor() -> tuple[int, ...]:
    """floor(sqrt(x + 1)) for x = 0..255 (1..16)."""
    return tuple(math.isqrt(x + 1) for x in range(TABLE_SIZE))


NEG_COS: Final[tuple[int, ...]] = _negative_cosine()
NEG_SIN: Final[tuple[int, ...]] = _negative_sine()
ISQRT1: Final[tuple[int, ...]] = _root_of_successor()

#: Helper name in the expansion notation -> its table.
TABLES: Final[dict[str, tuple[int, ...]]] = {
    "neg_cos": NEG_COS,
    "neg_sin": NEG_SIN,
    "isqrt1": ISQRT1,
}
