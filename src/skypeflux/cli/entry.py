"""The console script's first code: Ctrl-C while the program is still starting is an ordinary
interrupt (exit code 130, one line), not a traceback from the middle of an import.

It imports nothing heavy itself; the command group (click, the decoders) is imported inside
:func:`main`, under the same handling the commands have once they run.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Any

EXIT_INTERRUPTED = 130  # the same value as skypeflux.cli.errors.EXIT_INTERRUPTED (tested)


def main(argv: list[str] | None = None) -> Any:
    try:
        from skypeflux.cli.stale_build import warning

        stale = warning()
        if stale is not None:
            with contextlib.suppress(OSError, ValueError, AttributeError):
                sys.stderr.write(stale + "\n")
        from skypeflux.cli.app import main as run
    except KeyboardInterrupt:
        with contextlib.suppress(OSError, ValueError, AttributeError):
            sys.stderr.write("skypeflux: interrupted\n")
        raise SystemExit(EXIT_INTERRUPTED) from None
    return run(argv)
