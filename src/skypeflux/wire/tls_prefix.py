"""The pseudo-TLS hello that precedes an obfuscated stream on port 443 (spec 2.3).

The client sends a fixed 72-byte SSLv2-framed ClientHello (56 fixed bytes + 16 random), the server
a 79-byte record whose bytes are fixed; after them the normal 14-byte stream header follows.
Recognising the fixed starts is enough to strip them: a 4-byte random seed cannot plausibly
begin with 11 or 15 matching bytes.
"""

from __future__ import annotations

from enum import Enum

from skypeflux.wire.errors import WireError

CLIENT_HELLO_START = bytes.fromhex("8046010301002d00000010")
CLIENT_HELLO_LEN = 2 + 0x46
SERVER_HELLO_START = bytes.fromhex("16030100 4a020000 4603 01401be486".replace(" ", ""))
SERVER_HELLO_LEN = 5 + 0x4A


class TlsPrefix(Enum):
    CLIENT = "client"
    SERVER = "server"


_PREFIXES = (
    (TlsPrefix.CLIENT, CLIENT_HELLO_START, CLIENT_HELLO_LEN),
    (TlsPrefix.SERVER, SERVER_HELLO_START, SERVER_HELLO_LEN),
)

LONGEST_SIGNATURE = max(len(start) for _, start, _ in _PREFIXES)


def detect_tls_prefix(head: bytes) -> tuple[TlsPrefix, int] | None:
    """``(which, length to strip)`` if ``head`` starts with a pseudo-TLS hello, else ``None``.

    ``head`` needs only the signature bytes (at most :data:`LONGEST_SIGNATURE`); the returned
    length may be larger than ``head`` and tells a streaming caller how much to skip.
    """
    for which, start, length in _PREFIXES:
        if head[: len(start)] == start:
            return which, length
    return None


def could_be_tls_prefix(head: bytes) -> bool:
    """Whether ``head`` (possibly shorter than a signature) is still consistent with one."""
    return any(start[: len(head)] == head[: len(start)] for _, start, _ in _PREFIXES)


def strip_tls_prefix(data: bytes) -> tuple[TlsPrefix | None, bytes]:
    """Remove a leading pseudo-TLS hello from a whole direction, if there is one."""
    found = detect_tls_prefix(data)
    if found is None:
        return None, data
    which, length = found
    return which, data[length:]


def build_tls_prefix(which: TlsPrefix, filler: bytes) -> bytes:
    """A pseudo-TLS hello: its fixed signature, then ``filler`` up to the hello's length.

    Only the signature is known byte for byte (spec 2.3 gives the rest as cipher specs and a
    random challenge for the client, fixed bytes not reproduced there for the server); a reader
    recognises the hello by the signature alone, so the filler is the caller's choice.
    """
    for kind, start, length in _PREFIXES:
        if kind is which:
            if len(filler) != length - len(start):
                raise WireError(
                    f"{which.value} hello needs {length - len(start)} filler bytes, "
                    f"not {len(filler)}",
                    len(start),
                )
            return start + bytes(filler)
    raise WireError(f"unknown pseudo-TLS hello {which!r}", 0)


def tls_filler_len(which: TlsPrefix) -> int:
    """How many filler bytes :func:`build_tls_prefix` takes for this hello."""
    return next(length - len(start) for kind, start, length in _PREFIXES if kind is which)
