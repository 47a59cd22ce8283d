"""From a scenario and a seed to a capture: packets in capture order and the units they hold.

Everything random (datagram ids, IVs, filler bits, challenges, TCP seeds and sequence
numbers, ports left open, object contents given as ``{ size = N }``, jitter between events,
the network's losses) comes from one ``random.Random(seed)``, so a scenario and a seed always
give the same bytes.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from typing import BinaryIO

from skypeflux.capture.files.writer import CaptureFormat, Interface, Packet, write_capture
from skypeflux.capture.net.build import link as link_named
from skypeflux.capture.synth.blocks import Ids
from skypeflux.capture.synth.network import apply
from skypeflux.capture.synth.scenario import Scenario
from skypeflux.capture.synth.tcp_side import TcpBuilder
from skypeflux.capture.synth.udp_side import UdpBuilder
from skypeflux.capture.synth.units import Build, Unit, WireItem


@dataclass(frozen=True, slots=True)
class Synthesized:
    """A built scenario: ``units`` lists every unit sent, each with ``lost`` set when the
    capture does not hold it whole; ``items`` are the captured packets in order."""

    scenario: Scenario
    seed: int
    items: tuple[WireItem, ...]
    units: tuple[Unit, ...]
    interface: Interface

    @property
    def kept(self) -> list[Unit]:
        """The units a decoder must give back, verified."""
        return [u for u in self.units if u.lost is None]

    @property
    def lost(self) -> list[Unit]:
        return [u for u in self.units if u.lost is not None]

    def packets(self) -> list[Packet]:
        return [Packet(item.ts, item.frame) for item in self.items]

    def write(self, dest: str | os.PathLike[str] | BinaryIO, format: CaptureFormat = "pcap") -> int:
        """Write the capture (the snap length cuts what it must); the packets written."""
        return write_capture(dest, self.packets(), format=format, interfaces=[self.interface])


def synthesize(scenario: Scenario, seed: int = 1) -> Synthesized:
    """Build ``scenario`` with ``seed``."""
    rng = random.Random(seed)
    out = Build()
    ids = Ids(rng, scenario.hosts)
    udp = UdpBuilder(scenario.hosts, ids, out)
    tcp = TcpBuilder(scenario.hosts, scenario.connections, ids, out)
    ts = scenario.start
    for event in scenario.events:
        if event.at is not None:
            ts = max(ts, scenario.start + event.at)
        else:
            ts += scenario.gap * rng.uniform(0.5, 1.5)
        if event.kind == "tcp":
            tcp.event(event, ts)
        else:
            udp.event(event, ts)
        ts = max(ts, tcp.last_ts)
    tcp.close_all(ts + scenario.gap)
    link = link_named(scenario.link)
    items = apply(out, scenario.network, link, scenario.snaplen, rng)
    interface = Interface(link.linktype, snaplen=scenario.snaplen)
    return Synthesized(scenario, seed, tuple(items), tuple(out.units), interface)
