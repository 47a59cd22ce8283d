"""Display filters (``decode -Y``): a parsed expression matched against the JSON form of records.

Matching follows Wireshark 4 where a field occurs several times or not at all: ``==``, ``<``,
``contains``, ``in`` and the others hold when *some* occurrence satisfies them; ``!=`` holds when
the field is present and *no* occurrence equals the value (``~=``: some occurrence differs); any
comparison on an absent field is false, and ``!`` negates the whole test (``!(a == 1)`` holds
when ``a`` is absent). ``null`` in the JSON is absent.

Fields of a command block or of its objects (``skypeflux.cmd``, ``skypeflux.obj.id``) are matched
one block at a time: a record is shown when its own fields and one of its blocks satisfy the
whole expression, and only the blocks that do are printed, so ``skypeflux.cmd == 38`` shows the
cmd 38 blocks and not their neighbours. A record without blocks is matched with no block fields
present. Literals are checked against the field's type when the filter is compiled, so a typo is
an error with its column instead of a filter that silently matches nothing.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import get_close_matches
from typing import Any

from skypeflux.outputs import field_access as fa
from skypeflux.outputs.command_lookup import parse_command
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
    parse,
)

JsonRecord = dict[str, Any]
Predicate = Callable[[JsonRecord, list[JsonRecord]], bool]
Test = Callable[[Any], bool]  # one occurrence -> does it satisfy the test?

_COMMAND_FIELDS = frozenset({"skypeflux.cmd"})
_PLAIN_NAMES = frozenset({"skypeflux.cmd.name", "skypeflux.obj.name"})


def _field(name: str, column: int) -> fa.Field:
    field = fa.lookup(name)
    if field is None and name in fa.PLUGIN_ONLY:
        raise FilterSyntaxError(f"{name} is not in decode's output: {fa.PLUGIN_ONLY[name]}", column)
    if field is None:
        close = get_close_matches(name, list(fa.all_fields()), n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise FilterSyntaxError(f"unknown field {name!r}{hint}", column)
    return field


def _bad(field: fa.Field, literal: Literal, column: int, why: str = "") -> FilterSyntaxError:
    what = why or f"{field.name} is {'an' if field.type[0] in 'aeiou' else 'a'} {field.type}"
    return FilterSyntaxError(
        f"{literal.text!r} cannot be compared with {field.name}: {what}", column
    )


def _number(text: str) -> int | float | None:
    try:
        return int(text, 0)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return None


def _ip_value(value: Any) -> ipaddress.IPv4Address | None:
    if not isinstance(value, str):
        return None
    host = value.rpartition(":")[0] if value.count(":") == 1 else value
    try:
        return ipaddress.IPv4Address(host)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Value:
    """A literal made ready for one field: a key to compare by, and how to get it from values."""

    key: Any
    of: Callable[[Any], Any]  # occurrence -> comparable key, or None when not comparable
    network: ipaddress.IPv4Network | None = None
    endpoint: str | None = None  # "ip:port" literal on a field holding endpoints


def _as_int(value: Any) -> Any:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _as_str(value: Any) -> Any:
    return value if isinstance(value, str) else None


def _as_bool(value: Any) -> Any:
    return value if isinstance(value, bool) else None


def _value(field: fa.Field, literal: Literal, column: int) -> _Value:
    """Check a literal against the field's type and turn it into a comparable value."""
    kind = field.type
    if kind in (fa.INTEGER, fa.NUMBER) or (kind == fa.ANY and literal.kind == "NUMBER"):
        number = _number(literal.text) if literal.kind == "NUMBER" else None
        if number is None and field.name in _COMMAND_FIELDS and literal.kind in ("NAME", "STRING"):
            try:
                number = parse_command(literal.string)
            except ValueError as exc:
                raise FilterSyntaxError(str(exc), column) from None
        if number is None:
            raise _bad(field, literal, column)
        return _Value(number, _as_int)
    if kind == fa.BOOLEAN:
        truth = {"true": True, "1": True, "false": False, "0": False}.get(literal.string.lower())
        if truth is None:
            raise _bad(field, literal, column, f"{field.name} is true or false")
        return _Value(truth, _as_bool)
    if kind == fa.ADDRESS or (kind == fa.ANY and literal.kind == "IPV4"):
        if literal.kind != "IPV4" and kind == fa.ADDRESS:
            raise _bad(field, literal, column, f"{field.name} is an IPv4 address (or a.b.c.d/n)")
        text = literal.string
        if ":" in text:
            if kind == fa.ADDRESS:
                raise _bad(field, literal, column, "an IP address field has no port")
            return _Value(text, _as_str, endpoint=text)
        try:
            network = ipaddress.IPv4Network(text, strict=False)
        except ValueError:
            raise _bad(field, literal, column, "not an IPv4 address or network") from None
        return _Value(int(network.network_address), _ip_int, network=network)
    if kind == fa.HEX:
        if literal.kind == "BYTES":
            return _Value(literal.text.replace(":", "").lower(), _as_str)
        if literal.kind == "STRING":
            return _Value(literal.string.encode("utf-8").hex(), _as_str)
        raise _bad(field, literal, column, f'{field.name} holds bytes: give 0a:1b:.. or "text"')
    if field.name in _PLAIN_NAMES:
        return _Value(literal.string.rstrip("?"), _as_str)  # the guess is its own field
    # STRING, or ANY with a string literal: the text as written (a bare word or a number too)
    if literal.kind == "BYTES" and kind == fa.ANY:
        return _Value(literal.text.replace(":", "").lower(), _as_str)
    return _Value(literal.string, _as_str)


def _ip_int(value: Any) -> Any:
    ip = _ip_value(value)
    return int(ip) if ip is not None else None


def _equals(value: _Value) -> Test:
    if value.network is not None:
        network = value.network

        def in_network(occurrence: Any) -> bool:
            ip = _ip_value(occurrence)
            return ip is not None and ip in network

        return in_network
    if value.endpoint is not None:
        return lambda occurrence: occurrence == value.endpoint
    key, of = value.key, value.of
    return lambda occurrence: of(occurrence) == key


def _ordering(op: str, value: _Value) -> Test:
    key, of = value.key, value.of
    compare: Callable[[Any, Any], bool] = {
        "<": lambda a, b: a < b,
        ">": lambda a, b: a > b,
        "<=": lambda a, b: a <= b,
        ">=": lambda a, b: a >= b,
    }[op]

    def test(occurrence: Any) -> bool:
        mine = of(occurrence)
        return mine is not None and type(mine) is not bool and compare(mine, key)

    return test


def _contains(field: fa.Field, literal: Literal, column: int) -> Test:
    if field.type in (fa.INTEGER, fa.NUMBER, fa.BOOLEAN):
        raise _bad(field, literal, column, "contains needs a text or bytes field")
    if field.type == fa.HEX or literal.kind == "BYTES":
        needle = _value(field, literal, column).key
        return lambda occurrence: isinstance(occurrence, str) and _hex_contains(occurrence, needle)
    text = literal.string
    return lambda occurrence: isinstance(occurrence, str) and text in occurrence


def _hex_contains(haystack: str, needle: str) -> bool:
    """Byte containment on hex strings: only at even offsets, so nibbles never straddle bytes."""
    start = haystack.find(needle)
    while start >= 0:
        if start % 2 == 0:
            return True
        start = haystack.find(needle, start + 1)
    return False


def _matches(field: fa.Field, literal: Literal, column: int) -> Test:
    try:
        pattern = re.compile(literal.string, re.IGNORECASE)  # case-insensitive, as in Wireshark
    except re.error as exc:
        raise FilterSyntaxError(f"bad regular expression: {exc}", column) from None
    if field.type in (fa.INTEGER, fa.NUMBER, fa.BOOLEAN):
        raise _bad(field, literal, column, "matches needs a text field")
    return lambda occurrence: isinstance(occurrence, str) and pattern.search(occurrence) is not None


def _member(field: fa.Field, items: Sequence[Item], column: int) -> Test:
    tests: list[Test] = []
    for item in items:
        low = _value(field, item.low, column)
        if item.high is None:
            tests.append(_equals(low))
            continue
        high = _value(field, item.high, column)
        if low.network is not None or high.network is not None or low.endpoint or high.endpoint:
            raise _bad(field, item.low, column, "a range needs numbers or text, not networks")
        tests.append(_between(low, high))
    return lambda occurrence: any(test(occurrence) for test in tests)


def _between(low: _Value, high: _Value) -> Test:
    def test(occurrence: Any) -> bool:
        mine = low.of(occurrence)
        return mine is not None and type(mine) is not bool and low.key <= mine <= high.key

    return test


def _occurrences(field: fa.Field) -> Callable[[JsonRecord, list[JsonRecord]], list[Any]]:
    return lambda record, blocks: fa.values(field, record, blocks)


def _compile(node: Node, fields: set[str], commands: set[int]) -> Predicate:
    if isinstance(node, Not):
        inner = _compile(node.operand, fields, commands)
        return lambda record, blocks: not inner(record, blocks)
    if isinstance(node, All | Any_):
        parts = [_compile(operand, fields, commands) for operand in node.operands]
        if isinstance(node, All):
            return lambda record, blocks: all(part(record, blocks) for part in parts)
        return lambda record, blocks: any(part(record, blocks) for part in parts)
    field = _field(node.field, node.column)
    fields.add(field.name)
    get = _occurrences(field)
    if isinstance(node, Present):
        return lambda record, blocks: bool(get(record, blocks))
    if isinstance(node, Member):
        test = _member(field, node.items, node.column)
        return lambda record, blocks: any(map(test, get(record, blocks)))
    assert isinstance(node, Compare)
    if node.op == "contains":
        test = _contains(field, node.value, node.column)
    elif node.op == "matches":
        test = _matches(field, node.value, node.column)
    else:
        value = _value(field, node.value, node.column)
        if field.name in _COMMAND_FIELDS and isinstance(value.key, int):
            commands.add(value.key)
        if node.op in ("<", ">", "<=", ">="):
            if value.network is not None:
                value = _Value(value.key, _ip_int)
            test = _ordering(node.op, value)
        else:
            test = _equals(value)
        if node.op == "!=":  # present, and no occurrence equal (Wireshark's "all not equal")

            def all_differ(record: JsonRecord, blocks: list[JsonRecord]) -> bool:
                found = get(record, blocks)
                return bool(found) and not any(map(test, found))

            return all_differ
        if node.op == "~=":  # present, and some occurrence not equal
            return lambda record, blocks: any(not test(v) for v in get(record, blocks))
    return lambda record, blocks: any(map(test, get(record, blocks)))


@dataclass(frozen=True)
class DisplayFilter:
    """A compiled filter; :meth:`select` says which blocks of a JSON record it shows."""

    text: str
    node: Node
    predicate: Predicate
    fields: frozenset[str]
    commands: frozenset[int]  # command numbers the filter names (for a "matched nothing" hint)

    @property
    def block_level(self) -> bool:
        return any(fa.all_fields()[name].level != fa.RECORD for name in self.fields)

    def select(self, record: JsonRecord) -> list[int] | None:
        """None when the record is not shown, else the indices of the blocks to show."""
        blocks: list[JsonRecord] = record.get("skypeflux.blocks") or []
        if self.block_level and blocks:
            chosen = [i for i, block in enumerate(blocks) if self.predicate(record, [block])]
            return chosen or None
        return list(range(len(blocks))) if self.predicate(record, []) else None


def compile_node(node: Node, text: str = "") -> DisplayFilter:
    fields: set[str] = set()
    commands: set[int] = set()
    predicate = _compile(node, fields, commands)
    return DisplayFilter(text, node, predicate, frozenset(fields), frozenset(commands))


def compile_filter(text: str) -> DisplayFilter:
    """Parse and compile ``text``; :class:`FilterSyntaxError` (a ValueError) names the column."""
    return compile_node(parse(text), text)
