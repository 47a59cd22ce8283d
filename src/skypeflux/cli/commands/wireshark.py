"""``skypeflux wireshark``: print or install the Wireshark Lua plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skypeflux.cli.errors import OutputFailure, fail, safe_text, say, user_errors, writing
from skypeflux.cli.options import require_stdout
from skypeflux.outputs.wireshark import KEYLOG_PREFERENCE, install, plugin_text


@click.group(short_help="The Wireshark plugin: print it (lua) or install it.")
def wireshark() -> None:
    """The Wireshark plugin: decrypted Skype in Wireshark itself (see README)."""


@wireshark.command("lua")
def lua() -> None:
    """Print the plugin (one Lua file) to standard output."""
    with user_errors():  # a reader that stops early is exit 0, a full disk exit 6
        require_stdout()
        with writing():
            sys.stdout.write(plugin_text())
            sys.stdout.flush()


@wireshark.command("install", short_help="Copy the plugin into Wireshark's personal plugin folder.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Install here instead of Wireshark's personal plugin folder "
    "(~/.local/lib/wireshark/plugins; on Windows %APPDATA%\\Wireshark\\plugins).",
)
def install_command(directory: Path | None) -> None:
    """Copy the plugin into Wireshark's personal plugin folder (Help > About > Folders)."""
    try:
        target = install(directory)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        where = f" {safe_text(str(exc.filename))}:" if exc.filename else ""
        fail(OutputFailure(f"cannot install the plugin:{where} {reason}"))
    say(f"skypeflux: installed {target}")
    say(
        f"skypeflux: restart Wireshark, then set Edit > Preferences > Protocols > skypeflux > "
        f"Key log file (or tshark -o {KEYLOG_PREFERENCE}:FILE) to a file from skypeflux keylog"
    )
