"""What the capture pipeline hands to the outputs: one record per thing a user reads.

A record is plain data (no behaviour), so every output (text, JSON lines) renders
the same facts and the verification travels with the bytes it vouches for.

Kinds of record (``Record.unit``):

``udp.payload``   a type 0x02 datagram, decrypted with the seed built from public addresses
``udp.resend``    a type 0x03 datagram (seed = id XOR the NAck's challenge)
``udp.fragment``  one type 0x0F fragment (decrypted on its own; its blocks come with the message)
``udp.message``   the plaintext of a complete set of fragments, joined in index order
``udp.ack`` / ``udp.nack``  the 11-byte clear datagrams (they reveal a public address)
``udp.other``     any other datagram type on a Skype endpoint (shown, never decrypted)
``tcp.header``    the 14-byte header that opens one direction of an obfuscated TCP connection
``tcp.data``      an even TCP frame: packet id and command blocks
``tcp.control``   an odd TCP frame: ack, filler, session packet
``tcp.end``       a direction stopped early (hole in the capture, framing error), with the reason
``note``          something the pipeline learned, e.g. a public address, with its evidence
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Verification verdicts. Only records whose verdict is VERIFIED carry plaintext.
VERIFIED = "verified"  # CRC32 matched, or TCP known header and exact framing
UNVERIFIED = "unverified"  # tried and failed: never shown as plaintext
CLEAR = "clear"  # not obfuscated on the wire (ACK/NAck): nothing to verify
NOT_APPLICABLE = "n/a"


@dataclass(frozen=True, slots=True)
class Verification:
    """How a unit was verified, and with which inputs: printed next to every decoded message."""

    status: str  # VERIFIED, UNVERIFIED, CLEAR, NOT_APPLICABLE
    method: str  # "crc32", "tcp-header+framing", "tcp-header", "none", ...
    detail: str = ""  # human-readable reason or evidence
    seed: int | None = None
    public_src: str | None = None  # addresses used in the UDP seed
    public_dst: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == VERIFIED


@dataclass(frozen=True, slots=True)
class BlockInfo:
    """One command block inside a verified plaintext, with its decoded object list."""

    offset: int  # offset of the block inside the unit's plaintext
    length: int  # bytes the whole block occupies
    command: int
    flags: int
    reqid: int | None
    name: str | None
    list_form: int | None  # 0x41 / 0x42, None when there is no list
    tree: list[dict[str, Any]] | None  # decoded objects in the vectors' tree form, with names
    list_hex: str
    error: str | None = None  # why the block or its list did not decode exactly
    reply_to_frame: int | None = None  # for a reply: frame of the request it answers
    resend_of_frame: int | None = None  # for a repeated request: the frame that first sent it


@dataclass(slots=True)
class Record:
    """One unit a user reads: a datagram, a TCP frame, a reassembled message or a note."""

    frame: int
    time: float
    unit: str
    src: str  # "ip:port" as captured
    dst: str
    transport: str  # "udp" / "tcp" / ""
    verification: Verification
    frames: list[int] = field(default_factory=list)  # every frame that carried the unit
    udp_type: int | None = None  # func & 0x8F
    udp_func: int | None = None  # the raw func byte
    packet_id: int | None = None  # UDP datagram id or TCP frame packet id
    plaintext: bytes | None = None  # only when verification.ok
    blocks: list[BlockInfo] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # type-specific fields (iv, crc, ...)
    flow: str = ""  # flow key, "udp a:p <-> b:q" or "tcp a:p -> b:q"
