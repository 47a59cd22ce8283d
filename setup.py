"""Build hook for the optional C fast paths (key expansion, RC4, address search; 0x42 coder;
the plain case of the network decoder; JSON lines), and for the pipeline modules compiled with
mypyc (``[tool.skypeflux] compiled`` in pyproject.toml).

Everything else is declared in pyproject.toml. The extensions are optional: when no C compiler is
available the install still succeeds and skypeflux runs on its pure-Python path.

They are always compiled with ``-Wall -Wextra``; ``SKYPEFLUX_STRICT_BUILD=1`` (set by CI) adds
``-Werror`` so a new warning fails the project's own build, while a user's install on another
compiler, whose warnings we have never seen, is never refused for one.

The mypyc modules are the same source as the plain Python ones, compiled to C: there is no second
copy of their logic to keep in step. ``SKYPEFLUX_PURE_PYTHON=1`` leaves them plain (the tests'
second run in CI, and a debugger that wants to step through them); a build without mypyc, or one
where they fail to compile, falls back to the plain modules unless strict.
"""

import os
import tomllib

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

CRYPTO = "src/skypeflux/crypto"
OBJECTS = "src/skypeflux/objects"
NET = "src/skypeflux/capture/net"
OUTPUTS = "src/skypeflux/outputs"
STRICT = os.environ.get("SKYPEFLUX_STRICT_BUILD", "") == "1"
FLAGS = ["-O3", "-Wall", "-Wextra", *(["-Werror"] if STRICT else [])]
PURE = os.environ.get("SKYPEFLUX_PURE_PYTHON", "") == "1"


def compiled_modules() -> list[str]:
    """The modules to compile with mypyc, as paths (their one list is in pyproject.toml)."""
    with open("pyproject.toml", "rb") as fh:
        names = tomllib.load(fh)["tool"]["skypeflux"]["compiled"]
    return [f"src/{name.replace('.', '/')}.py" for name in names]


def mypyc_extensions() -> list[Extension]:
    if PURE:
        return []
    try:
        from mypyc.build import mypycify
    except ImportError as exc:
        if STRICT:
            raise
        print(f"skypeflux: mypyc not available ({exc}); the pipeline runs as plain Python")
        return []
    try:
        # one library inside the package (not a top-level module an editable install may hide)
        built = list(mypycify(compiled_modules(), opt_level="3", group_name="skypeflux._compiled"))
    except (Exception, SystemExit) as exc:  # mypyc exits on a type error
        if STRICT:
            raise
        print(f"skypeflux: mypyc could not compile the pipeline ({exc}); plain Python is used")
        return []
    # flags for the generated C only (the sanitizer build relaxes one check that mypyc's own
    # runtime trips, while the hand-written extensions keep the full set)
    extra = os.environ.get("SKYPEFLUX_MYPYC_CFLAGS", "").split()
    for ext in built:
        ext.extra_compile_args = [*ext.extra_compile_args, *extra]
    return built


class OptionalBuildExt(build_ext):
    """Build C extensions, but never fail the install because of them (unless strict).

    The mypyc libraries stand or fall together: each module's library imports the shared one,
    so when any of them fails to build, those that did are removed and every compiled module
    stays plain Python (a half-built set would make the package fail to import)."""

    def run(self) -> None:
        self._mypyc_failed = False
        try:
            super().run()
        except Exception as exc:
            if STRICT:
                raise
            print(f"skypeflux: C fast path not built ({exc}); using the pure-Python path")
        mypyc_paths = [
            path
            for ext in self.extensions
            if ext.name in MYPYC_NAMES and os.path.exists(path := self.get_ext_fullpath(ext.name))
        ]
        if self._mypyc_failed:
            for path in mypyc_paths:
                os.remove(path)
            print("skypeflux: the mypyc-compiled modules were not built; they run as plain Python")
        else:
            # mypyc has just compared every listed source with what it built; where only a
            # comment or blank changed, it writes the same C and nothing is compiled again,
            # so the libraries are older than their sources although they are current: mark
            # them current, for skypeflux.cli.stale_build (which compares times)
            for path in mypyc_paths:
                os.utime(path)

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            if STRICT:
                raise
            self._mypyc_failed |= ext.name in MYPYC_NAMES
            print(f"skypeflux: C fast path {ext.name} not built ({exc})")


MYPYC = mypyc_extensions()
MYPYC_NAMES = {ext.name for ext in MYPYC}

setup(
    ext_modules=[
        Extension(
            "skypeflux.crypto._fast",
            sources=[f"{CRYPTO}/_fast.c", f"{CRYPTO}/_fast_search.c", f"{CRYPTO}/_fast_core.c"],
            depends=[
                f"{CRYPTO}/_fast_core.h",
                f"{CRYPTO}/_fast_glue.h",
                f"{CRYPTO}/_expansion.inc",
            ],
            extra_compile_args=FLAGS,
            optional=not STRICT,
        ),
        Extension(
            "skypeflux.objects._fast42",
            sources=[
                f"{OBJECTS}/_fast42.c",
                f"{OBJECTS}/_fast42_tables.c",
                f"{OBJECTS}/_fast42_decoder.c",
                f"{OBJECTS}/_fast42_lists.c",
                f"{OBJECTS}/_fast42_encoder.c",
            ],
            depends=[f"{OBJECTS}/_fast42.h", f"{OBJECTS}/_fast42_decoding.h"],
            extra_compile_args=FLAGS,
            optional=not STRICT,
        ),
        Extension(
            "skypeflux.capture.net._fastnet",
            sources=[f"{NET}/_fastnet.c"],
            extra_compile_args=FLAGS,
            optional=not STRICT,
        ),
        Extension(
            "skypeflux.outputs._fastjson",
            sources=[f"{OUTPUTS}/_fastjson.c"],
            extra_compile_args=FLAGS,
            optional=not STRICT,
        ),
        *MYPYC,
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
