"""Generate both translations of the key-expansion program: pure Python and the C routines.

The program is data (``skypeflux.crypto.expansion_program``), parsed and checked by
``skypeflux.crypto.expansion_notation``. This script writes it out twice, so that the two back
ends cannot drift and a reader can open what actually runs:

- ``src/skypeflux/crypto/_expansion_pure.py``: one Python function per routine, every wrapping
  operation reduced to 32 bits (the pure back end imports it);
- ``src/skypeflux/crypto/_expansion.inc``: the lookup tables and one C function per routine,
  included by the hand-written ``_fast_core.c`` (which supplies ``rotl32``/``rotr32``).

Both outputs are committed; a test regenerates them and compares.

Usage: python tools/gen_expansion.py [--check]
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from skypeflux.crypto.expansion_notation import (  # noqa: E402
    KEY_WORDS,
    Assign,
    Call,
    ParsedRoutine,
    Statement,
    Stop,
    parse_program,
)
from skypeflux.crypto.expansion_tables import TABLES  # noqa: E402

CRYPTO = REPO / "src" / "skypeflux" / "crypto"
PY_OUTPUT = CRYPTO / "_expansion_pure.py"
C_OUTPUT = CRYPTO / "_expansion.inc"

_BINARY = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitAnd: "&",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.Mod: "%",
}
#: Operators whose result can leave 0..2**32-1 in Python, so the Python output reduces them.
_WRAPPING = (ast.Add, ast.Sub, ast.Mult, ast.LShift)
_COMPARE = {ast.Lt: "<", ast.Gt: ">", ast.Eq: "=="}


def _number(value: int) -> str:
    """Small numbers in decimal, as the program data writes them; words in hex."""
    return str(value) if value < 256 else f"0x{value:X}"


def _routine_steps(
    routine: ParsedRoutine, statement: Callable[[Statement], str]
) -> list[tuple[int | None, list[str]]]:
    return [(case, [statement(s) for s in stmts]) for case, stmts in routine.steps]


# --- Python -------------------------------------------------------------------------------


def py_expr(node: ast.expr) -> str:
    """A notation expression as Python over unbounded ints, reduced wherever it could wrap."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int)
        return _number(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        assert isinstance(node.slice, ast.Constant)
        return f"k[{node.slice.value}]"
    if isinstance(node, ast.UnaryOp):
        return f"(-{py_expr(node.operand)} & MASK)"
    if isinstance(node, ast.BinOp):
        text = f"{py_expr(node.left)} {_BINARY[type(node.op)]} {py_expr(node.right)}"
        return f"(({text}) & MASK)" if isinstance(node.op, _WRAPPING) else f"({text})"
    if isinstance(node, ast.Compare):
        op = _COMPARE[type(node.ops[0])]
        return f"({py_expr(node.left)} {op} {py_expr(node.comparators[0])})"
    if isinstance(node, ast.IfExp):
        return f"({py_expr(node.body)} if {py_expr(node.test)} else {py_expr(node.orelse)})"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [_bare(py_expr(a)) for a in node.args]
        if node.func.id in TABLES:
            return f"{node.func.id.upper()}[{args[0]} & 0xFF]"
        return f"{node.func.id}({', '.join(args)})"
    raise TypeError(f"cannot translate {ast.dump(node)}")


def _bare(text: str) -> str:
    """Drop one pair of outer parentheses when they enclose the whole expression."""
    if not (text.startswith("(") and text.endswith(")")):
        return text
    depth = 0
    for i, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0 and i < len(text) - 1:
            return text
    return text[1:-1]


def py_statement(stmt: Statement) -> str:
    if isinstance(stmt, Stop):
        return f"if {_bare(py_expr(stmt.condition))}:\n    return"
    if isinstance(stmt, Call):
        return f"routine_{stmt.routine}(k, {_bare(py_expr(stmt.argument))})"
    target = py_expr(stmt.target)
    if stmt.op is None:
        return f"{target} = {_bare(py_expr(stmt.value))}"
    if isinstance(stmt.op, _WRAPPING):
        op = _BINARY[type(stmt.op)]
        return f"{target} = ({target} {op} {py_expr(stmt.value)}) & MASK"
    return f"{target} {_BINARY[type(stmt.op)]}= {_bare(py_expr(stmt.value))}"


def _indent(block: str, spaces: int) -> list[str]:
    return [" " * spaces + line for line in block.splitlines()]


def py_routine(index: int, routine: ParsedRoutine) -> list[str]:
    lines = [
        f"def routine_{index}(k: list[int], v: int) -> None:",
        f"    sel = {_bare(py_expr(routine.selector))}",
    ]
    for case, code in _routine_steps(routine, py_statement):
        if case is None:
            for stmt in code:
                lines.extend(_indent(stmt, 4))
        else:
            lines.append(f"    if sel == {_number(case)}:")
            for stmt in code:
                lines.extend(_indent(stmt, 8))
    return lines


PY_HEADER = '''"""The key expansion's 25 mixing routines as plain Python (GENERATED: do not edit).

Written by ``tools/gen_expansion.py`` from the program data in ``expansion_program.py``; change
the data and regenerate (a test checks this file is current). ``k`` is the list of 20 key words,
``v`` the routine's running value, ``sel`` its selector; every operation that can leave 32 bits
(``+ - * <<`` and unary minus) is reduced with ``& MASK``, as the C translation wraps by itself.
``routine_0`` is the entry point, run on 20 copies of the seed with ``v`` = the seed.
"""

from __future__ import annotations

from typing import Final

from .expansion_tables import {tables}

MASK: Final = 0xFFFFFFFF
KEY_WORDS: Final = {key_words}


def rotl(x: int, r: int) -> int:
    """Rotate the 32-bit word ``x`` left by ``r mod 32``."""
    r &= 31
    return ((x << r) | (x >> (32 - r))) & MASK


def rotr(x: int, r: int) -> int:
    """Rotate the 32-bit word ``x`` right by ``r mod 32``."""
    r &= 31
    return ((x >> r) | (x << (32 - r))) & MASK
'''


def render_python() -> str:
    program = parse_program()
    header = PY_HEADER.format(
        tables=", ".join(sorted(name.upper() for name in TABLES)), key_words=KEY_WORDS
    )
    parts = [header]
    for index, routine in enumerate(program):
        parts.append("\n".join(py_routine(index, routine)) + "\n")
    return "\n\n".join(parts)


# --- C ------------------------------------------------------------------------------------


def c_constant(value: int) -> str:
    return f"{value}u" if value < 10 else f"0x{value:X}u"


def c_expr(node: ast.expr) -> str:
    """A notation expression as C over uint32_t (which wraps by itself)."""
    if isinstance(node, ast.Constant):
        assert isinstance(node.value, int)
        return c_constant(node.value)
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Subscript):
        assert isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int)
        return f"k[{node.slice.value}]"
    if isinstance(node, ast.UnaryOp):
        return f"(0u - {c_expr(node.operand)})"
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.LShift | ast.RShift | ast.Mod):
            # C leaves shifts by >= 32 and % 0 undefined; the program only uses safe constants.
            right = node.right
            assert isinstance(right, ast.Constant) and isinstance(right.value, int), node
            assert 0 < right.value < 32 or isinstance(node.op, ast.Mod), ast.unparse(node)
        return f"({c_expr(node.left)} {_BINARY[type(node.op)]} {c_expr(node.right)})"
    if isinstance(node, ast.Compare):
        op = _COMPARE[type(node.ops[0])]
        return f"({c_expr(node.left)} {op} {c_expr(node.comparators[0])})"
    if isinstance(node, ast.IfExp):
        return f"({c_expr(node.test)} ? {c_expr(node.body)} : {c_expr(node.orelse)})"
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        args = [c_expr(a) for a in node.args]
        if node.func.id in TABLES:
            return f"((uint32_t)table_{node.func.id}[{args[0]} & 0xFFu])"
        return f"{node.func.id}32({args[0]}, {args[1]})"
    raise TypeError(f"cannot translate {ast.dump(node)}")


def c_statement(stmt: Statement) -> str:
    if isinstance(stmt, Stop):
        return f"if ({c_expr(stmt.condition)}) return;"
    if isinstance(stmt, Call):
        return f"routine_{stmt.routine}(k, {c_expr(stmt.argument)});"
    assert isinstance(stmt, Assign)
    op = "" if stmt.op is None else _BINARY[type(stmt.op)]
    return f"{c_expr(stmt.target)} {op}= {c_expr(stmt.value)};"


def _uses_scratch(routine: ParsedRoutine) -> bool:
    return any(
        isinstance(s, Assign) and isinstance(s.target, ast.Name) and s.target.id == "t"
        for _, statements in routine.steps
        for s in statements
    )


def c_routine(index: int, routine: ParsedRoutine) -> list[str]:
    lines = [f"static void routine_{index}(uint32_t *k, uint32_t v)", "{"]
    if _uses_scratch(routine):
        lines.append("    uint32_t t = 0;")
    lines.append(f"    const uint32_t sel = {c_expr(routine.selector)};")
    for case, code in _routine_steps(routine, c_statement):
        if case is None:
            lines.extend(f"    {c}" for c in code)
        else:
            lines.append(f"    if (sel == {c_constant(case)}) {{")
            lines.extend(f"        {c}" for c in code)
            lines.append("    }")
    lines.append("}")
    return lines


def c_table(name: str, values: tuple[int, ...]) -> list[str]:
    lines = [f"static const uint8_t table_{name}[256] = {{"]
    for row in range(0, len(values), 16):
        lines.append("    " + ", ".join(str(v) for v in values[row : row + 16]) + ",")
    lines.append("};")
    return lines


C_HEADER = f"""/*
 * GENERATED by tools/gen_expansion.py from src/skypeflux/crypto/expansion_program.py.
 * Do not edit: change the program data and regenerate (a test checks this file is current).
 *
 * The key expansion's lookup tables and 25 mixing routines, for inclusion by _fast_core.c,
 * which defines rotl32 and rotr32 first. routine_0 is the entry point: run it on
 * EXPANSION_KEY_WORDS copies of the seed with v = the seed.
 */
#define EXPANSION_KEY_WORDS {KEY_WORDS}
"""


def render_c() -> str:
    program = parse_program()
    parts = [C_HEADER]
    for name, values in TABLES.items():
        parts.append("\n".join(c_table(name, values)) + "\n")
    parts.append(
        "\n".join(f"static void routine_{i}(uint32_t *k, uint32_t v);" for i in range(len(program)))
        + "\n"
    )
    for index, routine in enumerate(program):
        parts.append("\n".join(c_routine(index, routine)) + "\n")
    return "\n".join(parts)


OUTPUTS: dict[Path, Callable[[], str]] = {PY_OUTPUT: render_python, C_OUTPUT: render_c}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if an output is out of date")
    args = parser.parse_args()
    stale = 0
    for path, render in OUTPUTS.items():
        text = render()
        if args.check:
            if path.read_text() != text:
                print(f"{path} is out of date; run tools/gen_expansion.py", file=sys.stderr)
                stale += 1
        else:
            path.write_text(text)
    return 1 if stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
