"""``skypeflux names``: the command and object names the outputs use, and where they come from."""

from __future__ import annotations

import json

import click

from skypeflux.cli.errors import user_errors
from skypeflux.cli.options import echo_out
from skypeflux.messages.names import name_table


@click.command(short_help="The command and object names, with their sources.")
@click.option("--json", "as_json", is_flag=True, help="JSON lines, one per name.")
@click.option("--cmd", "command", type=int, default=None, help="Only this command and its objects.")
def names(as_json: bool, command: int | None) -> None:
    """List every command number and object id that has a name, with the name's source.

    A name marked '?' is a guess ([I] in the spec): shown with its '?' in every output. An object
    id has a name only in the command (and enclosing list, and family) a table gives it for;
    elsewhere it is shown as 'obj 0x0f' with its family.
    """
    with user_errors():  # a closed or full output is exit 6, not a bug
        for row in name_table():
            if command is not None and row.command != command:
                continue
            if as_json:
                echo_out(json.dumps(row.to_json(), separators=(",", ":")))
            else:
                echo_out(row.text())
