"""A run imports what it uses: its own command, the filter machinery only when it filters, and
lark only for a typed filter.

Start-up is most of the time on a small capture (on SkypeIRC.cap, importing every command and
the filter grammar took as long as the decoding), so each command is loaded when asked for
(:data:`skypeflux.cli.app.COMMANDS`), the matching of filters when a run has one
(:func:`skypeflux.outputs.filters.build_filter`) and lark when ``-Y`` is parsed
(:mod:`skypeflux.outputs.filter_parser`). Each case runs a fresh interpreter, as a user does.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from skypeflux.cli import commands
from skypeflux.cli.app import COMMANDS, cli
from skypeflux.cli.errors import EXIT_USAGE

_RUN = r"""
import json, sys
from skypeflux.cli.app import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)
"""
HEAVY = (
    "lark",
    "tqdm",
    "skypeflux.capture.synth",
    "skypeflux.outputs.filter_parser",
    "skypeflux.outputs.display_filter",
)


def _modules(*args: str) -> tuple[int, set[str], str]:
    """Exit code, the modules loaded, and standard output of one run in a new interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args], capture_output=True, text=True, check=False
    )
    code, modules = json.loads(done.stderr.splitlines()[-1])
    return code, set(modules), done.stdout


def _loaded(modules: set[str], prefix: str) -> bool:
    return any(m == prefix or m.startswith(prefix + ".") for m in modules)


@pytest.fixture(scope="module")
def capture(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("startup") / "login.pcapng"
    code, _, _ = _modules("synth", "nat-login", "-o", str(path))
    assert code == 0 and path.stat().st_size > 0
    return path


def test_decode_loads_its_command_and_no_grammar(capture: Path) -> None:
    code, modules, out = _modules("decode", "--json", "--no-progress", str(capture))
    assert code == 0 and '"skypeflux.verified":true' in out
    commands = {m for m in modules if m.startswith("skypeflux.cli.commands.")}
    assert commands == {"skypeflux.cli.commands.decode"}
    assert not [prefix for prefix in HEAVY if _loaded(modules, prefix)]


def test_a_shorthand_filter_needs_no_grammar(capture: Path) -> None:
    code, modules, out = _modules("decode", "--no-progress", "--transport", "udp", str(capture))
    assert code == 0 and out.count("\n") > 3
    assert _loaded(modules, "skypeflux.outputs.display_filter") and not _loaded(modules, "lark")


def test_a_typed_filter_loads_the_grammar_and_matches(capture: Path) -> None:
    code, modules, out = _modules(
        "decode", "--json", "--no-progress", "-Y", "skypeflux.cmd == 36", str(capture)
    )
    assert code == 0 and _loaded(modules, "lark")
    lines = [json.loads(line) for line in out.splitlines()]
    records = [line for line in lines if line["skypeflux.unit"] != "summary"]
    assert records and all(
        any(b["skypeflux.cmd"] == 36 for b in r["skypeflux.blocks"]) for r in records
    )


def test_every_registered_command_loads_under_its_name() -> None:
    with cli.make_context("skypeflux", []) as ctx:
        names = cli.list_commands(ctx)
        assert set(COMMANDS) <= set(names) and names == sorted(names)
        for name in names:
            command = cli.get_command(ctx, name)
            assert command is not None and command.name == name
        assert cli.get_command(ctx, "no-such-command") is None


def test_every_command_module_is_registered() -> None:
    """A command module left out of COMMANDS would silently be no command at all."""
    folder = Path(commands.__file__).parent
    modules = {p.stem for p in folder.glob("*.py") if p.stem != "__init__"}
    assert modules == set(COMMANDS.values())


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("decod", "(Did you mean one of: 'decode', 'demo'?)"),
        ("flow", "Did you mean 'flows'?"),
        ("zzz", ""),
    ],
)
def test_a_mistyped_command_gets_the_close_names(typed: str, hint: str) -> None:
    """Suggestions come from every command's name, loaded or not (click's own come only from
    the commands it holds, and a lazy group holds none until asked)."""
    result = CliRunner().invoke(cli, [typed, "x"])
    assert result.exit_code == EXIT_USAGE
    assert f"No such command {typed!r}. {hint}".strip() in result.output
