"""The synthesizer: scenario files in, captures of classic Skype traffic out.

``load_scenario(name_or_path)`` reads a built-in scenario (:func:`builtin_names`) or a TOML
file; ``synthesize(scenario, seed)`` builds it with the product's encoders (objects, blocks,
UDP sealing, 0x0F splitting, TCP streams, IPv4/UDP/TCP packets) and returns the captured
packets together with every unit they carry, so a decoder can be checked against exactly what
was sent. The format of a scenario file is documented in ``scenarios/README.md``.
"""

from __future__ import annotations

import os
from importlib import resources

from skypeflux.capture.synth.engine import Synthesized, synthesize
from skypeflux.capture.synth.errors import ScenarioError
from skypeflux.capture.synth.scenario import Scenario, parse_scenario, scenario_from_dict
from skypeflux.capture.synth.units import ExpectedBlock, Unit

__all__ = [
    "ExpectedBlock",
    "Scenario",
    "ScenarioError",
    "Synthesized",
    "Unit",
    "builtin_names",
    "builtin_text",
    "load_scenario",
    "parse_scenario",
    "scenario_from_dict",
    "synthesize",
]

_BUILTIN = resources.files(__package__) / "scenarios"


def builtin_names() -> list[str]:
    """The scenarios that ship with the package, by name."""
    return sorted(
        p.name.removesuffix(".toml") for p in _BUILTIN.iterdir() if p.name.endswith(".toml")
    )


def builtin_text(name: str) -> str:
    """The TOML text of a built-in scenario (a starting point for one's own)."""
    entry = _BUILTIN / f"{name}.toml"
    if not entry.is_file():
        known = ", ".join(builtin_names())
        raise ScenarioError(f"no built-in scenario {name!r}; built in: {known}")
    return entry.read_text(encoding="utf-8")


def load_scenario(name_or_path: str | os.PathLike[str]) -> Scenario:
    """A built-in scenario by name, or a scenario file by path (a path wins when both exist)."""
    path = os.fspath(name_or_path)
    if os.path.exists(path):
        try:
            with open(path, encoding="utf-8") as fh:
                text = fh.read()
        except (OSError, UnicodeDecodeError) as exc:
            raise ScenarioError(f"cannot read: {exc}", "", path) from None
        return parse_scenario(text, path)
    if os.sep in path or path.endswith(".toml"):
        raise ScenarioError("no such file", "", path)
    return parse_scenario(builtin_text(path), f"built-in scenario {path}")
