"""One module per ``skypeflux`` command; :mod:`skypeflux.cli.app` registers them."""
