"""Wire layer: classic Skype UDP datagrams and obfuscated TCP streams, parsed and built.

Sans-IO (bytes in, values out). Layout modules (:mod:`.udp`, :mod:`.tcp`, :mod:`.tls_prefix`,
:mod:`.varint`) need no crypto; :mod:`.udp_crypt`, :mod:`.fragments` and :mod:`.tcp_stream` add
the RC4 obfuscation, with verification carried as data. Malformed input at the API level raises
:class:`WireError`; the streaming decoders report bad traffic as a status instead.
"""

from skypeflux.wire.errors import WireError
from skypeflux.wire.fragments import FragmentAssembler, Incomplete, Reassembled
from skypeflux.wire.tcp import (
    Frame,
    FrameKind,
    FrameScan,
    Role,
    StreamHeader,
    ack_frame,
    build_frame,
    control_frame,
    data_frame,
    split_frames,
)
from skypeflux.wire.tcp_stream import (
    DecoderStatus,
    StreamDecoder,
    StreamEncoder,
    build_stream_header,
    decode_stream,
    encode_stream,
    open_stream_header,
)
from skypeflux.wire.tls_prefix import TlsPrefix, detect_tls_prefix, strip_tls_prefix
from skypeflux.wire.udp import (
    Ack,
    Datagram,
    Fragment,
    Nack,
    Opaque,
    Payload,
    Resend,
    build_datagram,
    looks_like_skype_udp,
    parse_datagram,
)
from skypeflux.wire.udp_crypt import (
    Opened,
    open_payload,
    open_payload_any,
    open_resend,
    seal_fragment,
    seal_payload,
    seal_resend,
)

__all__ = [
    "Ack",
    "Datagram",
    "DecoderStatus",
    "Fragment",
    "FragmentAssembler",
    "Frame",
    "FrameKind",
    "FrameScan",
    "Incomplete",
    "Nack",
    "Opaque",
    "Opened",
    "Payload",
    "Reassembled",
    "Resend",
    "Role",
    "StreamDecoder",
    "StreamEncoder",
    "StreamHeader",
    "TlsPrefix",
    "WireError",
    "ack_frame",
    "build_datagram",
    "build_frame",
    "build_stream_header",
    "control_frame",
    "data_frame",
    "decode_stream",
    "detect_tls_prefix",
    "encode_stream",
    "looks_like_skype_udp",
    "open_payload",
    "open_payload_any",
    "open_resend",
    "open_stream_header",
    "parse_datagram",
    "seal_fragment",
    "seal_payload",
    "seal_resend",
    "split_frames",
    "strip_tls_prefix",
]
