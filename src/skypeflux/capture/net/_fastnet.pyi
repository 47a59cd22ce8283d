# Type stub for the optional C parser of plain IPv4 UDP/TCP packets (_fastnet.c).
from typing import Any

def parse(data: bytes, linktype: int, /) -> tuple[Any, ...] | None: ...
