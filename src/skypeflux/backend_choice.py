"""The pure-Python implementation of a layer and its optional C twin, and how a caller names one.

Two layers have such a pair (the key expansion and RC4 in ``crypto``, the 0x42 range coder in
``objects``); both answer the same way. A caller passes a back end explicitly (its name, or the
object itself) or nothing, which means the fast one when it was built, else the pure one. There
is no process-wide choice and nothing here reads the environment: the command line reads its
variables once and passes what they name down (design.md: no global state below capture).

An unknown name, or ``fast`` where the extension was not built, is the layer's error rather than
a silent fallback: a benchmark must never measure the wrong path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

NAMES = ("fast", "pure")


class Named(Protocol):
    @property
    def name(self) -> str: ...


B = TypeVar("B", bound=Named)


@dataclass(frozen=True)
class Implementations(Generic[B]):
    """A layer's two back ends (``fast`` is ``None`` when its extension was not built)."""

    pure: B
    fast: B | None
    what: str
    extension: str
    error: Callable[[str], Exception]

    def available(self) -> tuple[str, ...]:
        """Names usable in this process, preferred first."""
        return NAMES if self.fast is not None else ("pure",)

    @property
    def default(self) -> B:
        """The back end used when a caller names none: fast when built, else pure."""
        return self.fast if self.fast is not None else self.pure

    def get(self, backend: str | B | None = None) -> B:
        """The back end ``backend`` names (a name, or one of the two objects; ``None``: default).

        Names are matched ignoring case and surrounding blanks, as a user types them.
        """
        if backend is None:
            return self.default
        if not isinstance(backend, str):
            if backend is self.pure or backend is self.fast:
                return backend
            raise self.error(f"not a {self.what} backend: {backend!r}")
        name = backend.strip().lower()
        if name == "pure":
            return self.pure
        if name == "fast":
            if self.fast is None:
                raise self.error(f"the C fast path ({self.extension}) is not built")
            return self.fast
        raise self.error(
            f"unknown {self.what} backend {backend!r}; expected one of {', '.join(NAMES)}"
        )
