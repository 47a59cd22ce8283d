"""A warning for a source checkout whose mypyc-compiled modules are older than their source.

A compiled module (``udp_decoder.cpython-*.so``) is imported before its ``.py``: after an edit,
a checkout that was not rebuilt (``make build``) would quietly run the old code. Installed
copies are never checked (they are built once, from one source); in a checkout this looks at
the few libraries of the package tree, about a millisecond.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]


def stale_modules(package: Path = PACKAGE) -> list[str]:
    """Modules of ``package`` whose compiled library is older than their ``.py``, when
    ``package`` sits in a source checkout (``src/`` beside ``pyproject.toml``); else none."""
    if package.parent.name != "src" or not (package.parent.parent / "pyproject.toml").is_file():
        return []
    stale = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for library in package.rglob(f"*{suffix}"):
            source = library.with_name(library.name[: -len(suffix)] + ".py")
            if source.is_file() and source.stat().st_mtime > library.stat().st_mtime:
                stale.append(".".join(source.relative_to(package.parent).with_suffix("").parts))
    return sorted(set(stale))


def warning() -> str | None:
    """The line to show, or None when the build is current (or not a checkout)."""
    stale = stale_modules()
    if not stale:
        return None
    names = ", ".join(name.rsplit(".", 1)[-1] for name in stale[:4])
    more = f" and {len(stale) - 4} more" if len(stale) > 4 else ""
    return (
        f"skypeflux: warning: {len(stale)} compiled module(s) older than their source "
        f"({names}{more}): this run uses the old code; run `make build` to rebuild them"
    )
