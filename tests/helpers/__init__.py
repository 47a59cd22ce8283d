"""Helpers shared by the test modules: paths to the reference data, records built from the
oracles, samples of real datagrams and the synthesizer. Fixtures live in conftest.py."""
