"""The ``skypeflux`` command group: one error format, the exit codes, and the commands.

Each command lives in its own module under :mod:`skypeflux.cli.commands`; this module only
assembles them. Exit codes and the error format are in :mod:`skypeflux.cli.errors`.
"""

from __future__ import annotations

import difflib
import importlib
from typing import Any

import click

from skypeflux import __version__
from skypeflux.cli.errors import EXIT_INTERRUPTED, internal_error, output_error, restyled, say
from skypeflux.cli.help_text import GROUP_EPILOG

# command name -> the module that defines it (a click command of the same name, "-" as "_").
# Imported only when asked for: a run pays for its own command, not for all the others (the
# synthesizer, the recovery search, the Wireshark exporter...); help lists import them all.
COMMANDS = {
    "decode": "decode",
    "flows": "flows",
    "recover-ip": "recover_ip",
    "keylog": "keylog",
    "export": "export",
    "wireshark": "wireshark",
    "synth": "synth",
    "names": "names",
    "fields": "fields",
    "demo": "demo",
}


class SkypefluxGroup(click.Group):
    """The command group, with one error format and an exit code for every way a run can end.

    click shows usage errors as ``Error: ...`` and lets any other exception escape as a
    traceback. Catching both here, around parsing and around the subcommands, covers every
    entry point (the console script, ``python -m``, click's test runner) in one place.
    Commands are loaded from :data:`COMMANDS` when first asked for.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*COMMANDS, *super().list_commands(ctx)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is None:
            return super().get_command(ctx, cmd_name)
        loaded = importlib.import_module(f"skypeflux.cli.commands.{module}")
        command = getattr(loaded, module)
        assert isinstance(command, click.Command)
        return command

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        """click suggests close names from the commands it holds, and it holds them only once
        loaded: the suggestions come from every command's name here."""
        name = args[0] if args else ""
        if (
            name
            and not name.startswith("-")
            and not ctx.resilient_parsing
            and ctx.token_normalize_func is None
            and self.get_command(ctx, name) is None
        ):
            close = sorted(difflib.get_close_matches(name, self.list_commands(ctx)))
            hint = ""
            if len(close) == 1:
                hint = f" Did you mean {close[0]!r}?"
            elif close:
                hint = f" (Did you mean one of: {', '.join(map(repr, close))}?)"
            raise click.UsageError(f"No such command {name!r}.{hint}", ctx)
        return super().resolve_command(ctx, args)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            restyled(exc)
        except OSError as exc:  # --help or --version into a closed or full output
            output_error(exc)
        except KeyboardInterrupt:  # while parsing: the same exit as during a command
            say("skypeflux: interrupted")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            restyled(exc)
        except (click.exceptions.Exit, click.Abort, BrokenPipeError):
            raise  # ordinary ends: an exit code chosen on purpose, a closed pipe
        except KeyboardInterrupt:
            say("skypeflux: interrupted")
            raise click.exceptions.Exit(EXIT_INTERRUPTED) from None
        except OSError as exc:  # commands turn read errors into messages: this is output
            output_error(exc)
        except Exception as exc:  # the last line of defence: reported as a bug
            internal_error(exc)


@click.group(
    "skypeflux",
    cls=SkypefluxGroup,
    epilog=GROUP_EPILOG,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@click.version_option(__version__, "--version", prog_name="skypeflux")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """De-obfuscate, verify and decode classic peer-to-peer Skype traffic (2004-2014).

    CAPTURE is a pcap or pcapng file (also gzip, bzip2, xz or zstd compressed), or - for
    standard input. Nothing is shown as decrypted unless it was verified (CRC32, or a known TCP
    header with exact framing).
    """
    if ctx.invoked_subcommand is None:  # bare "skypeflux": the help, on stdout, and success
        click.echo(ctx.get_help())
        raise click.exceptions.Exit(0)


@click.command("help", short_help="Show the help of skypeflux or of one command.")
@click.argument("command", required=False, metavar="[COMMAND]")
@click.pass_context
def help_command(ctx: click.Context, command: str | None) -> None:
    """Show the help of skypeflux, or of COMMAND (same as skypeflux COMMAND --help)."""
    parent = ctx.parent
    assert parent is not None
    if command is None:
        click.echo(parent.get_help())
        return
    found = cli.get_command(parent, command)
    if found is None:
        known = ", ".join(sorted(cli.list_commands(parent)))
        raise click.UsageError(f"no command {command!r} (commands: {known})")
    with click.Context(found, info_name=command, parent=parent) as sub:
        click.echo(found.get_help(sub))


cli.add_command(help_command)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point (``skypeflux``)."""
    return cli.main(args=argv, prog_name="skypeflux")
