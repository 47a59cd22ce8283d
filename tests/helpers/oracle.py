"""Records built by hand from the capture's oracles, so the renderers are tested on real data.

The output tests must not wait for (or trust) the pipeline: these records are assembled directly
from ../shared/captures/SkypeIRC.units.jsonl and SkypeIRC.blocks.jsonl, the decrypted and decoded
capture produced with the reference implementations. tests/outputs/test_oracle.py checks
that the assembly itself matches the figures published in ../shared/captures/README.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from skypeflux.capture.records import (
    BlockInfo,
    FlowKey,
    Method,
    Record,
    Status,
    Transport,
    UnitKind,
    Verification,
)
from skypeflux.ipv4 import Endpoint
from skypeflux.messages.blocks import build_block
from skypeflux.objects import from_tree

EPOCH = 1156503000.0  # any fixed origin: the oracles carry frame numbers, not times
_FRAME = re.compile(r"frame (\d+) udp")
_FRAGMENTS = re.compile(r"udp fragments id ([0-9a-f]+) frames \[([\d, ]+)\]")
_OFFSET = re.compile(r"block at offset (\d+)")


def frame_time(frame: int) -> float:
    return EPOCH + frame / 100


def _block(line: dict[str, Any]) -> BlockInfo:
    offset = int(_OFFSET.search(line["where"]).group(1))  # type: ignore[union-attr]
    list_hex: str = line["list_hex"]
    return BlockInfo(
        offset=offset,
        length=len(line["header_hex"]) // 2 + len(list_hex) // 2 - 2,
        command=line["cmd"],
        flags=line["flags"],
        reqid=line["reqid"],
        name=None,
        list_form=int(list_hex[:2], 16) if list_hex else None,
        objects=from_tree(line["tree"]),
        list_bytes=bytes.fromhex(list_hex),
    )


def _verified(seed: str | None, method: Method, src: str | None, dst: str | None) -> Verification:
    return Verification(
        status=Status.VERIFIED,
        method=method,
        detail="oracle",
        seed=int(seed, 16) if seed else None,
        public_src=src,
        public_dst=dst,
    )


def oracle_records(units: list[dict[str, Any]], blocks: list[dict[str, Any]]) -> list[Record]:
    """Verified records for every UDP datagram, fragment message and TCP data frame with blocks."""
    by_frame: dict[int, list[BlockInfo]] = defaultdict(list)
    by_message: dict[tuple[str, str], list[BlockInfo]] = defaultdict(list)
    message_frames: dict[tuple[str, str], list[int]] = {}
    message_ends: dict[tuple[str, str], tuple[str, str]] = {}
    by_tcp: dict[tuple[str, int], list[BlockInfo]] = defaultdict(list)
    tcp_ends: dict[tuple[str, int], tuple[str, str]] = {}
    for line in blocks:
        where = line["where"]
        if (match := _FRAME.search(where)) is not None:
            by_frame[int(match.group(1))].append(_block(line))
        elif (match := _FRAGMENTS.search(where)) is not None:
            key = (match.group(1), line["src"])
            by_message[key].append(_block(line))
            message_frames[key] = [int(part) for part in match.group(2).split(",")]
            message_ends[key] = (line["src"], line["dst"])
        else:
            tcp_key = (line["src"], line["tcp_packet_id"])
            by_tcp[tcp_key].append(_block(line))
            tcp_ends[tcp_key] = (line["src"], line["dst"])
    records: list[Record] = []
    for unit in units:
        if unit["proto"] != "udp" or unit["type"] == "0f" or unit["frame"] not in by_frame:
            continue
        func = int(unit["type"], 16)
        src, dst = Endpoint.parse(unit["src"]), Endpoint.parse(unit["dst"])
        records.append(
            Record(
                frame=unit["frame"],
                time=frame_time(unit["frame"]),
                unit=UnitKind.UDP_PAYLOAD if func & 0x8F == 0x02 else UnitKind.UDP_RESEND,
                src=src,
                dst=dst,
                transport=Transport.UDP,
                verification=_verified(
                    unit["seed"], Method.CRC32, unit.get("public_src"), unit.get("public_dst")
                ),
                frames=[unit["frame"]],
                udp_type=func & 0x8F,
                udp_func=func,
                packet_id=int(unit["id"], 16),
                plaintext=bytes.fromhex(unit["plaintext"]),
                blocks=by_frame[unit["frame"]],
                flow=FlowKey.udp(src, dst),
            )
        )
    for key, message_blocks in by_message.items():
        src, dst = (Endpoint.parse(end) for end in message_ends[key])
        last = max(message_frames[key])
        records.append(
            Record(
                frame=last,
                time=frame_time(last),
                unit=UnitKind.UDP_MESSAGE,
                src=src,
                dst=dst,
                transport=Transport.UDP,
                flow=FlowKey.udp(src, dst),
                verification=_verified(None, Method.CRC32, None, None),
                frames=message_frames[key],
                packet_id=int(key[0], 16),
                blocks=message_blocks,
            )
        )
    tcp_first = {(u["src"], u["dst"]): u for u in units if u["proto"] == "tcp"}
    for tcp_key, tcp_blocks in by_tcp.items():
        src_text, dst_text = tcp_ends[tcp_key]
        direction = tcp_first[(src_text, dst_text)]
        src, dst = Endpoint.parse(src_text), Endpoint.parse(dst_text)
        records.append(
            Record(
                frame=direction["frame"],
                time=frame_time(direction["frame"]),
                unit=UnitKind.TCP_DATA,
                src=src,
                dst=dst,
                transport=Transport.TCP,
                verification=_verified(direction["seed"], Method.TCP_HEADER_FRAMING, None, None),
                frames=[direction["frame"]],
                packet_id=tcp_key[1],
                blocks=tcp_blocks,
                flow=FlowKey.tcp(src, dst),  # the oracle does not say who opened it
            )
        )
    records.sort(key=lambda record: record.frame)
    return records


def oracle_block(row: dict[str, Any]) -> bytes:
    """A real command block from SkypeIRC.blocks.jsonl, rebuilt with the project's encoder."""
    return build_block(row["cmd"], row["flags"], row["reqid"], bytes.fromhex(row["list_hex"]))
