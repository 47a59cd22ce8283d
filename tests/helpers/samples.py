"""Real datagrams of the host's Skype port in SkypeIRC.cap, read with dpkt."""

from __future__ import annotations

from pathlib import Path

import dpkt

from skypeflux.ipv4 import ip_text

SKYPE_PORT = 35990
HOST_PUBLIC = "86.128.245.115"


def skype_datagrams(path: Path) -> list[tuple[int, str, str, bytes]]:
    """(frame number, source ip, destination ip, UDP payload) on the host's Skype port."""
    out = []
    with path.open("rb") as fh:
        for number, (_, buf) in enumerate(dpkt.pcap.Reader(fh), start=1):
            ip = dpkt.ethernet.Ethernet(buf).data
            if isinstance(ip, dpkt.ip.IP) and isinstance(ip.data, dpkt.udp.UDP):
                udp = ip.data
                if SKYPE_PORT in (udp.sport, udp.dport):
                    src, dst = (
                        ip_text(int.from_bytes(ip.src, "big")),
                        ip_text(int.from_bytes(ip.dst, "big")),
                    )
                    out.append((number, src, dst, bytes(udp.data)[: udp.ulen - 8]))
    return out
