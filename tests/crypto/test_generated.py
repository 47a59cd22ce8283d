"""The committed translations of the key expansion are exactly what the generator makes."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers.paths import REPO

CRYPTO = REPO / "src" / "skypeflux" / "crypto"


def _generator() -> ModuleType:
    path = REPO / "tools" / "gen_expansion.py"
    spec = importlib.util.spec_from_file_location("gen_expansion", path)
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return generator


@pytest.mark.parametrize("name", ["_expansion_pure.py", "_expansion.inc"])
def test_generated_file_is_up_to_date(name: str) -> None:
    generator = _generator()
    outputs: dict[Path, object] = generator.OUTPUTS
    render = outputs[CRYPTO / name]
    assert callable(render)
    assert render() == (CRYPTO / name).read_text()


def test_generated_c_has_one_function_per_routine() -> None:
    text = (CRYPTO / "_expansion.inc").read_text()
    assert all(f"static void routine_{i}(uint32_t *k, uint32_t v)\n{{" in text for i in range(25))


def test_the_c_glue_is_hand_written_and_includes_the_routines() -> None:
    core = (CRYPTO / "_fast_core.c").read_text()
    assert '#include "_expansion.inc"' in core and "GENERATED" not in core
    assert "GENERATED" not in (CRYPTO / "_fast.c").read_text()
