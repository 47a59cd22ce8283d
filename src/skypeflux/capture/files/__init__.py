"""Capture files: pcap and pcapng reading and the link-type registry (generic, nothing Skype).

``linktypes``  the link-layer types this tool decodes, and names for the others
``stream``     the packet record, block-wise reading, the state a reader reports
``pcap``       the classic format
``pcapng``     the block format, with typed interface records
``reader``     :class:`CaptureReader`: recognises the format by content and iterates once
``source``     :func:`open_capture` and :func:`read_packets`: paths, standard input, file objects
``capture_set`` several files read as one capture (:class:`CaptureFiles`), in order
"""

from skypeflux.capture.files.reader import CaptureReader
from skypeflux.capture.files.source import Source, open_capture, read_packets
from skypeflux.capture.files.stream import RawPacket

__all__ = ["CaptureReader", "RawPacket", "Source", "open_capture", "read_packets"]
