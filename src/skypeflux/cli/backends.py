"""The back-end environment variables, read once, here at the edge.

``SKYPEFLUX_BACKEND`` (crypto: key expansion and RC4) and ``SKYPEFLUX_OBJECTS_BACKEND`` (the 0x42
range coder) name ``fast`` or ``pure``; empty or unset means the layer's default (fast when its
C extension was built). The layers themselves never read the environment: a command resolves
both variables with :func:`from_environment` before it starts and passes the result down (into
``DecodeOptions``, or the search of ``recover-ip``). An unknown name, or ``fast`` where it is not
built, is a usage error (exit 2) naming the variable, never a silent fallback.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from skypeflux import crypto, objects
from skypeflux.cli.errors import EXIT_USAGE, Failure, fail

CRYPTO_VAR = "SKYPEFLUX_BACKEND"
OBJECTS_VAR = "SKYPEFLUX_OBJECTS_BACKEND"


@dataclass(frozen=True)
class Backends:
    """The implementations a command runs on, one per layer that has two."""

    crypto: crypto.Backend
    objects: objects.Backend


def _requested(environ: Mapping[str, str], variable: str) -> str | None:
    value = environ.get(variable, "").strip().lower()
    return value or None


def resolve(environ: Mapping[str, str]) -> Backends:
    """Both back ends as ``environ`` names them; raises :class:`Failure` (exit 2) if it cannot."""
    name = _requested(environ, CRYPTO_VAR)
    try:
        chosen_crypto = crypto.get_backend(name)
    except crypto.CryptoError as exc:
        raise Failure(EXIT_USAGE, f"{CRYPTO_VAR}={name}: {exc}") from None
    name = _requested(environ, OBJECTS_VAR)
    try:
        chosen_objects = objects.get_backend(name)
    except objects.ObjectsError as exc:
        raise Failure(EXIT_USAGE, f"{OBJECTS_VAR}={name}: {exc}") from None
    return Backends(chosen_crypto, chosen_objects)


def from_environment() -> Backends:
    """:func:`resolve` on this process's environment; a bad value ends the command (exit 2)."""
    try:
        return resolve(os.environ)
    except Failure as failure:
        fail(failure)
