"""The tshark habits of ``decode`` (README table), each checked against ``decode --json``."""

from __future__ import annotations

import bz2
import gzip
import itertools
import json
import lzma
import re
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import zstandard
from click.testing import CliRunner, Result

from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_OK, EXIT_USAGE
from skypeflux.messages.names_data import COMMANDS
from skypeflux.outputs.hexdump import parse_hex_dump

Json = dict[str, Any]


def _run(*args: str, **kwargs: Any) -> Result:
    result = CliRunner().invoke(cli, list(args), **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def _records(result: Result) -> list[dict[str, Any]]:
    """The JSON lines of a run without its closing summary line (it is not a record)."""
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    return [line for line in lines if line.get("skypeflux.unit") != "summary"]


@pytest.fixture(scope="module")
def json_lines(skypeirc_path: Path) -> list[Json]:
    result = _run("decode", "--json", str(skypeirc_path))
    assert result.exit_code == EXIT_OK
    return _records(result)


def _objects(objects: list[Json] | None) -> list[Json]:
    out = []
    for node in objects or []:
        out.append(node)
        if node["skypeflux.obj.family"] == 5:
            out.extend(_objects(node["skypeflux.obj.value"]))
    return out


def test_fields_are_the_json_values(skypeirc_path: Path, json_lines: list[Json]) -> None:
    names = [
        "frame",
        "ip.src",
        "srcport",
        "skypeflux.verified",
        "skypeflux.cmd",
        "skypeflux.obj.id",
    ]
    args = [a for name in names for a in ("-e", name)]
    result = _run("decode", str(skypeirc_path), "-T", "fields", *args)
    rows = [line.split("\t") for line in result.stdout.splitlines()]
    assert len(rows) == len(json_lines)
    for row, rec in zip(rows, json_lines, strict=True):
        blocks = rec["skypeflux.blocks"]
        objects = [o for b in blocks for o in _objects(b["skypeflux.objects"])]
        assert row[0] == str(rec["frame"])
        assert row[1] == rec["ip.src"]
        assert row[2] == ("" if rec["srcport"] is None else str(rec["srcport"]))
        assert row[3] == ("1" if rec["skypeflux.verified"] else "0")
        assert row[4] == ",".join(str(b["skypeflux.cmd"]) for b in blocks)
        # a hex-based field of the registry prints as tshark prints it: 0x and 8 digits
        assert row[5] == ",".join(f"0x{o['skypeflux.obj.id']:08x}" for o in objects)


def test_wireshark_names_for_our_fields(skypeirc_path: Path) -> None:
    # a tshark user types frame.number; it is skypeflux's frame, in -e and in -Y alike
    ours = _run("decode", str(skypeirc_path), "-T", "fields", "-e", "frame", "-e", "ip.src")
    theirs = _run(
        "decode", str(skypeirc_path), "-T", "fields", "-e", "frame.number", "-e", "ip.src"
    )
    assert ours.exit_code == theirs.exit_code == EXIT_OK
    assert ours.stdout == theirs.stdout and len(ours.stdout.splitlines()) > 300
    one = _run("decode", str(skypeirc_path), "-Y", "frame.number == 333", "-T", "fields",
               "-e", "frame.number", "-e", "skypeflux.cmd")  # fmt: skip
    assert one.stdout == "333\t36\n"


def test_unanswered_requests_as_a_filter(skypeirc_path: Path, json_lines: list[Json]) -> None:
    # Wireshark's habit for "unanswered": a request without reply_in_frame. decode reads the
    # capture once more to know what a later frame answers; the same through standard input.
    replied: dict[tuple[int, int], int] = {}
    requests: list[tuple[int, int]] = []
    for line in json_lines:
        for block in line.get("skypeflux.blocks") or []:
            reqid = block["skypeflux.reqid"]
            if block["skypeflux.reply_to_frame"] is not None:
                replied[(block["skypeflux.reply_to_frame"], reqid)] = line["frame"]
            if block["skypeflux.cmd.kind"] == "request" and reqid is not None:
                requests.append((line["frame"], reqid))
    unanswered = [key for key in requests if key not in replied]
    answered = [(*key, replied[key]) for key in requests if key in replied]
    assert len(unanswered) == 30 and answered  # --stats: 30 unanswered

    def blocks_shown(stdout: str) -> list[tuple[int, ...]]:
        # one line per record; a record's selected blocks are joined with ","
        out: list[tuple[int, ...]] = []
        for row in stdout.splitlines():
            frame, *cells = row.split("\t")
            columns = [cell.split(",") for cell in cells]
            for values in zip(*columns, strict=True):
                out.append((int(frame), *(int(v, 0) for v in values)))
        return out

    fields = ("-T", "fields", "-e", "frame", "-e", "skypeflux.reqid")
    expression = 'skypeflux.cmd.kind == "request" && !skypeflux.reply_in_frame'
    got = _run("decode", str(skypeirc_path), "-Y", expression, *fields)
    assert got.exit_code == EXIT_OK
    assert blocks_shown(got.stdout) == unanswered
    piped = _run("decode", "-", "-Y", "skypeflux.reply_in_frame", *fields,
                 "-e", "skypeflux.reply_in_frame", input=skypeirc_path.read_bytes())  # fmt: skip
    assert piped.exit_code == EXIT_OK
    assert blocks_shown(piped.stdout) == answered


def test_fields_layout_options(skypeirc_path: Path, json_lines: list[Json]) -> None:
    result = _run(
        "decode", str(skypeirc_path), "-T", "fields", "-e", "frame", "-e", "skypeflux.cmd",
        "-E", "header=y", "-E", "separator=,", "-E", "quote=d", "-E", "occurrence=f",
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0] == '"frame","skypeflux.cmd"'
    firsts = []
    for r in json_lines:
        cmd = r["skypeflux.blocks"][0]["skypeflux.cmd"] if r["skypeflux.blocks"] else ""
        firsts.append(f'"{r["frame"]}","{cmd}"')
    assert lines[1:] == firsts
    bad = _run("decode", str(skypeirc_path), "-T", "fields", "-e", "frame", "-E", "bogus=1")
    assert bad.exit_code == EXIT_USAGE and "unknown -E setting" in bad.stderr


def test_registry_fields_derived_from_the_json(skypeirc_path: Path, json_lines: list[Json]) -> None:
    """Registered fields that are not JSON keys read the same facts (seed, names, addresses)."""
    names = ["skypeflux.seed", "skypeflux.cmd.name", "skypeflux.cmd.name_guessed"]
    names += ["skypeflux.obj.ip", "skypeflux.obj.port", "skypeflux.udp.frag.count"]
    args = [a for name in names for a in ("-e", name)]
    result = _run("decode", str(skypeirc_path), "-T", "fields", *args)
    for line, rec in zip(result.stdout.splitlines(), json_lines, strict=True):
        seed, cmd_names, guessed, ips, ports, frags = line.split("\t")
        blocks = rec["skypeflux.blocks"]
        assert seed == (f"0x{rec['skypeflux.seed']}" if rec["skypeflux.seed"] else "")
        assert cmd_names == ",".join(
            b["skypeflux.cmd.name"] for b in blocks if b["skypeflux.cmd.name"]
        )
        assert guessed == ",".join(
            "1" if b["skypeflux.cmd.name_guessed"] else "0"
            for b in blocks
            if b["skypeflux.cmd.name"]
        )
        addresses = [
            o["skypeflux.obj.value"]
            for b in blocks
            for o in _objects(b["skypeflux.objects"])
            if o["skypeflux.obj.family"] == 2
        ]
        assert ips == ",".join(a.split(":")[0] for a in addresses)
        assert ports == ",".join(a.split(":")[1] for a in addresses)
        message = rec["skypeflux.unit"] == "udp.message"
        assert frags == (str(rec["skypeflux.info"]["fragments"]) if message else "")
    # a field only the Wireshark plugin can show is refused with what to use instead
    refused = _run("decode", str(skypeirc_path), "-Y", "skypeflux.block.size")
    assert refused.exit_code == EXIT_USAGE and "skypeflux.block.length" in refused.stderr


def test_count_stops_after_n_records(skypeirc_path: Path, json_lines: list[Json]) -> None:
    result = _run("decode", "--json", "-c", "5", str(skypeirc_path))
    assert _records(result) == json_lines[:5]
    text = _run("decode", "-c", "3", "--cmd", "8", str(skypeirc_path))
    assert len(text.stdout.splitlines()) == 3


def test_hex_dump_is_the_verified_plaintext(skypeirc_path: Path, json_lines: list[Json]) -> None:
    result = _run("decode", "-x", "--frame", "176-400", str(skypeirc_path))
    dumps: list[bytes] = []
    current: list[str] = []
    for line in result.stdout.splitlines():
        if re.match(r"^[0-9a-f]{4}  ", line):
            current.append(line)
        elif current:
            dumps.append(parse_hex_dump(current))
            current = []
    expected = [
        bytes.fromhex(r["skypeflux.plaintext"])
        for r in json_lines
        if 176 <= r["frame"] <= 400 and r["skypeflux.plaintext"]
    ]
    assert dumps == expected and dumps


def test_time_formats(skypeirc_path: Path, json_lines: list[Json]) -> None:
    epoch = _run("decode", "-t", "e", "-c", "20", "--unit", "udp.ack", str(skypeirc_path))
    acks = [r for r in json_lines if r["skypeflux.unit"] == "udp.ack"][:20]
    times = [float(line.split()[1]) for line in epoch.stdout.splitlines()]
    assert times == pytest.approx([r["frame.time_epoch"] for r in acks], abs=1e-6)
    utc = _run("decode", "-t", "ud", "-c", "1", str(skypeirc_path))
    stamp = " ".join(utc.stdout.split()[1:3])
    want = datetime.fromtimestamp(json_lines[0]["frame.time_epoch"], UTC)
    assert stamp == want.strftime("%Y-%m-%d %H:%M:%S.%f")
    delta = _run("decode", "-t", "d", "--unit", "udp.ack", "-c", "20", str(skypeirc_path))
    deltas = [float(line.split()[1]) for line in delta.stdout.splitlines()]
    assert deltas[0] == 0.0
    steps = [b["frame.time_epoch"] - a["frame.time_epoch"] for a, b in itertools.pairwise(acks)]
    assert deltas[1:] == pytest.approx(steps, abs=2e-6)


def test_colour(skypeirc_path: Path) -> None:
    always = _run("decode", "--color", "always", "-c", "2", str(skypeirc_path))
    assert "\x1b[" in always.stdout
    never = _run("decode", "--color", "never", "-c", "2", str(skypeirc_path))
    auto = _run("decode", "-c", "2", str(skypeirc_path))  # not a terminal here
    assert "\x1b[" not in never.stdout and never.stdout == auto.stdout


@pytest.mark.parametrize("kind", ["gzip", "bzip2", "xz", "zstd"])
def test_compressed_captures_equal_the_plain_file(
    skypeirc_path: Path, tmp_path: Path, json_lines: list[Json], kind: str
) -> None:
    data = skypeirc_path.read_bytes()
    compress: dict[str, Callable[[bytes], bytes]] = {
        "gzip": gzip.compress,
        "bzip2": bz2.compress,
        "xz": lzma.compress,
        "zstd": zstandard.ZstdCompressor().compress,
    }
    packed = compress[kind](data)
    path = tmp_path / "capture.bin"  # the name says nothing: recognised by content
    path.write_bytes(packed)
    result = _run("decode", "--json", str(path))
    assert _records(result) == json_lines
    piped = _run("decode", "--json", "-", input=packed)
    assert piped.stdout == result.stdout


def test_stdin_without_argument_and_read_file(skypeirc_path: Path, json_lines: list[Json]) -> None:
    plain = _run("decode", "--json", input=skypeirc_path.read_bytes())
    assert _records(plain) == json_lines
    read = _run("decode", "--json", "-r", str(skypeirc_path))
    assert read.stdout == plain.stdout


def test_several_captures_in_order(skypeirc_path: Path, json_lines: list[Json]) -> None:
    result = _run("decode", "--json", str(skypeirc_path), "-r", str(skypeirc_path))
    lines = _records(result)
    assert lines == json_lines + json_lines
    text = _run("decode", "-c", "2", str(skypeirc_path), str(skypeirc_path))
    assert text.stdout.splitlines()[0] == f"# {skypeirc_path}"


def test_stats_count_what_json_shows(skypeirc_path: Path, json_lines: list[Json]) -> None:
    result = _run("decode", "--stats", "-Y", "transport == tcp", str(skypeirc_path))
    text = result.stdout
    tcp = [r for r in json_lines if r["transport"] == "tcp"]
    blocks = Counter(
        (b["skypeflux.cmd"], b["skypeflux.cmd.kind"]) for r in tcp for b in r["skypeflux.blocks"]
    )
    assert f"Records: {len(tcp)} shown, {sum(blocks.values())} command blocks" in text
    table = text[text.index("Command blocks by command and kind") :]
    for (cmd, kind), count in blocks.items():
        assert re.search(rf"^{cmd}\s+\S+\s+{kind}\s+{count}$", table, re.MULTILINE), (cmd, kind)
    assert re.search(r"^packets\s+2263$", text, re.MULTILINE)  # Decoder.stats
    assert re.search(r"^tcp_skype_connections\s+4$", text, re.MULTILINE)
    requests = {
        r["frame"]
        for r in tcp
        for b in r["skypeflux.blocks"]
        if b["skypeflux.cmd.kind"] == "request"
    }
    answered = {b["skypeflux.reply_to_frame"] for r in tcp for b in r["skypeflux.blocks"]}
    row = [len(requests), len(requests & answered), len(requests - answered)]
    pattern = r"^" + r"\s+".join(str(n) for n in row) + r"\s+\d+$"
    assert re.search(pattern, text, re.MULTILINE), row
    quiet = _run("decode", "-q", "--stats", "-Y", "transport == tcp", str(skypeirc_path))
    assert quiet.stdout == text[text.index("=") :]  # the same tables, no record lines


def test_bare_command_and_help(skypeirc_path: Path) -> None:
    bare = _run()
    assert bare.exit_code == EXIT_OK and bare.stdout.startswith("Usage: skypeflux")
    assert bare.stderr == ""
    assert _run("help").stdout == bare.stdout
    assert _run("help", "decode").stdout == _run("decode", "--help").stdout
    assert _run("help", "nope").exit_code == EXIT_USAGE
    flows_help = _run("flows", "--help").stdout
    assert "Examples:" not in flows_help and "Exit codes:" in flows_help
    assert "..." not in bare.stdout.split("Commands:")[1].split("Examples:")[0]


def test_names_lists_every_command_with_a_source() -> None:
    result = _run("names", "--json")
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    commands = {r["skypeflux.cmd"] for r in rows if r["kind"] == "command"}
    assert commands == set(COMMANDS)
    assert all(r["source"] for r in rows)
    nested = [r for r in rows if len(r["path"]) == 2]
    assert {r["skypeflux.cmd"] for r in nested} >= {8, 14, 15, 47, 53, 67}


def test_nested_objects_are_named_and_plain_numbers_are_not(json_lines: list[Json]) -> None:
    def named(cmd: int) -> Counter[tuple[int, str | None]]:
        return Counter(
            (o["skypeflux.obj.id"], o["skypeflux.obj.name"])
            for r in json_lines
            for b in r["skypeflux.blocks"]
            if b["skypeflux.cmd"] == cmd
            for o in _objects(b["skypeflux.objects"])
        )

    assert (3, "supernode_address") in named(8) and (0, "slot_id") in named(8)
    assert (0, "user_name") in named(14)
    assert {name for (_, name) in named(37)} == {None, "version_string"}
    assert all(name is None for (_, name) in named(105))


def test_retransmissions_name_the_first_copy(json_lines: list[Json]) -> None:
    resent = {
        r["frame"]: b["skypeflux.resend_of_frame"]
        for r in json_lines
        for b in r["skypeflux.blocks"]
        if b["skypeflux.resend_of_frame"] is not None
    }
    assert resent[494] == 372 and resent[513] == 372  # user_search sent again, twice
    first = next(r for r in json_lines if r["frame"] == 372)["skypeflux.blocks"][0]
    for frame in (494, 513):
        again = next(r for r in json_lines if r["frame"] == frame)["skypeflux.blocks"][0]
        for key in ("skypeflux.cmd", "skypeflux.reqid", "skypeflux.list.hex"):
            assert again[key] == first[key]


def test_text_lines_carry_ids_and_control_kinds(
    skypeirc_path: Path, json_lines: list[Json]
) -> None:
    text = _run("decode", str(skypeirc_path)).stdout.splitlines()
    line_494 = next(line for line in text if line.split()[0] == "494")
    rec = next(r for r in json_lines if r["frame"] == 494)
    assert f" id 0x{rec['skypeflux.udp.id']:04x} cmd 14 " in line_494
    assert "resend of #372" in line_494
    controls = [r for r in json_lines if r["skypeflux.unit"] == "tcp.control"]
    kinds = Counter(r["skypeflux.info"]["kind"] for r in controls)
    labels = Counter(
        line.split()[6] for line in text if " TCP ack " in line or " TCP filler " in line
    )
    assert labels == Counter({kind: n for kind, n in kinds.items()}) and "ack" in labels
    acks = [line for line in text if " TCP ack " in line]
    assert acks and all(re.search(r" acks id 0x[0-9a-f]{4} ", line) for line in acks)


def test_verbose_says_each_fact_once(skypeirc_path: Path) -> None:
    text = _run("decode", "-V", str(skypeirc_path)).stdout
    records = []
    current: list[str] = []
    for line in text.splitlines():
        if not line.startswith(" " * 4) and current:
            records.append(current)
            current = []
        current.append(line)
    records.append(current)
    for lines in records:
        detail = [
            line.strip()
            for line in lines[1:]
            if line.startswith("    ") and not line.startswith("        ")
        ]
        words = [w for line in detail for w in re.findall(r"\b(?:0x)?([0-9a-f]{8,})\b", line)]
        repeated = [w for w, n in Counter(words).items() if n > 1]
        assert not repeated, (lines[0], repeated)


def test_a_message_shows_every_fragment_seed(json_lines: list[Json]) -> None:
    seeds = {
        r["frame"]: r["skypeflux.seed"] for r in json_lines if r["skypeflux.unit"] == "udp.fragment"
    }
    messages = [
        r for r in json_lines if r["skypeflux.unit"] == "udp.message" and r["skypeflux.verified"]
    ]
    assert len(messages) == 6
    for message in messages:
        assert message["skypeflux.info"]["seeds"] == [seeds[f] for f in message["frames"]]
        assert len(set(message["skypeflux.info"]["seeds"])) == len(message["frames"])
