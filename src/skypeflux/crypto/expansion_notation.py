"""The notation of ``expansion_program``, parsed into a small checked form both generators share.

The key expansion is written down as data (``expansion_program``); ``tools/gen_expansion.py``
reads it through this parser and writes two translations of it: the pure-Python routines
(``_expansion_pure.py``) and the C routines the fast path includes (``_expansion.inc``). The
parser refuses anything outside the notation, so a generator can translate what it is given
without second-guessing it. Nothing here runs when a key is expanded: it is build-time code,
kept in the package so the tests can check the data and the generated files against it.
"""

from __future__ import annotations

import ast
import functools
import re
from dataclasses import dataclass
from typing import Final

from .errors import CryptoError
from .expansion_program import ROUTINES, Guarded, Routine
from .expansion_tables import TABLES

KEY_WORDS: Final = 20
KEY_BYTES: Final = 4 * KEY_WORDS
MASK32: Final = 0xFFFFFFFF

#: Names a statement may read; ``sel`` is only visible to the engine itself.
VARIABLES: Final = frozenset({"k", "v", "t"})
ROTATIONS: Final = frozenset({"rotl", "rotr"})
HELPERS: Final = ROTATIONS | frozenset(TABLES)
#: Operators whose result can leave 0..2**32-1 and so must be reduced.
WRAPPING_OPS: Final = (ast.Add, ast.Sub, ast.Mult, ast.LShift)
_ALLOWED_OPS: Final = (*WRAPPING_OPS, ast.BitAnd, ast.BitOr, ast.BitXor, ast.RShift, ast.Mod)

_STOP = re.compile(r"stop if (?P<cond>.+)")
_CALL = re.compile(r"call (?P<routine>\d+) with (?P<arg>.+)")


@dataclass(frozen=True)
class Assign:
    """``target = value`` or, with ``op``, ``target = target op value``."""

    target: ast.Name | ast.Subscript
    op: ast.operator | None
    value: ast.expr


@dataclass(frozen=True)
class Stop:
    """Leave the current routine when ``condition`` is non-zero."""

    condition: ast.expr


@dataclass(frozen=True)
class Call:
    """Run routine ``routine`` with ``v = argument``."""

    routine: int
    argument: ast.expr


Statement = Assign | Stop | Call


@dataclass(frozen=True)
class ParsedRoutine:
    """A routine in checked form: ``steps`` pairs a guard (``None``: always) with statements."""

    selector: ast.expr
    steps: tuple[tuple[int | None, tuple[Statement, ...]], ...]


def _expression(text: str) -> ast.expr:
    try:
        node = ast.parse(text, mode="eval").body
    except SyntaxError as exc:
        raise CryptoError(f"bad expression in the expansion program: {text!r}") from exc
    _check(node, text)
    return node


def _check(node: ast.AST, text: str) -> None:
    """Reject anything outside the notation, so both back ends can trust what they translate."""
    for sub in ast.walk(node):
        ok = isinstance(sub, ast.expr_context | ast.cmpop)
        if isinstance(sub, ast.Constant):
            ok = type(sub.value) is int and 0 <= sub.value <= MASK32
        elif isinstance(sub, ast.Name):
            ok = sub.id in VARIABLES or sub.id in HELPERS
        elif isinstance(sub, ast.Subscript):
            index = sub.slice
            ok = (
                isinstance(sub.value, ast.Name)
                and sub.value.id == "k"
                and isinstance(index, ast.Constant)
                and type(index.value) is int
                and 0 <= index.value < KEY_WORDS
            )
        elif isinstance(sub, ast.BinOp):
            ok = isinstance(sub.op, _ALLOWED_OPS)
        elif isinstance(sub, ast.Compare):
            ok = len(sub.ops) == 1 and isinstance(sub.ops[0], ast.Lt | ast.Gt | ast.Eq)
        elif isinstance(sub, ast.Call):
            ok = (
                isinstance(sub.func, ast.Name)
                and sub.func.id in HELPERS
                and not sub.keywords
                and len(sub.args) == (2 if sub.func.id in ROTATIONS else 1)
            )
        elif isinstance(sub, ast.UnaryOp):
            ok = isinstance(sub.op, ast.USub)
        elif isinstance(sub, ast.IfExp | ast.operator | ast.USub):
            ok = True
        if not ok:
            raise CryptoError(f"unsupported {type(sub).__name__} in {text!r}")


def parse_statement(text: str) -> Statement:
    """Parse one statement of the notation described in ``expansion_program``."""
    if match := _STOP.fullmatch(text):
        return Stop(_expression(match["cond"]))
    if match := _CALL.fullmatch(text):
        routine = int(match["routine"])
        if not 0 <= routine < len(ROUTINES):
            raise CryptoError(f"call to unknown routine in {text!r}")
        return Call(routine, _expression(match["arg"]))
    try:
        node = ast.parse(text).body
    except SyntaxError as exc:
        raise CryptoError(f"bad statement in the expansion program: {text!r}") from exc
    if len(node) == 1 and isinstance(node[0], ast.Assign | ast.AugAssign):
        stmt = node[0]
        target = stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) != 1) or not isinstance(
            target, ast.Name | ast.Subscript
        ):
            raise CryptoError(f"bad assignment target in {text!r}")
        if isinstance(target, ast.Name) and target.id == "k":
            raise CryptoError(f"cannot assign the whole key in {text!r}")
        _check(target, text)
        _check(stmt.value, text)
        op = stmt.op if isinstance(stmt, ast.AugAssign) else None
        if op is not None and not isinstance(op, _ALLOWED_OPS):
            raise CryptoError(f"unsupported operator in {text!r}")
        return Assign(target, op, stmt.value)
    raise CryptoError(f"not a statement of the expansion notation: {text!r}")


def parse_routine(routine: Routine) -> ParsedRoutine:
    """Parse a routine; consecutive unguarded statements stay separate steps."""
    steps: list[tuple[int | None, tuple[Statement, ...]]] = []
    for step in routine.steps:
        if isinstance(step, Guarded):
            steps.append((step.case, tuple(parse_statement(s) for s in step.statements)))
        else:
            steps.append((None, (parse_statement(step),)))
    return ParsedRoutine(_expression(routine.selector), tuple(steps))


@functools.cache
def parse_program(routines: tuple[Routine, ...] = ROUTINES) -> tuple[ParsedRoutine, ...]:
    """The whole program in checked form (cached: the data never changes at run time)."""
    return tuple(parse_routine(r) for r in routines)
