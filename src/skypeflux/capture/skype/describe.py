"""From a verified plaintext to the command blocks a user reads.

The messages layer splits blocks and decodes their object lists; this module wraps them in the
plain :class:`~skypeflux.capture.records.BlockInfo` records the outputs render (objects stay a
typed ``ObjectList``), and extracts the facts the pipeline itself learns from (the public-address
objects of replies, :mod:`skypeflux.messages.addresses`).
"""

from __future__ import annotations

from collections.abc import Sequence

from skypeflux.capture.records import BlockInfo
from skypeflux.messages.addresses import may_claim_public_address
from skypeflux.messages.addresses import public_address_claims as block_claims
from skypeflux.messages.blocks import block_fields, parse_blocks
from skypeflux.messages.names import command_label
from skypeflux.objects import BackendArg


def describe_blocks(
    plaintext: bytes, base: int = 0, *, objects_backend: BackendArg = None
) -> list[BlockInfo]:
    """Every command block of ``plaintext`` with its decoded objects and command name."""
    described = []
    for offset, length, _size, cmd_raw, reqid, list_bytes, objects, form, error in block_fields(
        plaintext, base, objects_backend=objects_backend
    ):
        command = cmd_raw >> 3
        described.append(
            BlockInfo(
                offset,
                length,
                command,
                cmd_raw & 7,
                reqid,
                command_label(command),
                form,
                objects,
                list_bytes,
                error,
            )
        )
    return described


def public_address_claims(blocks: Sequence[BlockInfo]) -> list[tuple[str, int, int]]:
    """(ip, port, command) of every "this is your public address" object in reply blocks."""
    return [
        (address.host, address.port, block.command)
        for block in blocks
        if block.objects
        for address in block_claims(block.command, block.flags, block.objects)
    ]


def may_hold_claims(plaintext: bytes) -> bool:
    """Whether any block of ``plaintext`` could carry a public-address claim, read from the
    block headers alone (no object list is decoded)."""
    return any(
        may_claim_public_address(block.command, block.flags)
        for block in parse_blocks(plaintext, decode_objects=False)
    )
