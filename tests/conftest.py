"""Shared test fixtures: the project's reference data lives in ../shared beside the repository.

Tests read the real capture, its decrypted/decoded oracles and the known-answer vectors from there
(they are never copied into the repository). Everything else runs on the synthesizer.

Without ../shared (a fresh clone) the tests that need it are skipped, and the run says so in one
line at its start (and one line in the summary); with ``CI=true`` a missing ../shared stops the
run at once, because a CI run without the data would prove less than it claims.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from skypeflux.cli.stale_build import stale_modules
from tests.helpers.paths import IN_CI, SHARED, need

MARKER = SHARED / "captures" / "SkypeIRC.cap"
HAVE_SHARED = MARKER.is_file()


def pytest_configure(config: pytest.Config) -> None:
    if not HAVE_SHARED:
        # one line at the top says what is skipped and why; not one more per test at the end
        chars = config.option.reportchars.replace("a", "fExX")
        config.option.reportchars = chars.replace("s", "").replace("A", "fExXpP")


def pytest_sessionstart(session: pytest.Session) -> None:
    outdated = stale_modules()
    if outdated:
        pytest.exit(
            f"{len(outdated)} mypyc-compiled module(s) older than their source "
            f"({', '.join(outdated[:3])}{', ...' if len(outdated) > 3 else ''}): the tests "
            "would run the old code; run `make build` (or build with SKYPEFLUX_PURE_PYTHON=1)",
            returncode=1,
        )
    if HAVE_SHARED:
        return
    if IN_CI:
        pytest.exit(
            f"CI=true but {MARKER} is missing: CI runs need ../shared beside the repository "
            "(or SKYPEFLUX_SHARED pointing at it)",
            returncode=1,
        )
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    line = (
        f"skypeflux: {SHARED} not found: the tests that need the real capture SkypeIRC.cap, its "
        "oracles or the vectors are SKIPPED; put the project's shared/ folder beside the "
        "repository (or set SKYPEFLUX_SHARED) to run them. Everything else runs on the synthesizer."
    )
    if reporter is not None:
        reporter.write_line(line, yellow=True, bold=True)


_need = need


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return _need(SHARED)


@pytest.fixture(scope="session")
def skypeirc_path() -> Path:
    return _need(SHARED / "captures" / "SkypeIRC.cap")


def _jsonl(path: Path) -> list[dict[str, Any]]:
    with _need(path).open() as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def units_oracle() -> list[dict[str, Any]]:
    return _jsonl(SHARED / "captures" / "SkypeIRC.units.jsonl")


@pytest.fixture(scope="session")
def blocks_oracle() -> list[dict[str, Any]]:
    return _jsonl(SHARED / "captures" / "SkypeIRC.blocks.jsonl")


@pytest.fixture(scope="session")
def object_vectors() -> list[dict[str, Any]]:
    return _jsonl(SHARED / "vectors" / "objects_4142.jsonl")
