"""What the capture pipeline hands to the outputs: one record per thing a user reads.

A record is plain typed data (no behaviour, no text made for showing): endpoints are
:class:`~skypeflux.ipv4.Endpoint`, flows :class:`FlowKey`, object lists the typed
:class:`~skypeflux.objects.ObjectList`, kinds and verdicts enums. Only ``outputs`` turns them
into text or JSON, so every output renders the same facts and the verification travels with the
bytes it vouches for. The enums are ``str``-valued: their values are the words the JSON output
and the filters use.

Kinds of record (``Record.unit``, :class:`UnitKind`):

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
from enum import StrEnum
from typing import Any, Final, NamedTuple

from skypeflux.ipv4 import Endpoint
from skypeflux.objects import ObjectList


class UnitKind(StrEnum):
    """What a record is (see the module docstring)."""

    UDP_PAYLOAD = "udp.payload"
    UDP_RESEND = "udp.resend"
    UDP_FRAGMENT = "udp.fragment"
    UDP_MESSAGE = "udp.message"
    UDP_ACK = "udp.ack"
    UDP_NACK = "udp.nack"
    UDP_OTHER = "udp.other"
    TCP_HEADER = "tcp.header"
    TCP_DATA = "tcp.data"
    TCP_CONTROL = "tcp.control"
    TCP_END = "tcp.end"
    NOTE = "note"
    SUMMARY = "summary"  # only the last line of the JSON output (the run's figures), no Record


class Transport(StrEnum):
    UDP = "udp"
    TCP = "tcp"


class Status(StrEnum):
    """Verification verdicts. Only records whose verdict is VERIFIED carry plaintext."""

    VERIFIED = "verified"  # CRC32 matched, or TCP known header and exact framing
    UNVERIFIED = "unverified"  # tried and failed: never shown as plaintext
    CLEAR = "clear"  # not obfuscated on the wire (ACK/NAck): nothing to verify
    NOT_APPLICABLE = "n/a"  # nothing could be checked (a datagram type with no known layout)


class Method(StrEnum):
    """What a verdict rests on."""

    CRC32 = "crc32"  # the datagram's CRC over the decrypted bytes
    TCP_HEADER = "tcp-header"  # the known plaintext of a TCP direction's header
    TCP_HEADER_FRAMING = "tcp-header+framing"  # that header, and frames and blocks exact
    EVIDENCE = "evidence"  # a note: the record that proved what was learned
    NONE = "none"


VERIFIED = Status.VERIFIED
UNVERIFIED = Status.UNVERIFIED
CLEAR = Status.CLEAR
NOT_APPLICABLE = Status.NOT_APPLICABLE

# What each part of a verdict rests on (Verification.key / .content / .structure).
PROOF_CRC = "crc32"  # a CRC32 over the plaintext matched
PROOF_TCP_HEADER = "tcp-header"  # the ten known bytes of the direction's header decrypted
PROOF_NONE = "none"  # nothing proves it (clear units, failures)
CONTENT_UNPROTECTED = "not integrity-protected"  # decrypted with a proven key, no checksum
CONTENT_KNOWN = "known plaintext"  # the TCP header itself
STRUCTURE_EXACT = "exact"  # blocks / frames / object lists consume exactly their bytes
STRUCTURE_FAILED = "failed"
STRUCTURE_UNCHECKED = "n/a"  # nothing to parse (clear units, fragments, failures)


@dataclass(slots=True)
class Verification:
    """How a unit was verified, and with which inputs: printed next to every decoded message."""

    status: Final[Status]
    method: Final[Method]
    detail: Final[str]  # human-readable reason or evidence
    seed: Final[int | None]
    public_src: Final[str | None]  # addresses used in the UDP seed
    public_dst: Final[str | None]
    key: Final[str]  # what proves the key: PROOF_CRC, PROOF_TCP_HEADER or PROOF_NONE
    content: Final[str]  # PROOF_CRC, CONTENT_UNPROTECTED, CONTENT_KNOWN or PROOF_NONE
    structure: Final[str]  # STRUCTURE_EXACT, STRUCTURE_FAILED, ..._UNCHECKED

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        status: Status,
        method: Method,
        detail: str = "",
        seed: int | None = None,
        public_src: str | None = None,
        public_dst: str | None = None,
        key: str = PROOF_NONE,
        content: str = PROOF_NONE,
        structure: str = STRUCTURE_UNCHECKED,
    ) -> None:
        self.status = status
        self.method = method
        self.detail = detail
        self.seed = seed
        self.public_src = public_src
        self.public_dst = public_dst
        self.key = key
        self.content = content
        self.structure = structure

    @property
    def ok(self) -> bool:
        return self.status == Status.VERIFIED

    def with_structure(self, structure: str) -> Verification:
        """The same verification with ``structure`` set: every field named, because
        ``dataclasses.replace`` costs more than the rest of a datagram's verification."""
        return Verification(
            self.status,
            self.method,
            self.detail,
            self.seed,
            self.public_src,
            self.public_dst,
            self.key,
            self.content,
            structure,
        )


class FlowKey(NamedTuple):
    """One flow: a UDP endpoint pair (either may send) or one TCP connection (``a`` opened it).

    ``str()`` is the key the outputs print, ``"udp a:p <-> b:q"`` / ``"tcp a:p <-> b:q"``; the
    two UDP endpoints are in address order so both directions give the same key.
    """

    transport: Transport
    a: Endpoint
    b: Endpoint

    # Made with tuple.__new__: a named tuple's own __new__ is byte code, and a key is made for
    # every UDP unit of a capture.
    @classmethod
    def udp(cls, one: Endpoint, other: Endpoint) -> FlowKey:
        if other < one:  # endpoints order as (address number, port), not as text
            one, other = other, one
        return tuple.__new__(cls, (Transport.UDP, one, other))

    @classmethod
    def tcp(cls, initiator: Endpoint, responder: Endpoint) -> FlowKey:
        return tuple.__new__(cls, (Transport.TCP, initiator, responder))

    def __str__(self) -> str:
        return f"{self.transport} {self.a!s} <-> {self.b!s}"  # !s: no __format__ detour


@dataclass(slots=True)
class BlockInfo:
    """One command block inside a verified plaintext, with its decoded object list."""

    offset: Final[int]  # offset of the block inside the unit's plaintext
    length: Final[int]  # bytes the whole block occupies
    command: Final[int]
    flags: Final[int]
    reqid: Final[int | None]
    name: Final[str | None]  # the command's label from the name table ('?' ends a guessed one)
    list_form: Final[int | None]  # 0x41 / 0x42, None when there is no list
    objects: Final[ObjectList | None]  # the decoded list; None when there is none or it failed
    list_bytes: Final[bytes]
    error: Final[str | None]  # why the block or its list did not decode exactly
    reply_to_frame: Final[int | None]  # for a reply: frame of the request it answers
    resend_of_frame: Final[int | None]  # for a repeated request: the frame that first sent it

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        offset: int,
        length: int,
        command: int,
        flags: int,
        reqid: int | None,
        name: str | None,
        list_form: int | None,
        objects: ObjectList | None,
        list_bytes: bytes,
        error: str | None = None,
        reply_to_frame: int | None = None,
        resend_of_frame: int | None = None,
    ) -> None:
        self.offset = offset
        self.length = length
        self.command = command
        self.flags = flags
        self.reqid = reqid
        self.name = name
        self.list_form = list_form
        self.objects = objects
        self.list_bytes = list_bytes
        self.error = error
        self.reply_to_frame = reply_to_frame
        self.resend_of_frame = resend_of_frame

    def paired(
        self, *, reply_to_frame: int | None = None, resend_of_frame: int | None = None
    ) -> BlockInfo:
        """The same block as a reply to a request, or as a resend of one (pairing does this
        for every block: each field is named, as ``dataclasses.replace`` is slow)."""
        return BlockInfo(
            self.offset,
            self.length,
            self.command,
            self.flags,
            self.reqid,
            self.name,
            self.list_form,
            self.objects,
            self.list_bytes,
            self.error,
            self.reply_to_frame if reply_to_frame is None else reply_to_frame,
            self.resend_of_frame if resend_of_frame is None else resend_of_frame,
        )


@dataclass(slots=True)
class Record:
    """One unit a user reads: a datagram, a TCP frame, a reassembled message or a note."""

    frame: int
    time: float
    unit: UnitKind
    src: Endpoint  # as captured
    dst: Endpoint
    transport: Transport
    verification: Verification
    flow: FlowKey
    frames: list[int] = field(default_factory=list)  # every frame that carried the unit
    udp_type: int | None = None  # func & 0x8F
    udp_func: int | None = None  # the raw func byte
    packet_id: int | None = None  # UDP datagram id or TCP frame packet id
    plaintext: bytes | None = None  # only when verification.ok
    blocks: list[BlockInfo] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)  # type-specific fields (iv, crc, ...)

    # Written out, not left to @dataclass (which still gives eq, repr, fields and replace): a
    # compiled module runs the __init__ that dataclasses generates as byte code, called with
    # its arguments packed, and one Record is made for every unit of a capture.
    def __init__(
        self,
        frame: int,
        time: float,
        unit: UnitKind,
        src: Endpoint,
        dst: Endpoint,
        transport: Transport,
        verification: Verification,
        flow: FlowKey,
        frames: list[int] | None = None,
        udp_type: int | None = None,
        udp_func: int | None = None,
        packet_id: int | None = None,
        plaintext: bytes | None = None,
        blocks: list[BlockInfo] | None = None,
        info: dict[str, Any] | None = None,
    ) -> None:
        self.frame = frame
        self.time = time
        self.unit = unit
        self.src = src
        self.dst = dst
        self.transport = transport
        self.verification = verification
        self.flow = flow
        self.frames = [] if frames is None else frames
        self.udp_type = udp_type
        self.udp_func = udp_func
        self.packet_id = packet_id
        self.plaintext = plaintext
        self.blocks = [] if blocks is None else blocks
        self.info = {} if info is None else info
