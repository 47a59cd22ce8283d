"""Which pipeline modules are compiled with mypyc (``[tool.skypeflux] compiled`` in
pyproject.toml, the one list setup.py builds), and a copy of the package without them.

CI's ``make check-fast`` fails when a listed module was not compiled, and ``make test-pure``
runs the fast tests again on :func:`plain_copy`. (A compiled module older than its source is
found by ``skypeflux.cli.stale_build``: the test session refuses to start on one.)
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import shutil
import sys
import tomllib
from pathlib import Path

from skypeflux.cli.stale_build import SHARED_LIBRARY

EXTENSION = importlib.machinery.EXTENSION_SUFFIXES[0].rsplit(".", 1)[-1]  # "so"

ROOT = Path(__file__).resolve().parents[2]


def compiled_names() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as fh:
        names: list[str] = tomllib.load(fh)["tool"]["skypeflux"]["compiled"]
    return names


def _root() -> Path:
    """The folder that holds the imported ``skypeflux`` package."""
    package = importlib.util.find_spec("skypeflux")
    assert package is not None and package.submodule_search_locations
    return Path(next(iter(package.submodule_search_locations))).parent


def source_and_library(name: str) -> tuple[Path, Path | None]:
    """``name``'s source and its compiled library beside it (None when not built), found on
    disk: a compiled module's import spec does not always name its own file."""
    source = _root().joinpath(*name.split(".")).with_suffix(".py")
    libraries = sorted(source.parent.glob(f"{source.stem}.*{EXTENSION}"))
    return source, libraries[0] if libraries else None


def built(name: str) -> bool:
    """Whether ``name`` has a compiled library beside its source (imported before the
    ``.py``)."""
    return source_and_library(name)[1] is not None


def plain_copy(target: Path) -> int:
    """A copy of the package in ``target`` without the mypyc libraries (the C extensions stay):
    with ``target`` first on the path, the tests run the compiled modules' source as written.
    Returns how many libraries were left out."""
    shutil.rmtree(target, ignore_errors=True)
    root = _root()
    shutil.copytree(
        root / "skypeflux", target / "skypeflux", ignore=shutil.ignore_patterns("__pycache__")
    )
    left_out = 0
    for name in compiled_names():
        _, library = source_and_library(name)
        if library is not None:
            (target / library.relative_to(root)).unlink()
            left_out += 1
    for group in (target / "skypeflux").glob(f"{SHARED_LIBRARY}.*{EXTENSION}"):
        group.unlink()
    return left_out


if __name__ == "__main__":  # python -m tests.helpers.compiled FOLDER (make test-pure)
    count = plain_copy(Path(sys.argv[1]))
    print(f"plain-Python copy of skypeflux in {sys.argv[1]}: {count} compiled modules left out")
