"""Seeds and decryption against spec/protocol.md 1.2, 1.4, Appendix A and SkypeIRC.cap.

The TCP header (spec 2.1) is tested with its layout, in tests/wire/test_tcp_stream.py.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import dpkt
import pytest

from skypeflux.crypto import CryptoError, decrypt, skype_crc32
from skypeflux.crypto.seeds import (
    resend_seed,
    udp_seed,
    udp_seed_input,
)
from tests.helpers.backends import BACKENDS, crypto_backend


def test_seed_input_layout_and_crc_spec_1_2() -> None:
    data = udp_seed_input("0.0.0.0", "24.98.66.80", 0x7F4E)
    assert data == bytes.fromhex("00000000504262184e7f0000")
    assert skype_crc32(data) == 0x3352DC77
    assert udp_seed(0, "24.98.66.80", 0x7F4E, 0x118AC037) == 0x22D81C40


@pytest.mark.parametrize("backend", BACKENDS)
def test_first_silver_needle_probe(backend: str) -> None:
    datagram = bytes.fromhex("7f4e02118ac037fc95755e5eb9817a8efa81")
    packet_id = int.from_bytes(datagram[0:2], "big")
    iv = int.from_bytes(datagram[3:7], "big")
    crc = int.from_bytes(datagram[7:11], "big")
    seed = udp_seed("0.0.0.0", "24.98.66.80", packet_id, iv)
    plaintext = decrypt(seed, datagram[11:], backend=crypto_backend(backend))
    assert plaintext == bytes.fromhex("04da017f4d4215")
    assert skype_crc32(plaintext) == crc == 0xFC95755E


@pytest.mark.parametrize("backend", BACKENDS)
def test_second_silver_needle_probe(backend: str) -> None:
    datagram = bytes.fromhex("7f4602093763fbf28624e69a8329084bc6a8")
    seed = udp_seed(
        "0.0.0.0",
        "212.70.204.209",
        int.from_bytes(datagram[0:2], "big"),
        int.from_bytes(datagram[3:7], "big"),
    )
    plaintext = decrypt(seed, datagram[11:], backend=crypto_backend(backend))
    assert plaintext == bytes.fromhex("04da017f454215")
    assert skype_crc32(plaintext) == int.from_bytes(datagram[7:11], "big") == 0xF28624E6


def test_appendix_a_udp_333_seed() -> None:
    assert udp_seed("82.253.163.244", "86.128.245.115", 0x0693, 0x301AE02E) == 0x34302103


@pytest.mark.parametrize("backend", BACKENDS)
def test_appendix_a_udp_333_from_the_capture(
    backend: str, frames: dict[int, tuple[str, str, bytes]]
) -> None:
    src, dst, datagram = frames[333]
    # Appendix A prints this datagram without its ciphertext bytes 08 40 43 (a listing slip);
    # the rest of the listing is the captured frame.
    listed = bytes.fromhex("069302301ae02e4444c7370659d06477b54abf35359965")
    assert datagram[:11] == listed[:11] and datagram[14:] == listed[11:]
    assert (src, dst) == ("82.253.163.244", "192.168.1.2")  # behind NAT: use the public address
    seed = udp_seed(src, "86.128.245.115", 0x0693, int.from_bytes(datagram[3:7], "big"))
    plaintext = decrypt(seed, datagram[11:], backend=crypto_backend(backend))
    assert plaintext == bytes.fromhex("0ca302161642fcdf1c73f58056968c")
    assert skype_crc32(plaintext) == int.from_bytes(datagram[7:11], "big")


def test_resend_seed_spec_1_4() -> None:
    assert resend_seed(0x15F2, 0x24499EB8) == 0x24498B4A


@pytest.mark.parametrize(
    ("call", "args"),
    [
        (udp_seed_input, ("0.0.0.0", "1.2.3.4", 0x10000)),
        (udp_seed_input, ("1.2.3", "1.2.3.4", 1)),
        (udp_seed_input, (-1, "1.2.3.4", 1)),
        (udp_seed, (0, 0, 1, 1 << 32)),
        (resend_seed, (1, -1)),
    ],
)
def test_bad_seed_arguments(call: Any, args: tuple[Any, ...]) -> None:
    with pytest.raises(CryptoError):
        call(*args)


# --- the real capture --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def frames(skypeirc_path: Path) -> dict[int, tuple[str, str, bytes]]:
    """Frame number (1-based) -> (src ip, dst ip, UDP/TCP payload) for IPv4 UDP/TCP frames."""
    out: dict[int, tuple[str, str, bytes]] = {}
    with skypeirc_path.open("rb") as fh:
        for number, (_, raw) in enumerate(dpkt.pcap.Reader(fh), start=1):
            ip = dpkt.ethernet.Ethernet(raw).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.udp.UDP | dpkt.tcp.TCP):
                src, dst = socket.inet_ntoa(ip.src), socket.inet_ntoa(ip.dst)
                out[number] = (src, dst, bytes(ip.data.data))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_udp_unit_in_the_capture(
    backend: str,
    frames: dict[int, tuple[str, str, bytes]],
    units_oracle: list[dict[str, Any]],
) -> None:
    """Seeds from the oracle's inputs, ciphertext from the capture, CRC from the datagram."""
    units = [u for u in units_oracle if u["proto"] == "udp"]
    assert len(units) == 289
    for unit in units:
        packet_id = int(unit["id"], 16)
        if unit["type"] in ("03", "23"):
            seed = resend_seed(packet_id, int(unit["challenge"], 16))
        else:
            seed = udp_seed(unit["public_src"], unit["public_dst"], packet_id, int(unit["iv"], 16))
            assert udp_seed_input(
                unit["public_src"], unit["public_dst"], packet_id
            ) == bytes.fromhex(unit["crc_input"])
        assert f"{seed:08x}" == unit["seed"], unit["frame"]
        payload = frames[unit["frame"]][2]
        plaintext = decrypt(
            seed, payload[unit["payload_offset"] :], backend=crypto_backend(backend)
        )
        assert plaintext.hex() == unit["plaintext"], unit["frame"]
        assert f"{skype_crc32(plaintext):08x}" == unit["crc"], unit["frame"]
