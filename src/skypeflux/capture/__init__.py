"""From capture files to verified Skype records.

The layer is split by concern, each part importing only the ones above it in this list:

``files``    pcap and pcapng reading and the link-type registry (generic)
``net``      link layers, IPv4 and its fragments, TCP reassembly (generic, nothing Skype)
``skype``    Skype over UDP and TCP, the public-address book, block descriptions
``records``  the plain records handed to the outputs
``pipeline`` the decoder that runs all of it over one capture, in frame order

The public face is what a program needs to decode a capture:

>>> from skypeflux.capture import Decoder, DecodeOptions  # doctest: +SKIP
>>> for record in Decoder(DecodeOptions()).run("SkypeIRC.cap"): ...  # doctest: +SKIP
"""

from skypeflux.capture.errors import CaptureError
from skypeflux.capture.pipeline import DecodeOptions, Decoder, FlowStats
from skypeflux.capture.records import BlockInfo, Record, Verification

__all__ = [
    "BlockInfo",
    "CaptureError",
    "DecodeOptions",
    "Decoder",
    "FlowStats",
    "Record",
    "Verification",
]
