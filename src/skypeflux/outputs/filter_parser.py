"""The display-filter grammar run by lark: filter text to the tree of
:mod:`skypeflux.outputs.filter_syntax`.

Apart from the syntax module so that lark is imported only when a typed expression is parsed
(``decode -Y``): the command-line shorthands and runs without a filter never need it.
"""

from __future__ import annotations

from functools import cache

import lark

from skypeflux.outputs.filter_syntax import (
    All,
    Any_,
    Compare,
    FilterSyntaxError,
    Item,
    Literal,
    Member,
    Node,
    Not,
    Present,
)

GRAMMAR = r"""
?start: expr
?expr: and_expr (_OR and_expr)+ -> any_of
     | and_expr
?and_expr: unary (_AND unary)+ -> all_of
     | unary
?unary: _NOT unary -> negate
      | "(" expr ")"
      | test
test: NAME OP literal -> compare
    | NAME _CONTAINS literal -> contains
    | NAME _MATCHES STRING -> matches
    | NAME _IN "{" item ("," ? item)* "}" -> member
    | NAME _NOT _IN "{" item ("," ? item)* "}" -> not_member
    | NAME -> present
item: literal (".." literal)?
literal: NUMBER | STRING | IPV4 | BYTES | NAME

_OR.4: /\|\||or\b/i
_AND.4: /&&|and\b/i
_NOT.4: /!(?!=)|not\b/i
_IN.4: /in\b/i
_CONTAINS.4: /contains\b/i
_MATCHES.4: /matches\b|~(?!=)/i
OP.4: /==|!=|~=|<=|>=|<|>|(eq|ne|lt|gt|le|ge)\b/i
IPV4.3: /\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}(\/\d{1,2}|:\d{1,5})?/
BYTES.2: /[0-9a-fA-F]{2}(:[0-9a-fA-F]{2})+/
NUMBER.1: /-?(0[xX][0-9a-fA-F]+|\d+(\.\d+)?)/
NAME: /[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_?]|[A-Za-z_]/
STRING: /"(\\.|[^"\\])*"/

%import common.WS
%ignore WS
"""

_WORD_OPS = {"eq": "==", "ne": "!=", "lt": "<", "gt": ">", "le": "<=", "ge": ">="}


def _literal(token: lark.Token) -> Literal:
    return Literal(str(token.type), str(token))


class _Build(lark.Transformer[lark.Token, Node]):
    """Parse tree -> :data:`Node`; keeps each field's column for later error messages."""

    def compare(self, args: list[lark.Token | Literal]) -> Node:
        name, op, value = args
        assert isinstance(name, lark.Token) and isinstance(op, lark.Token)
        assert isinstance(value, Literal)
        text = str(op).lower()
        return Compare(str(name), _WORD_OPS.get(text, text), value, name.column or 0)

    def contains(self, args: list[lark.Token | Literal]) -> Node:
        name, value = args
        assert isinstance(name, lark.Token) and isinstance(value, Literal)
        return Compare(str(name), "contains", value, name.column or 0)

    def matches(self, args: list[lark.Token]) -> Node:
        name, value = args
        return Compare(str(name), "matches", _literal(value), name.column or 0)

    def member(self, args: list[lark.Token | Item]) -> Node:
        name, *items = args
        assert isinstance(name, lark.Token)
        return Member(str(name), tuple(i for i in items if isinstance(i, Item)), name.column or 0)

    def not_member(self, args: list[lark.Token | Item]) -> Node:
        return Not(self.member(args))

    def present(self, args: list[lark.Token]) -> Node:
        return Present(str(args[0]), args[0].column or 0)

    def item(self, args: list[Literal]) -> Item:
        return Item(args[0], args[1] if len(args) > 1 else None)

    def literal(self, args: list[lark.Token]) -> Literal:
        return _literal(args[0])

    def negate(self, args: list[Node]) -> Node:
        return Not(args[0])

    def all_of(self, args: list[Node]) -> Node:
        return All(tuple(args))

    def any_of(self, args: list[Node]) -> Node:
        return Any_(tuple(args))


@cache
def _parser() -> lark.Lark:
    return lark.Lark(GRAMMAR, parser="lalr", propagate_positions=False)


_EXPECTED_WORDS = {
    "NAME": "a field name",
    "OP": "an operator",
    "LPAR": "'('",
    "RPAR": "')'",
    "RBRACE": "'}'",
    "LBRACE": "'{'",
    "NUMBER": "a value",
    "STRING": "a value",
    "IPV4": "a value",
    "BYTES": "a value",
    "$END": "the end",
}


def _expected(names: set[str]) -> str:
    if names & {"NUMBER", "STRING"}:
        names = names - {"NAME"}  # a bare word there is a value, not a field
    words = sorted({_EXPECTED_WORDS.get(name, name.strip("_").lower()) for name in names})
    return " or ".join(words) if words else "something else"


def parse_text(text: str) -> Node:
    """The tree of a non-blank expression (:func:`skypeflux.outputs.filter_syntax.parse`)."""
    try:
        tree = _parser().parse(text)
    except lark.UnexpectedCharacters as exc:
        position = exc.pos_in_stream or 0
        char = text[position] if position < len(text) else ""
        raise FilterSyntaxError(f"unexpected character {char!r}", exc.column) from None
    except lark.UnexpectedEOF as exc:
        raise FilterSyntaxError(
            f"the filter ends too early; expected {_expected(set(exc.expected))}",
            len(text) + 1,
        ) from None
    except lark.UnexpectedToken as exc:
        if exc.token.type == "$END":
            raise FilterSyntaxError(
                f"the filter ends too early; expected {_expected(set(exc.expected))}",
                len(text) + 1,
            ) from None
        raise FilterSyntaxError(
            f"unexpected {str(exc.token)!r}; expected {_expected(set(exc.expected))}",
            exc.column,
        ) from None
    depth = _depth(tree)
    if depth > MAX_DEPTH:
        raise FilterSyntaxError(
            f"the filter nests {depth} levels deep (negations, and/or groups); at most {MAX_DEPTH}",
            1,
        )
    node: object = _Build().transform(tree)
    assert isinstance(node, Compare | Member | Present | Not | All | Any_)
    return node


# Nesting a filter may have. Building and matching its tree recurse, so ten thousand "!" would
# exhaust the stack; no filter a person writes comes near this.
MAX_DEPTH = 200


def _depth(tree: lark.Tree[lark.Token]) -> int:
    """How deep ``tree`` is, found without recursion."""
    deepest = 0
    stack: list[tuple[lark.Tree[lark.Token], int]] = [(tree, 1)]
    while stack:
        node, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in node.children if isinstance(child, lark.Tree))
    return deepest
