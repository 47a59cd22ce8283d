"""The wire fuzzer as CI runs it: real datagrams, TCP directions and block plaintexts of
SkypeIRC.cap, mutated; only the documented exception escapes, C and pure agree on every input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

COUNT = 10_000

pytestmark = pytest.mark.slow  # 10,000 mutated inputs per parser


def test_wire_fuzzer_finds_nothing(skypeirc_path: Path) -> None:
    # the fuzzer mutates the real capture's units: it needs ../shared
    shared = skypeirc_path.parents[1]
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"), SKYPEFLUX_SHARED=str(shared))
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "fuzz_wire.py"), "--count", str(COUNT)],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    lines = result.stdout.splitlines()
    for name in ("udp", "tcp", "blocks"):
        (line,) = [ln for ln in lines if ln.startswith(name)]
        accepted = int(line.split(" accepted")[0].rsplit(" ", 1)[1])
        assert f"{COUNT} inputs" in line and "failures 0" in line, line
        assert accepted > COUNT // 20, line  # mutations must also reach valid inputs
