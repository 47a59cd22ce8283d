"""Immutable value records that are cheap to make: frozen for the type checker, not at run time.

Datagrams, frames, blocks, openings and verifications are made by the hundred thousand. A
frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: for the eleven
classes that use this decorator that was 11% of the instructions of a Skype-dense
``decode --json`` (callgrind, 8 copies of SkypeIRC.cap's Skype frames: 2,136M -> 1,896M).
``value_class`` makes a slotted dataclass that ``mypy --strict`` treats as frozen (PEP 681
``frozen_default``): assigning a field is a type error in this code base, changed copies are
made by the class's own methods. At run time the fields are plain slots, and instances
compare by value but are not hashable.

In a module compiled with mypyc (``[tool.skypeflux] compiled`` in pyproject.toml) a value class
made by the hundred thousand is written instead as ``@dataclass(slots=True)`` with ``Final``
fields (no defaults in the class body) and an ``__init__`` of its own that takes the defaults:
mypyc does not see through this decorator, so the class would be an ordinary Python class, and
it runs the ``__init__`` that ``@dataclass`` generates as byte code; written that way it is a
native class with a native constructor (callgrind, 3,024 Skype packets decoded and written:
0.93 of the instructions for twelve such classes), ``mypy --strict`` still refuses any other
assignment to a field, compiled code refuses it at run time too, and ``@dataclass`` still gives
equality, ``repr``, ``fields`` and ``replace``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True)
def value_class(cls: type[T]) -> type[T]:
    """``@dataclass(slots=True)``, checked as ``@dataclass(frozen=True, slots=True)``."""
    return dataclass(slots=True)(cls)
