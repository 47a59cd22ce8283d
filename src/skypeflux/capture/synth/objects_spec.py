"""Commands and objects of a scenario, by the names of the command and object tables.

A scenario says ``command = "client_accept"`` and ``{ name = "public_address", address =
"@client" }``; this module turns those into numbers and :class:`~skypeflux.objects.Obj` values
using :mod:`skypeflux.messages.names_data` (so a scenario and the decoder's output use the same
words). The family of an object is the key its value is given under:

====================  =====================================================================
``number = 5``        family 0, a 32-bit number
``u64 = 5``           family 1, a 64-bit number
``address = "a:p"``   family 2, IPv4 address and port; ``"@host"`` is that host's public
                      address (its captured one when it has none) and port
``string = "text"``   family 3; ``{ size = N }`` for N random letters
``blob = "a2fe"``     family 4, hex; ``{ size = N }`` for N random bytes
``list = [...]``      family 5, a nested object list
``ints = [1, 2]``     family 6, a list of 32-bit numbers
====================  =====================================================================
"""

from __future__ import annotations

import difflib
import random
import string
from collections.abc import Callable, Mapping

from skypeflux.capture.synth.errors import ScenarioError
from skypeflux.messages.names_data import COMMANDS, OBJECTS_BY_COMMAND
from skypeflux.objects import Address, Obj, ObjectList, ObjectsError

FAMILY_KEYS = {
    "number": 0,
    "u64": 1,
    "address": 2,
    "string": 3,
    "blob": 4,
    "list": 5,
    "ints": 6,
}

AddressOf = Callable[[str], tuple[str, int]]
"""Resolves ``@host`` to the (public address, port) of a scenario host."""


def _fold(name: str) -> str:
    return name.lower().replace("-", "_").rstrip("?")


def command_number(value: object, where: str) -> int:
    """A command given by number or by its name in the command table."""
    if isinstance(value, bool):
        raise ScenarioError(f"expected a command name or number, not {value!r}", where)
    if isinstance(value, int):
        if not 0 <= value < 1 << 29:
            raise ScenarioError(f"command {value} out of range", where)
        return value
    if not isinstance(value, str):
        raise ScenarioError(f"expected a command name or number, not {value!r}", where)
    wanted = _fold(value)
    for number, (name, _guessed) in COMMANDS.items():
        if _fold(name) == wanted:
            return number
    close = difflib.get_close_matches(wanted, [name for name, _ in COMMANDS.values()], n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ScenarioError(f"unknown command {value!r}{hint}", where)


def object_id(command: int, name: str, family: int, where: str) -> int:
    """The id the object tables give ``name`` inside ``command`` (for this family).

    The tables key each name by its path of ``(id, family)`` from the top-level list; the last
    step is the object itself, wherever the scenario nests it. A name given with another family
    than the table's still picks its id (a scenario may send an odd value on purpose); the
    decoder then shows that object unnamed."""
    wanted = _fold(name)
    names: list[str] = []
    other_family: int | None = None
    for path, (entry, _guessed) in OBJECTS_BY_COMMAND.get(command, {}).items():
        names.append(entry)
        if _fold(entry) != wanted:
            continue
        object_id, object_family = path[-1]
        if object_family == family:
            return object_id
        if other_family is None:
            other_family = object_id
    if other_family is not None:
        return other_family
    close = difflib.get_close_matches(wanted, names, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise ScenarioError(f"no object named {name!r} in command {command}{hint}", where)


def _random_size(spec: object, where: str) -> int:
    if not isinstance(spec, Mapping) or set(spec) != {"size"}:
        raise ScenarioError("expected a value or { size = N }", where)
    size = spec["size"]
    if not isinstance(size, int) or isinstance(size, bool) or not 0 <= size <= 1 << 20:
        raise ScenarioError(f"size must be a number of bytes up to 1 MiB, not {size!r}", where)
    return size


def _u32(value: object, where: str, bits: int = 32) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 1 << bits:
        raise ScenarioError(f"expected a number from 0 to {(1 << bits) - 1}, not {value!r}", where)
    return value


def _value(
    family: int, raw: object, where: str, rng: random.Random, command: int, at: AddressOf
) -> object:
    if family == 0:
        return _u32(raw, where)
    if family == 1:
        return _u32(raw, where, 64)
    if family == 2:
        if not isinstance(raw, str):
            raise ScenarioError(f'expected "a.b.c.d:port" or "@host", not {raw!r}', where)
        if raw.startswith("@"):
            try:
                host, port = at(raw[1:])
            except ScenarioError as exc:
                raise ScenarioError(exc.reason, where) from None
            return Address.from_host(host, port)
        try:
            return Address.parse(raw)
        except (ObjectsError, ValueError) as exc:
            raise ScenarioError(f"bad address {raw!r}: {exc}", where) from None
    if family == 3:
        if isinstance(raw, str):
            return raw.encode("utf-8")
        size = _random_size(raw, where)
        return "".join(rng.choices(string.ascii_lowercase, k=size)).encode()
    if family == 4:
        if isinstance(raw, str):
            try:
                return bytes.fromhex(raw)
            except ValueError:
                raise ScenarioError(f"blob is not hex: {raw!r}", where) from None
        return rng.randbytes(_random_size(raw, where))
    if family == 5:
        if not isinstance(raw, list):
            raise ScenarioError("a list holds an array of objects", where)
        return build_objects(raw, where, rng, command, at)
    if not isinstance(raw, list):
        raise ScenarioError("ints holds an array of numbers", where)
    return tuple(_u32(v, f"{where}[{i}]") for i, v in enumerate(raw))


def build_objects(
    items: object, where: str, rng: random.Random, command: int, at: AddressOf
) -> ObjectList:
    """An object list from the scenario's array of object tables."""
    if not isinstance(items, list):
        raise ScenarioError("objects must be an array of tables", where)
    out = []
    for n, item in enumerate(items):
        here = f"{where}[{n}]"
        if not isinstance(item, Mapping):
            raise ScenarioError("an object is a table like { name = ..., number = 1 }", here)
        kinds = [key for key in item if key in FAMILY_KEYS]
        unknown = sorted(set(item) - set(FAMILY_KEYS) - {"id", "name"})
        if unknown:
            raise ScenarioError(f"unknown key(s) {', '.join(unknown)} in an object", here)
        if len(kinds) != 1:
            raise ScenarioError(f"give exactly one of {', '.join(FAMILY_KEYS)}", here)
        family = FAMILY_KEYS[kinds[0]]
        if ("id" in item) == ("name" in item):
            raise ScenarioError("give either id or name", here)
        name = item.get("name")
        if name is not None:
            if not isinstance(name, str):
                raise ScenarioError(f"name must be text, not {name!r}", here)
            oid = object_id(command, name, family, f"{here}.name")
        else:
            oid = _u32(item["id"], f"{here}.id")
        value = _value(family, item[kinds[0]], f"{here}.{kinds[0]}", rng, command, at)
        try:
            out.append(Obj(family, oid, value))
        except (ObjectsError, ValueError, TypeError) as exc:
            raise ScenarioError(str(exc), here) from None
    return ObjectList(out)
