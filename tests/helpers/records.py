"""Records written by hand in tests, from the text a reader would write ("1.2.3.4:5", "udp.ack").

The pipeline's records are typed (``Endpoint``, ``FlowKey``, enums); building one here checks
every value against those types, so a test cannot hand the outputs a record the pipeline could
not make.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from skypeflux.capture.records import (
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


def walk(objects: ObjectList | None) -> Iterator[Obj]:
    """Every object of a list, nested ones after their parent."""
    for obj in objects or ():
        yield obj
        if obj.family is Family.LIST and isinstance(obj.value, ObjectList):
            yield from walk(obj.value)


def ends(record: Record) -> tuple[str, str]:
    """A record's two endpoints as the oracles write them."""
    return str(record.src), str(record.dst)
