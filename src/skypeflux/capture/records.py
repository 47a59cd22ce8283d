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
``summary``       the end of the run: per Skype host, what was verified, unverified and clear

What verification proves is split in three, each carried as data (:class:`Verification`):

* the **key** (was the right seed used?): proven by a UDP CRC32 or by the ten known bytes of a
  TCP header;
* the **content** (are these exactly the bytes that were sent?): proven only by a CRC32 over
  them. Classic Skype TCP frames carry none: their content is *not integrity-protected*; a
  flipped bit changes the plaintext and can only be caught if it breaks the framing or an
  object list;
* the **structure**: framing and object lists consume exactly the bytes they declare.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Verification verdicts. Only records whose verdict is VERIFIED carry plaintext.
VERIFIED = "verified"  # CRC32 matched, or TCP known header and exact framing
UNVERIFIED = "unverified"  # tried and failed: never shown as plaintext
CLEAR = "clear"  # not obfuscated on the wire (ACK/NAck): nothing to verify
NOT_APPLICABLE = "n/a"

# What each part of a verdict rests on (Verification.key / .content / .structure).
PROOF_CRC = "crc32"  # a CRC32 over the plaintext matched
PROOF_TCP_HEADER = "tcp-header"  # the ten known bytes of the direction's header decrypted
PROOF_NONE = "none"  # nothing proves it (clear units, failures)
CONTENT_UNPROTECTED = "not integrity-protected"  # decrypted with a proven key, no checksum
CONTENT_KNOWN = "known plaintext"  # the TCP header itself
STRUCTURE_EXACT = "exact"  # blocks / frames / object lists consume exactly their bytes
STRUCTURE_FAILED = "failed"
STRUCTURE_UNCHECKED = "n/a"  # nothing to parse (clear units, fragments, failures)


@dataclass(frozen=True, slots=True)
class Verification:
    """How a unit was verified, and with which inputs: printed next to every decoded message."""

    status: str  # VERIFIED, UNVERIFIED, CLEAR, NOT_APPLICABLE
    method: str  # "crc32", "tcp-header+framing", "tcp-header", "none", ...
    detail: str = ""  # human-readable reason or evidence
    seed: int | None = None
    public_src: str | None = None  # addresses used in the UDP seed
    public_dst: str | None = None
    key: str = PROOF_NONE  # what proves the key: PROOF_CRC, PROOF_TCP_HEADER or PROOF_NONE
    content: str = PROOF_NONE  # PROOF_CRC, CONTENT_UNPROTECTED, CONTENT_KNOWN or PROOF_NONE
    structure: str = STRUCTURE_UNCHECKED  # STRUCTURE_EXACT, STRUCTURE_FAILED, ..._UNCHECKED

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
