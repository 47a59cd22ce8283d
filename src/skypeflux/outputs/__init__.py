"""Renderers for decoded records: tshark-like text, JSON lines, the flows table, and filters.

Outputs only read :class:`skypeflux.capture.records.Record` values; they never decide what is
verified. The one rule every renderer keeps: plaintext and objects appear only for records whose
verification says ``verified``.
"""
