"""Where the repository and the shared reference data are, for tests that run tools."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("SKYPEFLUX_SHARED", REPO.parent / "shared"))
