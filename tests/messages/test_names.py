"""Names for commands and objects: the spec's examples, and coverage of the capture."""

from __future__ import annotations

from typing import Any

from skypeflux.messages.names import (
    command_info,
    command_name,
    object_info,
    object_name,
    session_command_name,
)
from skypeflux.messages.names_data import ADDR, LIST, NUM, STR


def test_address_reply_and_its_public_address() -> None:
    assert command_name(36) is not None
    name = object_name(36, 0x11)
    assert name is not None and "public" in name and "address" in name
    info = command_info(36)
    assert info is not None and info.guessed and info.label.endswith("?")


def test_known_commands_are_not_marked_as_guesses() -> None:
    for cmd in (27, 28, 29, 30, 31, 14, 15):
        info = command_info(cmd)
        assert info is not None and not info.guessed and info.label == info.name
    assert command_name(6016) == "event_request"
    assert command_name(9999) is None


def test_session_commands_are_a_separate_table() -> None:
    assert session_command_name(0x6D) == "session_command"
    assert command_name(0x6D) is None  # cmd 109 is not a supernode command


def test_family_disambiguates_same_id_objects() -> None:
    assert object_name(14, 0, LIST) == "query"
    assert object_name(14, 0, STR) == "user_name"
    assert object_name(47, 1, LIST) != object_name(47, 1, NUM)


def test_generic_fallback_is_a_guess() -> None:
    info = object_info(999, 0x11, ADDR)
    assert info is not None and info.guessed
    assert object_name(999, 0x7777) is None


def test_every_command_in_the_capture_but_one_has_a_name(
    blocks_oracle: list[dict[str, Any]],
) -> None:
    commands = {b["cmd"] for b in blocks_oracle}
    unnamed = {cmd for cmd in commands if command_name(cmd) is None}
    assert unnamed == {105}  # spec 5.2: "{num 1} — unknown"


def test_every_address_object_in_the_capture_has_a_name(
    blocks_oracle: list[dict[str, Any]],
) -> None:
    def walk(cmd: int, items: list[dict[str, Any]]) -> int:
        count = 0
        for item in items:
            if item["family"] == ADDR:
                assert object_name(cmd, item["id"], ADDR) is not None, (cmd, item["id"])
                count += 1
            if item["family"] == LIST:
                count += walk(cmd, item["value"])
        return count

    assert sum(walk(b["cmd"], b["tree"]) for b in blocks_oracle) > 50
