"""``skypeflux synth`` and ``skypeflux demo``: built-ins, files, seeds, errors, and a demo that
needs nothing beside the package."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

from click.testing import CliRunner

from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_OK, EXIT_UNREADABLE, EXIT_UNVERIFIED, EXIT_USAGE
from tests.helpers.paths import REPO

BUILTINS = ["lossy", "mid-session", "nat-login", "public-host", "tls-443", "unanswered"]


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_list_names_every_builtin_with_its_description() -> None:
    code, out, _ = _run("synth", "--list")
    assert code == EXIT_OK
    assert [line.split()[0] for line in out.splitlines()] == BUILTINS
    assert all(len(line.split()) > 3 for line in out.splitlines())


def test_synth_writes_what_decode_reads(tmp_path: Path) -> None:
    out = tmp_path / "login.pcapng"
    code, _, err = _run("synth", "nat-login", "-o", str(out))
    assert code == EXIT_OK
    assert out.read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"
    assert err.startswith(f"skypeflux: wrote {out} (pcapng): nat-login (seed 1): ")
    assert "0 lost" in err
    code, text, _ = _run("decode", str(out))
    assert code == EXIT_OK
    assert "cmd 36 address_reply?" in text and "UDP message (9 frags)" in text
    assert "(NAck in frame " in text and ", confirmed by the CRC of frame " in text


def test_seed_decides_the_bytes(tmp_path: Path) -> None:
    paths = [tmp_path / f"{n}.pcap" for n in range(3)]
    for path, seed in zip(paths, ["5", "5", "6"], strict=True):
        assert _run("synth", "public-host", "--seed", seed, "-o", str(path))[0] == EXIT_OK
    one, same, other = (p.read_bytes() for p in paths)
    assert one == same != other and one[:4] == b"\xd4\xc3\xb2\xa1"


def test_show_prints_a_file_that_synth_takes_back(tmp_path: Path) -> None:
    code, text, _ = _run("synth", "--show", "tls-443")
    assert code == EXIT_OK and tomllib.loads(text)["scenario"]["name"] == "tls-443"
    mine = tmp_path / "mine.toml"
    mine.write_text(text.replace("mss = 61", "mss = 7"))
    code, _, err = _run("synth", str(mine), "-o", str(tmp_path / "mine.pcap"), "--format", "pcapng")
    assert code == EXIT_OK and "(pcapng)" in err
    assert (tmp_path / "mine.pcap").read_bytes()[:4] == b"\x0a\x0d\x0d\x0a"


def test_lossy_summary_lists_what_was_lost(tmp_path: Path) -> None:
    code, _, err = _run("synth", "lossy", "--seed", "3", "-o", str(tmp_path / "l.pcap"))
    assert code == EXIT_OK
    lost = [line for line in err.splitlines() if line.startswith("  lost: ")]
    assert lost and all("events[" in line for line in lost)
    assert f"{len(lost)} lost" in err.splitlines()[0]


def test_errors_name_the_file_and_the_key(tmp_path: Path) -> None:
    code, _, err = _run("synth", "nowhere", "-o", str(tmp_path / "x.pcap"))
    assert code == EXIT_USAGE and "no built-in scenario 'nowhere'" in err and "nat-login" in err
    code, _, err = _run("synth", str(tmp_path / "missing.toml"), "-o", str(tmp_path / "x.pcap"))
    assert code == EXIT_UNREADABLE and "missing.toml: no such file" in err
    bad = tmp_path / "bad.toml"
    bad.write_text(_run("synth", "--show", "public-host")[1].replace("probe_ok", "probe_okk"))
    code, _, err = _run("synth", str(bad), "-o", str(tmp_path / "x.pcap"))
    assert code == EXIT_USAGE
    assert err.startswith(f"skypeflux: error: {bad}: events[1].messages[0].command: ")
    assert "unknown command 'probe_okk'; did you mean probe_ok" in err
    broken = tmp_path / "broken.toml"
    broken.write_text("[scenario]\nname = \n")
    code, _, err = _run("synth", str(broken), "-o", str(tmp_path / "x.pcap"))
    assert code == EXIT_USAGE and "line 2" in err
    code, _, err = _run("synth", "nat-login")
    assert code == EXIT_USAGE and "-o OUT" in err
    assert not (tmp_path / "x.pcap").exists()


def test_synth_to_standard_output() -> None:
    result = CliRunner().invoke(cli, ["synth", "unanswered", "-o", "-"])
    assert result.exit_code == EXIT_OK
    assert result.stdout_bytes[:4] == b"\xd4\xc3\xb2\xa1" and len(result.stdout_bytes) > 200


def test_demo_needs_nothing_beside_the_package(tmp_path: Path) -> None:
    # from an empty folder, with no ../shared and no environment hint: the synthesized capture
    env = {k: v for k, v in os.environ.items() if k != "SKYPEFLUX_SHARED"}
    env["PYTHONPATH"] = str(REPO / "src")
    proc = subprocess.run(
        [sys.executable, "-m", "skypeflux", "demo"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == EXIT_OK, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("# skypeflux decode synthesized nat-login")
    assert any("192.168.1.2 is 86.128.245.115 (NAck in frame " in line for line in lines)
    assert any("cmd 31 client_ok reply" in line for line in lines)
    assert any("cmd 36 address_reply? reply" in line and "CRC ok" in line for line in lines)
    assert "# skypeflux flows" in proc.stdout
    assert proc.stderr.startswith("skypeflux: summary: ")  # and nothing else: no warning
    assert "warning" not in proc.stderr and "host 192.168.1.2: " in proc.stderr


def test_unanswered_is_what_recover_ip_is_for(tmp_path: Path) -> None:
    capture = tmp_path / "unanswered.pcap"
    assert _run("synth", "unanswered", "--seed", "4", "-o", str(capture))[0] == EXIT_OK
    code, text, err = _run("decode", str(capture))
    # Skype found, none of it verified (exit 7); the summary points at recover-ip
    assert code == EXIT_UNVERIFIED and text.count("public address unknown") == 4
    assert "skypeflux recover-ip" in err
    code, out, _ = _run(
        "recover-ip", str(capture), "--range", "84.228.0.0/16", "--no-progress",
        "--checkpoint", str(tmp_path / "ck.json"),
    )  # fmt: skip
    assert code == EXIT_OK and "10.0.0.23: 84.228.208.91" in out
    code, text, _ = _run("decode", str(capture), "--public-ip", "10.0.0.23=84.228.208.91")
    assert code == EXIT_OK and text.count("CRC ok") == 4
