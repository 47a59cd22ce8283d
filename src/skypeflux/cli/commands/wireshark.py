"""``skypeflux wireshark``: print or install the Wireshark Lua plugin."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from skypeflux.cli.errors import EXIT_UNREADABLE, Failure, fail
from skypeflux.outputs.wireshark import KEYLOG_PREFERENCE, install, plugin_text


@click.group()
def wireshark() -> None:
    """The Wireshark plugin: decrypted Skype in Wireshark itself (see README)."""


@wireshark.command("lua")
def lua() -> None:
    """Print the plugin (one Lua file) to standard output."""
    sys.stdout.write(plugin_text())
    sys.stdout.flush()


@wireshark.command("install")
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
        fail(Failure(EXIT_UNREADABLE, f"cannot install the plugin: {exc.strerror or exc}"))
    click.echo(f"skypeflux: installed {target}", err=True)
    click.echo(
        f"skypeflux: restart Wireshark, then set Edit > Preferences > Protocols > SKYPEFLUX > "
        f"Key log file (or tshark -o {KEYLOG_PREFERENCE}:FILE) to a file from skypeflux keylog",
        err=True,
    )
