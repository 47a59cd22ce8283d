# Type stub for the optional C JSON line writer (_fastjson.c).
from collections.abc import Callable
from typing import Any

def record_line(record: Any, origin: float, /) -> str | None: ...
def configure(
    object_prefix: Callable[[int | None, int, int, tuple[tuple[int, int], ...]], str],
    command_fields: Callable[[int, int], tuple[str | None, bool | None, str]],
    transport_udp: object,
    transport_tcp: object,
    unit_note: object,
    tcp_units: frozenset[Any],
    udp_info: dict[str, tuple[int, int]],
    tcp_info: dict[str, tuple[int, int]],
    info_keys: tuple[str, ...],
    endpoint: type,
    address: type,
    object_list: type,
    schema_version: int,
    family_list: int,
    family_string: int,
    family_uint64: int,
    flow_key: type,
    /,
) -> None: ...
