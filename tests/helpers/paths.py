"""Where the repository and the shared reference data are, for tests that run tools."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))

IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
SKIP_REASON = (
    f"needs the reference data in {SHARED} (the real capture, its oracles, the vectors), "
    "which is missing"
)


def need(path: Path) -> Path:
    """``path`` inside ../shared; without it the test is skipped (it fails with ``CI=true``).

    Tests that read the reference data go through here (or the conftest fixtures, which do),
    so a fresh clone without ../shared skips exactly them, under one reason.
    """
    if not path.exists():
        import pytest

        if IN_CI:
            pytest.fail(f"{path} is missing (CI=true: the reference data is required)")
        pytest.skip(SKIP_REASON)
    return path
