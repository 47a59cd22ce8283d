"""The two implementations of the 0x42 range coder and the choice between them.

``range_coder`` is the specification; ``_fast42`` (optional C, built by setup.py) has the same
classes with the same results, error verdicts and byte offsets (the tests run both on every
vector, the property tests and a differential fuzz). Only the coder is duplicated: profiling
put nearly all of a text-heavy list's time in the per-character string loop, while the list
structure (context slots, move-to-front, raw area) costs little and stays in Python, written
once.

A caller picks one with a ``backend=`` argument (a name or a ``Backend``); without one, the C one
is used when it was built. Asking for ``fast`` where it is not built is an error rather than a
silent fallback, so a benchmark or test never measures the wrong thing. Nothing here reads the
environment: the command line reads ``SKYPEFLUX_OBJECTS_BACKEND`` and passes it down.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final, Protocol

from skypeflux.backend_choice import Implementations

from . import range_coder
from .errors import ObjectsError
from .range_coder import NumberModel
from .tables import CLASS_CHARS, NEXT_CLASS, WITHIN_CLASS, Cumulative


class SymbolDecoder(Protocol):
    """What the 0x42 list decoder needs of a range decoder (see ``range_coder.RangeDecoder``)."""

    @property
    def read_position(self) -> int: ...
    def symbol(self, table: Cumulative, lookup: bytes, /) -> int: ...
    def bits(self, count: int, /) -> int: ...
    def number(self, model: NumberModel, nested: bool = False, /) -> int: ...
    def string(self, budget: int, /) -> tuple[bytes, int]: ...
    def reserve(self, size: int, /) -> None: ...
    def finish(self) -> int: ...


class SymbolEncoder(Protocol):
    """What the 0x42 list encoder needs of a range encoder (see ``range_coder.RangeEncoder``)."""

    def symbol(self, table: Cumulative, s: int, /) -> None: ...
    def bits(self, count: int, value: int, /) -> None: ...
    def number(self, model: NumberModel, value: int, /) -> None: ...
    def string(self, text: bytes, /) -> None: ...
    def finish(self) -> bytearray: ...


class DecoderFactory(Protocol):
    def __call__(self, data: bytes, start: int, /) -> SymbolDecoder: ...


class EncoderFactory(Protocol):
    def __call__(self, marker: int = 0x42, /) -> SymbolEncoder: ...


class CodedListDecoder(Protocol):
    """A whole 0x42 list in one call, ``coded42.decode_coded`` once the marker is checked:
    ``(objects, end, budget left)``, or ``None`` for a raw value that runs past the data."""

    def __call__(
        self, data: bytes, start: int, max_depth: int, budget: int, /
    ) -> tuple[Any, int, int] | None: ...


@dataclass(frozen=True)
class Backend:
    """One implementation of the range coder: its decoder and encoder classes."""

    name: str
    decoder: DecoderFactory
    encoder: EncoderFactory
    coded_list: CodedListDecoder | None = None  # the C coder's whole-list call


PURE: Final = Backend("pure", range_coder.RangeDecoder, range_coder.RangeEncoder)


def _load_fast() -> Backend | None:
    try:
        from . import _fast42
    except ImportError:
        return None
    _fast42.load_tables(NEXT_CLASS, WITHIN_CLASS, CLASS_CHARS, ObjectsError)
    from .coded42 import list_types  # the objects the C structure decoder builds

    _fast42.load_list_types(*list_types())
    return Backend("fast", _fast42.RangeDecoder, _fast42.RangeEncoder, _fast42.decode_coded)


FAST: Final = _load_fast()


IMPLEMENTATIONS: Final = Implementations(
    pure=PURE,
    fast=FAST,
    what="objects",
    extension="skypeflux.objects._fast42",
    error=ObjectsError,
)

BackendArg = str | Backend | None
"""What a ``backend=`` argument takes: a name, a back end, or ``None`` for the default."""


def get(backend: BackendArg = None) -> Backend:
    """The range coder ``backend`` names; ``None``: fast when built, else pure."""
    return IMPLEMENTATIONS.get(backend)


def available() -> tuple[str, ...]:
    """Names usable in this process, preferred first."""
    return IMPLEMENTATIONS.available()
