"""The seed -> 80-byte key expansion on the pure-Python path.

The routines that do the mixing are generated from the program data (``expansion_program``) into
``_expansion_pure.py`` by ``tools/gen_expansion.py``, the same way the C fast path's routines
are, so the two back ends come from one description; open that file to read exactly what runs.
This module only checks the seed, fills the 20 words and packs the result.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from typing import Final

from . import _expansion_pure
from .errors import CryptoError

KEY_WORDS: Final = _expansion_pure.KEY_WORDS
KEY_BYTES: Final = 4 * KEY_WORDS
MASK32: Final = 0xFFFFFFFF


def check_seed(seed: int) -> int:
    """Return ``seed`` if it is a 32-bit unsigned integer, else raise ``CryptoError``."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if not 0 <= seed <= MASK32:
        raise CryptoError(f"seed {seed} is outside 0..0xFFFFFFFF")
    return seed


def expand_words(seed: int) -> list[int]:
    """The 20 key words for ``seed`` (pure Python)."""
    check_seed(seed)
    words = [seed] * KEY_WORDS
    _expansion_pure.routine_0(words, seed)
    return words


_PACK_KEY: Final = struct.Struct(f"<{KEY_WORDS}I").pack


def expand_key(seed: int) -> bytes:
    """The 80-byte RC4 key for ``seed``: the 20 words, little-endian (pure Python)."""
    return _PACK_KEY(*expand_words(seed))


def words_to_key(words: Sequence[int]) -> bytes:
    """Pack 20 key words the way the RC4 key schedule reads them."""
    return _PACK_KEY(*words)
