"""Display filters (``-Y``) select what a direct Python evaluation over the JSON lines selects.

Hypothesis builds random expressions over SkypeIRC.cap's fields together with the same predicate
written as plain Python over the JSON form (field lookups spelled out here, not through the
accessor module), and both must pick the same records and the same blocks in them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skypeflux.capture.pipeline import Decoder
from skypeflux.outputs.display_filter import compile_filter
from skypeflux.outputs.filter_syntax import FilterSyntaxError
from skypeflux.outputs.jsonl import record_to_json

Json = dict[str, Any]
Get = Callable[[Json, Json | None], list[Any]]
Pred = Callable[[Json, Json | None], bool]


@pytest.fixture(scope="module")
def lines(skypeirc_path: Path) -> list[Json]:
    decoder = Decoder()
    records = list(decoder.run(str(skypeirc_path)))
    origin = decoder.first_time or 0.0
    return [record_to_json(record, origin) for record in records]


def _walk(objects: list[Json] | None) -> Iterator[Json]:
    for node in objects or []:
        yield node
        if node["skypeflux.obj.family"] == 5:
            yield from _walk(node["skypeflux.obj.value"])


def _record(key: str) -> Get:
    def get(rec: Json, block: Json | None) -> list[Any]:
        value = rec[key]
        if value is None:
            return []
        return list(value) if isinstance(value, list) else [value]

    return get


def _block(key: str) -> Get:
    return lambda rec, block: [] if block is None or block[key] is None else [block[key]]


def _obj(key: str) -> Get:
    def get(rec: Json, block: Json | None) -> list[Any]:
        if block is None:
            return []
        return [
            node[key] for node in _walk(block["skypeflux.objects"]) if node.get(key) is not None
        ]

    return get


def _ip_addr(rec: Json, block: Json | None) -> list[Any]:
    return [rec["ip.src"], rec["ip.dst"]]


BLOCK_FIELDS = {
    "skypeflux.cmd",
    "skypeflux.cmd.kind",
    "skypeflux.reqid",
    "skypeflux.obj.id",
    "skypeflux.obj.family",
    "skypeflux.obj.text",
    "skypeflux.reply_to_frame",
}

# field -> (getter, literal strategy producing (text, python value))
INTS = {
    "frame": (
        _record("frame"),
        st.sampled_from([176, 216, 273, 333, 372, 1295, 2263]) | st.integers(1, 2300),
    ),
    "frames": (_record("frames"), st.sampled_from([216, 1295, 1297, 1301]) | st.integers(1, 2300)),
    "srcport": (_record("srcport"), st.sampled_from([35990, 1312, 57322, 44019, 1, 443])),
    "skypeflux.udp.id": (
        _record("skypeflux.udp.id"),
        st.sampled_from([0x15E7, 0x15F2, 0x1626]) | st.integers(0x15E0, 0x1700),
    ),
    "skypeflux.cmd": (
        _block("skypeflux.cmd"),
        st.sampled_from([6, 8, 14, 15, 27, 28, 29, 36, 38, 999]),
    ),
    "skypeflux.reqid": (
        _block("skypeflux.reqid"),
        st.sampled_from([0x1605, 0x1616, 0x1626]) | st.integers(0x1600, 0x1700),
    ),
    "skypeflux.obj.id": (_obj("skypeflux.obj.id"), st.integers(0, 40)),
    "skypeflux.obj.family": (_obj("skypeflux.obj.family"), st.integers(0, 6)),
}
WORDS = {
    "skypeflux.unit": (_record("skypeflux.unit"), ["udp.payload", "udp.ack", "tcp.data", "note"]),
    "transport": (_record("transport"), ["udp", "tcp"]),
    "skypeflux.cmd.kind": (_block("skypeflux.cmd.kind"), ["request", "reply", "notify"]),
}
ADDRESSES = ["192.168.1.2", "68.206.150.243", "82.253.163.244", "212.149.248.49"]
ADDRESS_FIELDS = {
    "ip.src": _record("ip.src"),
    "ip.dst": _record("ip.dst"),
    "ip.addr": _ip_addr,
}
PRESENT = {
    "skypeflux.reqid": _block("skypeflux.reqid"),
    "skypeflux.reply_to_frame": _block("skypeflux.reply_to_frame"),
    "skypeflux.seed": _record("skypeflux.seed"),
    "skypeflux.obj.text": _obj("skypeflux.obj.text"),
}

OPS: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _any(get: Get, test: Callable[[Any], bool]) -> Pred:
    return lambda rec, block: any(test(v) for v in get(rec, block))


def _differs(get: Get, value: Any) -> Pred:
    def pred(rec: Json, block: Json | None) -> bool:
        found = get(rec, block)
        return bool(found) and all(v != value for v in found)

    return pred


Atom = tuple[str, Pred, bool]  # text, predicate, names a block field


@st.composite
def int_atoms(draw: st.DrawFn) -> Atom:
    name = draw(st.sampled_from(sorted(INTS)))
    get, values = INTS[name]
    value = draw(values)
    block = name in BLOCK_FIELDS
    form = draw(st.sampled_from(["op", "ne", "in", "range", "hex"]))
    if form == "ne":
        return f"{name} != {value}", _differs(get, value), block
    if form == "in":
        other = draw(values)
        return f"{name} in {{{value} {other}}}", _any(get, lambda v: v in (value, other)), block
    if form == "range":
        high = value + draw(st.integers(0, 300))
        return f"{name} in {{{value}..{high}}}", _any(get, lambda v: value <= v <= high), block
    if form == "hex":
        return f"{name} == {value:#x}", _any(get, lambda v: v == value), block
    op = draw(st.sampled_from(sorted(OPS)))
    word = draw(
        st.sampled_from([op, {"==": "eq", "<": "lt", ">": "gt", "<=": "le", ">=": "ge"}[op]])
    )
    return f"{name} {word} {value}", _any(get, lambda v: OPS[op](v, value)), block


@st.composite
def word_atoms(draw: st.DrawFn) -> Atom:
    name = draw(st.sampled_from(sorted(WORDS)))
    get, words = WORDS[name]
    word = draw(st.sampled_from(words))
    quoted = draw(st.booleans())
    literal = f'"{word}"' if quoted else word
    return f"{name} == {literal}", _any(get, lambda v: v == word), name in BLOCK_FIELDS


@st.composite
def address_atoms(draw: st.DrawFn) -> Atom:
    name = draw(st.sampled_from(sorted(ADDRESS_FIELDS)))
    get = ADDRESS_FIELDS[name]
    address = draw(st.sampled_from(ADDRESSES))
    prefix = draw(st.sampled_from([None, 8, 16, 24, 32]))
    if prefix is None:
        return f"{name} == {address}", _any(get, lambda v: v == address), False
    network = ipaddress.IPv4Network(f"{address}/{prefix}", strict=False)
    return (
        f"{name} == {address}/{prefix}",
        _any(get, lambda v: ipaddress.IPv4Address(v) in network),
        False,
    )


@st.composite
def other_atoms(draw: st.DrawFn) -> Atom:
    kind = draw(st.sampled_from(["present", "verified", "contains", "matches", "bytes"]))
    if kind == "bytes":
        needle = draw(st.sampled_from(["42:15", "00:01", "16:06", "e7:42", "7e:8b:09"]))
        wanted = bytes.fromhex(needle.replace(":", ""))
        return (
            f"skypeflux.plaintext contains {needle}",
            _any(_record("skypeflux.plaintext"), lambda v: wanted in bytes.fromhex(v)),
            False,
        )
    if kind == "present":
        name = draw(st.sampled_from(sorted(PRESENT)))
        return name, lambda rec, block: bool(PRESENT[name](rec, block)), name in BLOCK_FIELDS
    if kind == "verified":
        truth = draw(st.booleans())
        text = f"skypeflux.verified == {str(truth).lower()}"
        return text, lambda rec, block: rec["skypeflux.verified"] is truth, False
    needle = draw(st.sampled_from(["1.2", "2/", "Skype", "a", "zz"]))
    get = _obj("skypeflux.obj.text")
    if kind == "contains":
        return f'skypeflux.obj.text contains "{needle}"', _any(get, lambda v: needle in v), True
    return (
        f'skypeflux.obj.text matches "^{needle}"',
        _any(get, lambda v: v.lower().startswith(needle.lower())),
        True,
    )


atoms = st.one_of(int_atoms(), word_atoms(), address_atoms(), other_atoms())


def _combine(children: st.SearchStrategy[Atom]) -> st.SearchStrategy[Atom]:
    def both(pair: tuple[Atom, Atom, str]) -> Atom:
        (ta, pa, ba), (tb, pb, bb), op = pair
        if op in ("&&", "and"):
            return f"({ta} {op} {tb})", lambda r, b: pa(r, b) and pb(r, b), ba or bb
        return f"({ta} {op} {tb})", lambda r, b: pa(r, b) or pb(r, b), ba or bb

    def negate(pair: tuple[Atom, str]) -> Atom:
        (text, pred, block), word = pair
        return f"{word}({text})", lambda r, b: not pred(r, b), block

    ops = st.sampled_from(["&&", "||", "and", "or"])
    return st.one_of(
        st.tuples(children, children, ops).map(both),
        st.tuples(children, st.sampled_from(["!", "not "])).map(negate),
    )


expressions = st.recursive(atoms, _combine, max_leaves=5)


def _expected(lines: list[Json], pred: Pred, block_level: bool) -> list[tuple[int, list[int]]]:
    out = []
    for index, rec in enumerate(lines):
        blocks = rec["skypeflux.blocks"]
        if block_level and blocks:
            chosen = [i for i, block in enumerate(blocks) if pred(rec, block)]
            if chosen:
                out.append((index, chosen))
        elif pred(rec, None):
            out.append((index, list(range(len(blocks)))))
    return out


@settings(
    max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(expressions)
def test_filters_select_what_python_selects(lines: list[Json], expression: Atom) -> None:
    text, pred, block_level = expression
    compiled = compile_filter(text)
    got = [
        (i, chosen) for i, rec in enumerate(lines) if (chosen := compiled.select(rec)) is not None
    ]
    assert got == _expected(lines, pred, block_level), text


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("skypeflux.cmd == 38", 3),  # three client_statistics blocks, in three TCP frames
        ("skypeflux.cmd == client_statistics", 3),
        ("skypeflux.unit == udp.message", 6),
        ("skypeflux.unit == udp.payload && skypeflux.verified", 233),
    ],
)
def test_known_counts(lines: list[Json], text: str, count: int) -> None:
    """Figures from captures/README.md, counted without the filter."""
    compiled = compile_filter(text)
    chosen = [c for rec in lines if (c := compiled.select(rec)) is not None]
    if "cmd" in text:
        assert sum(len(c) for c in chosen) == count
    else:
        assert len(chosen) == count


@pytest.mark.parametrize(
    ("text", "column", "words"),
    [
        ("skypeflux.cmd == && frame", 18, "expected a value"),
        ("skypeflux.cmd ==", 17, "ends too early"),
        ("(frame", 7, "')'"),
        ("frame $ 3", 7, "unexpected character"),
        ("skypeflux.cmmd == 3", 1, "did you mean skypeflux.cmd"),
        ("frame == 1 && ip.src == abc", 15, "IPv4"),
        ("frame == 1 || skypeflux.cmd == nosuchname", 15, "unknown command name"),
        ("skypeflux.verified == maybe", 1, "true or false"),
        ('skypeflux.obj.text matches "("', 1, "regular expression"),
    ],
)
def test_errors_point_at_the_column(text: str, column: int, words: str) -> None:
    with pytest.raises(FilterSyntaxError, match=re.escape(words)) as info:
        compile_filter(text)
    assert info.value.column == column
    assert str(info.value).startswith(f"column {column}: ")


def test_not_equal_is_wiresharks_all_not_equal(lines: list[Json]) -> None:
    """``!=`` needs the field present, ``!(==)`` does not (tshark 4 behaves the same)."""
    ne = compile_filter("skypeflux.cmd != 27")
    negated = compile_filter("!(skypeflux.cmd == 27)")
    blockless = [rec for rec in lines if not rec["skypeflux.blocks"]]
    assert blockless
    assert all(ne.select(rec) is None for rec in blockless)
    assert all(negated.select(rec) == [] for rec in blockless)


def test_a_filter_nested_beyond_the_stack_is_refused() -> None:
    """Building and matching a filter recurse: ten thousand negations used to end the run
    with an internal RecursionError."""
    with pytest.raises(FilterSyntaxError, match="nests 10002 levels deep"):
        compile_filter("!" * 10_000 + "frame == 1")
    deep = compile_filter("!" * 150 + "frame == 1")  # an even count: the same as without
    flat = compile_filter(" || ".join(f"frame == {n}" for n in range(5000)))
    one: Json = {"frame": 1, "skypeflux.blocks": []}
    other: Json = {"frame": 5000, "skypeflux.blocks": []}
    assert deep.select(one) == [] and flat.select(one) == []
    assert deep.select(other) is None and flat.select(other) is None
