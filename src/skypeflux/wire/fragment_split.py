"""Splitting one long payload into 0x0F fragments (spec 1.6): the encoder of :mod:`.fragments`.

A message longer than one datagram travels as fragments that share the outer id and the
``ref_id``, each with its own IV and CRC; every fragment but the last is exactly
:data:`~skypeflux.wire.udp.FULL_FRAGMENT_LEN` (1355) bytes on the wire, so each carries
:data:`FRAGMENT_BODY` plaintext bytes. Kept apart from the reassembler so the two can change
independently; the round trip between them is tested.
"""

from __future__ import annotations

from collections.abc import Sequence

from skypeflux.wire.errors import WireError
from skypeflux.wire.udp import (
    FRAGMENT_HEADER_LEN,
    FRAGMENT_LAST_BIT,
    FULL_FRAGMENT_LEN,
    TYPE_FRAGMENT,
    Fragment,
)
from skypeflux.wire.udp_crypt import seal_fragment

FRAGMENT_BODY = FULL_FRAGMENT_LEN - FRAGMENT_HEADER_LEN
"""Plaintext bytes in every fragment but the last (1340)."""

MAX_FRAGMENTS = FRAGMENT_LAST_BIT
"""Indexes are 7 bits wide."""


def fragment_count(size: int, piece: int = FRAGMENT_BODY) -> int:
    """How many fragments a plaintext of ``size`` bytes needs (at least one)."""
    return max(1, -(-size // piece))


def split_message(
    plaintext: bytes,
    *,
    packet_id: int,
    ref_id: int,
    ivs: Sequence[int],
    src_ip: str | int,
    dst_ip: str | int,
    funcs: Sequence[int] | None = None,
    piece: int = FRAGMENT_BODY,
) -> list[Fragment]:
    """``plaintext`` sealed as fragments ``0..n-1`` (the last flagged), in index order.

    ``ivs`` gives each fragment's IV and ``funcs`` its func byte (filler bits in the high
    nibble; default plain 0x0F); both need one entry per fragment (:func:`fragment_count`).
    """
    if not 0 < piece <= FRAGMENT_BODY:
        raise WireError(f"fragment body of {piece} bytes out of range (1..{FRAGMENT_BODY})", 0)
    count = fragment_count(len(plaintext), piece)
    if count > MAX_FRAGMENTS:
        raise WireError(f"{len(plaintext)} bytes need {count} fragments; at most 128 exist", 0)
    if len(ivs) < count or (funcs is not None and len(funcs) < count):
        raise WireError(f"{count} fragments need {count} IVs and func bytes", 0)
    return [
        seal_fragment(
            plaintext[i * piece : (i + 1) * piece],
            packet_id=packet_id,
            ref_id=ref_id,
            index=i,
            last=i == count - 1,
            iv=ivs[i],
            src_ip=src_ip,
            dst_ip=dst_ip,
            func=TYPE_FRAGMENT if funcs is None else funcs[i],
        )
        for i in range(count)
    ]
