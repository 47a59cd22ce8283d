# Type stub for the optional C parser of plain IPv4 UDP/TCP packets (_fastnet.c).
from typing import Any

UDP_FIELDS: tuple[str, ...]
TCP_FIELDS: tuple[str, ...]

def parse(data: bytes, linktype: int, /) -> tuple[Any, ...] | None: ...
def use_endpoint(endpoint: type[tuple[int, int]], /) -> None: ...
def use_types(raw_packet: type[tuple[Any, ...]], udp: type, tcp: type, /) -> None: ...
def scan_pcap(
    buf: bytes,
    pos: int,
    record_size: int,
    big_endian: bool,
    units: float,
    linktype: int,
    frame: int,
    max_record: int,
    count: int,
    /,
) -> tuple[list[Any], int, int, list[int], int, int]: ...
def scan_pcapng(
    buf: bytes,
    pos: int,
    big_endian: bool,
    frame: int,
    max_record: int,
    count: int,
    interfaces: list[tuple[int, int, float] | None],
    /,
) -> tuple[list[Any], int, int, list[int], int, int]: ...
