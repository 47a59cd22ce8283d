"""The committed C fast path is exactly what the generator makes from the program data."""

from __future__ import annotations

import importlib.util

from tests.helpers.paths import REPO


def test_fast_c_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("gen_fast_c", REPO / "tools" / "gen_fast_c.py")
    assert spec is not None and spec.loader is not None
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    committed = (REPO / "src" / "skypeflux" / "crypto" / "_fast.c").read_text()
    assert generator.render() == committed


def test_generated_c_has_one_function_per_routine() -> None:
    text = (REPO / "src" / "skypeflux" / "crypto" / "_fast.c").read_text()
    assert all(f"static void routine_{i}(uint32_t *k, uint32_t v)\n{{" in text for i in range(25))
