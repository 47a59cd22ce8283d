"""Encoders beside their decoders: 0x0F splitting against the reassembler, the pseudo-TLS hello
against its detector. Each is checked by the decoder the capture pipeline uses."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skypeflux.wire.errors import WireError
from skypeflux.wire.fragment_split import FRAGMENT_BODY, fragment_count, split_message
from skypeflux.wire.fragments import FragmentAssembler
from skypeflux.wire.tls_prefix import (
    CLIENT_HELLO_LEN,
    SERVER_HELLO_LEN,
    TlsPrefix,
    build_tls_prefix,
    detect_tls_prefix,
    tls_filler_len,
)
from skypeflux.wire.udp import FULL_FRAGMENT_LEN, Fragment, parse_datagram
from skypeflux.wire.udp_crypt import open_payload

SRC, DST = "82.253.163.244", "86.128.245.115"


@given(
    size=st.integers(1, 6 * FRAGMENT_BODY + 17),
    seed=st.integers(0, 2**32),
)
def test_split_message_reassembles_in_any_order(size: int, seed: int) -> None:
    rng = random.Random(seed)
    plain = rng.randbytes(size)
    count = fragment_count(size)
    pieces = split_message(
        plain,
        packet_id=0x0693,
        ref_id=0x1616,
        ivs=[rng.getrandbits(32) for _ in range(count)],
        src_ip=SRC,
        dst_ip=DST,
        funcs=[0x0F | rng.randrange(8) << 4 for _ in range(count)],
    )
    wire = [p.build() for p in pieces]
    assert all(len(w) == FULL_FRAGMENT_LEN for w in wire[:-1]) and len(wire[-1]) <= len(wire[0])
    order = list(range(count))
    rng.shuffle(order)
    assembler = FragmentAssembler()
    done = None
    for i in order:
        datagram = parse_datagram(wire[i])
        assert isinstance(datagram, Fragment) and datagram.index == i
        opened = open_payload(datagram, SRC, DST)
        assert opened.crc_ok
        done = assembler.add("key", datagram, opened, frame=i) or done
    assert done is not None and done.plaintext == plain and done.count == count
    assert done.ref_id == 0x1616


def test_split_refusals() -> None:
    with pytest.raises(WireError, match="IVs"):
        split_message(b"x" * 3000, packet_id=1, ref_id=2, ivs=[1], src_ip=SRC, dst_ip=DST)
    with pytest.raises(WireError, match="128"):
        split_message(
            bytes(129 * FRAGMENT_BODY), packet_id=1, ref_id=2, ivs=[0] * 200, src_ip=SRC, dst_ip=DST
        )


@pytest.mark.parametrize(
    ("which", "length"),
    [(TlsPrefix.CLIENT, CLIENT_HELLO_LEN), (TlsPrefix.SERVER, SERVER_HELLO_LEN)],
)
def test_tls_prefix_is_recognised_with_any_filler(which: TlsPrefix, length: int) -> None:
    for seed in range(5):
        hello = build_tls_prefix(which, random.Random(seed).randbytes(tls_filler_len(which)))
        assert len(hello) == length
        assert detect_tls_prefix(hello + b"\x12\x34") == (which, length)
    with pytest.raises(WireError, match="filler"):
        build_tls_prefix(which, b"short")
