"""From capture files to verified Skype records.

The layer is split by concern, each part importing only the ones above it in this list:

``files``    pcap and pcapng reading and the link-type registry (generic)
``net``      link layers, IPv4 and its fragments, TCP reassembly (generic, nothing Skype)
``skype``    Skype over UDP and TCP, the public-address book, block descriptions
``records``  the typed records handed to the outputs
``flows``    per-flow counters and the flow summaries
``pipeline`` the decoder that runs all of it over one capture, in frame order

The public face is what a program needs to decode a capture:

>>> from skypeflux.capture import Decoder, DecodeOptions  # doctest: +SKIP
>>> for record in Decoder(DecodeOptions()).run("SkypeIRC.cap"): ...  # doctest: +SKIP
"""

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.flows import FlowCounters, FlowStats
from skypeflux.capture.pipeline import DecodeOptions, Decoder
from skypeflux.capture.records import (
    BlockInfo,
    FlowKey,
    Method,
    Record,
    Status,
    Transport,
    UnitKind,
    Verification,
)

__all__ = [
    "BlockInfo",
    "CaptureError",
    "DecodeOptions",
    "Decoder",
    "FlowCounters",
    "FlowKey",
    "FlowStats",
    "Method",
    "Record",
    "Status",
    "Transport",
    "UnitKind",
    "Verification",
]
