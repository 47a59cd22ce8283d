"""The fuzzer, run as the issue requires: 100,000 random and mutated inputs per decoder, on each
range coder built (the C one must meet the same bar as the pure specification)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skypeflux.objects import available_backends
from tests.helpers.paths import REPO

pytestmark = pytest.mark.slow  # 100,000 inputs per decoder: tens of seconds

FUZZ_COUNT = 100_000


@pytest.mark.parametrize("backend", available_backends())
def test_fuzzer_finds_nothing_at_one_hundred_thousand_inputs_per_decoder(
    backend: str, shared_dir: Path
) -> None:
    # the fuzzer mutates the known-answer vectors of ../shared
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), SKYPEFLUX_SHARED=str(shared_dir))
    result = subprocess.run(
        [sys.executable, str(Path(REPO, "tools", "fuzz_objects.py")),
         "--count", str(FUZZ_COUNT), "--seed", "20240601", "--backend", backend],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    lines = result.stdout.splitlines()
    for name in ("raw", "coded"):
        (line,) = [ln for ln in lines if ln.startswith(name)]
        assert f"{FUZZ_COUNT} inputs" in line and "failures 0" in line, line
        decoded = int(line.split(" decoded")[0].rsplit(" ", 1)[1])
        assert decoded > FUZZ_COUNT // 20, line  # the mutations must reach valid lists too
