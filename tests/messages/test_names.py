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
from skypeflux.messages.names_data import ADDR, INTS, LIST, NUM, STR, U64


def test_address_reply_and_its_public_address() -> None:
    assert command_name(36) is not None
    name = object_name(36, 0x11, ADDR)
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


def test_names_depend_on_the_enclosing_list_and_the_family() -> None:
    assert object_name(14, 0, LIST) == "query"
    assert object_name(14, 0, STR, [(0, LIST)]) == "user_name"
    assert object_name(14, 0, STR) is None  # not at the top level
    assert object_name(47, 1, LIST) == "bcm"
    assert object_name(47, 1, NUM, [(1, LIST)]) == "bcm_version"
    assert object_name(47, 1, NUM) is None
    assert object_name(30, 0x0D, U64) == "node_id"
    assert object_name(30, 0x0D, NUM) is None


def test_no_name_is_borrowed_from_another_command() -> None:
    """The issue's examples: cmd 37's plain numbers, cmd 105 and 19, cmd 31's int list."""
    assert object_info(999, 0x11, ADDR) is None
    for obj_id in (0, 1, 4, 5, 8, 0x0B, 0x0D):
        assert object_info(37, obj_id, NUM) is None
    assert object_info(105, 1, NUM) is None
    assert object_info(19, 1, NUM) is None
    assert object_info(31, 0x21, INTS) is None


def test_every_command_in_the_capture_but_one_has_a_name(
    blocks_oracle: list[dict[str, Any]],
) -> None:
    commands = {b["cmd"] for b in blocks_oracle}
    unnamed = {cmd for cmd in commands if command_name(cmd) is None}
    assert unnamed == {105}  # spec 5.2: "{num 1} — unknown"


def test_every_address_object_in_the_capture_has_a_name(
    blocks_oracle: list[dict[str, Any]],
) -> None:
    def walk(cmd: int, items: list[dict[str, Any]], parents: list[tuple[int, int]]) -> int:
        count = 0
        for item in items:
            if item["family"] == ADDR:
                name = object_name(cmd, item["id"], ADDR, parents)
                assert name is not None, (cmd, parents, item["id"])
                count += 1
            if item["family"] == LIST:
                count += walk(cmd, item["value"], [*parents, (item["id"], LIST)])
        return count

    assert sum(walk(b["cmd"], b["tree"], []) for b in blocks_oracle) > 50
