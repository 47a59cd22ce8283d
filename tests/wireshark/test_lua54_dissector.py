"""The dissector part of the plugin under plain lua5.2 and lua5.4, on a stand-in Wireshark API.

The machine has tshark 4.0 (Lua 5.2); Wireshark 4.4 and later run the same file on Lua 5.4,
without ``bit32``. ``fake_wireshark.lua`` gives the plugin just enough of Wireshark's API
(protocols, fields, tree items, field extractors, two passes) to dissect the real capture's
payloads, so the heuristic, the key-log decryption and the block decoding run under both Lua
versions and must agree with each other and with the product.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.wireshark import (
    LUAS,
    as_columns,
    blocks_by_frame,
    fake_columns,
    fake_wireshark,
    packet_lines,
    skype_frames,
    unit_lines,
)

pytestmark = pytest.mark.slow  # real tshark or lua runs over the whole capture


@pytest.fixture(scope="module")
def packets(tmp_path_factory: pytest.TempPathFactory, skypeirc_path: Path) -> Path:
    path = tmp_path_factory.mktemp("fake") / "SkypeIRC.packets"
    path.write_text(packet_lines(skypeirc_path))
    return path


def _cli(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "skypeflux", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    return done.stdout


@pytest.fixture(scope="module")
def decoded(skypeirc_path: Path) -> list[dict[str, Any]]:
    return unit_lines(_cli("decode", "--json", str(skypeirc_path)))


@pytest.fixture(scope="module")
def keylog(packets: Path, skypeirc_path: Path) -> Path:
    path = packets.with_suffix(".keylog")
    path.write_text(_cli("keylog", str(skypeirc_path), "-o", "-"))
    return path


@pytest.mark.parametrize("lua", LUAS)
def test_blocks_with_the_key_log(
    lua: str, packets: Path, keylog: Path, decoded: list[dict[str, Any]]
) -> None:
    shown = fake_columns(fake_wireshark(lua, packets, keylog))
    assert shown == as_columns(blocks_by_frame(decoded))
    assert sum(len(v[0]) for v in shown.values()) == 305


@pytest.mark.parametrize("lua", LUAS)
def test_heuristic_alone(lua: str, packets: Path, decoded: list[dict[str, Any]]) -> None:
    frames = fake_wireshark(lua, packets)
    lines = {int(line.split()[0]): line.split() for line in packets.read_text().splitlines()}
    udp = {f["frame"] for f in frames if lines[f["frame"]][1] == "udp"}
    tcp = {
        (
            f"{lines[f['frame']][2]}:{lines[f['frame']][3]}",
            f"{lines[f['frame']][4]}:{lines[f['frame']][5]}",
        )
        for f in frames
        if lines[f["frame"]][1] == "tcp"
    }
    udp_want, tcp_want = skype_frames(decoded)
    assert (udp, tcp) == (udp_want, tcp_want)
    assert all(["skypeflux.verified", True] not in f["fields"] for f in frames)  # no key: none


def test_lua52_and_lua54_add_the_same_fields(packets: Path, keylog: Path) -> None:
    first, second = (fake_wireshark(lua, packets, keylog) for lua in LUAS)
    assert first == second
    assert len(first) == 377
