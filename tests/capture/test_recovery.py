"""Recovering a public address: the candidate space, the datagrams chosen, the verdict on hits."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import dpkt
import pytest

from skypeflux.capture.files.source import open_capture
from skypeflux.capture.skype.recovery import (
    SKIPPED,
    Datagram,
    chunks,
    first_byte_filter,
    framing_problem,
    judge,
    plan,
    search_chunk,
)
from skypeflux.capture.skype.recovery_select import select_hosts
from skypeflux.crypto import decrypt, skype_crc32
from skypeflux.crypto.search import crc_hits
from skypeflux.crypto.seeds import udp_seed
from tests.helpers.nated import HOST, PEERS, nated_capture


def _n(text: str) -> int:
    return int(ipaddress.IPv4Address(text))


def test_the_default_space_is_public_unicast_only() -> None:
    space = plan()
    total = sum(stop - start for start, stop in space)
    assert total == (1 << 32) - sum(n.num_addresses for n in SKIPPED)
    for address in ("10.1.2.3", "192.168.1.2", "100.64.0.1", "172.20.0.1", "224.0.0.1"):
        assert not any(a <= _n(address) < b for a, b in space), address
    assert any(a <= _n("86.128.245.115") < b for a, b in space)


def test_ranges_restrict_or_come_first_and_nothing_is_searched_twice() -> None:
    assert plan(["81.56.0.0/16", "81.56.3.0/24", "10.0.0.0/31"]) == (
        (_n("81.56.0.0"), _n("81.57.0.0")),
        (_n("10.0.0.0"), _n("10.0.0.2")),
    )
    everything = plan(["81.56.0.0/16"], include_all=True)
    assert everything[0] == (_n("81.56.0.0"), _n("81.57.0.0"))
    assert sum(b - a for a, b in everything) == 1 << 32
    with pytest.raises(ValueError):
        plan(["81.56.0.0/33"])


def test_chunks_cover_the_space_in_order() -> None:
    work = chunks(((0, 10), (20, 25)), 4)
    assert [(c.index, c.start, c.stop) for c in work] == [
        (0, 0, 4), (1, 4, 8), (2, 8, 10), (3, 20, 24), (4, 24, 25)
    ]  # fmt: skip


def test_real_plaintexts_pass_the_filter_and_the_framing_check(
    units_oracle: list[dict[str, Any]],
) -> None:
    # The two checks must never reject a true plaintext: every verified 0x02 of the capture.
    plains = [
        bytes.fromhex(u["plaintext"])
        for u in units_oracle
        if u.get("type") == "02" and u.get("crc_ok") and u.get("plaintext")
    ]
    assert len(plains) > 200
    for plain in plains:
        assert first_byte_filter(len(plain))[plain[0]], plain.hex()
        assert framing_problem(plain) is None, plain.hex()
    assert sum(first_byte_filter(7)) < 16  # and nearly every wrong first byte is rejected


def _datagram(frame: int, source: str, dst: str, plain: bytes, packet_id: int = 7) -> Datagram:
    seed = udp_seed(source, dst, packet_id, 0x01020304)
    ct = decrypt(seed, plain)
    return Datagram(frame, dst, packet_id, 0x01020304, skype_crc32(plain), ct)


GOOD = bytes.fromhex("04da0115e74215")  # a real plaintext of SkypeIRC.cap (frame 176)


def test_a_chance_crc_hit_that_does_not_parse_is_rejected() -> None:
    wrong, true = "81.56.0.16", "81.56.0.32"
    garbage = b"\x05\x01\x99\x99\x99\x99\x99"
    assert framing_problem(garbage) is not None
    chance = _datagram(1, wrong, PEERS[0], garbage)
    host = [chance, _datagram(2, true, PEERS[1], GOOD)]
    assert crc_hits(chance.target(), _n(wrong) - 100, _n(wrong) + 100) == [_n(wrong)]
    verdicts = search_chunk(host, _n(wrong) - 100, _n(true) + 100)
    assert [(v.address, v.accepted) for v in verdicts] == [(wrong, False)]
    assert "by chance" in verdicts[0].reason


def test_a_chance_hit_that_parses_is_rejected_when_no_other_datagram_confirms_it() -> None:
    wrong, true = "81.56.0.16", "81.56.0.32"
    host = [_datagram(1, wrong, PEERS[0], GOOD), _datagram(2, true, PEERS[1], GOOD, 9)]
    verdict = judge(_n(wrong), host)
    assert not verdict.accepted and "frames 2 do not decrypt" in verdict.reason
    genuine = [_datagram(1, true, PEERS[0], GOOD), *host[1:]]
    assert judge(_n(true), genuine).accepted and judge(_n(true), genuine).confirmed_by == (2,)
    assert judge(_n(true), genuine[:1]).accepted  # a host with one datagram: framing alone


def test_the_nated_host_and_its_datagrams_are_selected(tmp_path: Path) -> None:
    capture = nated_capture(tmp_path / "nat.pcap")
    (host,) = select_hosts(capture.path)
    assert host.address == HOST and host.unverified == capture.datagrams
    lengths = [len(d.ciphertext) for d in host.datagrams]
    assert lengths[0] == min(lengths) and len(host.datagrams) == 5
    assert len({d.dst for d in host.datagrams[:4]}) == 4  # confirmers on other destinations first
    assert select_hosts(capture.path, host="192.168.7.21") == []


def test_the_searched_datagram_comes_from_the_skype_port(tmp_path: Path) -> None:
    # Other UDP of the host whose third byte reads as type 0x02 must not be the one searched
    # (a sweep on it would find nothing), even when it is the shortest.
    noise = bytes.fromhex("1234020000000000000000") + b"\x01\x02"
    capture = nated_capture(tmp_path / "noisy.pcap", noise=noise)
    (host,) = select_hosts(capture.path)
    assert min(len(d.ciphertext) for d in host.datagrams) == 2  # the noise is among them
    assert host.datagrams[0].frame != 1 and len(host.datagrams[0].ciphertext) > 2
    verdicts = search_chunk(host.datagrams, _n("81.56.0.0"), _n("81.57.0.0"))
    assert [(v.address, v.accepted) for v in verdicts] == [(capture.public, True)]


def _excerpt(source: Path, frames: set[int], out: Path) -> Path:
    """A real excerpt of SkypeIRC.cap: only the frames named, as they were captured."""
    with open_capture(source) as reader, out.open("wb") as fh:
        writer = dpkt.pcap.Writer(fh, linktype=1)
        for packet in reader:
            if packet.frame in frames:
                writer.writepkt(packet.data, packet.ts)
    return out


def test_a_real_nated_host_without_any_reply_is_recovered(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    # Frames 1505, 1589, 1611, 1888 of SkypeIRC.cap: four datagrams of 192.168.1.2 to one peer,
    # keyed with 86.128.245.115, which nothing in the excerpt says.
    excerpt = _excerpt(skypeirc_path, {1505, 1589, 1611, 1888}, tmp_path / "cut.pcap")
    (host,) = select_hosts(excerpt)
    assert host.address == "192.168.1.2" and host.unverified == 4
    verdicts = search_chunk(host.datagrams, _n("86.128.0.0"), _n("86.129.0.0"))
    assert [(v.address, v.accepted) for v in verdicts] == [("86.128.245.115", True)]
    # the excerpt numbers its frames 1..4: the shortest (1888, 4th) searched, the rest confirm
    assert host.datagrams[0].frame == 4 and set(verdicts[0].confirmed_by) == {1, 2, 3}
