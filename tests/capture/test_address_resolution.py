"""Address resolution on its own: candidates, confirmation by CRC, bounds, the user's claim,
and the survey's rule for which endpoints look like Skype."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.net.build import ethernet, udp
from skypeflux.capture.pipeline import Decoder
from skypeflux.capture.skype.addresses import (
    MAX_CANDIDATES,
    TRIED_CANDIDATES,
    USER,
    AddressBook,
    evidence_text,
)
from skypeflux.capture.skype.survey import RUN_LENGTH, RunDetector, parse_skype_shaped
from skypeflux.ipv4 import Endpoint
from skypeflux.wire.udp_crypt import seal_payload

HOST, PUBLIC = "192.168.1.2", "86.128.245.115"


def test_a_claim_is_a_candidate_until_a_crc_confirms_it() -> None:
    book = AddressBook()
    assert book.add_candidate(HOST, PUBLIC, 553, "ACK")
    assert not book.knows(HOST) and book.confirmed(HOST) == []
    assert PUBLIC in book.beliefs(HOST)  # tried, not believed
    entry = book.confirm(HOST, PUBLIC, 333)
    assert entry is not None and (entry.method, entry.evidence_frame, entry.frame) == (
        "ACK",
        553,
        333,
    )
    assert evidence_text(entry) == "ACK in frame 553, confirmed by the CRC of frame 333"
    assert book.knows(HOST) and book.confirm(HOST, PUBLIC, 400) is None  # once
    assert book.candidates(HOST) == []  # a confirmed address is no longer a candidate


def test_impossible_claims_are_ignored() -> None:
    book = AddressBook()
    for bogus in ("0.0.0.0", "10.1.2.3", "224.0.0.1", "255.255.255.255", HOST, "not an ip"):
        assert not book.add_candidate(HOST, bogus, 1, "ACK")
    assert book.candidates(HOST) == []


def test_candidates_are_bounded_and_repeated_evidence_survives_noise() -> None:
    book = AddressBook()
    for _ in range(30):
        book.add_candidate(HOST, PUBLIC, 553, "ACK")
    rng = random.Random(5)
    for frame in range(5000):
        book.add_candidate(HOST, f"81.{rng.randrange(256)}.{rng.randrange(256)}.9", frame, "ACK")
    claims = book.candidates(HOST)
    assert len(claims) <= MAX_CANDIDATES
    assert claims[0].public == PUBLIC and claims[0].count == 30
    assert book.beliefs(HOST)[:1] == [PUBLIC]
    assert len(book.beliefs(HOST)) <= TRIED_CANDIDATES + 1


def test_the_users_address_is_tried_first_and_checked() -> None:
    book = AddressBook({HOST: "1.2.3.4"})
    book.add_candidate(HOST, PUBLIC, 553, "ACK")
    assert book.beliefs(HOST)[:2] == ["1.2.3.4", PUBLIC]
    book.confirm(HOST, PUBLIC, 333)
    (warning,) = book.user_conflicts([HOST])
    assert warning.startswith(f"--public-ip {HOST}=1.2.3.4: no datagram verifies with it")
    assert f"{PUBLIC} (CRC of frame 333)" in warning
    right = AddressBook({None: PUBLIC})
    assert right.confirm(HOST, PUBLIC, 7) is not None
    assert right.confirmed(HOST)[0].method == USER and right.user_conflicts([HOST]) == []
    unseen = AddressBook({HOST: PUBLIC})
    assert "the capture holds no other evidence" in unseen.user_conflicts([HOST])[0]


def _payload(packet_id: int, crc_source: int = 0) -> bytes:
    return seal_payload(
        bytes([4, 0xDA, 1, crc_source, 1, 0x42, 0x15]),
        packet_id=packet_id,
        iv=packet_id * 7,
        src_ip="0.0.0.0",
        dst_ip="8.8.8.8",
    ).build()


_HOSTS = ["192.168.1.2", "10.0.0.7", "81.2.3.4"]
_PUBLICS = ["86.128.245.115", "81.2.3.4", "62.1.1.1", "24.5.6.7", "200.9.9.9", "99.1.2.3"]
_STEP = st.tuples(
    st.sampled_from(["claim", "confirm"]), st.sampled_from(_HOSTS), st.sampled_from(_PUBLICS)
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_STEP, max_size=40))
def test_kept_seed_pairs_are_what_the_evidence_gives(steps: list[tuple[str, str, str]]) -> None:
    """The pairs kept between claims and proofs are those a book that keeps nothing gives,
    whatever the claims (repeated, of proven addresses, beyond the candidate slots)."""
    book = AddressBook()
    for frame, (what, host, public) in enumerate(steps, start=1):
        if what == "claim":
            book.add_candidate(host, public, frame, "ACK")
        elif what == "confirm":
            book.confirm(host, public, frame)
        for src in _HOSTS:  # every pair asked for after every step, so kept ones get old
            for dst in _HOSTS:
                kept = book.seed_pairs(src, dst)
                beliefs, pairs = dict(book._beliefs), dict(book._pairs)
                book._beliefs.clear()  # what the evidence gives, worked out afresh
                book._pairs.clear()
                assert kept == book.seed_pairs(src, dst), (src, dst)
                book._beliefs, book._pairs = beliefs, pairs


def test_skype_pattern_needs_shapes_and_an_id_step() -> None:
    runs = RunDetector()
    skype, radius, random_ids = (Endpoint.of("10.0.0.1", p) for p in (1, 2, 3))
    for i in range(RUN_LENGTH):
        # +2 per request, as Skype counts
        runs.feed(skype, parse_skype_shaped(_payload(0x1000 + 2 * i)))
    rng = random.Random(2)
    for i in range(20):
        body = bytearray(rng.randbytes(40))
        body[0], body[1], body[2] = 1, i, 0x02  # RADIUS-like: code, identifier +1, 0x02
        runs.feed(radius, parse_skype_shaped(bytes(body)))
        runs.feed(random_ids, parse_skype_shaped(_payload(rng.randrange(0x10000))))
    assert runs.skype_like(skype)
    assert not runs.skype_like(radius) and not runs.skype_like(random_ids)
    spoiled = Endpoint.of("10.0.0.1", 4)
    for i in range(RUN_LENGTH):
        runs.feed(spoiled, parse_skype_shaped(_payload(0x2000 + 2 * i)))
    dns_query = b"\x12\x34\x01\x00\x00\x01" + bytes(6)  # from the same port
    runs.feed(spoiled, parse_skype_shaped(dns_query))
    assert not runs.skype_like(spoiled)


def test_look_alikes_are_never_claimed(tmp_path: Path) -> None:
    # RADIUS-like datagrams (0x02 at offset 2) from one port, random payloads with valid-looking
    # headers of every Skype type, to a private host and between public ones: no record at all.
    rng = random.Random(17)
    packets = []
    for i in range(400):
        body = bytearray(rng.randbytes(rng.choice([11, 18, 40, 200, 1355])))
        kind = rng.choice([0x02, 0x03, 0x05, 0x07, 0x0F])
        body[2] = kind | (rng.randrange(8) << 4 if kind != 0x02 else 0)
        if kind == 0x03:
            body[3] = 1
        if kind == 0x0F:
            body[6] = 0x02
        src = f"81.{i % 50}.{i // 50}.9"
        dst = "10.0.0.5" if i % 2 else "91.198.174.192"
        packets.append(Packet(1e9 + i, ethernet(udp(src, 5000 + i, dst, 33000, bytes(body)))))
    for i in range(100):
        radius = bytearray(rng.randbytes(60))
        radius[0], radius[1], radius[2] = 1, i, 0x02
        ip = udp("10.0.0.7", 1812, "203.0.113.1", 1812, bytes(radius))
        packets.append(Packet(1e9 + 400 + i, ethernet(ip)))
    path = tmp_path / "lookalikes.pcap"
    write_capture(path, packets)
    decoder = Decoder()
    records = list(decoder.run(path))
    assert not any(r.verification.ok for r in records)
    assert records == []
    assert decoder.book.all_confirmed() == []
