"""What an object list holds, independent of how it is serialised (spec/objects.md section 1).

An object is (family, id, value). Lists keep their order and may repeat ids (one nested list per
contact, all with id 26), so an ``ObjectList`` is a sequence with id lookups rather than a dict.
Values are checked when an object is built, so an encoder never meets a value the wire cannot
carry; decoders build objects through ``Obj.trusted`` because their values are in range by
construction and the check would only cost time on the capture pipeline's hot path.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from enum import IntEnum
from typing import TypeAlias, overload

from skypeflux.ipv4 import Endpoint, ip_number

from .errors import ObjectsError

U32_MAX = 0xFFFFFFFF
U64_MAX = 0xFFFFFFFFFFFFFFFF
MAX_DEPTH_LIMIT = 64
"""The most nesting levels anything here handles: decoders refuse a deeper ``max_depth`` and
the recursive helpers (``sorted_by_id``, ``to_tree``, ``from_tree``) a deeper list, so hostile
or cyclic input ends in an ``ObjectsError`` rather than a ``RecursionError``."""


def check_nesting(level: int) -> None:
    """Refuse a list at nesting ``level`` (0: the top list) that no decoder could produce."""
    if level >= MAX_DEPTH_LIMIT:
        raise ObjectsError(f"lists nested deeper than {MAX_DEPTH_LIMIT} levels")


class Family(IntEnum):
    """The seven value types (FakeSkype's NBR, TABLE, NETADDR, STRING, BLOB, OBJLIST, INTLIST)."""

    NUMBER = 0
    UINT64 = 1
    ADDRESS = 2
    STRING = 3
    BLOB = 4
    LIST = 5
    INT_LIST = 6


FAMILIES: tuple[Family, ...] = tuple(Family)
"""Family members indexed by number: a tuple index is cheaper than ``Family(n)`` in decoders."""


class Address(Endpoint):
    """An IPv4 address and port (family 2): an :class:`~skypeflux.ipv4.Endpoint` whose values
    are checked, since an encoder must never meet one the wire cannot carry. ``ip`` is the
    address as a 32-bit integer whose most significant byte is the first dotted octet, the form
    both wire layouts are derived from."""

    __slots__ = ()

    def __new__(cls, ip: int, port: int) -> Address:
        if type(ip) is not int or not 0 <= ip <= U32_MAX:
            raise ObjectsError(f"IPv4 address must be an integer 0..2**32-1, got {ip!r}")
        if type(port) is not int or not 0 <= port <= 0xFFFF:
            raise ObjectsError(f"port must be an integer 0..65535, got {port!r}")
        return super().__new__(cls, ip, port)

    @classmethod
    def from_host(cls, host: str, port: int) -> Address:
        """Build from a dotted quad such as ``"192.168.1.2"``."""
        if not isinstance(host, str):
            raise ObjectsError(f"not a dotted IPv4 address: {host!r}")
        try:
            return cls(ip_number(host), port)
        except ValueError:
            raise ObjectsError(f"not a dotted IPv4 address: {host!r}") from None

    @classmethod
    def parse(cls, text: str) -> Address:
        """Build from ``"a.b.c.d:port"`` (the vectors' tree form); anything else raises
        ``ObjectsError``."""
        try:
            endpoint = Endpoint.parse(text)
        except ValueError:
            raise ObjectsError(f"not an address of the form a.b.c.d:port: {text!r}") from None
        return cls(endpoint.ip, endpoint.port)


Value: TypeAlias = "int | Address | bytes | ObjectList | tuple[int, ...]"
"""What ``Obj.value`` holds; which one is fixed by the family."""

_new_tuple = tuple.__new__


def _check_u32(what: str, value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ObjectsError(f"{what} must be an integer, got {type(value).__name__}")
    if not 0 <= value <= U32_MAX:
        raise ObjectsError(f"{what} must be 0..2**32-1, got {value!r}")
    return int(value)


def _checked_value(family: Family, value: object) -> Value:
    if family is Family.NUMBER:
        return _check_u32("a number (family 0)", value)
    if family is Family.UINT64:
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= U64_MAX:
            raise ObjectsError(f"an 8-byte value (family 1) must be 0..2**64-1, got {value!r}")
        return int(value)
    if family is Family.ADDRESS:
        if isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
            return Address.from_host(value[0], value[1])
        if isinstance(value, tuple) and len(value) == 2:
            return Address(value[0], value[1])
        if not isinstance(value, Address):
            raise ObjectsError(f"an address (family 2) must be an Address, got {value!r}")
        return value
    if family is Family.STRING:
        if isinstance(value, str):
            value = value.encode("utf-8")
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise ObjectsError(f"a string (family 3) must be bytes, got {type(value).__name__}")
        data = bytes(value)
        if b"\x00" in data:
            raise ObjectsError("a string (family 3) cannot hold a NUL byte (it is the terminator)")
        return data
    if family is Family.BLOB:
        if not isinstance(value, (bytes, bytearray, memoryview)):
            raise ObjectsError(f"a blob (family 4) must be bytes, got {type(value).__name__}")
        return bytes(value)
    if family is Family.LIST:
        if isinstance(value, ObjectList):
            return value
        if isinstance(value, (list, tuple)):
            return ObjectList(value)
        raise ObjectsError(f"a nested list (family 5) must be an ObjectList, got {value!r}")
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ObjectsError(f"an int list (family 6) must be a sequence of integers, got {value!r}")
    return tuple(_check_u32("an int-list element (family 6)", v) for v in value)


class Obj(tuple[Family, int, Value]):
    """One object: ``family``, ``id`` (unsigned 32-bit) and ``value``.

    Values by family: 0 int (32-bit), 1 int (64-bit), 2 ``Address``, 3 bytes without NUL (``str``
    is accepted and stored as UTF-8), 4 bytes, 5 ``ObjectList``, 6 tuple of 32-bit ints.
    A tuple underneath, so objects are immutable, compare by value and cost little to create.
    """

    __slots__ = ()

    def __new__(cls, family: int, id: int, value: object) -> Obj:
        if isinstance(family, bool) or not isinstance(family, int) or not 0 <= family <= 6:
            raise ObjectsError(f"family must be 0..6, got {family!r}")
        fam = FAMILIES[family]
        return _new_tuple(cls, (fam, _check_u32("an object id", id), _checked_value(fam, value)))

    @classmethod
    def trusted(cls, family: int, id: int, value: Value) -> Obj:
        """Build without checks, for decoders whose values are in range by construction."""
        return _new_tuple(cls, (FAMILIES[family], id, value))

    @property
    def family(self) -> Family:
        return self[0]

    @property
    def id(self) -> int:
        return self[1]

    @property
    def value(self) -> Value:
        return self[2]

    def __repr__(self) -> str:
        return f"Obj({self[0].name}, id={self[1]}, {self[2]!r})"

    def __getnewargs__(self) -> tuple[Family, int, Value]:  # pickling goes through __new__
        return (self[0], self[1], self[2])


class ObjectList(Sequence[Obj]):
    """An ordered list of objects: repeated ids allowed, lookups by id.

    ``first(id)`` / ``all(id)`` find objects by id and ``id in lst`` tests for one. Two lists are
    equal when they hold equal objects in the same order (a plain list of ``Obj`` compares too).
    """

    __slots__ = ("_items",)

    _items: list[Obj]

    def __init__(self, items: Iterable[Obj] = ()) -> None:
        checked = list(items)
        for item in checked:
            if not isinstance(item, Obj):
                raise ObjectsError(f"an ObjectList holds Obj items, got {item!r}")
        self._items = checked

    @classmethod
    def trusted(cls, items: list[Obj]) -> ObjectList:
        """Wrap ``items`` (taken over, not copied) without checks; for decoders."""
        lst = cls.__new__(cls)
        lst._items = items
        return lst

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Obj: ...
    @overload
    def __getitem__(self, index: slice) -> ObjectList: ...
    def __getitem__(self, index: int | slice) -> Obj | ObjectList:
        if isinstance(index, slice):
            return ObjectList.trusted(self._items[index])
        return self._items[index]

    def __iter__(self) -> Iterator[Obj]:
        return iter(self._items)

    def __contains__(self, item: object) -> bool:
        """``id in lst`` for an integer id; ``obj in lst`` for an ``Obj``."""
        if isinstance(item, Obj):
            return item in self._items
        return any(obj[1] == item for obj in self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, ObjectList):
            return self._items == other._items
        if isinstance(other, list):
            return self._items == other
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable-looking container; equality by value

    def __repr__(self) -> str:
        return f"ObjectList({self._items!r})"

    def first(self, id: int) -> Obj | None:
        """The first object with this id, or ``None``."""
        for obj in self._items:
            if obj[1] == id:
                return obj
        return None

    def all(self, id: int) -> list[Obj]:
        """Every object with this id, in list order."""
        return [obj for obj in self._items if obj[1] == id]

    def ids(self) -> list[int]:
        return [obj[1] for obj in self._items]

    def sorted_by_id(self) -> ObjectList:
        """Stably sorted by id at every level: what a 0x42 encode-decode round trip gives back.

        Lists nested deeper than ``MAX_DEPTH_LIMIT`` levels raise ``ObjectsError``.
        """
        return self._sorted_from(0)

    def _sorted_from(self, level: int) -> ObjectList:
        check_nesting(level)
        items = [
            _new_tuple(Obj, (obj[0], obj[1], obj[2]._sorted_from(level + 1)))
            if isinstance(obj[2], ObjectList)
            else obj
            for obj in self._items
        ]
        items.sort(key=_obj_id)
        return ObjectList.trusted(items)

    def to_list(self) -> list[Obj]:
        return list(self._items)


def _obj_id(obj: Obj) -> int:
    return obj[1]
