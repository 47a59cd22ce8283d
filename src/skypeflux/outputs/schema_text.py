"""The JSON schema's descriptions, written from the field registry.

``record.schema.json`` keeps what only a schema says (types, ranges, which keys are required,
the rules between fields); every property's ``description`` is the registered field's
(:mod:`skypeflux.outputs.fields`), so the schema, the Lua plugin's ProtoFields and the JSON
keys all describe a field in the same words. ``python -m skypeflux.outputs.schema_text``
rewrites the descriptions; a test checks the file is current and that every key the schema
lists is registered for JSON.
"""

from __future__ import annotations

import copy
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from skypeflux.outputs.fields import BY_NAME

SCHEMA = Path(__file__).with_name("record.schema.json")


def property_tables(schema: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``properties`` of a record, of a block and of an object."""
    yield schema["properties"]
    for definition in schema.get("$defs", {}).values():
        if "properties" in definition:
            yield definition["properties"]


def unregistered(schema: dict[str, Any]) -> list[str]:
    """Schema keys the registry does not declare for JSON (should be none)."""
    return [
        key
        for table in property_tables(schema)
        for key in table
        if key not in BY_NAME or "json" not in BY_NAME[key].outputs
    ]


def render(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` with every registered property's description taken from the registry."""
    out = copy.deepcopy(schema)
    for table in property_tables(out):
        for key, prop in table.items():
            field = BY_NAME.get(key)
            if field is not None and "json" in field.outputs:
                prop["description"] = field.json_description
    return out


def dump(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Rewrite the schema's descriptions; ``--check`` only says whether they are current."""
    args = sys.argv[1:] if argv is None else argv
    current = SCHEMA.read_text(encoding="utf-8")
    wanted = dump(render(json.loads(current)))
    if "--check" in args:
        if wanted != current:
            print(f"{SCHEMA} is out of date: run python -m skypeflux.outputs.schema_text")
            return 1
        return 0
    if wanted != current:
        SCHEMA.write_text(wanted, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
