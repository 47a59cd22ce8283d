"""``skypeflux recover-ip`` end to end, on a synthesized NATed host with a random public address
and nothing in the capture that tells it (no NAck, no ACK, no object 0x11, no reply)."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from skypeflux.capture.skype import recovery
from skypeflux.cli import recovery_run
from skypeflux.cli.app import cli
from skypeflux.cli.errors import EXIT_INTERRUPTED, EXIT_NO_SKYPE, EXIT_OK
from tests.helpers.nated import HOST, NatedCapture, nated_capture

WITHIN = "81.56.0.0/16"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def capture(tmp_path: Path) -> NatedCapture:
    return nated_capture(tmp_path / "nat.pcap", within=WITHIN)


def _recover(runner: CliRunner, capture: NatedCapture, *args: str) -> tuple[int, str]:
    checkpoint = str(capture.path.with_suffix(".ck"))
    result = runner.invoke(
        cli, ["recover-ip", str(capture.path), "--checkpoint", checkpoint, *args]
    )
    return result.exit_code, result.stdout


def _decoded_units(runner: CliRunner, capture: Path, *args: str) -> list[tuple[int, bool]]:
    result = runner.invoke(cli, ["decode", str(capture), "--json", *args])
    return [
        (row["frame"], row["skypeflux.verified"])
        for row in map(json.loads, result.stdout.splitlines())
        if row["skypeflux.unit"] == "udp.payload"
    ]


def test_the_address_is_found_and_then_every_datagram_verifies(
    runner: CliRunner, capture: NatedCapture, tmp_path: Path
) -> None:
    assert _decoded_units(runner, capture.path) in ([], [(f, False) for f in range(1, 7)])
    addresses = tmp_path / "addresses.txt"
    code, out = _recover(runner, capture, "--range", WITHIN, "-o", str(addresses))
    assert code == EXIT_OK, out
    assert out.splitlines()[-1] == f"--public-ip {HOST}={capture.public}"
    assert addresses.read_text() == f"{HOST}={capture.public}\n"
    units = _decoded_units(runner, capture.path, "--addresses", str(addresses))
    assert units == [(frame, True) for frame in range(1, capture.datagrams + 1)]


def test_a_range_without_the_address_reports_none(runner: CliRunner, capture: NatedCapture) -> None:
    code, out = _recover(runner, capture, "--range", "81.57.0.0/16")
    assert code == EXIT_NO_SKYPE
    assert f"{HOST}: no address found (searched everything asked): 65,536 candidates" in out
    assert "--public-ip" not in out


@pytest.mark.slow  # starts a Dask local cluster
def test_the_same_through_dask_local(runner: CliRunner, capture: NatedCapture) -> None:
    args = ("--dask", "local", "--jobs", "2", "--chunk-size", "8192")
    code, out = _recover(runner, capture, "--range", WITHIN, *args)
    assert code == EXIT_OK and out.splitlines()[-1] == f"--public-ip {HOST}={capture.public}"
    code, out = _recover(runner, capture, "--range", "81.57.0.0/16", *args)
    assert code == EXIT_NO_SKYPE and "65,536 candidates" in out


def test_a_chance_crc_hit_on_the_first_datagram_is_rejected(
    runner: CliRunner, tmp_path: Path
) -> None:
    # The shortest datagram (searched first) is keyed with another address and holds valid
    # blocks: its CRC matches there, but no other datagram of the host confirms it.
    decoy = ("81.56.200.1", bytes.fromhex("04da0115e74215"))
    capture = nated_capture(tmp_path / "decoy.pcap", within=WITHIN, decoy=decoy)
    code, out = _recover(runner, capture, "--range", WITHIN)
    assert code == EXIT_NO_SKYPE, out
    assert "no address found" in out and "1 chance CRC hit(s) rejected" in out
    state = json.loads(capture.path.with_suffix(".ck").read_text())["hosts"][HOST]
    assert [v["address"] for v in state["rejected"]] == ["81.56.200.1"]
    assert state["found"] is None


def test_an_interrupted_search_resumes_from_its_checkpoint(
    runner: CliRunner, capture: NatedCapture, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = recovery.search_chunk
    starts: list[int] = []

    def interrupted(datagrams: object, start: int, stop: int, backend: str) -> object:
        if len(starts) == 3:
            raise KeyboardInterrupt
        starts.append(start)
        return real(datagrams, start, stop, backend)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery_run, "search_chunk", interrupted)
    args = ("--range", WITHIN, "--jobs", "1", "--chunk-size", "4096")
    code, _ = _recover(runner, capture, *args)
    assert code == EXIT_INTERRUPTED
    saved = json.loads(capture.path.with_suffix(".ck").read_text())["hosts"][HOST]
    assert saved["done"] == [[0, 3]] and saved["tried"] == 3 * 4096 and not saved["finished"]

    resumed: list[int] = []

    def counting(datagrams: object, start: int, stop: int, backend: str) -> object:
        resumed.append(start)
        return real(datagrams, start, stop, backend)  # type: ignore[arg-type]

    monkeypatch.setattr(recovery_run, "search_chunk", counting)
    code, out = _recover(runner, capture, *args, "--resume")
    assert code == EXIT_OK and out.splitlines()[-1] == f"--public-ip {HOST}={capture.public}"
    assert not set(starts) & set(resumed)  # nothing done before is searched again
    third, fourth = capture.public.split(".")[2:]
    base = 0x51380000  # 81.56.0.0
    found_at = base + (int(third) * 256 + int(fourth)) // 4096 * 4096
    assert min(resumed) == base + 3 * 4096 and found_at in resumed  # from where it stopped
    code, again = _recover(runner, capture, *args, "--resume")  # a finished search: the result
    assert code == EXIT_OK and again.splitlines()[-1] == out.splitlines()[-1] and len(resumed) > 0


def test_dask_without_its_extra_is_a_usage_error_saying_what_to_install(
    runner: CliRunner, capture: NatedCapture, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = importlib.import_module

    def without_distributed(name: str, package: str | None = None) -> object:
        if name == "distributed":
            raise ModuleNotFoundError("No module named 'distributed'")
        return real(name, package)

    monkeypatch.setattr(importlib, "import_module", without_distributed)
    result = runner.invoke(
        cli, ["recover-ip", str(capture.path), "--range", WITHIN, "--dask", "local",
              "--checkpoint", str(capture.path.with_suffix(".ck"))],
    )  # fmt: skip
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "pip install 'skypeflux[dask]'" in lines[0]


def test_resume_without_a_checkpoint_is_a_usage_error(
    runner: CliRunner, capture: NatedCapture
) -> None:
    code, _ = _recover(runner, capture, "--range", WITHIN, "--resume")
    assert code == 2


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\x00\x01 not json", "is not a recover-ip checkpoint"),
        (b'{"version": 1, "hosts": {"192.168.1.2": {"done": []}}}', "a damaged recover-ip"),
        (b'{"version": 1, "hosts": {"h": {"done": [[0, 1e300]]}}}', "a damaged recover-ip"),
    ],
)
def test_a_checkpoint_that_is_not_one_is_a_usage_error(
    runner: CliRunner, capture: NatedCapture, content: bytes, words: str
) -> None:
    checkpoint = capture.path.with_suffix(".ck")
    checkpoint.write_bytes(content)
    command = ["recover-ip", str(capture.path), "--checkpoint", str(checkpoint)]
    result = runner.invoke(cli, [*command, "--range", WITHIN, "--resume"])
    assert result.exit_code == 2 and words in result.stderr, result.stderr


def test_a_bad_range_or_host_is_a_usage_error(runner: CliRunner, capture: NatedCapture) -> None:
    assert _recover(runner, capture, "--range", "81.56.0.0/40")[0] == 2
    assert _recover(runner, capture, "--host", "999.1.1.1")[0] == 2


def test_the_pure_back_end_finds_the_same_address(
    runner: CliRunner, capture: NatedCapture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # SKYPEFLUX_BACKEND reaches the workers: the pure search (slow, so a /22 around it).
    monkeypatch.setenv("SKYPEFLUX_BACKEND", "pure")
    third = int(capture.public.split(".")[2]) & ~3
    code, out = _recover(runner, capture, "--range", f"81.56.{third}.0/22")
    assert code == EXIT_OK and out.splitlines()[-1] == f"--public-ip {HOST}={capture.public}"
    assert "M/s" in out.splitlines()[0]
