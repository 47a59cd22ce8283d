"""Opening and sealing UDP payloads (spec 1.2, 1.4, 1.6); verification is returned as data.

A payload's key depends on the *public* addresses the sender believed in, which a passive observer
has to guess (behind NAT, or 0.0.0.0 before the sender learnt its own). So opening never fails:
it reports the CRC verdict with the exact inputs tried, and the caller decides what to try next.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from skypeflux.crypto import BackendArg, CryptoError, decrypt, get_backend, open_first, skype_crc32
from skypeflux.crypto.seeds import resend_seed, udp_seed, udp_seed_input
from skypeflux.ipv4 import UNKNOWN_IP_TEXT, ip_text
from skypeflux.wire.errors import WireError
from skypeflux.wire.udp import (
    TYPE_FRAGMENT,
    TYPE_PAYLOAD,
    TYPE_RESEND,
    Fragment,
    Payload,
    Resend,
    ip_number,
)

UNKNOWN_ADDRESS = UNKNOWN_IP_TEXT
"""The source address a client uses before it knows its own public address."""


# crypto.open_first of the back end a decoder holds unless told otherwise, looked up once
_DEFAULT_BACKEND = get_backend()
_default_open_first = _DEFAULT_BACKEND.open_first


@dataclass(slots=True)
class Opened:
    """A decrypted datagram with the evidence for (or against) it.

    ``seed_input`` and the public addresses are ``None`` for resends, whose seed uses neither.
    """

    plaintext: Final[bytes]
    seed: Final[int]
    crc: Final[int]
    computed_crc: Final[int]
    public_src: Final[str | None]
    public_dst: Final[str | None]
    packet_id: Final[int | None]  # the datagram's id, for the seed input

    # native in the compiled build (see value_class): Final fields, defaults in __init__
    def __init__(
        self,
        plaintext: bytes,
        seed: int,
        crc: int,
        computed_crc: int,
        public_src: str | None = None,
        public_dst: str | None = None,
        packet_id: int | None = None,
    ) -> None:
        self.plaintext = plaintext
        self.seed = seed
        self.crc = crc
        self.computed_crc = computed_crc
        self.public_src = public_src
        self.public_dst = public_dst
        self.packet_id = packet_id

    @property
    def crc_ok(self) -> bool:
        return self.crc == self.computed_crc

    @property
    def seed_input(self) -> bytes | None:
        """The bytes whose CRC32 XOR the IV is the seed (evidence, made when asked for: every
        datagram is opened, few are asked)."""
        if self.public_src is None or self.public_dst is None or self.packet_id is None:
            return None
        return udp_seed_input(self.public_src, self.public_dst, self.packet_id)


def _open(seed: int, ciphertext: bytes, backend: BackendArg) -> tuple[bytes, int]:
    plain = decrypt(seed, ciphertext, backend=backend)
    return plain, skype_crc32(plain)


def open_payload(
    datagram: Payload | Fragment,
    src_ip: str | int,
    dst_ip: str | int,
    *,
    backend: BackendArg = None,
) -> Opened:
    """Decrypt a 0x02 payload or one 0x0F fragment with the given public addresses."""
    if not isinstance(datagram, Payload | Fragment):
        raise WireError(f"cannot open a {type(datagram).__name__} with addresses", 2)
    seed_bytes = udp_seed_input(src_ip, dst_ip, datagram.id)
    seed = skype_crc32(seed_bytes) ^ datagram.iv
    plain, computed = _open(seed, datagram.ciphertext, backend)
    return Opened(
        plain,
        seed,
        datagram.crc,
        computed,
        ip_text(ip_number(src_ip)),
        ip_text(ip_number(dst_ip)),
        datagram.id,
    )


def open_payload_any(
    datagram: Payload | Fragment,
    candidates: Iterable[tuple[str | int, str | int]],
    *,
    backend: BackendArg = None,
) -> Opened | None:
    """Try ``(public_src, public_dst)`` pairs in order: the first under which the CRC matches,
    opened, or ``None`` when none does (or none was given). One call to the back end tries
    them all (``crypto.open_first``): every datagram of a capture comes this way."""
    if not isinstance(datagram, Payload | Fragment):
        raise WireError(f"cannot open a {type(datagram).__name__} with addresses", 2)
    pairs = candidates if isinstance(candidates, list | tuple) else list(candidates)
    try:
        if backend is None or backend is _DEFAULT_BACKEND:  # the decoders' case: no layers
            found = _default_open_first(
                pairs, datagram.id, datagram.iv, datagram.crc, datagram.ciphertext
            )
        else:
            found = open_first(
                pairs, datagram.id, datagram.iv, datagram.crc, datagram.ciphertext, backend=backend
            )
    except CryptoError as exc:  # an address that is not one
        raise WireError(str(exc), 0) from None
    if found is None:
        return None
    index, seed, plain = found
    src, dst = pairs[index]
    return Opened(
        plain,
        seed,
        datagram.crc,
        datagram.crc,
        _text(src),
        _text(dst),
        datagram.id,
    )


def _text(address: str | int) -> str:
    # a text address got here past inet_pton's strict check: it is already its dotted quad
    return address if isinstance(address, str) else ip_text(address)


def open_resend(datagram: Resend, *, backend: BackendArg = None) -> Opened:
    """Decrypt a 0x03 resend (seed = id XOR challenge)."""
    seed = resend_seed(datagram.id, datagram.challenge)
    plain, computed = _open(seed, datagram.ciphertext, backend)
    return Opened(plain, seed, datagram.crc, computed)


def seal_payload(
    plaintext: bytes,
    *,
    packet_id: int,
    iv: int,
    src_ip: str | int,
    dst_ip: str | int,
    func: int = TYPE_PAYLOAD,
) -> Payload:
    """Encrypt ``plaintext`` into a 0x02 datagram (the inverse of :func:`open_payload`)."""
    seed = udp_seed(src_ip, dst_ip, packet_id, iv)
    return Payload(packet_id, iv, skype_crc32(plaintext), decrypt(seed, plaintext), func)


def seal_fragment(
    plaintext: bytes,
    *,
    packet_id: int,
    ref_id: int,
    index: int,
    last: bool,
    iv: int,
    src_ip: str | int,
    dst_ip: str | int,
    func: int = TYPE_FRAGMENT,
) -> Fragment:
    """Encrypt one fragment's share of a long payload."""
    seed = udp_seed(src_ip, dst_ip, packet_id, iv)
    crc = skype_crc32(plaintext)
    return Fragment(packet_id, ref_id, index, last, iv, crc, decrypt(seed, plaintext), func=func)


def seal_resend(
    plaintext: bytes,
    *,
    packet_id: int,
    challenge: int,
    dest_ip: str | int,
    func: int = TYPE_RESEND,
    count: int = 1,
) -> Resend:
    """Encrypt ``plaintext`` as a resend answering a NAck's ``challenge``."""
    seed = resend_seed(packet_id, challenge)
    crc = skype_crc32(plaintext)
    return Resend(
        packet_id, challenge, ip_number(dest_ip), crc, decrypt(seed, plaintext), count, func
    )
