"""Records written by hand in tests, from the text a reader would write ("1.2.3.4:5", "udp.ack").

The pipeline's records are typed (``Endpoint``, ``FlowKey``, enums); building one here checks
every value against those types, so a test cannot hand the outputs a record the pipeline could
not make.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from skypeflux.objects import Family, Obj, ObjectList


def verdict(status: str, method: str, detail: str = "", **fields: Any) -> Verification:
    """``Verification`` from the words the JSON output uses (``"verified"``, ``"crc32"``)."""
    return Verification(Status(status), Method(method), detail, **fields)


def make_record(
    *,
    frame: int,
    time: float,
    unit: str,
    src: str,
    dst: str,
    transport: str,
    verification: Verification,
    **fields: Any,
) -> Record:
    """A record between two ``"a.b.c.d:port"`` endpoints; its flow is the one the pipeline
    would give it (for TCP, ``src`` taken as the side that opened the connection)."""
    one, other = Endpoint.parse(src), Endpoint.parse(dst)
    kind = Transport(transport)
    flow = FlowKey.udp(one, other) if kind is Transport.UDP else FlowKey.tcp(one, other)
    return Record(
        frame=frame,
        time=time,
        unit=UnitKind(unit),
        src=one,
        dst=other,
        transport=kind,
        verification=verification,
        flow=flow,
        **fields,
    )


def payload_record(
    objects: ObjectList,
    *,
    command: int = 36,
    flags: int = 2,
    detail: str = "",
    error: str | None = None,
    info: dict[str, Any] | None = None,
) -> Record:
    """A verified 0x02 payload of two copies of one block holding ``objects``: what the output
    tests hand odd lists, text and info values to."""
    block = BlockInfo(0, 10, command, flags, 7, None, 0x42, objects, b"\x42\x00", error)
    return make_record(
        frame=3,
        time=1_156_500_000.5,
        unit="udp.payload",
        src="192.168.1.2:35990",
        dst="86.128.245.115:33033",
        transport="udp",
        verification=Verification(Status.VERIFIED, Method.CRC32, detail, 0x1234),
        blocks=[block, block],
        plaintext=b"\x01\x02",
        info=info if info is not None else {},
    )


def ack_record(blocks: list[BlockInfo], detail: str = "") -> Record:
    """A clear (unverified by design) ACK holding ``blocks``, which no output may show."""
    return make_record(
        frame=4,
        time=1_156_500_001.25,
        unit="udp.ack",
        src="86.128.245.115:33033",
        dst="192.168.1.2:35990",
        transport="udp",
        verification=Verification(Status.CLEAR, Method.NONE, detail),
        blocks=blocks,
    )


def walk(objects: ObjectList | None) -> Iterator[Obj]:
    """Every object of a list, nested ones after their parent."""
    for obj in objects or ():
        yield obj
        if obj.family is Family.LIST and isinstance(obj.value, ObjectList):
            yield from walk(obj.value)


def ends(record: Record) -> tuple[str, str]:
    """A record's two endpoints as the oracles write them."""
    return str(record.src), str(record.dst)
