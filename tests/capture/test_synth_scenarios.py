"""Scenario files are checked before anything is built: every mistake names its key."""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import pytest

from skypeflux.capture.synth import (
    ScenarioError,
    builtin_names,
    builtin_text,
    load_scenario,
    parse_scenario,
    scenario_from_dict,
    synthesize,
)
from skypeflux.objects import Address

BASE: dict[str, Any] = {
    "scenario": {"name": "t"},
    "hosts": {"a": {"ip": "86.128.245.115", "port": 1}, "b": {"ip": "84.228.208.91", "port": 2}},
    "connections": {"c": {"client": "a", "server": "b"}},
    "events": [
        {"kind": "udp", "label": "q", "from": "a", "to": "b",
         "messages": [{"command": "address_query", "objects": []}]},
        {"kind": "udp", "from": "b", "to": "a",
         "messages": [{"command": "address_reply", "type": "reply", "reply_to": "q",
                       "objects": [{"name": "public_address", "address": "@a"}]}]},
    ],
}  # fmt: skip


def _with(path: str, value: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    *parents, last = path.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is KeyError:
        del node[int(last) if last.isdigit() else last]
    else:
        node[int(last) if last.isdigit() else last] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "key", "words"),
    [
        ("scenario.nmae", "x", "scenario", "unknown key(s): nmae"),
        ("scenario.name", KeyError, "scenario.name", "required key is missing"),
        ("scenario.link", "token-ring", "scenario.link", "unknown link 'token-ring'"),
        ("hosts.a.ip", "1.2.3", "hosts.a.ip", "not an IPv4 address"),
        ("hosts.a.port", 70000, "hosts.a.port", "out of range"),
        ("hosts.a.port", "80", "hosts.a.port", "expected int"),
        ("events.0.to", "z", "events[0].to", "no host 'z'"),
        ("events.0.kind", "smoke", "events[0].kind", "kind is one of"),
        ("events.0.messages.0.command", "adress_query", "events[0].messages[0].command",
         "did you mean address_query"),
        ("events.1.messages.0.reply_to", "nope", "events[1].messages[0].reply_to",
         "not the label of an earlier event"),
        ("events.1.messages.0.objects.0.name", "public_adress",
         "events[1].messages[0].objects[0].name", "did you mean public_address"),
        ("events.1.messages.0.objects.0.address", "1.2.3.4",
         "events[1].messages[0].objects[0].address", "bad address"),
        ("events.0.messages.0.objects", [{"id": 1, "number": 1, "blob": "00"}],
         "events[0].messages[0].objects[0]", "exactly one of"),
        ("events.0.messages.0.objects", [{"id": 1, "number": -1}],
         "events[0].messages[0].objects[0].number", "expected a number from 0"),
        ("events.1.messages.0.objects.0.address", "@nobody",
         "events[1].messages[0].objects[0].address", "@nobody: no such host"),
        ("events.0.messages.0.type", "question", "events[0].messages[0].type", "type is one of"),
        ("connections.c.server", "q", "connections.c.server", "no host 'q'"),
        ("network", {"loss": 2}, "network.loss", "between 0.0 and 1.0"),
    ],
)  # fmt: skip
def test_mistakes_name_their_key(path: str, value: Any, key: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_dict(_with(path, value), "mine.toml")
    assert caught.value.key == key and words in caught.value.reason
    assert str(caught.value).startswith(f"mine.toml: {key}: ")


def test_names_resolve_through_the_tables() -> None:
    synth = synthesize(scenario_from_dict(copy.deepcopy(BASE)), seed=1)
    reply = [u for u in synth.units if u.blocks and u.blocks[0].command == 36]
    (unit,) = reply
    (block,) = unit.blocks
    assert block.flags == 3 and block.reqid == synth.units[0].blocks[0].reqid
    # the 0x42 list of {0x11: 86.128.245.115:1} (object 0x11 is public_address in cmd 36)
    from skypeflux.objects import decode

    (obj,) = decode(bytes.fromhex(block.list_hex)).objects
    assert (obj.family, obj.id, obj.value) == (2, 0x11, Address.parse("86.128.245.115:1"))


def test_toml_syntax_errors_keep_the_line() -> None:
    with pytest.raises(ScenarioError, match=r"bad\.toml: not valid TOML: .*line 3"):
        parse_scenario('[scenario]\nname = "x"\nhosts = ]\n[hosts]\n', "bad.toml")


@pytest.mark.parametrize("name", builtin_names())
def test_every_builtin_is_its_shipped_text(name: str) -> None:
    loaded = load_scenario(name)
    assert loaded.name == name and loaded.description and len(loaded.events) >= 4
    assert parse_scenario(builtin_text(name), "copy") == dataclasses.replace(loaded, source="copy")
