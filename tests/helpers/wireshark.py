"""Running the Lua plugin: under plain lua5.2/lua5.4 (the codecs) and inside the real tshark.

The tools are Debian packages that ``.ci/run`` installs; a missing one is an error here, not a
skip, because a run without them would prove nothing about the plugin.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import dpkt

from skypeflux.capture.files.writer import Interface, write_capture
from skypeflux.capture.files.writer import Packet as FilePacket
from skypeflux.outputs.wireshark import KEYLOG_PREFERENCE, plugin_path

DRIVER = Path(__file__).resolve().parents[1] / "wireshark" / "lua_driver.lua"
LUAS = ("lua5.2", "lua5.4")
HEURISTIC_FIRST = ("-o", "udp.try_heuristic_first:TRUE", "-o", "tcp.try_heuristic_first:TRUE")


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise FileNotFoundError(
            f"{name} is not installed: apt-get install -y tshark lua5.2 lua5.4 (.ci/run does)"
        )
    return found


def run_lua(lua: str, requests: Iterable[str]) -> list[dict[str, Any]]:
    """Send one request a line to the driver under ``lua``; its JSON answers, in order."""
    lines = list(requests)
    done = subprocess.run(
        [tool(lua), str(DRIVER), str(plugin_path())],
        input="".join(line + "\n" for line in lines),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(answers) == len(lines), done.stderr
    return answers


def tshark(
    capture: Path,
    *args: str,
    keylog: Path | None = None,
    two_pass: bool = False,
    check: bool = True,
) -> str:
    """tshark with the plugin loaded (and the key log, when given); stdout and stderr."""
    command = [tool("tshark"), "-n", "-X", f"lua_script:{plugin_path()}", "-r", str(capture)]
    if keylog is not None:
        command += ["-o", f"{KEYLOG_PREFERENCE}:{keylog}"]
    if two_pass:
        command.append("-2")
    done = subprocess.run(
        [*command, *args], capture_output=True, text=True, timeout=300, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(f"tshark failed ({done.returncode}): {done.stderr}")
    return done.stdout + done.stderr


def fields(capture: Path, names: Sequence[str], *args: str, **kw: Any) -> list[list[str]]:
    """``-T fields`` rows (one list of column strings per displayed packet)."""
    flags = [x for name in names for x in ("-e", name)]
    out = tshark(capture, "-T", "fields", *flags, *args, **kw)
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        if len(cols) == len(names) and cols[0].isdigit():
            rows.append(cols)
    return rows


# -- the dissector under plain Lua, on a stand-in for Wireshark's API ----------------------

FAKE = Path(__file__).resolve().parents[1] / "wireshark" / "fake_wireshark.lua"


def packet_lines(capture: Path) -> str:
    """The capture's UDP and TCP payloads, one a line, for ``fake_wireshark.lua`` (read with
    tshark; a datagram quoted in an ICMP error is marked as such, as Wireshark tells the
    dissector)."""
    names = [
        "frame.number",
        "ip.src",
        "ip.dst",
        "udp.srcport",
        "udp.dstport",
        "tcp.srcport",
        "tcp.dstport",
        "tcp.seq_raw",
        "udp.payload",
        "tcp.payload",
        "icmp.type",
    ]
    out = tshark(
        capture,
        "-T",
        "fields",
        *(x for n in names for x in ("-e", n)),
        "-Y",
        "udp.payload || tcp.payload",
    )
    lines = []
    for row in out.splitlines():
        cols = row.split("\t")
        if len(cols) != len(names) or not cols[0].isdigit():
            continue
        frame, src, dst, usp, udp_, tsp, tdp, seq, upl, tpl, icmp = (c.split(",")[-1] for c in cols)
        quoted = "1" if icmp else "0"
        if usp:
            lines.append(f"{frame} udp {src} {usp} {dst} {udp_} - {quoted} {upl}")
        else:
            lines.append(f"{frame} tcp {src} {tsp} {dst} {tdp} {seq} {quoted} {tpl}")
    return "".join(line + "\n" for line in lines)


def fake_wireshark(lua: str, packets: Path, keylog: Path | None = None) -> list[dict[str, Any]]:
    """What the dissector adds to each frame it takes (second of two passes), under ``lua``."""
    command = [tool(lua), str(FAKE), str(plugin_path()), str(packets)]
    if keylog is not None:
        command.append(str(keylog))
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
    return [json.loads(line) for line in done.stdout.splitlines()]


def fake_columns(frames: list[dict[str, Any]]) -> dict[int, list[tuple[Any, ...]]]:
    """cmd, reqid and reply-to values per frame, in the shape of :func:`as_columns`."""
    out = {}
    for item in frames:
        values: dict[str, list[Any]] = defaultdict(list)
        for name, value in item["fields"]:
            values[name].append(value)
        if values["skypeflux.cmd"]:
            out[item["frame"]] = [
                tuple(values["skypeflux.cmd"]),
                tuple(values["skypeflux.reqid"]),
                tuple(values["skypeflux.reply_to_frame"]),
            ]
    return out


# -- what the product found, in the shapes tshark prints -------------------------------------


def unit_lines(stdout: str) -> list[dict[str, Any]]:
    """The records of ``decode --json`` output, without its closing summary line."""
    lines = [json.loads(line) for line in stdout.splitlines()]
    return [r for r in lines if r.get("skypeflux.unit") != "summary"]

UDP_UNITS = {"udp.payload", "udp.resend", "udp.fragment", "udp.ack", "udp.nack", "udp.other"}


def blocks_by_frame(records: list[dict[str, Any]]) -> dict[int, list[tuple[Any, ...]]]:
    """(cmd, reqid, reply-to frame) of every block, by the frame its record is reported at."""
    out: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for record in records:
        for b in record["skypeflux.blocks"]:
            out[record["frame"]].append(
                (b["skypeflux.cmd"], b["skypeflux.reqid"], b["skypeflux.reply_to_frame"])
            )
    return dict(out)


def as_columns(expected: dict[int, list[tuple[Any, ...]]]) -> dict[int, list[tuple[Any, ...]]]:
    """decode --json blocks in tshark's shape: per frame, all cmds, all reqids, all reply-tos."""
    return {
        frame: [
            tuple(b[0] for b in blocks),
            tuple(b[1] for b in blocks if b[1] is not None),
            tuple(b[2] for b in blocks if b[2] is not None),
        ]
        for frame, blocks in expected.items()
    }


def skype_frames(decoded: list[dict[str, Any]]) -> tuple[set[int], set[tuple[str, str]]]:
    """UDP frames and TCP directions the product proved to be Skype."""
    udp = {r["frame"] for r in decoded if r["skypeflux.unit"] in UDP_UNITS}
    tcp = {
        (f"{r['ip.src']}:{r['srcport']}", f"{r['ip.dst']}:{r['dstport']}")
        for r in decoded
        if r["transport"] == "tcp" and r["skypeflux.unit"] != "note"
    }
    return udp, tcp


# -- edited copies of a capture -------------------------------------------------------------


def read_pcap(path: Path) -> tuple[int, list[tuple[float, bytes]]]:
    """The link type and (time, bytes) of every packet of a pcap or pcapng of one link type
    (dpkt reads any link type; the product's reader refuses those it cannot decode)."""
    with path.open("rb") as fh:
        reader = dpkt.pcap.UniversalReader(fh)
        return reader.datalink(), [(ts, bytes(buf)) for ts, buf in reader]


def write_pcap(
    path: Path, linktype: int, packets: Iterable[tuple[float, bytes]], snap: int | None = None
) -> Path:
    """A classic pcap (the product's writer); ``snap`` cuts every packet to that many bytes,
    keeping its original length, as a capture with a small snap length does."""
    out = [
        FilePacket(ts, buf if snap is None else buf[:snap], wirelen=len(buf)) for ts, buf in packets
    ]
    write_capture(path, out, format="pcap", interfaces=[Interface(linktype)])
    return path


class _AddressMap:
    """A consistent renaming of IPv4 addresses and ports: private stays private, public public."""

    def __init__(self) -> None:
        self.ips: dict[bytes, bytes] = {}
        self.ports: dict[int, int] = {}

    def ip(self, raw: bytes) -> bytes:
        if raw not in self.ips:
            n = len(self.ips) + 1
            private = raw[0] == 10 or raw[:2] == b"\xc0\xa8" or raw[:1] == b"\xac"
            first = (10, 9) if private else (23, 7)
            self.ips[raw] = bytes([*first, n >> 8, n & 0xFF])
        return self.ips[raw]

    def port(self, port: int) -> int:
        if port == 53:
            return port
        if port not in self.ports:
            self.ports[port] = 40000 + len(self.ports) * 7
        return self.ports[port]


_SKYPE_CIPHERTEXT_AT = {0x02: 11, 0x03: 16, 0x0F: 15}


def mutate(source: Path, target: Path, seed: int = 1) -> Path:
    """A copy whose every address and port is renamed (also inside ACK/NAck/resend payloads),
    whose encrypted bytes are replaced by random ones, and whose DNS queries are edited to
    look like Skype payloads: what the heuristic may use (layouts, the first 24 bytes of each
    TCP direction) stays, everything it must not rely on changes."""
    rng = random.Random(seed)
    linktype, packets = read_pcap(source)
    names = _AddressMap()
    starts: dict[tuple[bytes, int, bytes, int], int] = {}
    out = []
    for ts, buf in packets:
        eth = dpkt.ethernet.Ethernet(buf)
        ip = eth.data
        if not isinstance(ip, dpkt.ip.IP) or isinstance(ip.data, bytes):
            out.append((ts, buf))
            continue
        layer = ip.data
        if isinstance(layer, dpkt.udp.UDP):
            data = bytearray(bytes(layer.data)[: layer.ulen - 8])
            _mutate_udp(data, layer, names, rng)
            layer.data = bytes(data)
        elif isinstance(layer, dpkt.tcp.TCP) and layer.data:
            key = (ip.src, layer.sport, ip.dst, layer.dport)
            start = starts.setdefault(key, layer.seq)
            data = bytearray(layer.data)
            offset = (layer.seq - start) % 2**32
            for i in range(len(data)):
                if offset + i >= 24:
                    data[i] = rng.randrange(256)
            layer.data = bytes(data)
        if isinstance(layer, dpkt.udp.UDP | dpkt.tcp.TCP):
            layer.sport, layer.dport = names.port(layer.sport), names.port(layer.dport)
            layer.sum = 0
        ip.src, ip.dst = names.ip(ip.src), names.ip(ip.dst)
        ip.sum = 0
        eth.data = ip
        out.append((ts, bytes(eth)))
    return write_pcap(target, linktype, out)


def _mutate_udp(data: bytearray, udp: Any, names: _AddressMap, rng: random.Random) -> None:
    skype = 35990 in (udp.sport, udp.dport)
    if skype and len(data) >= 3:
        kind = data[2] & 0x8F
        at = _SKYPE_CIPHERTEXT_AT.get(kind)
        if at is not None:
            for i in range(at, len(data)):
                data[i] = rng.randrange(256)
        if kind in (0x05, 0x07) and len(data) >= 7:
            data[3:7] = names.ip(bytes(data[3:7]))
        if kind == 0x03 and len(data) >= 12:
            data[8:12] = names.ip(bytes(data[8:12]))
    elif udp.dport == 53 and len(data) >= 14 and rng.random() < 0.3:
        data[2] = 0x02  # a query that now has a Skype payload's layout


def flip_bits(source: Path, target: Path, seed: int, share: float = 0.3, after: int = 34) -> Path:
    """A copy in which ``share`` of the packets have a few random bits flipped past byte
    ``after`` (34: Ethernet and IPv4 headers stay readable, so the damage reaches UDP, TCP and
    Skype; in an export, past the tags, the plaintext)."""
    rng = random.Random(seed)
    linktype, packets = read_pcap(source)
    out = []
    for ts, buf in packets:
        data = bytearray(buf)
        if len(data) > after + 6 and rng.random() < share:
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(after, len(data))
                data[i] ^= 1 << rng.randrange(8)
        out.append((ts, bytes(data)))
    return write_pcap(target, linktype, out)
