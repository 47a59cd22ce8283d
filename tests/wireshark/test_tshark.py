"""The plugin inside the real tshark: what issue 11 asks Wireshark users to see.

Expected values come from the product (``decode --json`` on the same capture) and from the
capture's oracles, never from the plugin: the plugin must show the same command blocks, the
same frames, and mark exactly the datagrams and streams the decoder proved to be Skype.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.wireshark import (
    HEURISTIC_FIRST,
    as_columns,
    blocks_by_frame,
    fields,
    flip_bits,
    mutate,
    skype_frames,
    tshark,
    unit_lines,
    write_pcap,
)
from tests.helpers.wireshark import read_pcap as read_packets

pytestmark = pytest.mark.slow  # real tshark or lua runs over the whole capture


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "skypeflux", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wireshark")


@pytest.fixture(scope="module")
def keylog(workdir: Path, skypeirc_path: Path) -> Path:
    out = workdir / "SkypeIRC.keylog"
    done = run_cli("keylog", str(skypeirc_path), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


@pytest.fixture(scope="module")
def decoded(skypeirc_path: Path) -> list[dict[str, Any]]:
    done = run_cli("decode", "--json", str(skypeirc_path))
    assert done.returncode == 0, done.stderr
    return unit_lines(done.stdout)


def shown_blocks(capture: Path, keylog: Path, *args: str) -> dict[int, list[tuple[Any, ...]]]:
    """The same, as tshark with the plugin lists them (-T fields, one row per frame)."""
    names = ["frame.number", "skypeflux.cmd", "skypeflux.reqid", "skypeflux.reply_to_frame"]
    out: dict[int, list[tuple[Any, ...]]] = {}
    for frame, cmds, reqids, replies in fields(
        capture, names, "-Y", "skypeflux.cmd", *args, keylog=keylog
    ):
        out[int(frame)] = [
            tuple(int(c) for c in cmds.split(",")),
            tuple(int(r, 16) for r in reqids.split(",") if r),
            tuple(int(r) for r in replies.split(",") if r),
        ]
    return out


def test_keylog_covers_every_verified_unit(
    keylog: Path, units_oracle: list[dict[str, Any]]
) -> None:
    lines = keylog.read_text().splitlines()
    assert lines[0] == "SKYPEFLUX_KEYLOG 1"
    seeds = {line.split()[1] for line in lines if line.startswith("SEED_RC4_KEY ")}
    assert seeds == {u["seed"] for u in units_oracle}  # 297 units, each with its own seed
    public = [line.split()[1:] for line in lines if line.startswith("PUBLIC_ADDRESS ")]
    assert ["192.168.1.2", "86.128.245.115"] in public


def test_same_305_blocks_as_decode_json(
    skypeirc_path: Path, keylog: Path, decoded: list[dict[str, Any]]
) -> None:
    expected = blocks_by_frame(decoded)
    assert sum(len(b) for b in expected.values()) == 305
    assert shown_blocks(skypeirc_path, keylog) == as_columns(expected)


def test_cmd_36_shows_the_public_address(
    skypeirc_path: Path, keylog: Path, decoded: list[dict[str, Any]]
) -> None:
    wanted = {
        obj["skypeflux.obj.value"]
        for r in decoded
        for b in r["skypeflux.blocks"]
        if b["skypeflux.cmd"] == 36
        for obj in b["skypeflux.objects"]
        if obj["skypeflux.obj.id"] == 0x11
    }
    assert "86.128.245.115:35990" in wanted
    out = tshark(skypeirc_path, "-Y", "skypeflux.cmd == 36", "-V", keylog=keylog)
    assert "Object 0x11 public_address (address): 86.128.245.115:35990" in out
    assert "Address: 86.128.245.115:35990" in out
    frames = fields(
        skypeirc_path,
        ["frame.number", "skypeflux.obj.addr"],
        "-Y",
        "skypeflux.cmd == 36",
        keylog=keylog,
    )
    assert {addr for _, cell in frames for addr in cell.split(",")} == wanted


def test_cmd_37_client_version_is_text(
    skypeirc_path: Path, keylog: Path, decoded: list[dict[str, Any]]
) -> None:
    texts = {
        obj["skypeflux.obj.text"]
        for r in decoded
        for b in r["skypeflux.blocks"]
        if b["skypeflux.cmd"] == 37
        for obj in b["skypeflux.objects"]
        if obj["skypeflux.obj.family"] == 3
    }
    assert texts  # the client's version string, e.g. 2/1.2.0.18/
    out = tshark(skypeirc_path, "-Y", "skypeflux.cmd == 37", "-V", keylog=keylog)
    for text in texts:
        assert f"Text: {text}" in out
        assert f'(string): "{text}"' in out


def _names(objects: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """(name, guessed) of every named object, depth first, as the JSON output gives them."""
    out = []
    for obj in objects:
        name = obj["skypeflux.obj.name"]
        if name is not None:
            out.append((name, obj["skypeflux.obj.name_guessed"]))
        if obj["skypeflux.obj.family"] == 5:
            out.extend(_names(obj["skypeflux.obj.value"]))
    return out


def test_object_names_as_in_the_product(
    skypeirc_path: Path, keylog: Path, decoded: list[dict[str, Any]]
) -> None:
    want: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    for r in decoded:
        for b in r["skypeflux.blocks"]:
            want[r["frame"]].extend(_names(b["skypeflux.objects"] or []))
    names = ["frame.number", "skypeflux.obj.name", "skypeflux.obj.name_guessed"]
    got = {
        int(frame): list(
            zip(n.split(","), (g in ("1", "True") for g in guessed.split(",")), strict=True)
        )
        for frame, n, guessed in fields(
            skypeirc_path, names, "-Y", "skypeflux.obj.name", keylog=keylog
        )
    }
    assert got == {frame: names for frame, names in want.items() if names}
    assert sum(len(v) for v in got.values()) > 300


def marked(capture: Path, *args: str) -> tuple[set[int], dict[tuple[str, str], set[int]]]:
    """What the heuristic alone (no key log) takes, with the whole capture known (-2)."""
    names = [
        "frame.number",
        "ip.src",
        "udp.srcport",
        "tcp.srcport",
        "ip.dst",
        "udp.dstport",
        "tcp.dstport",
    ]
    udp: set[int] = set()
    tcp: dict[tuple[str, str], set[int]] = defaultdict(set)
    for frame, src, usport, tsport, dst, _udport, tdport in fields(
        capture, names, "-Y", "skypeflux", *HEURISTIC_FIRST, *args, two_pass=True
    ):
        if usport:
            udp.add(int(frame))
        else:
            tcp[(f"{src}:{tsport}", f"{dst}:{tdport}")].add(int(frame))
    return udp, dict(tcp)


def payload_frames(capture: Path) -> dict[tuple[str, str], set[int]]:
    names = ["frame.number", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport"]
    out: dict[tuple[str, str], set[int]] = defaultdict(set)
    for frame, src, sport, dst, dport in fields(capture, names, "-Y", "tcp.len > 0 && !icmp"):
        out[(f"{src}:{sport}", f"{dst}:{dport}")].add(int(frame))
    return dict(out)


def test_heuristic_marks_exactly_the_skype_traffic(
    skypeirc_path: Path, decoded: list[dict[str, Any]]
) -> None:
    udp_want, tcp_want = skype_frames(decoded)
    assert len(udp_want) == 326 and len(tcp_want) == 8
    udp, tcp = marked(skypeirc_path)
    assert udp == udp_want  # no DNS, no traceroute, no Kazaa, no ICMP-quoted datagram
    assert set(tcp) == tcp_want  # no IRC, no Kazaa, no pseudo-TLS login servers
    payloads = payload_frames(skypeirc_path)
    assert all(tcp[d] == payloads[d] for d in tcp_want)  # every segment of those directions


def test_heuristic_stays_exact_on_a_mutated_copy(
    skypeirc_path: Path, workdir: Path, decoded: list[dict[str, Any]]
) -> None:
    copy = mutate(skypeirc_path, workdir / "mutated.pcap")
    udp_want, _ = skype_frames(decoded)
    udp, tcp = marked(copy)
    assert udp == udp_want
    original_tcp = {f for frames in marked(skypeirc_path)[1].values() for f in frames}
    assert {f for frames in tcp.values() for f in frames} == original_tcp
    assert len(tcp) == 8


def _synthetic(workdir: Path, *, skype_ivs: bool = True) -> Path:
    from tests.helpers.skype_scene import synthetic_capture

    return synthetic_capture(workdir / f"synthetic-{skype_ivs}.pcapng", skype_ivs=skype_ivs)


@pytest.mark.parametrize("skype_ivs", [True, False])
def test_synthesized_capture_decrypts_like_the_product(workdir: Path, skype_ivs: bool) -> None:
    # with fragment IVs out of Skype's order the joined message is unverified in the product,
    # and the plugin must not show it either
    capture = _synthetic(workdir, skype_ivs=skype_ivs)
    log = workdir / f"synthetic-{skype_ivs}.keylog"
    done = run_cli("keylog", str(capture), "-o", str(log))
    assert done.returncode == 0, done.stderr
    dec = run_cli("decode", "--json", str(capture))
    expected = blocks_by_frame(unit_lines(dec.stdout))
    assert sum(len(b) for b in expected.values()) >= 20
    # on port 443 the TLS dissector would take the connection unless heuristics go first, and
    # Wireshark passes a late segment on only when it reassembles out-of-order data
    options = (*HEURISTIC_FIRST, "-o", "tcp.reassemble_out_of_order:TRUE")
    assert shown_blocks(capture, log, *options) == as_columns(expected)


@pytest.fixture(scope="module")
def exported(skypeirc_path: Path, workdir: Path) -> Path:
    out = workdir / "SkypeIRC.export.pcapng"
    done = run_cli("export", str(skypeirc_path), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out


def exported_blocks(capture: Path, *args: str) -> dict[int, list[tuple[Any, ...]]]:
    """Blocks of an export as tshark shows them, by original frame (several units may share
    one, as two TCP frames in one segment do)."""
    names = ["skypeflux.orig_frame", "skypeflux.cmd", "skypeflux.reqid", "skypeflux.reply_to_frame"]
    out: dict[int, list[tuple[Any, ...]]] = {}
    for frame, cmds, reqids, replies in fields(capture, names, "-Y", "skypeflux.cmd", *args):
        got = out.setdefault(int(frame), [(), (), ()])
        got[0] += tuple(int(c) for c in cmds.split(","))
        got[1] += tuple(int(r, 16) for r in reqids.split(",") if r)
        got[2] += tuple(int(r) for r in replies.split(",") if r)
    return out


def test_export_shows_the_same_305_blocks(exported: Path, decoded: list[dict[str, Any]]) -> None:
    assert exported_blocks(exported) == as_columns(blocks_by_frame(decoded))


def test_export_shows_the_address_and_the_version_text(
    exported: Path, decoded: list[dict[str, Any]]
) -> None:
    out = tshark(exported, "-Y", "skypeflux.cmd == 36", "-V")
    assert "Object 0x11 public_address (address): 86.128.245.115:35990" in out
    texts = {
        obj["skypeflux.obj.text"]
        for r in decoded
        for b in r["skypeflux.blocks"]
        if b["skypeflux.cmd"] == 37
        for obj in b["skypeflux.objects"]
        if obj["skypeflux.obj.family"] == 3
    }
    out = tshark(exported, "-Y", "skypeflux.cmd == 37", "-V")
    assert texts and all(f"Text: {text}" in out for text in texts)


def test_export_without_the_plugin_keeps_plaintext_addresses_and_frames(
    exported: Path, decoded: list[dict[str, Any]]
) -> None:
    names = [
        "exported_pdu.orig_fno",
        "exported_pdu.ipv4_src",
        "exported_pdu.src_port",
        "exported_pdu.ipv4_dst",
        "exported_pdu.dst_port",
        "exported_pdu.exported_pdu",
        "exported_pdu.prot_name",
        "frame.time_epoch",
    ]
    command = ["tshark", "-n", "-r", str(exported), "-T", "fields"]
    done = subprocess.run(
        command + [x for n in names for x in ("-e", n)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    verified = [r for r in decoded if r["skypeflux.verified"] and r["skypeflux.plaintext"]]
    assert len(rows) == len(verified) == 347
    for row, record in zip(rows, verified, strict=True):
        frame, src, sport, dst, dport, payload, name, when = row
        plain = record["skypeflux.plaintext"]
        blocks = record["skypeflux.unit"] in {
            "udp.payload",
            "udp.resend",
            "udp.message",
            "tcp.data",
        }
        assert int(frame) == record["frame"]
        assert (src, int(sport), dst, int(dport)) == (
            record["ip.src"],
            record["srcport"],
            record["ip.dst"],
            record["dstport"],
        )
        assert payload == (plain[4:] if record["skypeflux.unit"] == "tcp.data" else plain)
        assert name == ("skypeflux" if blocks else "data")
        assert abs(float(when) - record["frame.time_epoch"]) < 1e-6


def test_export_with_other_packets_interleaved(
    skypeirc_path: Path, workdir: Path, decoded: list[dict[str, Any]]
) -> None:
    out = workdir / "with-other.pcapng"
    done = run_cli("export", str(skypeirc_path), "-o", str(out), "--with-other")
    assert done.returncode == 0, done.stderr
    covered = {f for r in decoded for f in r["frames"]}
    total = len(read_packets(skypeirc_path)[1])
    rows = fields(out, ["frame.number", "frame.comment"], "-Y", "!exported_pdu")
    assert len(rows) == total - len(covered) == 2263 - len(covered)
    originals = [int(c.removeprefix("original frame ")) for _, c in rows]
    assert originals == sorted(set(range(1, total + 1)) - covered)
    assert exported_blocks(out) == as_columns(blocks_by_frame(decoded))


def test_heuristic_on_two_parties_and_pseudo_tls(workdir: Path) -> None:
    # One client and one peer only (no endpoint with many peers): the ids that ACK, NAck and
    # resend echo prove the pair; on port 443 the pseudo-TLS hellos open the streams.
    capture = _synthetic(workdir)
    dec = run_cli("decode", "--json", str(capture))
    udp_want, tcp_want = skype_frames(unit_lines(dec.stdout))
    assert len(udp_want) == 15 and len(tcp_want) == 2
    udp, tcp = marked(capture)
    assert udp == udp_want
    assert set(tcp) == tcp_want


def _damaged(skypeirc_path: Path, workdir: Path, exported: Path) -> list[Path]:
    linktype, packets = read_packets(skypeirc_path)
    raw = skypeirc_path.read_bytes()
    cut = workdir / "cut.pcap"
    cut.write_bytes(raw[: len(raw) * 2 // 3 + 7])  # ends inside a packet
    cut_export = workdir / "cut-export.pcapng"
    cut_export.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2 + 5])
    return [
        cut,
        write_pcap(workdir / "snap60.pcap", linktype, packets, snap=60),
        write_pcap(workdir / "snap90.pcap", linktype, packets, snap=90),
        *(flip_bits(skypeirc_path, workdir / f"flipped{s}.pcap", seed=s) for s in (1, 2, 3)),
        mutate(skypeirc_path, workdir / "mutated2.pcap", seed=2),
        _synthetic(workdir),
        exported,
        cut_export,
        *(
            flip_bits(exported, workdir / f"export-flipped{s}.pcap", seed=s, after=40)
            for s in (1, 2)
        ),
    ]


@pytest.mark.slow  # tshark over every frame, several times: ~45 s
def test_no_lua_error_anywhere(
    skypeirc_path: Path, workdir: Path, keylog: Path, exported: Path
) -> None:
    for capture in [skypeirc_path, *_damaged(skypeirc_path, workdir, exported)]:
        for log in (None, keylog):
            for extra in ((), HEURISTIC_FIRST):
                out = tshark(capture, "-V", *extra, keylog=log, check=False)
                assert "Lua Error" not in out, (capture.name, log, extra)
                assert "Frame 1:" in out  # tshark did dissect the file
                if capture == skypeirc_path:
                    assert "Skype classic P2P (skypeflux)" in out
