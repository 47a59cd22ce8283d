"""Byte-compile skypeflux before timing it, as an installed package already is.

A run loads byte code from ``__pycache__`` when it is there and compiles every module from
source when it is not. An editable install only gets byte code when a run may write it, and
``PYTHONDONTWRITEBYTECODE`` (set on some build machines) forbids that: each timed run then
compiles the whole package again (measured: 0.17 s of start-up, on top of 0.29 s), which
``pip install`` of a wheel never leaves to the user. Writing it once here puts every timed run
where a user's would be, whatever the environment says.
"""

from __future__ import annotations

import compileall
import os
from pathlib import Path


def compile_package(folder: Path | None = None) -> None:
    """Byte-compile the skypeflux package in ``folder`` (default: the one imported)."""
    if folder is None:
        import skypeflux

        folder = Path(skypeflux.__file__).parent
    if not compileall.compile_dir(folder, quiet=1):
        raise SystemExit(f"byte-compiling {folder} failed")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set: skypeflux was byte-compiled before timing it")
