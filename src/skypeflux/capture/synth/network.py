"""What the network and the capturing tool do to the packets, and which units survive.

Order of events: long UDP datagrams are cut into IPv4 fragments (``mtu``); then packets are
lost, repeated (TCP only: a retransmission) and reordered (:func:`impair`); then each is framed
for the link and cut by the snap length. Capture times stay in order: a reordered packet takes
the next time slot.

Survival follows from what the capture holds: a UDP datagram is there if every IP fragment of
it was delivered and none was cut; a TCP direction is whole up to its first lost byte or cut
segment, and a frame survives if it ends before that. Every other unit gets a ``lost`` reason,
which ``skypeflux synth`` prints and the round-trip tests compare with the decoder's reports.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import replace

from skypeflux.capture.net.build import Link, fragment_for_mtu, impair
from skypeflux.capture.synth.scenario import Network
from skypeflux.capture.synth.units import Build, Unit, WireItem

IP_AND_TRANSPORT = {6: 40, 17: 28}  # header bytes before the payload, by IP protocol


def apply(
    build: Build, network: Network, link: Link, snaplen: int, rng: random.Random
) -> list[WireItem]:
    """The packets as the capture shows them, in capture order; marks lost units."""
    items = _fragmented(build.items, network.mtu)
    protected = [
        i for i, item in enumerate(items) if item.protected or item.label in network.protect
    ]
    fate = impair(
        len(items),
        rng,
        loss=network.loss,
        duplicate=network.duplicate,
        reorder=network.reorder,
        window=network.window,
        protect=protected,
    )
    seen: set[int] = set()
    delivered: list[WireItem] = []
    for index in fate.delivered:
        if index in seen and not items[index].may_repeat:
            continue  # UDP is not retransmitted by the network
        seen.add(index)
        delivered.append(items[index])
    times = sorted(item.ts for item in delivered)
    out = []
    for ts, item in zip(times, delivered, strict=True):
        frame = link.frame(item.ip)
        cut_to = None
        if len(frame) > snaplen:
            overhead = len(frame) - len(item.ip) + IP_AND_TRANSPORT.get(item.ip[9], 20)
            cut_to = max(0, snaplen - overhead)
        out.append(replace(item, ts=ts, frame=frame, cut_to=cut_to))
    _mark(build.units, items, out)
    return out


def _fragmented(items: list[WireItem], mtu: int) -> list[WireItem]:
    out = []
    for item in items:
        if item.datagram is None or len(item.ip) <= mtu:
            out.append(item)
            continue
        for n, piece in enumerate(fragment_for_mtu(item.ip, mtu)):
            out.append(replace(item, ip=piece, ts=item.ts + n * 0.00001))
    return out


def _mark(units: list[Unit], sent: list[WireItem], shown: list[WireItem]) -> None:
    pieces: dict[int, int] = defaultdict(int)
    for item in sent:
        if item.datagram is not None:
            pieces[item.datagram] += 1
    arrived: dict[int, int] = defaultdict(int)
    cut: set[int] = set()
    # per TCP direction: the first byte the capture lacks (lost or cut)
    stop: dict[tuple[str, bool], int] = {}
    have: dict[tuple[str, bool], set[int]] = defaultdict(set)
    for item in shown:
        if item.datagram is not None:
            arrived[item.datagram] += 1
            if item.cut_to is not None:
                cut.add(item.datagram)
        elif item.direction is not None and item.length:
            have[item.direction].add(item.offset)
            if item.cut_to is not None and item.cut_to < item.length:
                end = item.offset + item.cut_to
                stop[item.direction] = min(stop.get(item.direction, end), end)
    for item in sent:
        if item.direction is not None and item.length and item.offset not in have[item.direction]:
            end = stop.get(item.direction, item.offset)
            stop[item.direction] = min(end, item.offset)
    for unit in units:
        if unit.datagrams:
            missing = [d for d in unit.datagrams if arrived[d] < pieces[d]]
            unit.partial = any(
                d in cut or (arrived[d] == pieces[d] and arrived[d]) for d in unit.datagrams
            )
            if any(d in cut for d in unit.datagrams):
                whole = all(pieces[d] == 1 for d in unit.datagrams)
                unit.lost = "cut by the snap length" + ("" if whole else " (an IPv4 fragment)")
            elif missing:
                unit.lost = f"{len(missing)} of {len(unit.datagrams)} datagram(s) lost"
        elif unit.direction is not None:
            limit = stop.get(unit.direction)
            if limit is not None and unit.stream_end > limit:
                unit.lost = f"after the first missing byte of the stream (offset {limit})"
                unit.partial = True
