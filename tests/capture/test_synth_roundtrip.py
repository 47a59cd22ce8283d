"""Must show: decode(synth(s)) gives back every unit of s, verified, and nothing else.

For each built-in scenario (pcap and pcapng) and for hypothesis-generated ones (random hosts
and NAT, random commands with random object lists, random timing, loss, reordering,
retransmissions, IPv4 fragments and snap lengths). What the network lost must be exactly
what is missing, and what the capture holds of it must be reported by an unverified record.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import HealthCheck, given, settings

from skypeflux.capture.pipeline import DecodeOptions
from skypeflux.capture.synth import builtin_names, load_scenario, scenario_from_dict, synthesize
from tests.helpers.roundtrip import compare, decode, trusted, unreported
from tests.helpers.scenarios import scenarios

BUILTINS = ["lossy", "mid-session", "nat-login", "public-host", "tls-443", "unanswered"]
TOLD: dict[str, dict[str | None, str]] = {"unanswered": {"10.0.0.23": "84.228.208.91"}}


def test_the_issue_lists_these_builtins() -> None:
    assert builtin_names() == BUILTINS


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_round_trip(name: str, fmt: str) -> None:
    synth = synthesize(load_scenario(name), seed=1)
    told: dict[str | None, str] = dict(TOLD.get(name, {}))
    options = DecodeOptions(public_ips=told)
    decoder, records = decode(synth, fmt, options)
    missing, extra = compare(synth, records)
    assert not missing and not extra
    assert len(synth.kept) >= 4
    assert unreported(synth, records, decoder) == []
    if name != "lossy":
        assert synth.lost == []
        assert all(trusted(r) for r in records)  # no doubtful record where nothing was lost


def test_nat_login_learns_the_address_from_the_nack() -> None:
    synth = synthesize(load_scenario("nat-login"), seed=7)
    _, records = decode(synth)
    notes = [r for r in records if r.unit == "note"]
    nack = next(r for r in records if r.unit == "udp.nack")
    assert [(n.info["host"], n.info["public"], n.info["method"]) for n in notes] == [
        ("192.168.1.2", "86.128.245.115", "NAck")
    ]
    assert notes[0].info["evidence_frame"] == nack.frame
    probes = [r for r in records if r.unit == "udp.payload" and r.blocks[0].command == 27]
    assert [p.verification.public_src for p in probes] == ["0.0.0.0", "0.0.0.0"]
    (message,) = [r for r in records if r.unit == "udp.message"]
    assert message.info["fragments"] == 9 and message.verification.ok


def test_unanswered_needs_the_public_address() -> None:
    # Skype's datagram pattern (exact 0x02 shapes, ids stepping by 2) marks them as Skype, but
    # nothing in the capture gives the host's public address: every datagram is an unverified
    # record saying so (what recover-ip is for), none is shown decrypted.
    synth = synthesize(load_scenario("unanswered"), seed=3)
    decoder, blind = decode(synth)
    assert len(blind) == len(synth.kept) == 4
    assert decoder.stats.get("udp_not_skype", 0) == 0
    for record in blind:
        assert record.unit == "udp.payload" and not record.verification.ok
        assert record.plaintext is None and not record.blocks
        assert record.verification.detail.startswith("public address unknown")


@pytest.mark.parametrize("seed", range(1, 9))
def test_lossy_gives_back_exactly_what_survived(seed: int) -> None:
    synth = synthesize(load_scenario("lossy"), seed=seed)
    decoder, records = decode(synth)
    missing, extra = compare(synth, records)
    assert not missing and not extra
    assert unreported(synth, records, decoder) == []


def test_lossy_loses_something_and_reports_it() -> None:
    lost = [u for seed in range(1, 9) for u in synthesize(load_scenario("lossy"), seed).lost]
    assert any(u.direction for u in lost) and any(u.partial for u in lost)


def test_same_seed_same_bytes_other_seed_other_bytes() -> None:
    scenario = load_scenario("nat-login")
    one = synthesize(scenario, 5).packets()
    assert synthesize(scenario, 5).packets() == one
    assert synthesize(scenario, 6).packets() != one


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=scenarios())
def test_random_scenarios_round_trip(drawn: tuple[dict, dict]) -> None:  # type: ignore[type-arg]
    data, told = drawn
    synth = synthesize(scenario_from_dict(data, "hypothesis"), seed=11)
    decoder, records = decode(synth, "pcapng", DecodeOptions(public_ips=dict(told)))
    missing, extra = compare(synth, records)
    assert not missing and not extra
    assert unreported(synth, records, decoder) == []


def test_mid_session_decodes_because_of_its_acks() -> None:
    # The same capture without its two ACKs holds nothing that tells the client's public
    # address: then nothing may be shown as decrypted.
    synth = synthesize(load_scenario("mid-session"), seed=2)
    acks = {d for u in synth.units if u.unit == "udp.ack" for d in u.datagrams}
    assert len(acks) == 2
    _, records = decode(synth)
    assert sum(1 for r in records if r.verification.ok) == len(synth.kept) - 2
    blind = dataclasses.replace(
        synth, items=tuple(i for i in synth.items if i.datagram not in acks)
    )
    _, records = decode(blind)
    assert not [r for r in records if r.verification.ok]
