"""The resource bounds as options: parsed from the command line, passed down, and holding
under captures built to exhaust them (many connections never closed, each with early data
held after a hole; many incomplete IP fragment sets; many half-sent 0x0F messages)."""

from __future__ import annotations

import io
import tracemalloc
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from skypeflux.capture import DecodeOptions, Decoder
from skypeflux.capture.limits import MIB, Limits
from skypeflux.capture.net.build import fragment, tcp, udp
from skypeflux.capture.net.ip_fragments import FragmentReassembler
from skypeflux.capture.skype.addresses import MAX_CONFIRMED, AddressBook
from skypeflux.cli.app import cli
from skypeflux.wire import udp_crypt
from skypeflux.wire.fragment_split import fragment_count, split_message
from skypeflux.wire.fragments import fragment_ivs
from skypeflux.wire.udp import Nack, build_datagram
from skypeflux.wire.udp_crypt import seal_payload
from tests.helpers.mutate import Pkt, pcap_bytes


def test_settings_parse_sizes_and_seconds() -> None:
    limits = Limits().with_setting("tcp-memory-total", "256M").with_setting("TCP_IDLE_SECONDS", "5")
    assert limits.tcp_memory_total == 256 * MIB and limits.tcp_idle_seconds == 5.0
    assert Limits().with_setting("ip-fragment-memory", "64KiB").ip_fragment_memory == 65536
    for name, value in (("nope", "1"), ("tcp-connections", "0"), ("tcp-connections", "x1")):
        with pytest.raises(ValueError):
            Limits().with_setting(name, value)


def _raw(ip: bytes, ts: float) -> Pkt:
    return Pkt(101, ip, len(ip), ts)


def test_connections_never_closed_stay_within_the_limits() -> None:
    """3,000 connections, each with 3 kB held after a one-byte hole, none ever closed."""
    pkts = []
    for i in range(3000):
        src = f"10.{i // 250}.{i % 250}.1"
        for k in range(3):
            payload = bytes(1000)
            seq = 1000 + 2 + 1000 * k  # byte 0 of the stream (seq 1000) never comes
            pkts.append(_raw(tcp(src, 40000, "10.99.0.1", 80, seq=seq, payload=payload), 1.0))
    limits = Limits(tcp_connections=1000, tcp_memory_total=2 * MIB)
    decoder = Decoder(DecodeOptions(limits=limits))
    data = pcap_bytes(pkts)
    tracemalloc.start()
    try:
        records = list(decoder.run(io.BytesIO(data)))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert records == [] and decoder.outcomes["tcp_not_skype"] == len(pkts)
    # the capture (9 MB) is read block by block; what is held stays near the bounds: the
    # shared 2 MiB of early data, the state of 1,000 connections, one read block
    assert peak < 16 * MIB, peak
    assert decoder.stats["tcp_connections_seen"] == 3000


def test_incomplete_fragment_sets_stay_within_the_limits() -> None:
    frags = FragmentReassembler(max_sets=64, max_bytes=1 * MIB)
    for ident in range(2000):
        key = (b"\x0a\x00\x00\x01", b"\x0a\x00\x00\x02", ident, 17)
        frags.add(key, 1480, True, bytes(1480), ident, 1.0)  # the first piece never comes
        assert frags.open_sets <= 64 and frags.stored_bytes <= 1 * MIB
    assert frags.stats.expired + frags.stats.overflowed >= 2000 - 64


def test_fragment_limits_reach_the_decoder() -> None:
    ip = udp("10.0.0.1", 1, "10.0.0.2", 2, bytes(3000), ident=7)
    pkts = [_raw(f, 1.0 + i) for i, f in enumerate(fragment(ip, 1480))]
    whole = Decoder()
    list(whole.run(io.BytesIO(pcap_bytes(pkts))))
    assert whole.outcomes["udp_not_skype"] == 1
    tight = Decoder(DecodeOptions(limits=Limits(ip_fragment_seconds=0.5)))
    list(tight.run(io.BytesIO(pcap_bytes(pkts))))  # fragments 1 s apart: the set expires
    assert tight.outcomes["udp_not_skype"] == 0 and tight.outcomes["ip_fragment_pending"] == 3


def test_the_command_line_takes_limits(skypeirc_path: Path) -> None:
    runner = CliRunner()
    plain = runner.invoke(cli, ["decode", str(skypeirc_path)])
    tight = runner.invoke(cli, ["decode", "--limit", "tcp-connections=1", str(skypeirc_path)])
    assert plain.exit_code == tight.exit_code == 0
    assert tight.stdout.count(" TCP ") < plain.stdout.count(" TCP ")
    assert "tcp.end" not in tight.stdout or "forgotten" in tight.stdout
    bad = runner.invoke(cli, ["flows", "--limit", "tcp-connections", str(skypeirc_path)])
    assert bad.exit_code == 2 and "expected NAME=VALUE" in bad.stderr


def test_keylog_and_export_take_limits_as_decode_does(skypeirc_path: Path, tmp_path: Path) -> None:
    """The same bound works whichever command decodes: with one TCP connection followed at a
    time, the key log covers fewer verified units and the export writes fewer, as decode
    shows fewer."""
    runner = CliRunner()

    def keys(*limit: str) -> int:  # the verified units the key log covers (its 2nd line)
        out = tmp_path / "keys.txt"
        result = runner.invoke(cli, ["keylog", *limit, "-o", str(out), str(skypeirc_path)])
        assert result.exit_code == 0, result.stderr
        return int(out.read_text().splitlines()[1].split()[1])

    def exported(*limit: str) -> int:
        out = tmp_path / "export.pcapng"
        result = runner.invoke(cli, ["export", *limit, "-o", str(out), str(skypeirc_path)])
        assert result.exit_code == 0, result.stderr
        return int(result.stderr.split("wrote ")[1].split()[0])

    tight = ("--limit", "tcp-connections=1")
    assert keys(*tight) < keys()
    assert exported(*tight) < exported()
    bad = runner.invoke(cli, ["export", "--limit", "nope=1", "-o", "x", str(skypeirc_path)])
    assert bad.exit_code == 2 and "unknown limit" in bad.stderr


def _half_sent_messages(count: int) -> bytes:
    """``count`` 0x0F messages of three fragments each, on one pair of public hosts, of which
    only the first fragment is ever sent: each opens a message that never completes."""
    src, dst = "84.228.208.91", "86.128.245.115"
    pkts = []
    for i in range(count):
        pieces = split_message(
            bytes(3000),
            packet_id=(2 * i) & 0xFFFF,
            ref_id=i & 0xFFFF,
            ivs=fragment_ivs(0x1234 + i, fragment_count(3000)),
            src_ip=src,
            dst_ip=dst,
        )
        pkts.append(
            _raw(udp(src, 4464, dst, 35990, pieces[0].build(), ident=i & 0xFFFF), i * 0.001)
        )
    return pcap_bytes(pkts)


def test_half_sent_fragmented_messages_stay_within_the_limits() -> None:
    """4,000 messages opened and never finished: at most udp-message-sets are held; every
    other one is reported given up as it is pushed out, none silently dropped (and the work
    stays linear: each used to be retried on every later fragment)."""
    data = _half_sent_messages(4000)
    tight = Decoder(DecodeOptions(limits=Limits(udp_message_sets=16)))
    seen: Counter[tuple[str, bool]] = Counter()
    reasons: Counter[str] = Counter()
    tracemalloc.start()
    for record in tight.run(io.BytesIO(data)):  # counted, not kept: the decoder's memory
        seen[str(record.unit), record.verification.ok] += 1
        if record.unit == "udp.message":
            reasons[record.verification.detail.split(":")[0]] += 1
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert seen == {("udp.fragment", True): 4000, ("udp.message", False): 4000}, seen
    assert reasons == {"given up": 3984, "incomplete message": 16}, reasons
    assert peak < 4 * MIB, peak


def _claims_for_new_hosts(count: int) -> bytes:
    """A NAck to each of ``count`` private hosts, each claiming another public address."""
    pkts = []
    for i in range(count):
        host = f"10.{i >> 16 & 255}.{i >> 8 & 255}.{i & 255}"
        body = build_datagram(Nack(i & 0xFFFF, 0x50000000 + i, 12345))
        pkts.append(_raw(udp("80.1.2.3", 33033, host, 40000, body), i * 0.001))
    return pcap_bytes(pkts)


def test_claims_for_ever_new_hosts_stay_within_the_limits() -> None:
    """Every claim is kept for its host until a CRC tries it: a capture of claims for new
    hosts held them all. At most address-hosts are remembered; the rest are counted."""
    data = _claims_for_new_hosts(3000)
    decoder = Decoder(DecodeOptions(limits=Limits(address_hosts=100)))
    tracemalloc.start()
    try:
        assert list(decoder.run(io.BytesIO(data))) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert decoder.stats["address_hosts_forgotten"] == 3000 - 100
    assert len(decoder.book.hosts_with_evidence()) == 100
    assert peak < 4 * MIB, peak


def test_a_host_claimed_again_is_not_the_one_forgotten() -> None:
    book = AddressBook(max_hosts=3)
    book.add_candidate("192.168.1.2", "86.128.245.115", 1, "NAck")
    for i in range(10):
        book.add_candidate(f"10.0.0.{i}", f"80.0.0.{i}", 2 + 2 * i, "NAck")
        book.add_candidate("192.168.1.2", "86.128.245.115", 3 + 2 * i, "NAck")
    assert [c.public for c in book.candidates("192.168.1.2")] == ["86.128.245.115"]
    assert book.candidates("192.168.1.2")[0].count == 11
    assert book.hosts_with_evidence() == sorted(["10.0.0.8", "10.0.0.9", "192.168.1.2"])
    assert book.hosts_forgotten == 8


HOST, PEER = "192.168.1.2", "80.1.1.1"


def _ever_new_publics(count: int) -> bytes:
    """One private host whose every datagram is sealed with another public address, each
    seen in the capture just before (so trial decryption proves it)."""
    pkts = []
    for i in range(count):
        seen = f"81.0.{i >> 8 & 255}.{i & 255}"
        pkts.append(_raw(udp(seen, 1000, "80.9.9.9", 53, b"query"), i * 0.01))
        sealed = seal_payload(b"\x05\x3a\x00", packet_id=i, iv=0x1000 + i, src_ip=seen, dst_ip=PEER)
        pkts.append(_raw(udp(HOST, 35990, PEER, 4464, sealed.build()), i * 0.01 + 0.005))
    return pcap_bytes(pkts)


def test_ever_new_public_addresses_for_one_host_cost_the_same_each(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Every proven address used to be tried on every later datagram of its host: work grew
    with the square of the capture. Now the latest few are tried, and the host keeps at most
    MAX_CONFIRMED of them, the earliest forgotten first and counted."""
    opens = Counter[str]()
    # what the decoders call for the default back end (a module global even where udp_crypt
    # is compiled with mypyc)
    original = udp_crypt._default_open_first

    def counted(pairs: list[tuple[int, int]], *args: Any) -> Any:
        found = original(pairs, *args)
        opens["open"] += len(pairs) if found is None else found[0] + 1  # pairs tried
        return found

    monkeypatch.setattr(udp_crypt, "_default_open_first", counted)
    count = 300
    decoder = Decoder()
    records = list(decoder.run(io.BytesIO(_ever_new_publics(count))))
    verified = [r for r in records if r.unit == "udp.payload" and r.verification.ok]
    assert len(verified) == count
    assert [r.verification.public_src for r in verified] == [
        f"81.0.{i >> 8 & 255}.{i & 255}" for i in range(count)
    ]
    assert sum(r.unit == "note" for r in records) == count
    assert count <= opens["open"] < 20 * count, opens  # all of them tried each time: 45,000
    proven = decoder.book.confirmed(HOST)
    assert (
        len(proven) == MAX_CONFIRMED and proven[-1].public == verified[-1].verification.public_src
    )
    assert decoder.stats["address_publics_forgotten"] == count - MAX_CONFIRMED
