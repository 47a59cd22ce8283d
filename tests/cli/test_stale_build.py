"""A checkout whose compiled modules are older than their source says so at start-up."""

from __future__ import annotations

import importlib.machinery
import os
from pathlib import Path

from skypeflux.cli.stale_build import SHARED_LIBRARY, stale_modules

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def _tree(root: Path, checkout: bool) -> Path:
    package = root / "src" / "pkg"
    (package / "sub").mkdir(parents=True)
    if checkout:
        (root / "pyproject.toml").write_text("[project]\n")
    for name in ("a", "sub/b"):
        (package / f"{name}.py").write_text("")
        (package / f"{name}{SUFFIX}").write_bytes(b"")
        os.utime(package / f"{name}.py", (1_000_000, 1_000_000))
    (package / f"_only_c{SUFFIX}").write_bytes(b"")  # a C extension: no source of its own
    return package


def test_a_source_newer_than_its_library_is_named(tmp_path: Path) -> None:
    package = _tree(tmp_path, checkout=True)
    assert stale_modules(package) == []
    os.utime(package / "sub" / "b.py")  # edited now, after the build
    assert stale_modules(package) == ["pkg.sub.b"]
    os.utime(package / "a.py")
    assert stale_modules(package) == ["pkg.a", "pkg.sub.b"]


def test_a_rebuilt_shared_library_makes_its_modules_current(tmp_path: Path) -> None:
    # a rebuild rewrites the shared library; a module's own shim only when its text changed
    package = _tree(tmp_path, checkout=True)
    shared = package / f"{SHARED_LIBRARY}{SUFFIX}"
    shared.write_bytes(b"")
    os.utime(shared, (2_000_000, 2_000_000))
    for name in ("a", "sub/b"):
        os.utime(package / f"{name}{SUFFIX}", (1_000_000, 1_000_000))  # shims of the first build
    os.utime(package / "a.py", (1_500_000, 1_500_000))  # edited, then built again
    assert stale_modules(package) == []
    os.utime(package / "sub" / "b.py")  # edited after that build
    assert stale_modules(package) == ["pkg.sub.b"]


def test_an_installed_copy_is_not_checked(tmp_path: Path) -> None:
    package = _tree(tmp_path, checkout=False)
    os.utime(package / "a.py")
    assert stale_modules(package) == []


def test_this_checkout_is_built_from_its_source() -> None:
    assert stale_modules() == []  # the test session refuses to start otherwise, too
