"""The display-filter syntax (``decode -Y``): Wireshark's operators; the grammar that lark
runs over filter text is in :mod:`skypeflux.outputs.filter_parser`.

Only the syntax lives here: text in, a small tree of frozen dataclasses out, and back to text
(:func:`to_text`), so the command-line shorthands (``--cmd``, ``--addr``, ...) build the same
tree a typed expression gives. What a field means and how a tree is matched against records is
in :mod:`skypeflux.outputs.display_filter`.

The grammar follows Wireshark 4: ``==``/``eq``, ``!=``/``ne`` (no occurrence equal), ``~=``
(some occurrence not equal), ``<``, ``>``, ``<=``, ``>=``, ``contains``, ``matches``/``~``,
``in {a b c..d}`` and ``not in``, ``&&``/``and``, ``||``/``or``, ``!``/``not``, parentheses, and a
field name alone for "present". Literals are numbers (``36``, ``0x24``, ``1.5``), quoted strings,
IPv4 addresses with an optional ``/prefix`` or ``:port``, byte strings (``0a:1b:2c``) and bare
words (``request``, ``udp``, command names). ``and`` binds tighter than ``or``, as in Wireshark.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

OPERATORS = ("==", "!=", "~=", "<", ">", "<=", ">=")


class FilterSyntaxError(ValueError):
    """A filter that does not parse, or names what does not exist; ``column`` counts from 1."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(message if column is None else f"column {column}: {message}")
        self.column = column


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal as written: its token kind (NUMBER, STRING, IPV4, BYTES, NAME) and text."""

    kind: str
    text: str

    @property
    def string(self) -> str:
        """The text a STRING stands for (quotes and escapes removed); other kinds as written."""
        if self.kind == "STRING":
            value: str = json.loads(self.text)
            return value
        return self.text


@dataclass(frozen=True, slots=True)
class Item:
    """One member of a set: a value, or a range ``low..high`` (both ends included)."""

    low: Literal
    high: Literal | None = None


@dataclass(frozen=True, slots=True)
class Compare:
    field: str
    op: str  # one of OPERATORS, "contains", "matches"
    value: Literal
    column: int = 0


@dataclass(frozen=True, slots=True)
class Member:
    field: str
    items: tuple[Item, ...]
    column: int = 0


@dataclass(frozen=True, slots=True)
class Present:
    field: str
    column: int = 0


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


@dataclass(frozen=True, slots=True)
class All:
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Any_:
    operands: tuple[Node, ...]


Node = Compare | Member | Present | Not | All | Any_


def parse(text: str) -> Node:
    """Parse a filter expression; :class:`FilterSyntaxError` says what and at which column."""
    if not text.strip():
        raise FilterSyntaxError("empty filter")
    # lark is imported only when a typed expression is parsed: the shorthands and every run
    # without a filter build their trees here, and a run should not pay for the grammar
    from skypeflux.outputs.filter_parser import parse_text

    return parse_text(text)


def quote(text: str) -> Literal:
    """A STRING literal for arbitrary text."""
    return Literal("STRING", json.dumps(text))


def to_text(node: Node) -> str:
    """The expression back as filter text (fully parenthesised where precedence matters)."""
    if isinstance(node, Compare):
        return f"{node.field} {node.op} {node.value.text}"
    if isinstance(node, Member):
        items = " ".join(
            item.low.text if item.high is None else f"{item.low.text}..{item.high.text}"
            for item in node.items
        )
        return f"{node.field} in {{{items}}}"
    if isinstance(node, Present):
        return node.field
    if isinstance(node, Not):
        return f"!({to_text(node.operand)})"
    joiner = " && " if isinstance(node, All) else " || "
    return "(" + joiner.join(to_text(operand) for operand in node.operands) + ")"
