"""The Lua ProtoField declarations, generated from the field registry.

Each registered field that Wireshark shows becomes ``F["<name>"] = ProtoField.<type>(...)``
in the plugin; the dissector only ever refers to fields through ``F[...]``, so a field that is
not registered cannot be added (``F`` would be nil and the test run would show a Lua error).
"""

from __future__ import annotations

from skypeflux.outputs.fields import Field, for_output

_BASE = {"dec": "base.DEC", "hex": "base.HEX", "": "base.NONE"}
_FRAME = {
    "request": "frametype and frametype.REQUEST",
    "response": "frametype and frametype.RESPONSE",
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _declaration(f: Field) -> str:
    name, label, desc = _quote(f.name), _quote(f.label), _quote(f.description)
    values = f.values or "nil"
    if f.kind in ("uint8", "uint16", "uint32"):
        base = _BASE[f.base or "dec"]
        return f"ProtoField.{f.kind}({name}, {label}, {base}, {values}, nil, {desc})"
    if f.kind == "uint64":
        return f"ProtoField.uint64({name}, {label}, {_BASE[f.base or 'dec']}, nil, nil, {desc})"
    if f.kind == "bool":
        return f"ProtoField.bool({name}, {label}, base.NONE, nil, nil, {desc})"
    if f.kind == "string":
        return f"ProtoField.string({name}, {label}, base.UNICODE, {desc})"
    if f.kind == "bytes":
        return f"ProtoField.bytes({name}, {label}, base.NONE, {desc})"
    if f.kind == "ipv4":
        return f"ProtoField.ipv4({name}, {label}, {desc})"
    if f.kind == "framenum":
        frame = _FRAME.get(f.frame, "nil")
        return f"ProtoField.framenum({name}, {label}, base.NONE, {frame}, nil, {desc})"
    return f"ProtoField.none({name}, {label}, {desc})"


def fields_section() -> str:
    """``F`` (registered fields by name) and ``FIELD_LIST`` (what the Proto registers)."""
    lines = ["local F, FIELD_LIST = {}, {}"]
    for f in for_output("lua"):
        lines.append(f"F[{_quote(f.name)}] = {_declaration(f)}")
    lines.append("for _, f in pairs(F) do FIELD_LIST[#FIELD_LIST + 1] = f end")
    return "\n".join(lines) + "\n"
