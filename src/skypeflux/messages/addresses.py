"""Which replies tell a client its public address (spec/protocol.md 5.2), as a table.

A host behind NAT sees only its private address; the replies below carry, as a top-level address
object, the address its peer saw it come from. Nested objects with the same id name *other*
hosts (a supernode's list of peers), so only the top level counts.
"""

from __future__ import annotations

from collections.abc import Iterable

from skypeflux.messages.flags import FLAG_REPLY
from skypeflux.objects import Address, Family, Obj

PUBLIC_ADDRESS_OBJECT: dict[int, int] = {
    31: 0x11,  # client_ok: a supernode accepts a client (TCP)
    36: 0x11,  # address_reply: "what is my address" answered (UDP)
}
"""Reply command -> id of its top-level object that is the receiver's public address."""


def may_claim_public_address(command: int, flags: int) -> bool:
    """Whether a block with this command and flags can carry a public-address claim (so a
    reader looking only for claims can skip decoding the object lists of every other)."""
    return flags == FLAG_REPLY and command in PUBLIC_ADDRESS_OBJECT


def public_address_claims(command: int, flags: int, objects: Iterable[Obj]) -> list[Address]:
    """The public addresses a block with this command, flags and objects tells its receiver."""
    object_id = PUBLIC_ADDRESS_OBJECT.get(command)
    if object_id is None or flags != FLAG_REPLY:
        return []
    return [
        obj.value
        for obj in objects
        if obj.family is Family.ADDRESS and obj.id == object_id and isinstance(obj.value, Address)
    ]
