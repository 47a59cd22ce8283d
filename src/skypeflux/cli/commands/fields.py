"""``skypeflux fields``: every field a filter (``-Y``) or ``-T fields -e`` can name."""

from __future__ import annotations

import click

from skypeflux.cli.errors import user_errors
from skypeflux.cli.options import echo_out
from skypeflux.outputs.field_access import all_fields


@click.command(short_help="The fields -Y and -e accept, with their level, type and meaning.")
def fields() -> None:
    """List the fields -Y and -e accept: name, level (record, block, object), type, meaning.

    Block and object fields are matched one command block at a time (see decode --help).
    """
    table = list(all_fields().values())
    width = max(len(field.name) for field in table)
    with user_errors():  # a closed or full output is exit 6, not a bug
        for field in table:
            echo_out(
                f"{field.name:<{width}}  {field.level:<6}  {field.type:<7}  {field.description}"
            )
