"""From a verified plaintext to the command blocks a user reads, with names attached.

The messages layer splits blocks and decodes their object lists; this module turns them into the
plain :class:`~skypeflux.capture.records.BlockInfo` records the outputs render, and extracts the
facts the pipeline itself learns from (object 0x11, "your public address", in replies).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from skypeflux.capture.records import BlockInfo
from skypeflux.messages.blocks import parse_blocks
from skypeflux.messages.names import command_info, object_info
from skypeflux.objects import BackendArg, to_tree

ADDRESS_FAMILY = 2
PUBLIC_ADDRESS_ID = 0x11
# Replies whose object 0x11 is the public address of the client they answer (protocol.md 5.2):
# cmd 36 ("what is my address" reply) and cmd 31 (client accepted by a supernode).
ADDRESS_REPLIES = frozenset({31, 36})


def _named(
    tree: list[dict[str, Any]], command: int, parents: tuple[tuple[int, int], ...] = ()
) -> list[dict[str, Any]]:
    """Add a ``name`` to every object where the tables name it for this command, this enclosing
    list and this family (ids only mean something relative to the list that holds them,
    protocol.md 4); elsewhere the name is None, never a name borrowed from another context.
    A guessed name ends with '?'.
    """
    out = []
    for node in tree:
        item = dict(node)
        info = object_info(command, node["id"], node["family"], parents)
        item["name"] = info.label if info is not None else None
        if node["family"] == 5:
            item["value"] = _named(node["value"], command, (*parents, (node["id"], 5)))
        out.append(item)
    return out


def _command_label(command: int) -> str | None:
    info = command_info(command)
    return info.label if info is not None else None


def describe_blocks(
    plaintext: bytes, base: int = 0, *, objects_backend: BackendArg = None
) -> list[BlockInfo]:
    """Every command block of ``plaintext`` with its objects in tree form (names added)."""
    infos = []
    for block in parse_blocks(plaintext, base, objects_backend=objects_backend):
        tree = _named(to_tree(block.objects), block.command) if block.objects is not None else None
        infos.append(
            BlockInfo(
                offset=block.offset,
                length=block.length,
                command=block.command,
                flags=block.flags,
                reqid=block.reqid,
                name=_command_label(block.command),
                list_form=block.form,
                tree=tree,
                list_hex=block.list_bytes.hex(),
                error=block.error,
            )
        )
    return infos


def _walk(tree: Sequence[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for node in tree:
        yield node
        if node["family"] == 5:
            yield from _walk(node["value"])


def public_address_claims(blocks: Sequence[BlockInfo]) -> list[tuple[str, int, int]]:
    """(ip, port, command) of every "this is your public address" object in reply blocks."""
    claims = []
    for block in blocks:
        if block.command not in ADDRESS_REPLIES or block.flags != 3 or not block.tree:
            continue
        for node in block.tree:  # top level only: nested 0x11 objects name other hosts
            if node["family"] == ADDRESS_FAMILY and node["id"] == PUBLIC_ADDRESS_ID:
                ip, _, port = str(node["value"]).rpartition(":")
                claims.append((ip, int(port), block.command))
    return claims
