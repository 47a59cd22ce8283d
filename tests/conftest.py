"""Shared test fixtures: the project's reference data lives in ../shared beside the repository.

Tests read the real capture, its decrypted/decoded oracles and the known-answer vectors from there
(they are never copied into the repository). A missing ../shared is an error, not a skip: a test
run without the data would prove nothing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.paths import SHARED


def _need(path: Path) -> Path:
    if not path.exists():
        raise FileNotFoundError(
            f"{path} is missing: tests need ../shared beside the repository "
            "(or SKYPEFLUX_SHARED pointing at it)"
        )
    return path


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
