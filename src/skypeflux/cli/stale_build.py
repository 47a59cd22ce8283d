"""A warning for a source checkout whose mypyc-compiled modules are older than their source.

A compiled module (``udp_decoder.cpython-*.so``) is imported before its ``.py``: after an edit,
a checkout that was not rebuilt (``make build``) would quietly run the old code. The module's
own library is a shim, rewritten only when its text changes; the code it runs is in the shared
library of all of them, which every build rewrites: a module is current when either is newer
than its source. Installed
copies are never checked (they are built once, from one source); in a checkout this looks at
the few libraries of the package tree, about a millisecond.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]
SHARED_LIBRARY = "_compiled__mypyc"
"""The compiled modules' shared library, in the package (setup.py's ``group_name``)."""


def stale_modules(package: Path = PACKAGE) -> list[str]:
    """Modules of ``package`` whose compiled library is older than their ``.py``, when
    ``package`` sits in a source checkout (``src/`` beside ``pyproject.toml``); else none."""
    if package.parent.name != "src" or not (package.parent.parent / "pyproject.toml").is_file():
        return []
    suffixes = importlib.machinery.EXTENSION_SUFFIXES
    shared = [package / f"{SHARED_LIBRARY}{suffix}" for suffix in suffixes]
    built = max((path.stat().st_mtime for path in shared if path.is_file()), default=0.0)
    stale = []
    for suffix in suffixes:
        for library in package.rglob(f"*{suffix}"):
            source = library.with_name(library.name[: -len(suffix)] + ".py")
            if source.is_file() and source.stat().st_mtime > max(library.stat().st_mtime, built):
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
