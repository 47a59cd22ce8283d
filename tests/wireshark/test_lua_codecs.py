"""The plugin's codecs under plain Lua 5.2 and 5.4 give what the Python product gives.

The Lua file is loaded as a module by ``lua_driver.lua`` (outside Wireshark the plugin returns
its codec table instead of registering a dissector), so every check here runs the very code
Wireshark runs, under both Lua versions Wireshark has shipped.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest

from skypeflux import objects
from skypeflux.crypto import skype_crc32
from skypeflux.crypto.seeds import udp_seed
from skypeflux.messages.blocks import parse_blocks
from skypeflux.objects import ObjectsError, to_tree
from skypeflux.outputs.fields import for_output
from skypeflux.outputs.wireshark import generate, plugin_path
from skypeflux.wire.udp import parse_datagram
from tests.helpers.paths import SHARED, need
from tests.helpers.samples import skype_datagrams
from tests.helpers.wireshark import LUAS, run_lua


def _comparable(tree: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """A tree with family-1 values as integers (the Lua side writes them as hex)."""
    out = []
    for node in tree:
        value = node["value"]
        if node["family"] == 1 and isinstance(value, str):
            value = int(value, 16)
        elif node["family"] == 5:
            value = _comparable(value)
        out.append((node["family"], node["id"], value))
    return out


def _python(hex_list: str) -> dict[str, Any]:
    try:
        decoded = objects.decode(bytes.fromhex(hex_list))
    except ObjectsError:
        return {"ok": False}
    return {
        "ok": True,
        "consumed": decoded.consumed,
        "form": decoded.form,
        "tree": _comparable(objects.to_tree(decoded.objects)),
    }


@pytest.mark.parametrize("lua", LUAS)
def test_object_vectors_decode_as_in_python(lua: str, object_vectors: list[dict[str, Any]]) -> None:
    answers = run_lua(lua, (f"objects {v['hex']}" for v in object_vectors))
    assert len(answers) == 247
    for vector, got in zip(object_vectors, answers, strict=True):
        want = _python(vector["hex"])
        assert want["ok"] == vector["ok"], vector["source"]  # the reference agrees with the vector
        assert "bug" not in got, got
        if got["ok"]:
            got["tree"] = _comparable(got["tree"])
        else:
            got = {"ok": False}
        assert got == want, vector["source"]


@pytest.mark.parametrize("lua", LUAS)
def test_captured_blocks_parse_as_in_the_oracle(
    lua: str, blocks_oracle: list[dict[str, Any]]
) -> None:
    answers = run_lua(lua, (f"blocks {r['header_hex']}{r['list_hex']}" for r in blocks_oracle))
    assert len(answers) == 305
    for row, got in zip(blocks_oracle, answers, strict=True):
        (block,) = got["blocks"]
        assert (block["cmd"], block["flags"], block["reqid"], block["error"]) == (
            row["cmd"],
            row["flags"],
            row["reqid"],
            None,
        ), row["where"]
        assert _comparable(block["tree"]) == _comparable(row["tree"]), row["where"]


@pytest.mark.parametrize("lua", LUAS)
def test_skype_crc32_matches_the_product(lua: str) -> None:
    rng = random.Random(32)
    inputs = [b"", b"123456789", b"abcd", bytes(range(256))]
    inputs += [rng.randbytes(rng.randrange(1, 300)) for _ in range(200)]
    answers = run_lua(lua, (f"crc {data.hex()}" for data in inputs))
    assert [int(a["crc"], 16) for a in answers] == [skype_crc32(data) for data in inputs]


@pytest.mark.parametrize("lua", LUAS)
def test_rc4_gives_the_published_keystreams(lua: str) -> None:
    text = need(SHARED / "vectors" / "rc4_expand.tsv").read_text()
    rows = [line.split("\t") for line in text.split("\n")]
    rows = [r for r in rows if len(r) == 3 and len(r[1]) == 160]
    assert len(rows) == 2013
    answers = run_lua(lua, (f"rc4 {key80} 64" for _, key80, _ in rows))
    assert [a["keystream"] for a in answers] == [stream for _, _, stream in rows]


@pytest.mark.parametrize("lua", LUAS)
def test_udp_seeds_of_the_capture(lua: str, units_oracle: list[dict[str, Any]]) -> None:
    udp = [u for u in units_oracle if u["proto"] == "udp" and u.get("public_src") is not None]
    assert len(udp) == 287  # 233 payloads and 54 fragments (resends need no addresses)
    answers = run_lua(
        lua, (f"udpseed {u['public_src']} {u['public_dst']} {u['id']} {u['iv']}" for u in udp)
    )
    assert [a["seed"] for a in answers] == [u["seed"] for u in udp]
    assert [a["seed"] for a in answers] == [
        f"{udp_seed(u['public_src'], u['public_dst'], int(u['id'], 16), int(u['iv'], 16)):08x}"
        for u in udp
    ]


@pytest.mark.parametrize("lua", LUAS)
def test_every_skype_datagram_of_the_capture_has_a_skype_layout(
    lua: str, skypeirc_path: Path
) -> None:
    datagrams = skype_datagrams(skypeirc_path)
    assert len(datagrams) == 326
    answers = run_lua(lua, (f"udpverdict {p.hex()} {dst}" for _, _, dst, p in datagrams))
    assert {a["verdict"] for a in answers} == {"good"}
    for _, _, _, payload in datagrams:
        parse_datagram(payload)  # and the product's parser agrees they are well formed


@pytest.mark.parametrize("lua", LUAS)
def test_udp_layouts_refuse_what_is_not_skype(lua: str) -> None:
    bad = [
        "abcd01000001000000000000",  # a DNS query: type 0x01
        "15f2775680f57324499eb800",  # a NAck of 12 bytes
        "15f2770a000001244900b8",  # a NAck claiming a private address for a public receiver
        "1606830100000000000000000000000000",  # bit 7 set
        "010200004350ef44b997",  # traceroute-like, payload too short
    ]
    answers = run_lua(lua, (f"udpverdict {h} 130.117.72.70" for h in bad))
    assert {a["verdict"] for a in answers} == {"bad"}


def test_plugin_is_assembled_from_current_parts() -> None:
    text = plugin_path().read_text(encoding="utf-8")
    assert generate.assemble() == text, "run python -m skypeflux.outputs.wireshark.generate"
    assert generate.main(["--check"]) == 0
    assert text.startswith(generate.HEADER_LINE)
    assert generate.render(text) == text  # every generated section filled in, none unknown


def test_plugin_parts_are_small_and_hold_no_generated_text() -> None:
    parts = generate.part_paths()
    assert len(parts) > 1
    for path in parts:
        text = path.read_text(encoding="utf-8")
        assert text.count("\n") <= 400, path.name
        for begin in re.finditer(r"^-- BEGIN GENERATED ([A-Z ]+?) \(.*\)\n", text, re.M):
            assert text[begin.end() :].startswith(f"-- END GENERATED {begin.group(1)}\n")


def test_plugin_uses_only_registered_fields() -> None:
    text = plugin_path().read_text(encoding="utf-8")
    lua = {f.name for f in for_output("lua")}
    used = set(re.findall(r'F\["([^"]+)"\]', text))
    assert used and used <= lua
    declared = set(re.findall(r'^F\["([^"]+)"\] = ProtoField', text, re.M))
    assert declared == lua


def _mutants(vectors: list[dict[str, Any]], count: int, seed: int) -> list[str]:
    """Edited copies of the vectors: bit flips, cuts, inserted and repeated bytes."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        data = bytearray(bytes.fromhex(rng.choice(vectors)["hex"]))
        for _ in range(rng.randint(1, 3)):
            roll = rng.random()
            if roll < 0.5 and len(data) > 1:
                i = rng.randrange(1, len(data))
                data[i] ^= 1 << rng.randrange(8)
            elif roll < 0.7:
                del data[rng.randrange(1, len(data) + 1) :]
            elif roll < 0.9:
                data.insert(rng.randrange(1, len(data) + 1), rng.randrange(256))
            else:
                i = rng.randrange(1, len(data) + 1)
                data[i:i] = data[1:i][: rng.randrange(1, 9)]
        out.append(bytes(data).hex())
    return out


@pytest.mark.slow
@pytest.mark.parametrize("lua", LUAS)
def test_edited_object_lists_get_the_same_verdict(
    lua: str, object_vectors: list[dict[str, Any]]
) -> None:
    # Hostile input: the Lua decoder must accept exactly what the product accepts, with the
    # same tree and length, and refuse the rest without any other error.
    lists = _mutants(object_vectors, 3000, seed=4142)
    answers = run_lua(lua, (f"objects {h}" for h in lists))
    accepted = 0
    for hex_list, got in zip(lists, answers, strict=True):
        assert "bug" not in got, (hex_list, got)
        if got["ok"]:
            got["tree"] = _comparable(got["tree"])
            accepted += 1
        else:
            got = {"ok": False}
        assert got == _python(hex_list), hex_list
    assert 300 < accepted < 2700  # both outcomes well represented


@pytest.mark.slow
@pytest.mark.parametrize("lua", LUAS)
def test_edited_plaintexts_split_into_the_same_blocks(
    lua: str, blocks_oracle: list[dict[str, Any]]
) -> None:
    rng = random.Random(305)
    texts = []
    for _ in range(1500):
        rows = rng.sample(blocks_oracle, rng.randint(1, 3))
        data = bytearray(bytes.fromhex("".join(r["header_hex"] + r["list_hex"] for r in rows)))
        for _ in range(rng.randint(0, 2)):
            if rng.random() < 0.6:
                data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            else:
                del data[rng.randrange(1, len(data) + 1) :]
        texts.append(bytes(data))
    answers = run_lua(lua, (f"blocks {t.hex()}" for t in texts))
    for text, got in zip(texts, answers, strict=True):
        want = [
            (
                b.command,
                b.flags,
                b.reqid,
                b.error is None,
                _comparable(to_tree(b.objects))
                if b.objects is not None and b.error is None
                else None,
            )
            for b in parse_blocks(text)
        ]
        mine = [
            (
                b["cmd"],
                b["flags"],
                b["reqid"],
                b["error"] is None,
                _comparable(b["tree"]) if b["tree"] is not None and b["error"] is None else None,
            )
            for b in got["blocks"]
        ]
        assert mine == want, text.hex()
