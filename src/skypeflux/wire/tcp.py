"""Obfuscated TCP: the 14-byte stream header and the frames of the decrypted stream (spec 2.1-2.2).

Pure layout, no crypto: the header is declared once here (:class:`StreamHeader`, parsed from
and built to its plaintext), its known plaintext checked once someone has decrypted it, and
frames are split from plaintext (:func:`split_frames`, the one splitter; the incremental
decoder in :mod:`skypeflux.wire.tcp_stream` calls it). ``tcp_stream`` adds the RC4 part.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from enum import Enum
from typing import Final

from skypeflux.wire.errors import WireError
from skypeflux.wire.varint import encode_varint, read_varint, try_read_varint

STREAM_HEADER_LEN = 14
SEED_LEN = 4
HEADER_PLAIN_LEN = STREAM_HEADER_LEN - SEED_LEN

LAST_WORD_INITIATOR = 0x01
LAST_WORD_RESPONDER = 0x03
LAST_WORD_SKYPE5 = 0x0F
LAST_WORDS = frozenset({LAST_WORD_INITIATOR, LAST_WORD_RESPONDER, LAST_WORD_SKYPE5})
WORD1 = 0x00000001
"""The fixed middle word of every header's plaintext."""

MAX_FRAME_BODY = 0x10000
"""Frames in real streams are a few hundred bytes; a longer length means we lost the framing."""

_HEADER = struct.Struct(">IHII")  # seed (clear) ‖ seq16 ‖ word1 ‖ last_word (encrypted)


class Role(Enum):
    """Which side wrote a direction, read from the header's last word."""

    INITIATOR = "initiator"
    RESPONDER = "responder"
    UNKNOWN = "unknown"


@dataclass(slots=True)
class StreamHeader:
    """The 14 bytes that open a direction, as plaintext: the clear seed, then the 10 bytes
    ``seq16 ‖ 00000001 ‖ last_word`` that go out encrypted with RC4(key(seed)).

    The one declaration of the layout: :meth:`parse` and :meth:`build` read and write it, and
    ``tcp_stream`` encrypts and decrypts the last 10 bytes.
    """

    seed: Final[int]
    seq16: Final[int]
    word1: Final[int]
    last_word: Final[int]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        seed: int,
        seq16: int,
        word1: int,
        last_word: int,
    ) -> None:
        self.seed = seed
        self.seq16 = seq16
        self.word1 = word1
        self.last_word = last_word

    @property
    def ok(self) -> bool:
        """The check that makes a stream Skype: 8 fixed bytes (seq16 varies between peers)."""
        return self.word1 == WORD1 and self.last_word in LAST_WORDS

    @property
    def role(self) -> Role:
        if self.last_word in (LAST_WORD_INITIATOR, LAST_WORD_SKYPE5):
            return Role.INITIATOR
        if self.last_word == LAST_WORD_RESPONDER:
            return Role.RESPONDER
        return Role.UNKNOWN

    @property
    def plain(self) -> bytes:
        """The 10 bytes after the seed, before encryption."""
        return self.build()[SEED_LEN:]

    def build(self) -> bytes:
        """The 14 plaintext bytes (the seed and the 10 to encrypt)."""
        return _HEADER.pack(self.seed, self.seq16, self.word1, self.last_word)

    @classmethod
    def parse(cls, data: bytes) -> StreamHeader:
        """From the 14 plaintext bytes."""
        if len(data) != STREAM_HEADER_LEN:
            raise WireError(f"a stream header is {STREAM_HEADER_LEN} bytes, got {len(data)}", 0)
        return cls(*_HEADER.unpack(data))

    @classmethod
    def with_plain(cls, seed: int, plain: bytes) -> StreamHeader:
        """From the clear seed and the 10 decrypted bytes."""
        if len(plain) != HEADER_PLAIN_LEN:
            raise WireError(f"header plaintext is {HEADER_PLAIN_LEN} bytes, got {len(plain)}", 0)
        return cls.parse(seed.to_bytes(SEED_LEN, "big") + plain)


def seed_of(header: bytes) -> int:
    """The clear big-endian seed in the first 4 bytes of a direction."""
    if len(header) < SEED_LEN:
        raise WireError("stream shorter than its 4-byte seed", len(header))
    return int.from_bytes(header[:SEED_LEN], "big")


class FrameKind(Enum):
    """What a frame carries (spec 2.2): even V = data, odd V = a control type byte."""

    DATA = "data"
    ACK = "ack"
    FILLER = "filler"
    SESSION = "session"
    UNKNOWN = "unknown"
    EMPTY = "empty"


_CONTROL_KINDS = {0x01: FrameKind.ACK, 0x03: FrameKind.FILLER, 0x05: FrameKind.SESSION}
_CONTROL_TYPES = {kind: value for value, kind in _CONTROL_KINDS.items()}


@dataclass(slots=True)
class Frame:
    """One frame: ``offset`` counts from stream byte 14 (the first byte after the header)."""

    offset: Final[int]
    value: Final[int]
    varint_len: Final[int]
    body: Final[bytes]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        offset: int,
        value: int,
        varint_len: int,
        body: bytes,
    ) -> None:
        self.offset = offset
        self.value = value
        self.varint_len = varint_len
        self.body = body

    @property
    def flag(self) -> int:
        return self.value & 1

    @property
    def length(self) -> int:
        return self.value >> 1

    @property
    def total_len(self) -> int:
        return self.varint_len + len(self.body)

    @property
    def kind(self) -> FrameKind:
        if not self.body:
            return FrameKind.EMPTY
        if self.flag == 0:
            return FrameKind.DATA if len(self.body) >= 2 else FrameKind.UNKNOWN
        return _CONTROL_KINDS.get(self.body[0], FrameKind.UNKNOWN)

    @property
    def packet_id(self) -> int | None:
        """Data frames: their id; ack frames: the id acknowledged; otherwise ``None``."""
        kind = self.kind
        if kind is FrameKind.DATA:
            return int.from_bytes(self.body[:2], "big")
        if kind is FrameKind.ACK and len(self.body) >= 3:
            return int.from_bytes(self.body[1:3], "big")
        return None

    @property
    def blocks(self) -> bytes:
        """Command blocks of a data frame (empty for other kinds)."""
        return self.body[2:] if self.kind is FrameKind.DATA else b""

    @property
    def payload_offset(self) -> int:
        """Stream offset (from byte 14) of :attr:`blocks`."""
        return self.offset + self.varint_len + 2

    def build(self) -> bytes:
        return encode_varint(self.value) + self.body


def build_frame(flag: int, body: bytes) -> bytes:
    """``varint(len*2 + flag) ‖ body``."""
    if flag not in (0, 1):
        raise WireError(f"frame flag must be 0 or 1, not {flag}", 0)
    return encode_varint(len(body) * 2 + flag) + body


def data_frame(packet_id: int, blocks: bytes) -> bytes:
    """An even frame: packet id then one or more command blocks."""
    return build_frame(0, packet_id.to_bytes(2, "big") + blocks)


def control_frame(kind: FrameKind, rest: bytes = b"") -> bytes:
    """An odd frame: type byte (ack 0x01, filler 0x03, session 0x05) then ``rest``."""
    if kind not in _CONTROL_TYPES:
        raise WireError(f"{kind} is not a control frame kind", 0)
    return build_frame(1, bytes([_CONTROL_TYPES[kind]]) + rest)


def ack_frame(packet_id: int) -> bytes:
    return control_frame(FrameKind.ACK, packet_id.to_bytes(2, "big"))


@dataclass(slots=True)
class FrameScan:
    """Frames split from a plaintext; ``exact`` when they end exactly where the data ends.

    ``incomplete`` says the scan stopped only because the data ends inside a frame (more bytes
    may finish it); any other ``error`` means the framing is lost.
    """

    frames: Final[tuple[Frame, ...]]
    consumed: Final[int]
    error: Final[str | None]
    incomplete: Final[bool]

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        frames: tuple[Frame, ...],
        consumed: int,
        error: str | None,
        incomplete: bool = False,
    ) -> None:
        self.frames = frames
        self.consumed = consumed
        self.error = error
        self.incomplete = incomplete

    @property
    def exact(self) -> bool:
        return self.error is None


def split_frames(
    plain: bytes | bytearray, base: int = 0, max_body: int = MAX_FRAME_BODY
) -> FrameScan:
    """Split decrypted stream bytes (starting at stream offset ``base``) into frames.

    The one frame splitter: the stream decoder and :func:`parse_frame` use it too. Never raises
    on bad data: a broken or unfinished frame ends the scan with ``error`` set.
    """
    frames: list[Frame] = []
    pos = 0
    end = len(plain)
    while pos < end:
        try:
            got = try_read_varint(plain, pos)
        except WireError as exc:
            return FrameScan(tuple(frames), pos, f"bad frame length: {exc.reason}")
        if got is None:
            return FrameScan(tuple(frames), pos, "data ends inside a frame length", True)
        value, body_at = got
        length = value >> 1
        if length > max_body:
            return FrameScan(tuple(frames), pos, f"frame length {length} over {max_body}")
        if body_at + length > end:
            return FrameScan(
                tuple(frames), pos, f"frame needs {length} bytes, {end - body_at} left", True
            )
        frames.append(
            Frame(base + pos, value, body_at - pos, bytes(plain[body_at : body_at + length]))
        )
        pos = body_at + length
    return FrameScan(tuple(frames), pos, None)


def parse_frame(plain: bytes, offset: int = 0) -> Frame:
    """One frame at ``offset``; raises :class:`WireError` if it is truncated or malformed."""
    value, body_at = read_varint(plain, offset)  # the varint's own errors, at its offset
    scan = split_frames(plain[offset : body_at + (value >> 1)], offset, max_body=value >> 1)
    if not scan.frames:
        raise WireError(scan.error or "no frame", offset)
    return scan.frames[0]
