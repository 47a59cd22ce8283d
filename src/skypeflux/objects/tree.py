"""The JSON ``tree`` form of an object list, as the vectors and the JSON output use it.

A tree is a list of ``{"family", "id", "value"}`` dicts; values are JSON-friendly: integers for
families 0 and 1, ``"a.b.c.d:port"`` for addresses, lower-case hex for strings (without the NUL)
and blobs, a nested tree for lists, a list of integers for int lists. Hex keeps arbitrary bytes
lossless, which text would not.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .errors import ObjectsError
from .model import Address, Family, Obj, ObjectList, check_nesting

Tree = list[dict[str, Any]]


def to_tree(objects: Iterable[Obj]) -> Tree:
    """The tree form of ``objects`` (nested lists recursively, at most ``MAX_DEPTH_LIMIT``
    levels: deeper ones raise ``ObjectsError``)."""
    return _to_tree(objects, 0)


def _to_tree(objects: Iterable[Obj], level: int) -> Tree:
    check_nesting(level)
    out: Tree = []
    for obj in objects:
        family, oid = obj[0], obj[1]
        value: Any = obj[2]
        if family == Family.ADDRESS:
            shown: Any = str(value)
        elif family == Family.STRING or family == Family.BLOB:
            shown = value.hex()
        elif family == Family.LIST:
            shown = _to_tree(value, level + 1)
        elif family == Family.INT_LIST:
            shown = list(value)
        else:
            shown = value
        out.append({"family": int(family), "id": oid, "value": shown})
    return out


def from_tree(tree: Tree) -> ObjectList:
    """Build an ``ObjectList`` from its tree form; a malformed tree, or one nested deeper than
    ``MAX_DEPTH_LIMIT`` levels, raises ``ObjectsError``."""
    return _from_tree(tree, 0)


def _from_tree(tree: Tree, level: int) -> ObjectList:
    check_nesting(level)
    if not isinstance(tree, list):
        raise ObjectsError(f"a tree is a list of objects, got {type(tree).__name__}")
    items = []
    for node in tree:
        if not isinstance(node, dict) or not {"family", "id", "value"} <= node.keys():
            raise ObjectsError(f"a tree node needs family, id and value: {node!r}")
        family, value = node["family"], node["value"]
        try:
            if family == Family.ADDRESS:
                value = Address.parse(value) if isinstance(value, str) else value
            elif family in (Family.STRING, Family.BLOB):
                value = bytes.fromhex(value) if isinstance(value, str) else value
            elif family == Family.LIST:
                value = _from_tree(value, level + 1)
        except ValueError as exc:  # bytes.fromhex on bad hex
            if isinstance(exc, ObjectsError):
                raise
            raise ObjectsError(f"bad value for family {family}: {exc}") from None
        items.append(Obj(family, node["id"], value))
    return ObjectList.trusted(items)
