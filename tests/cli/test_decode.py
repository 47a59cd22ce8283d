"""``decode``, ``flows`` and ``demo`` on the real capture, checked against its published figures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import dpkt
import jsonschema
import pytest
from click.testing import CliRunner, Result

from skypeflux.capture.files.writer import Packet, write_capture
from skypeflux.capture.net import build
from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_NO_SKYPE, EXIT_OK
from skypeflux.outputs.jsonl import load_schema
from tests.helpers.paths import REPO


def _run(*args: str, **kwargs: Any) -> Result:
    result = CliRunner().invoke(cli, list(args), **kwargs)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.fixture(scope="module")
def json_lines(skypeirc_path: Path) -> list[dict[str, Any]]:
    result = _run("decode", "--json", str(skypeirc_path))
    assert result.exit_code == EXIT_OK
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    validator = jsonschema.Draft202012Validator(load_schema())
    summary = lines.pop()  # the run's summary closes the output, in the same schema
    validator.validate(summary)
    assert summary["skypeflux.unit"] == "summary"
    assert summary["skypeflux.info"]["verified"] == sum(
        line["skypeflux.verified"] for line in lines
    )
    return lines


@pytest.fixture(scope="module")
def text_lines(skypeirc_path: Path) -> list[str]:
    result = _run("decode", str(skypeirc_path))
    assert result.exit_code == EXIT_OK
    # no progress in a pipe, no warnings: only the end-of-run summary
    summary = result.stderr.splitlines()
    assert summary[0].startswith("skypeflux: summary: ") and len(summary) == 2
    assert "host 192.168.1.2: " in summary[1] and "public address 86.128.245.115" in summary[1]
    return result.stdout.splitlines()


@pytest.mark.slow
def test_every_json_line_validates(json_lines: list[dict[str, Any]]) -> None:
    validator = jsonschema.Draft202012Validator(load_schema())
    assert json_lines
    for line in json_lines:
        validator.validate(line)


def test_json_matches_the_capture_figures(
    json_lines: list[dict[str, Any]], units_oracle: list[dict[str, Any]]
) -> None:
    # captures/README.md: 233 payload datagrams, 2 resends, 54 fragments, 6 messages, 305 blocks
    def verified(unit: str) -> int:
        return sum(1 for x in json_lines if x["skypeflux.unit"] == unit and x["skypeflux.verified"])

    assert verified("udp.payload") == 233
    assert verified("udp.resend") == 2
    assert verified("udp.fragment") == 54
    assert verified("udp.message") == 6
    assert sum(len(x["skypeflux.blocks"]) for x in json_lines) == 305
    plain = {u["frame"]: u["plaintext"] for u in units_oracle if u["proto"] == "udp"}
    for line in json_lines:
        if line["skypeflux.unit"] in ("udp.payload", "udp.resend", "udp.fragment"):
            assert line["skypeflux.plaintext"] == plain[line["frame"]]


def test_frames_are_in_order(json_lines: list[dict[str, Any]]) -> None:
    frames = [line["frame"] for line in json_lines]
    assert frames == sorted(frames)
    assert all(line["frame.time_relative"] >= 0 for line in json_lines)


def test_times_are_relative_to_the_first_packet(
    skypeirc_path: Path, json_lines: list[dict[str, Any]]
) -> None:
    with skypeirc_path.open("rb") as fh:
        stamps = [ts for ts, _ in dpkt.pcap.Reader(fh)]
    for line in json_lines[:50]:
        assert line["frame.time_epoch"] == pytest.approx(stamps[line["frame"] - 1])
        assert line["frame.time_relative"] == pytest.approx(
            stamps[line["frame"] - 1] - stamps[0], abs=1e-6
        )


def test_text_gives_one_line_per_block(
    text_lines: list[str], json_lines: list[dict[str, Any]]
) -> None:
    expected = sum(max(1, len(line["skypeflux.blocks"])) for line in json_lines)
    assert len(text_lines) == expected
    assert sum(1 for line in text_lines if " cmd " in line) == 305


def test_text_and_json_agree_on_the_verdicts(
    text_lines: list[str], json_lines: list[dict[str, Any]]
) -> None:
    crc_ok = sum(1 for line in text_lines if line.endswith("CRC ok"))
    expected = sum(
        max(1, len(x["skypeflux.blocks"]))
        for x in json_lines
        if x["skypeflux.verified"] and x["skypeflux.verify.method"] == "crc32"
    )
    assert crc_ok == expected


def test_cmd_filter_and_verbose_tree(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "--cmd", "29", "--frame", "219", "-V")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "219" and " cmd 29 " in lines[0]
    # the five supernode addresses of the probe-refused reply (blocks oracle, frame 219)
    for address in ("81.236.228.111:42764", "82.131.18.109:1230"):
        assert any(address in line for line in lines[1:])


def test_addr_and_transport_filters(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "--transport", "tcp", "--addr", "68.206.150.243")
    assert result.exit_code == EXIT_OK
    lines = result.stdout.splitlines()
    assert lines and all("68.206.150.243:57322" in line and " TCP " in line for line in lines)


def test_filters_that_select_nothing_still_exit_0(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "--frame", "1-2")
    assert result.exit_code == EXIT_OK
    assert result.stdout == ""


def test_stdin_gives_the_same_output(skypeirc_path: Path, json_lines: list[dict[str, Any]]) -> None:
    result = _run("decode", "--json", "-", input=skypeirc_path.read_bytes())
    assert result.exit_code == EXIT_OK
    assert [json.loads(line) for line in result.stdout.splitlines()][:-1] == json_lines


def test_flows_table_and_json(skypeirc_path: Path) -> None:
    table = _run("flows", str(skypeirc_path))
    assert table.exit_code == EXIT_OK
    lines = table.stdout.splitlines()
    assert lines[0].split()[:3] == ["transport", "endpoints", "frames"]
    as_json = _run("flows", "--json", str(skypeirc_path))
    flows = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(flows) == len(lines) - 1
    tcp = [flow for flow in flows if flow["transport"] == "tcp"]
    assert sum(flow["verified"] for flow in tcp) >= 8  # 4 connections, 8 verified directions
    assert sum(flow["blocks"] for flow in flows) == 305


def _dns_only_pcap(path: Path) -> None:
    query = b"\x12\x34\x01\x00\x00\x01" + b"\x00" * 6
    frame = build.ethernet(build.udp("10.0.0.1", 5353, "10.0.0.2", 53, query))
    write_capture(path, [Packet(1.0, frame)])


@pytest.mark.parametrize("args", [["decode"], ["decode", "--json"], ["flows"], ["flows", "--json"]])
def test_no_skype_traffic_is_exit_1_with_one_line_saying_so(
    tmp_path: Path, args: list[str]
) -> None:
    path = tmp_path / "dns.pcap"
    _dns_only_pcap(path)  # one UDP packet, DNS
    result = _run(*args, str(path))
    assert result.exit_code == EXIT_NO_SKYPE, result.output
    if args == ["decode", "--json"]:  # only the summary record, saying there was nothing
        (line,) = result.stdout.splitlines()
        summary = json.loads(line)
        assert summary["skypeflux.unit"] == "summary" and summary["skypeflux.info"]["units"] == 0
    else:
        assert result.stdout == ""  # no empty flows table either
    assert result.stderr == f"skypeflux: no Skype traffic in {path} (1 packet: 1 UDP, 0 TCP)\n"


def test_no_skype_traffic_on_stdin_names_standard_input(tmp_path: Path) -> None:
    path = tmp_path / "dns.pcap"
    _dns_only_pcap(path)
    result = _run("decode", "-", input=path.read_bytes())
    assert result.exit_code == EXIT_NO_SKYPE
    assert result.stderr.startswith("skypeflux: no Skype traffic in standard input (1 packet")


def test_filters_selecting_nothing_print_no_no_skype_message(skypeirc_path: Path) -> None:
    result = _run("decode", str(skypeirc_path), "--cmd", "probe_ok", "--transport", "tcp")
    assert result.exit_code == EXIT_OK
    assert result.stdout == "" and result.stderr.startswith("skypeflux: summary: ")
    assert "no Skype traffic" not in result.stderr


def test_demo_decodes_a_given_capture(skypeirc_path: Path) -> None:
    result = _run("demo", "--capture", str(skypeirc_path))
    assert result.exit_code == EXIT_OK
    assert "SkypeIRC.cap" in result.stdout.splitlines()[0]
    assert " cmd 29 " in result.stdout and "endpoints" in result.stdout


def test_closed_pipe_is_quiet(skypeirc_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    code = "from skypeflux.cli.app import main; main()"
    proc = subprocess.Popen(
        [sys.executable, "-c", code, "decode", "-V", "--full", str(skypeirc_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    proc.stdout.close()  # like `| head -1`
    stderr = proc.stderr.read()
    assert proc.wait(timeout=120) == EXIT_OK
    assert first.split()[0].isdigit()
    assert stderr == b""


def test_truncated_capture_decodes_up_to_the_cut(skypeirc_path: Path, tmp_path: Path) -> None:
    data = skypeirc_path.read_bytes()
    cut = tmp_path / "cut.cap"
    cut.write_bytes(data[: len(data) // 2 + 7])  # ends inside a packet record
    result = _run("decode", "--json", str(cut))
    assert result.exit_code == EXIT_OK
    assert result.stderr.startswith("skypeflux: warning: ") and "truncated" in result.stderr
    frames = [json.loads(line)["frame"] for line in result.stdout.splitlines()]
    assert frames and max(frames) < 2263


def test_capture_cut_inside_its_header_is_exit_4(skypeirc_path: Path, tmp_path: Path) -> None:
    cut = tmp_path / "header.cap"
    cut.write_bytes(skypeirc_path.read_bytes()[:10])
    result = _run("decode", str(cut))
    assert result.exit_code == 4
    assert result.stderr.startswith("skypeflux: error: ")
