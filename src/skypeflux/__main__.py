"""``python -m skypeflux``: the same as the ``skypeflux`` command."""

from skypeflux.cli.entry import main

if __name__ == "__main__":
    main()
