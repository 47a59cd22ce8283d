"""Build hook for the optional C fast paths (key expansion, RC4, address search; 0x42 coder;
the plain case of the network decoder; JSON lines).

Everything else is declared in pyproject.toml. The extensions are optional: when no C compiler is
available the install still succeeds and skypeflux runs on its pure-Python path.

They are always compiled with ``-Wall -Wextra``; ``SKYPEFLUX_STRICT_BUILD=1`` (set by CI) adds
``-Werror`` so a new warning fails the project's own build, while a user's install on another
compiler, whose warnings we have never seen, is never refused for one.
"""

import os

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

CRYPTO = "src/skypeflux/crypto"
OBJECTS = "src/skypeflux/objects"
NET = "src/skypeflux/capture/net"
OUTPUTS = "src/skypeflux/outputs"
STRICT = os.environ.get("SKYPEFLUX_STRICT_BUILD", "") == "1"
FLAGS = ["-O3", "-Wall", "-Wextra", *(["-Werror"] if STRICT else [])]


class OptionalBuildExt(build_ext):
    """Build C extensions, but never fail the install because of them (unless strict)."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            if STRICT:
                raise
            print(f"skypeflux: C fast path not built ({exc}); using the pure-Python path")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            if STRICT:
                raise
            print(f"skypeflux: C fast path {ext.name} not built ({exc})")


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
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
