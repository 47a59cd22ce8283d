"""The back-end variables, read once by the command line and passed down (nothing below reads
them): what each value selects, and the usage errors for the rest."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from skypeflux import crypto, objects
from skypeflux.cli import backends
from skypeflux.cli.errors import EXIT_USAGE, Failure
from skypeflux.cli.options import make_decoder
from tests.helpers.paths import REPO

needs_fast = pytest.mark.skipif(
    "fast" not in crypto.available_backends() or "fast" not in objects.available_backends(),
    reason="C fast paths not built",
)


def test_unset_or_empty_means_the_layer_defaults() -> None:
    for environ in ({}, {backends.CRYPTO_VAR: "", backends.OBJECTS_VAR: "  "}):
        chosen = backends.resolve(environ)
        assert chosen.crypto is crypto.get_backend()
        assert chosen.objects is objects.get_backend()


def test_pure_is_selected_whatever_the_case() -> None:
    chosen = backends.resolve({backends.CRYPTO_VAR: "pure", backends.OBJECTS_VAR: " PURE "})
    assert chosen.crypto.name == "pure" and chosen.objects.name == "pure"


@needs_fast
def test_fast_is_selected() -> None:
    chosen = backends.resolve({backends.CRYPTO_VAR: "FAST", backends.OBJECTS_VAR: "fast"})
    assert chosen.crypto.name == "fast" and chosen.objects.name == "fast"


@pytest.mark.parametrize(
    ("variable", "says"),
    [
        ("SKYPEFLUX_BACKEND", "SKYPEFLUX_BACKEND=gpu: unknown crypto backend 'gpu'"),
        ("SKYPEFLUX_OBJECTS_BACKEND", "SKYPEFLUX_OBJECTS_BACKEND=gpu: unknown objects backend"),
    ],
)
def test_an_unknown_name_is_a_usage_error_naming_the_variable(variable: str, says: str) -> None:
    with pytest.raises(Failure) as caught:
        backends.resolve({variable: "gpu"})
    assert caught.value.code == EXIT_USAGE and says in str(caught.value)


def test_fast_where_it_is_not_built_is_a_usage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for module in (crypto.backends, objects.backends):
        unbuilt = dataclasses.replace(module.IMPLEMENTATIONS, fast=None)
        monkeypatch.setattr(module, "IMPLEMENTATIONS", unbuilt)
    with pytest.raises(Failure, match=r"SKYPEFLUX_BACKEND=fast: .*crypto._fast\) is not built"):
        backends.resolve({backends.CRYPTO_VAR: "fast"})
    with pytest.raises(Failure, match=r"SKYPEFLUX_OBJECTS_BACKEND=fast: .*not built"):
        backends.resolve({backends.OBJECTS_VAR: "fast"})


def test_importing_the_command_line_never_reads_the_variables() -> None:
    # A bad value must not break the import: --help still works, the error comes at decoding.
    code = "import skypeflux.cli.app, skypeflux.capture; print('ok')"
    env = {
        "SKYPEFLUX_BACKEND": "gpu",
        "SKYPEFLUX_OBJECTS_BACKEND": "gpu",
        "PYTHONPATH": str(REPO / "src"),
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_the_decoder_runs_on_what_the_variables_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(backends.CRYPTO_VAR, "pure")
    monkeypatch.setenv(backends.OBJECTS_VAR, "pure")
    options = make_decoder(()).options
    assert options.crypto_backend is crypto.backends.PURE
    assert options.objects_backend is objects.backends.PURE
