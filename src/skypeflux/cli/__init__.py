"""The ``skypeflux`` command line (click). The entry point is :func:`skypeflux.cli.app.main`."""
