"""synth output in the real tshark: every packet read, no malformed packet or bad checksum in
the IPv4, UDP and TCP layers, for pcap and pcapng.

tshark is an independent reader of both file formats and of every header the builders write;
its checksum checks are switched on. Expert items of the TCP *sequence* group (out of order,
retransmission, previous segment not captured) are what the lossy scenario is made to show,
so they are allowed; anything else tshark says about IP, UDP or TCP fails. (The pseudo-TLS
hello of tls-443 is not real TLS, so tshark's TLS dissector complains about it: not a layer
this test covers, and Skype's own hello did the same.) CI installs tshark (.ci/run); elsewhere
a missing tshark skips these tests.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from skypeflux.capture.synth import builtin_names, load_scenario, synthesize

TSHARK = shutil.which("tshark")
LAYERS = {"IP", "IPv4", "UDP", "TCP"}
ITEM = re.compile(r"^\s+(\d+)\s+(\S+)\s+(\S+)\s+(.*)$")

pytestmark = pytest.mark.skipif(
    TSHARK is None and os.environ.get("CI", "").lower() not in ("1", "true", "yes"),
    reason="tshark is not installed (CI installs it: apt-get install tshark)",
)


def _tshark(*args: str) -> str:
    assert TSHARK is not None, "CI=true needs tshark (.ci/run installs it)"
    proc = subprocess.run(
        [
            TSHARK,
            "-n",
            "-o",
            "ip.check_checksum:TRUE",
            "-o",
            "udp.check_checksum:TRUE",
            "-o",
            "tcp.check_checksum:TRUE",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def _expert_items(path: Path) -> list[tuple[str, str, str, str]]:
    """(severity section, group, protocol, summary) of every expert item tshark reports."""
    items, section = [], ""
    for line in _tshark("-r", str(path), "-q", "-z", "expert").splitlines():
        if line and not line.startswith(" ") and "(" in line:
            section = line.split(" (")[0]
        match = ITEM.match(line)
        if match and match.group(1).isdigit():
            _, group, protocol, summary = match.groups()
            items.append((section, group, protocol, summary))
    return items


@pytest.mark.parametrize("fmt", ["pcap", "pcapng"])
@pytest.mark.parametrize("name", builtin_names())
def test_tshark_reads_synth_output_cleanly(tmp_path: Path, name: str, fmt: str) -> None:
    synth = synthesize(load_scenario(name), seed=2)
    path = tmp_path / f"{name}.{fmt}"
    synth.write(path, fmt)  # type: ignore[arg-type]
    frames = _tshark("-r", str(path), "-T", "fields", "-e", "frame.number", "-e", "frame.protocols")
    rows = [line.split("\t") for line in frames.splitlines()]
    assert len(rows) == len(synth.items)
    assert all(":ip" in protocols for _, protocols in rows)
    tcp = sum(1 for _, protocols in rows if ":tcp" in protocols)
    assert tcp == sum(1 for item in synth.items if item.ip[9] == 6)
    whole_udp = [i for i in synth.items if i.ip[9] == 17 and not i.ip[6] & 0x3F and not i.ip[7]]
    assert sum(1 for _, protocols in rows if ":udp" in protocols) >= len(whole_udp)
    items = _expert_items(path)
    if tcp:  # a TCP handshake is always an expert "chat": proof the summary was parsed
        assert any(item[2] == "TCP" and "SYN" in item[3] for item in items)
    bad = [
        item
        for item in items
        if item[2] in LAYERS and (item[1] != "Sequence" or item[0] == "Errors")
    ]
    assert bad == []
    assert not [
        item for item in items if item[1] in ("Malformed", "Checksum") and item[2] in LAYERS
    ]
