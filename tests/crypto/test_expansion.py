"""The seed -> 80-byte key expansion and RC4 against all known-answer vectors, on each backend."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest

from skypeflux.crypto import (
    CryptoError,
    _expansion_pure,
    expand_key,
    expansion,
    expansion_notation,
    keystream,
)
from skypeflux.crypto.expansion_program import ROUTINES
from skypeflux.crypto.expansion_tables import ISQRT1, NEG_COS, NEG_SIN, TABLES
from tests.helpers.backends import BACKENDS, crypto_backend


@pytest.fixture(scope="module")
def vectors(shared_dir: Path) -> list[tuple[int, bytes, bytes]]:
    lines = (shared_dir / "vectors" / "rc4_expand.tsv").read_text().splitlines()
    assert lines[0].split("\t") == ["seed_hex", "key80_hex", "keystream64_hex"]
    rows = [line.split("\t") for line in lines[1:] if line]
    return [(int(s, 16), bytes.fromhex(k), bytes.fromhex(ks)) for s, k, ks in rows]


def test_vector_file_is_complete(vectors: list[tuple[int, bytes, bytes]]) -> None:
    assert len(vectors) == 2013
    assert {seed & 15 for seed, _, _ in vectors} == set(range(16))


@pytest.mark.parametrize("backend", BACKENDS)
def test_all_vectors_key_and_keystream(
    backend: str, vectors: list[tuple[int, bytes, bytes]]
) -> None:
    name = crypto_backend(backend)
    wrong = [
        f"{seed:08x}"
        for seed, key, stream in vectors
        if expand_key(seed, backend=name) != key or keystream(seed, 64, backend=name) != stream
    ]
    assert wrong == []


def test_tables_are_the_trigonometric_and_root_definitions() -> None:
    assert tuple(int(math.cos(x) < 0) for x in range(256)) == NEG_COS
    assert tuple(int(math.sin(x) < 0) for x in range(256)) == NEG_SIN
    assert ISQRT1[0] == 1 and ISQRT1[3] == 2 and ISQRT1[255] == 16


@pytest.mark.parametrize("name", sorted(TABLES))
def test_each_table_matters_for_the_vectors(
    name: str, vectors: list[tuple[int, bytes, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # A wrong derivation must be caught: flipping the table breaks some vector keys.
    original = TABLES[name]
    broken = tuple((value + 1) % 2 if name != "isqrt1" else value + 1 for value in original)
    monkeypatch.setattr(_expansion_pure, name.upper(), broken)
    mismatches = sum(expansion.expand_key(seed) != key for seed, key, _ in vectors[:300])
    assert mismatches > 0


def test_program_shape() -> None:
    assert len(ROUTINES) == 25
    parsed = expansion_notation.parse_program()
    calls = {
        s.routine
        for routine in parsed
        for _, statements in routine.steps
        for s in statements
        if isinstance(s, expansion_notation.Call)
    }
    assert calls == set(range(1, 25))  # every routine but the entry point is reachable


def test_generated_python_masks_wrapping_arithmetic() -> None:
    source = Path(_expansion_pure.__file__).read_text()
    assert "def routine_0(k: list[int], v: int) -> None:" in source
    assert "k[12] = (k[12] - ((28 * k[19]) & MASK)) & MASK" in source


@pytest.mark.parametrize(
    "statement",
    [
        "k[20] ^= 1",  # no such key word
        "k = 1",  # whole-key assignment
        "x += 1",  # unknown name
        "k[1] //= 3",  # unsupported operator
        "k[1] ^= k[2] ** 2",
        "k[1] = print(k[2])",
        "call 99 with v",
        "stop if",
        "k[1] ^= -1.5",
    ],
)
def test_notation_rejects_what_the_engines_cannot_translate(statement: str) -> None:
    with pytest.raises(CryptoError):
        expansion_notation.parse_statement(statement)


def test_notation_accepts_its_three_statement_forms() -> None:
    stop = expansion_notation.parse_statement("stop if k[9] & 1")
    assert isinstance(stop, expansion_notation.Stop)
    call = expansion_notation.parse_statement("call 13 with k[10]")
    assert isinstance(call, expansion_notation.Call) and call.routine == 13
    assign = expansion_notation.parse_statement("k[10] ^= k[7] - 0x354C1FF2")
    assert isinstance(assign, expansion_notation.Assign) and isinstance(assign.op, ast.BitXor)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("seed", [-1, 1 << 32, 2**64])
def test_seed_out_of_range(backend: str, seed: int) -> None:
    with pytest.raises(CryptoError):
        expand_key(seed, backend=crypto_backend(backend))


@pytest.mark.parametrize("backend", BACKENDS)
def test_seed_must_be_an_int(backend: str) -> None:
    with pytest.raises(TypeError):
        expand_key("1", backend=crypto_backend(backend))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        expand_key(True, backend=crypto_backend(backend))
