"""Choosing between a pure-Python implementation and its optional C twin.

Two layers have such a pair (the key expansion and RC4 in ``crypto``, the 0x42 range coder in
``objects``); both choose the same way: the fast one when it was built, unless an environment
variable names one. The variable is read on first use, not at import, so a bad value becomes
the layer's own error where a caller can report it, instead of breaking ``import``. An unknown
name, or ``fast`` where the extension was not built, is an error rather than a silent fallback:
a benchmark must never measure the wrong path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

B = TypeVar("B")
NAMES = ("fast", "pure")


class BackendChoice(Generic[B]):
    """The process-wide choice between ``pure`` and ``fast`` (``None`` when not built)."""

    def __init__(
        self,
        *,
        pure: B,
        fast: B | None,
        env_var: str,
        what: str,
        extension: str,
        error: Callable[[str], Exception],
    ) -> None:
        self.pure = pure
        self.fast = fast
        self.env_var = env_var
        self._what = what
        self._extension = extension
        self._error = error
        self._chosen: B | None = None  # the default once resolved

    def available(self) -> tuple[str, ...]:
        """Names usable in this process, preferred first."""
        return NAMES if self.fast is not None else ("pure",)

    def _lookup(self, name: str) -> B | str:
        """The back end called ``name``, or why there is none."""
        if name == "pure":
            return self.pure
        if name == "fast":
            if self.fast is None:
                return f"the C fast path ({self._extension}) is not built"
            return self.fast
        return f"unknown {self._what} backend {name!r}; expected one of {', '.join(NAMES)}"

    def get(self, name: str | None = None) -> B:
        """The back end called ``name``, or the default one when ``name`` is None."""
        if name is None:
            return self._chosen if self._chosen is not None else self.set_default(None)
        found = self._lookup(name)
        if isinstance(found, str):
            raise self._error(found)
        return found

    def _automatic(self) -> B:
        requested = os.environ.get(self.env_var, "").strip().lower()
        if not requested:
            return self.fast if self.fast is not None else self.pure
        found = self._lookup(requested)
        if isinstance(found, str):
            raise self._error(f"{self.env_var}={requested}: {found}")
        return found

    def set_default(self, name: str | None) -> B:
        """Change the default (``None``: back to the automatic choice); returns it."""
        self._chosen = self._automatic() if name is None else self.get(name)
        return self._chosen

    def reset(self) -> None:
        """Forget the choice, so the environment is read again on next use (tests)."""
        self._chosen = None

    @contextmanager
    def using(self, name: str) -> Iterator[B]:
        """Run a block with back end ``name``, then restore the previous choice."""
        previous = self._chosen
        self._chosen = self.get(name)
        try:
            yield self._chosen
        finally:
            self._chosen = previous
