"""The Wireshark Lua plugin shipped with skypeflux, and where Wireshark looks for it.

``skypeflux.lua`` is package data: one self-contained file (a user copies exactly one file),
assembled from the readable ``parts/`` with tables, names and ProtoFields generated from the
product (:mod:`.generate`). Wireshark
loads Lua plugins from its personal plugin folder, the "Personal Lua Plugins" line of
Help > About Wireshark > Folders:

* Linux and other Unix, macOS: ``~/.local/lib/wireshark/plugins`` (Wireshark 2.5 and later;
  ``$XDG_CONFIG_HOME`` does not move it);
* Windows: ``%APPDATA%\\Wireshark\\plugins``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

PLUGIN_NAME = "skypeflux.lua"
KEYLOG_PREFERENCE = "skypeflux.keylog"
"""The preference that points the plugin at a key log (``tshark -o skypeflux.keylog:FILE``)."""


def plugin_text() -> str:
    """The plugin's source, as installed."""
    return resources.files(__name__).joinpath(PLUGIN_NAME).read_text(encoding="utf-8")


def plugin_path() -> Path:
    """The plugin inside the installed package (for ``tshark -X lua_script:PATH``)."""
    return Path(str(resources.files(__name__).joinpath(PLUGIN_NAME)))


def personal_plugin_dir(
    platform: str | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Wireshark's personal plugin folder on ``platform`` (default: this machine)."""
    platform = sys.platform if platform is None else platform
    env = os.environ if environ is None else environ
    if platform.startswith("win"):
        appdata = env.get("APPDATA")
        base = Path(appdata) if appdata else Path(env.get("USERPROFILE", "~")) / "AppData/Roaming"
        return (base / "Wireshark" / "plugins").expanduser()
    home = Path(env["HOME"]) if env.get("HOME") else Path.home()
    return home / ".local" / "lib" / "wireshark" / "plugins"


def install(directory: Path | None = None) -> Path:
    """Write the plugin into ``directory`` (default: the personal plugin folder); its path."""
    target_dir = personal_plugin_dir() if directory is None else directory
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / PLUGIN_NAME
    target.write_text(plugin_text(), encoding="utf-8")
    return target
