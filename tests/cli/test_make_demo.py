"""``make demo`` with a Python too old: says what to do and leaves no broken .venv behind."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.paths import REPO


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_old_python_is_refused_before_any_venv_exists(tmp_path: Path) -> None:
    old = tmp_path / "python3"
    old.write_text(
        "#!/bin/sh\n"
        'case "$*" in *version_info*) exit 1;; -V) echo "Python 3.8.10"; exit 0;; esac\n'
        "exit 1\n"
    )
    old.chmod(0o755)
    venv = tmp_path / "venv"
    result = subprocess.run(
        ["make", "-s", "-C", str(REPO), "demo", f"PYTHON={old}", f"VENV={venv}"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stderr and "Python 3.8.10" in result.stderr
    assert "PYTHON=python3.11" in result.stderr
    assert not venv.exists()
