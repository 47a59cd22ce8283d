"""``skypeflux wireshark lua|install`` and ``skypeflux keylog`` as a user runs them."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from skypeflux.outputs.wireshark import PLUGIN_NAME, personal_plugin_dir, plugin_path

from skypeflux.cli.app import cli
from skypeflux.crypto import expand_key


def test_lua_prints_the_plugin() -> None:
    result = CliRunner().invoke(cli, ["wireshark", "lua"])
    assert result.exit_code == 0
    assert result.output == plugin_path().read_text(encoding="utf-8")
    assert 'Proto("skypeflux"' in result.output


def test_install_writes_the_plugin_where_asked(tmp_path: Path) -> None:
    target = tmp_path / "plugins" / "deeper"
    result = CliRunner().invoke(cli, ["wireshark", "install", "--dir", str(target)])
    assert result.exit_code == 0, result.output
    installed = target / PLUGIN_NAME
    assert installed.read_text(encoding="utf-8") == plugin_path().read_text(encoding="utf-8")
    assert str(installed) in result.output


def test_install_refuses_a_file_as_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["wireshark", "install", "--dir", str(blocker)])
    assert result.exit_code == 2  # click: a path that is not a folder
    assert blocker.read_text() == "x"


def test_personal_plugin_folders() -> None:
    home = {"HOME": "/home/ann"}
    assert personal_plugin_dir("linux", home) == Path("/home/ann/.local/lib/wireshark/plugins")
    assert personal_plugin_dir("darwin", home) == Path("/home/ann/.local/lib/wireshark/plugins")
    windows = personal_plugin_dir("win32", {"APPDATA": "C:/Users/ann/AppData/Roaming"})
    assert windows == Path("C:/Users/ann/AppData/Roaming/Wireshark/plugins")


def test_keylog_to_stdout_has_one_key_per_seed(skypeirc_path: Path) -> None:
    result = CliRunner().invoke(cli, ["keylog", str(skypeirc_path), "-o", "-", "--no-progress"])
    assert result.exit_code == 0, result.output
    keys = [line.split() for line in result.output.splitlines() if line.startswith("SEED_RC4_KEY")]
    assert len(keys) == 297
    for _, seed, key in keys[:20]:
        assert bytes.fromhex(key) == expand_key(int(seed, 16))


def test_keylog_of_a_capture_without_skype(tmp_path: Path) -> None:
    empty = tmp_path / "empty.pcap"
    empty.write_bytes(bytes.fromhex("d4c3b2a1020004000000000000000000ffff000001000000"))
    result = CliRunner().invoke(cli, ["keylog", str(empty), "-o", str(tmp_path / "k")])
    assert result.exit_code == 1
    assert "no Skype traffic" in result.output
    assert not (tmp_path / "k").exists()
