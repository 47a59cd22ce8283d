"""Which list form starts here: the one dispatcher for both codecs (spec/objects.md 1).

Every list, top-level or nested in a 0x41 one, starts with its marker: 0x41 for the raw layout
(``raw41``), anything else goes to the arithmetic-coded 0x42 decoder (``coded42``), which
reports a wrong marker itself. Lists nested in a 0x42 list are coded in the same stream and stay
inside ``coded42``; a 0x42 list nested in a 0x41 one gets a fresh coder with the depth that is
left, as in the reference dispatcher. The depth limit is checked here, once for both forms.
"""

from __future__ import annotations

from . import coded42, raw41
from .backends import Backend
from .errors import ObjectsError
from .model import ObjectList


def decode_list(
    data: bytes, pos: int, level: int, max_depth: int, budget: int, coder: Backend
) -> tuple[ObjectList, int, int]:
    """Decode whichever list starts at ``data[pos]``: (objects, end position, budget left).

    ``level`` is the nesting level of this list (0 at the top), ``coder`` the range coder a
    0x42 list runs on.
    """
    if level >= max_depth:
        raise ObjectsError(f"lists nested deeper than the limit of {max_depth} levels", pos)
    if pos >= len(data):
        raise ObjectsError("input ends where a list should start", pos)
    if data[pos] != raw41.RAW_MARKER:
        return coded42.decode_coded(data, pos, max_depth - level, budget, coder)
    return raw41.decode_raw(data, pos, level, max_depth, budget, coder, decode_list)
