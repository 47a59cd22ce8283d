"""Build hook for the optional C fast paths (key expansion and RC4; the 0x42 range coder).

Everything else is declared in pyproject.toml. The extension is optional: when no C compiler is
available the install still succeeds and skypeflux runs on its pure-Python path.
"""

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """Build C extensions, but never fail the install because of them."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:
            print(f"skypeflux: C fast path not built ({exc}); using the pure-Python path")

    def build_extension(self, ext: Extension) -> None:
        try:
            super().build_extension(ext)
        except Exception as exc:
            print(f"skypeflux: C fast path {ext.name} not built ({exc})")


setup(
    ext_modules=[
        Extension(
            "skypeflux.crypto._fast",
            sources=["src/skypeflux/crypto/_fast.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
        Extension(
            "skypeflux.objects._fast42",
            sources=["src/skypeflux/objects/_fast42.c"],
            extra_compile_args=["-O3"],
            optional=True,
        ),
    ],
    cmdclass={"build_ext": OptionalBuildExt},
)
