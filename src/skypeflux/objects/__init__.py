"""Skype object lists: the model and the 0x41 (raw) and 0x42 (arithmetic-coded) codecs.

A command body is an object list (spec/objects.md). This layer is sans-IO: bytes in, values out.

Public API:

- ``decode(data, *, max_depth=8, budget=0x1000000, backend=None) -> Decoded``: decode the list
  at the start of ``data`` (first byte 0x41 or 0x42); ``Decoded`` has ``objects``, ``consumed``
  (bytes the list occupies; anything after it is left alone) and ``form`` (0x41 or 0x42).
- ``encode(objects, form=0x42, *, backend=None) -> bytes``: serialise; 0x42 sorts every level
  stably by id.
- ``whole_list_call(backend=None)``: the C call behind ``decode`` for a whole 0x42 list, for
  a caller that decodes one in every command block (``messages.blocks``).
- ``backend_name()``, ``available_backends()``, ``get_backend(backend)``: the 0x42 range
  coder runs in C (``_fast42``) when it was built, else in pure Python; ``backend=`` on a call
  (``"pure"``, ``"fast"`` or a ``Backend``) overrides that. Nothing is chosen process-wide and
  nothing reads the environment (the command line reads ``SKYPEFLUX_OBJECTS_BACKEND`` and
  passes it down). Both give identical results, errors and offsets.
- ``to_tree(objects)`` / ``from_tree(tree)``: the vectors' JSON form.
- Model: ``Obj(family, id, value)``, ``ObjectList``, ``Family``, ``Address``.
- ``ObjectsError``: the one exception (a ``ValueError``) with ``offset``; decoding hostile bytes
  raises nothing else.

Arguments are checked before any work: ``data`` may be any buffer-protocol object (bytes,
bytearray, memoryview...; a non-contiguous view is copied), ``max_depth``, ``budget`` and
``form`` must be ints (not bools). A wrong *type* (an int or list or str as ``data``, a float
depth, ``None`` as budget or form) is a ``TypeError``, as in the crypto layer; a wrong *value*
(a depth beyond ``MAX_DEPTH_LIMIT``, a negative budget, an unknown form) is an ``ObjectsError``.

Limits against hostile input follow the reference decoder: ``max_depth`` nesting levels (8 means
levels 0..7; at most ``MAX_DEPTH_LIMIT``, which also bounds ``to_tree``, ``from_tree`` and
``ObjectList.sorted_by_id``), and a memory ``budget`` charged 16 per object, string and blob
bytes, 4 per int-list element (and 16 per nested 0x41 list). Counts and lengths are checked
against the bytes present before anything is allocated.
"""

from __future__ import annotations

from skypeflux.value_class import value_class

from . import backends
from .backends import Backend, BackendArg, CodedListDecoder
from .coded42 import CODED_MARKER, MAX_C_BUDGET, MAX_C_DEPTH, encode_coded
from .errors import ObjectsError
from .lists import decode_list
from .model import MAX_DEPTH_LIMIT, Address, Family, Obj, ObjectList
from .raw41 import RAW_MARKER, encode_raw
from .tree import Tree, from_tree, to_tree

__all__ = [
    "CODED",
    "DEFAULT_BUDGET",
    "DEFAULT_MAX_DEPTH",
    "MAX_DEPTH_LIMIT",
    "RAW",
    "Address",
    "Backend",
    "BackendArg",
    "CodedListDecoder",
    "Decoded",
    "Family",
    "Obj",
    "ObjectList",
    "ObjectsError",
    "Tree",
    "available_backends",
    "backend_name",
    "decode",
    "encode",
    "from_tree",
    "get_backend",
    "to_tree",
    "whole_list_call",
]

RAW = RAW_MARKER
CODED = CODED_MARKER
DEFAULT_MAX_DEPTH = 8
DEFAULT_BUDGET = 0x1000000


def _input_bytes(data: object) -> bytes:
    """``data`` as bytes, from any buffer; ``bytes(5)`` or ``bytes([0x41, 0])`` would otherwise
    turn an int or a list into input the decoder happily accepts."""
    if isinstance(data, bytes):
        return data
    try:
        return memoryview(data).tobytes()  # type: ignore[arg-type]  # non-buffers: below
    except TypeError:
        raise TypeError(
            "data must be a bytes-like object (bytes, bytearray, memoryview), "
            f"not {type(data).__name__}"
        ) from None


def _int_argument(name: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


@value_class
class Decoded:
    """A decoded list: the objects, how many input bytes the list occupies, and its form."""

    objects: ObjectList
    consumed: int
    form: int


def decode(
    data: bytes | bytearray | memoryview,
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    budget: int = DEFAULT_BUDGET,
    backend: BackendArg = None,
) -> Decoded:
    """Decode the object list at the start of ``data``.

    Raises ``ObjectsError`` (with the byte offset where decoding stopped) for anything that is
    not a complete, well-formed list within the limits.
    """
    coder = backends.get(backend)
    if type(data) is not bytes:
        data = _input_bytes(data)
    if type(max_depth) is not int or type(budget) is not int:  # the common case skips a call
        _int_argument("max_depth", max_depth)
        _int_argument("budget", budget)
    if not 0 <= max_depth <= MAX_DEPTH_LIMIT:
        raise ObjectsError(f"max_depth must be 0..{MAX_DEPTH_LIMIT}, got {max_depth}")
    if budget < 0:
        raise ObjectsError(f"budget must not be negative, got {budget}")
    form = data[0] if data else 0
    objects, end, _ = decode_list(data, 0, 0, max_depth, budget, coder)
    return Decoded(objects, end, RAW if form == RAW else CODED)


def whole_list_call(backend: BackendArg = None) -> CodedListDecoder | None:
    """The back end's one call for a whole 0x42 list, or None (the pure one).

    For a caller that decodes a list in every command block of a capture: with ``data``
    (bytes) starting with ``CODED``, ``call(data, 0, DEFAULT_MAX_DEPTH, DEFAULT_BUDGET)`` gives
    ``(objects, end, budget left)``, and raises, exactly as :func:`decode` would with its
    defaults, without the layers of checks and dispatch :func:`decode` passes on every call;
    a ``None`` back means :func:`decode` must do it (a raw value running past the data)."""
    coder = backends.get(backend)
    return coder.coded_list if _DEFAULTS_IN_C else None


_DEFAULTS_IN_C = DEFAULT_MAX_DEPTH <= MAX_C_DEPTH and 0 <= DEFAULT_BUDGET <= MAX_C_BUDGET


def encode(
    objects: ObjectList | list[Obj], form: int = CODED, *, backend: BackendArg = None
) -> bytes:
    """Serialise ``objects`` as a 0x41 (``form=0x41``) or 0x42 (default) list."""
    coder = backends.get(backend)
    _int_argument("form", form)
    if not isinstance(objects, ObjectList):
        objects = ObjectList(objects)
    if form == CODED:
        return encode_coded(objects, coder)
    if form == RAW:
        try:
            return encode_raw(objects)
        except RecursionError:
            raise ObjectsError("lists nested too deeply to encode") from None
    raise ObjectsError(f"unknown list form 0x{form:02x} (0x41 raw or 0x42 coded)")


def backend_name(backend: BackendArg = None) -> str:
    """Name of the range coder a call with this ``backend=`` argument would use."""
    return backends.get(backend).name


def available_backends() -> tuple[str, ...]:
    """Range coders usable in this process, preferred first (``"fast"`` only when built)."""
    return backends.available()


def get_backend(backend: BackendArg = None) -> Backend:
    """The range coder ``backend`` names (``None``: fast when built, else pure).

    Raises ``ObjectsError`` for an unknown name or ``"fast"`` where it was not built.
    """
    return backends.get(backend)
