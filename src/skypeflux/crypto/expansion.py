"""The engine that runs the key-expansion program of ``expansion_program`` (pure-Python path).

The program is parsed once into a small checked form (``parse_program``) that both back ends
share: this module compiles it, through Python's ``ast``, into one Python function per routine
with every wrapping operation masked to 32 bits, and ``tools/gen_fast_c.py`` turns the same form
into C. Compiling (rather than interpreting statement by statement) keeps the pure path fast
enough to check thousands of seeds in a test run while the program stays readable data.
"""

from __future__ import annotations

import ast
import copy
import functools
import re
import struct
from collections.abc import Callable, Mapping, Sequence
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


# --- compilation to Python -------------------------------------------------------------------


def rotl(x: int, r: int) -> int:
    """Rotate the 32-bit word ``x`` left by ``r mod 32``."""
    r &= 31
    return ((x << r) | (x >> (32 - r))) & MASK32


def rotr(x: int, r: int) -> int:
    """Rotate the 32-bit word ``x`` right by ``r mod 32``."""
    r &= 31
    return ((x >> r) | (x << (32 - r))) & MASK32


def _routine_name(index: int) -> str:
    return f"routine_{index}"


class _ToPython(ast.NodeTransformer):
    """Rewrite a notation expression into plain Python that keeps every value in 32 bits."""

    def visit_BinOp(self, node: ast.BinOp) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.op, WRAPPING_OPS):
            return ast.BinOp(node, ast.BitAnd(), ast.Constant(MASK32))
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.expr:
        self.generic_visit(node)
        return ast.BinOp(node, ast.BitAnd(), ast.Constant(MASK32))

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)
        assert isinstance(node.func, ast.Name)
        name = node.func.id
        if name in TABLES:
            index = ast.BinOp(node.args[0], ast.BitAnd(), ast.Constant(0xFF))
            return ast.Subscript(ast.Name(f"table_{name}", ast.Load()), index, ast.Load())
        return node


def _py_expr(node: ast.expr) -> ast.expr:
    result = _ToPython().visit(copy.deepcopy(node))
    assert isinstance(result, ast.expr)
    return result


def _store(target: ast.Name | ast.Subscript) -> ast.Name | ast.Subscript:
    stored = copy.deepcopy(target)
    stored.ctx = ast.Store()
    return stored


def _py_statement(stmt: Statement) -> ast.stmt:
    if isinstance(stmt, Stop):
        return ast.If(_py_expr(stmt.condition), [ast.Return(None)], [])
    if isinstance(stmt, Call):
        callee = ast.Name(_routine_name(stmt.routine), ast.Load())
        args: list[ast.expr] = [ast.Name("k", ast.Load()), _py_expr(stmt.argument)]
        return ast.Expr(ast.Call(callee, args, []))
    value = stmt.value
    if stmt.op is not None:
        load = copy.deepcopy(stmt.target)
        load.ctx = ast.Load()
        value = ast.BinOp(load, stmt.op, value)
    return ast.Assign([_store(stmt.target)], _py_expr(value))


def _py_routine(index: int, parsed: ParsedRoutine) -> ast.FunctionDef:
    body: list[ast.stmt] = [
        ast.Assign([ast.Name("sel", ast.Store())], _py_expr(parsed.selector)),
    ]
    for case, statements in parsed.steps:
        code = [_py_statement(s) for s in statements]
        if case is None:
            body.extend(code)
        else:
            test = ast.Compare(ast.Name("sel", ast.Load()), [ast.Eq()], [ast.Constant(case)])
            body.append(ast.If(test, code, []))
    arguments = ast.arguments(
        posonlyargs=[],
        args=[ast.arg("k"), ast.arg("v")],
        kwonlyargs=[],
        kw_defaults=[],
        defaults=[],
    )
    return ast.FunctionDef(name=_routine_name(index), args=arguments, body=body, decorator_list=[])


@functools.cache
def python_module() -> ast.Module:
    """The program as a Python module AST (``ast.unparse`` it to read what actually runs)."""
    routines = [_py_routine(i, r) for i, r in enumerate(parse_program())]
    module = ast.Module(body=list[ast.stmt](routines), type_ignores=[])
    return ast.fix_missing_locations(module)


EntryPoint = Callable[[list[int], int], None]


def build_entry(tables: Mapping[str, Sequence[int]] = TABLES) -> EntryPoint:
    """Compile the program; the result mixes a 20-word list in place, given the entry ``v``.

    ``tables`` exists so tests can show that each lookup table matters.
    """
    namespace: dict[str, object] = {"rotl": rotl, "rotr": rotr}
    namespace.update({f"table_{name}": tuple(table) for name, table in tables.items()})
    exec(compile(python_module(), "<skypeflux key expansion>", "exec"), namespace)
    entry = namespace[_routine_name(0)]
    assert callable(entry)
    return entry


_entry = functools.cache(build_entry)


def check_seed(seed: int) -> int:
    """Return ``seed`` if it is a 32-bit unsigned integer, else raise ``CryptoError``."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, not {type(seed).__name__}")
    if not 0 <= seed <= MASK32:
        raise CryptoError(f"seed {seed} is outside 0..0xFFFFFFFF")
    return seed


def expand_words(seed: int) -> list[int]:
    """The 20 key words for ``seed`` (pure Python)."""
    check_seed(seed)
    words = [seed] * KEY_WORDS
    _entry()(words, seed)
    return words


_PACK_KEY: Final = struct.Struct(f"<{KEY_WORDS}I").pack


def expand_key(seed: int) -> bytes:
    """The 80-byte RC4 key for ``seed``: the 20 words, little-endian (pure Python)."""
    return _PACK_KEY(*expand_words(seed))


def words_to_key(words: Sequence[int]) -> bytes:
    """Pack 20 key words the way the RC4 key schedule reads them."""
    return _PACK_KEY(*words)
