"""Decrypting and re-encrypting one direction of an obfuscated TCP stream (spec 2.1-2.3).

Sans-IO: feed the direction's bytes in any chunking and collect frames as they complete. The
header's 10 bytes are decrypted from keystream position 0 *without* advancing it, because the
RC4 state is reset to key(seed) for stream byte 14 onward; ``peek`` then ``crypt`` on one cipher
is exactly that. Bad traffic never raises here: it becomes a status and an error string.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum

from skypeflux.crypto import BackendArg, StreamCipher, cipher_for_seed, decrypt
from skypeflux.wire.errors import WireError
from skypeflux.wire.tcp import (
    LAST_WORD_INITIATOR,
    MAX_FRAME_BODY,
    SEED_LEN,
    STREAM_HEADER_LEN,
    WORD1,
    Frame,
    StreamHeader,
    build_frame,
    data_frame,
    split_frames,
)
from skypeflux.wire.tls_prefix import (
    LONGEST_SIGNATURE,
    TlsPrefix,
    could_be_tls_prefix,
    detect_tls_prefix,
)


def open_stream_header(first: bytes, *, backend: BackendArg = None) -> StreamHeader:
    """Decrypt the 14-byte header (``ok`` says whether it is Skype's); raises
    :class:`WireError` if it is short. ``backend`` picks the crypto back end."""
    if len(first) < STREAM_HEADER_LEN:
        raise WireError(f"stream header needs {STREAM_HEADER_LEN} bytes", len(first))
    seed = int.from_bytes(first[:SEED_LEN], "big")
    plain = decrypt(seed, bytes(first[SEED_LEN:STREAM_HEADER_LEN]), backend=backend)
    return StreamHeader.with_plain(seed, plain)


def build_stream_header(seed: int, seq16: int = 1, last_word: int = LAST_WORD_INITIATOR) -> bytes:
    """``seed ‖ RC4(key(seed))(seq16 ‖ 00000001 ‖ last_word)``, 14 bytes."""
    if not 0 <= seed <= 0xFFFFFFFF:
        raise WireError(f"seed {seed} out of range", 0)
    plain = StreamHeader(seed, seq16, WORD1, last_word).plain
    return seed.to_bytes(SEED_LEN, "big") + decrypt(seed, plain)


class DecoderStatus(Enum):
    WAITING = "waiting"
    """Still collecting the (optional pseudo-TLS prefix and) 14-byte header."""
    FRAMING = "framing"
    """Header seen; decrypting and splitting frames."""
    BROKEN = "broken"
    """Framing lost (or header rejected in strict mode); later bytes are counted, not read."""


class StreamDecoder:
    """One direction of an obfuscated stream, fed incrementally.

    ``offset`` values of the frames count from stream byte 14 (after any pseudo-TLS prefix), the
    convention of the project's oracles. The direction is *framing exact* when every byte fed so
    far belongs to a complete frame (:attr:`exact`).
    """

    # one for every TCP direction that carries a byte: slots make them cheaper to make and read
    __slots__ = (
        "_cipher",
        "_head",
        "_plain",
        "_plain_base",
        "_prefix_decided",
        "_skip",
        "allow_tls_prefix",
        "backend",
        "dropped",
        "error",
        "error_offset",
        "frame_count",
        "header",
        "max_body",
        "position",
        "status",
        "strict_header",
        "tls_prefix",
    )

    def __init__(
        self,
        *,
        strict_header: bool = False,
        allow_tls_prefix: bool = True,
        max_body: int = MAX_FRAME_BODY,
        backend: BackendArg = None,
    ) -> None:
        self.strict_header = strict_header
        self.backend = backend
        self.allow_tls_prefix = allow_tls_prefix
        self.max_body = max_body
        self.status = DecoderStatus.WAITING
        self.header: StreamHeader | None = None
        self.tls_prefix: TlsPrefix | None = None
        self.error: str | None = None
        self.error_offset: int | None = None
        self.position = 0
        """Plaintext bytes decrypted after the header."""
        self.dropped = 0
        """Bytes fed after the framing broke."""
        self.frame_count = 0
        self._head = bytearray()
        self._skip = 0
        self._prefix_decided = False
        self._plain = bytearray()
        self._plain_base = 0
        self._cipher: StreamCipher | None = None

    @property
    def exact(self) -> bool:
        """Header seen, no error, and nothing left over inside an unfinished frame."""
        return self.status is DecoderStatus.FRAMING and not self._plain

    @property
    def pending(self) -> int:
        """Bytes held for a frame that has not completed yet."""
        return len(self._plain)

    def feed(self, data: bytes | bytearray | memoryview) -> list[Frame]:
        """Consume the next bytes of the direction; return the frames they complete."""
        data = bytes(data)
        if self.status is DecoderStatus.BROKEN:
            self.dropped += len(data)
            return []
        if self.status is DecoderStatus.WAITING:
            data = self._take_header(data)
            if self._cipher is None:  # header still incomplete, or rejected
                return []
        if not data:
            return []
        self._plain += self._cipher_crypt(data)
        self.position += len(data)
        return self._split()

    def _take_header(self, data: bytes) -> bytes:
        """Collect prefix and header bytes; return what follows the header once it is complete."""
        head = self._head
        head += data
        while True:
            if self._skip:
                used = min(self._skip, len(head))
                del head[:used]
                self._skip -= used
                if self._skip:
                    return b""
            if self.allow_tls_prefix and not self._prefix_decided:
                if len(head) < LONGEST_SIGNATURE and could_be_tls_prefix(bytes(head)):
                    return b""
                self._prefix_decided = True
                found = detect_tls_prefix(bytes(head[:LONGEST_SIGNATURE]))
                if found is not None:
                    self.tls_prefix, self._skip = found
                    continue
            break
        if len(head) < STREAM_HEADER_LEN:
            return b""
        header = open_stream_header(bytes(head[:STREAM_HEADER_LEN]), backend=self.backend)
        rest = bytes(head[STREAM_HEADER_LEN:])
        head.clear()
        self.header = header
        if self.strict_header and not header.ok:
            self._fail("stream header known plaintext does not match", 0)
            self.dropped += len(rest)
            return b""
        self._cipher = cipher_for_seed(header.seed, backend=self.backend)
        self.status = DecoderStatus.FRAMING
        return rest

    def _cipher_crypt(self, data: bytes) -> bytes:
        if self._cipher is None:  # unreachable: FRAMING is only set with a cipher
            raise WireError("stream cipher not started", self.position)
        return self._cipher.crypt(data)

    def _fail(self, message: str, offset: int) -> None:
        self.status = DecoderStatus.BROKEN
        self.error = message
        self.error_offset = offset
        self.dropped += len(self._plain)
        self._plain.clear()

    def _split(self) -> list[Frame]:
        buf = self._plain
        scan = split_frames(buf, self._plain_base, self.max_body)
        if scan.consumed:
            del buf[: scan.consumed]
            self._plain_base += scan.consumed
        frames = list(scan.frames)
        if scan.error is not None and not scan.incomplete:
            self._fail(scan.error, self._plain_base)
            return frames
        self.frame_count += len(frames)
        return frames


def decode_stream(
    data: bytes,
    *,
    strict_header: bool = False,
    allow_tls_prefix: bool = True,
    max_body: int = MAX_FRAME_BODY,
    backend: BackendArg = None,
) -> tuple[StreamDecoder, list[Frame]]:
    """Decode a whole direction at once (convenience over :class:`StreamDecoder`)."""
    decoder = StreamDecoder(
        strict_header=strict_header,
        allow_tls_prefix=allow_tls_prefix,
        max_body=max_body,
        backend=backend,
    )
    return decoder, decoder.feed(data)


class StreamEncoder:
    """The inverse of :class:`StreamDecoder`: header first, then frames on one keystream."""

    def __init__(
        self,
        seed: int,
        seq16: int = 1,
        last_word: int = LAST_WORD_INITIATOR,
    ) -> None:
        self.seed = seed
        self.header = build_stream_header(seed, seq16, last_word)
        self._cipher = cipher_for_seed(seed)
        self._started = False

    def encrypt(self, plain: bytes) -> bytes:
        """Encrypt the next plaintext bytes; the header is prepended to the first output."""
        out: bytes = self._cipher.crypt(plain)
        if not self._started:
            self._started = True
            return self.header + out
        return out

    def frame(self, flag: int, body: bytes) -> bytes:
        return self.encrypt(build_frame(flag, body))

    def data(self, packet_id: int, blocks: bytes) -> bytes:
        return self.encrypt(data_frame(packet_id, blocks))


def encode_stream(
    seed: int, frames_plain: Iterable[bytes], seq16: int = 1, last_word: int = LAST_WORD_INITIATOR
) -> bytes:
    """Header plus the encryption of the concatenated frame bytes."""
    encoder = StreamEncoder(seed, seq16, last_word)
    return encoder.encrypt(b"".join(frames_plain))


__all__ = [
    "DecoderStatus",
    "StreamDecoder",
    "StreamEncoder",
    "build_stream_header",
    "decode_stream",
    "encode_stream",
    "open_stream_header",
]
