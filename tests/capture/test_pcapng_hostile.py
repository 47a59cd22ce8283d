"""pcapng blocks too short for their own fields, and options running past their block.

Each case is a file the test writes: the reader must end with a warning (or, in the file
header, a CaptureError) instead of leaking ``struct.error`` or inventing a packet.
"""

from __future__ import annotations

import io
import struct

import pytest

from skypeflux.capture import CaptureError
from skypeflux.capture.files import open_capture
from skypeflux.capture.files.pcapng import MAX_INTERFACES


def _block(btype: int, body: bytes) -> bytes:
    body += bytes(-len(body) % 4)
    blen = 12 + len(body)
    return struct.pack("<II", btype, blen) + body + struct.pack("<I", blen)


SHB = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
IDB = _block(1, struct.pack("<HHI", 1, 0, 65535))
ETH = bytes(12) + b"\x08\x00" + bytes(20)


def _epb(data: bytes) -> bytes:
    return _block(6, struct.pack("<IIIII", 0, 0, 0, len(data), len(data)) + data)


def _read(data: bytes) -> tuple[list[int], str | None]:
    with open_capture(io.BytesIO(data)) as reader:
        caplens = [p.caplen for p in reader]
        return caplens, reader.warning


@pytest.mark.parametrize(
    ("btype", "body", "what"),
    [
        (3, b"", "simple packet block of 12 bytes"),
        (1, b"\x01\x00", "interface description of 16 bytes"),
        (6, bytes(8), "enhanced packet block of 20 bytes"),
        (2, bytes(12), "obsolete packet block of 24 bytes"),
        (0x0A0D0D0A, b"\x4d\x3c\x2b\x1a", "section header of 16 bytes"),
    ],
)
def test_short_blocks_end_the_read_with_a_warning(btype: int, body: bytes, what: str) -> None:
    caplens, warning = _read(SHB + IDB + _epb(ETH) + _block(btype, body) + _epb(ETH))
    assert caplens == [len(ETH)]  # the packet before is kept, nothing invented after
    assert warning is not None and what in warning and "reading stopped" in warning


def test_a_short_first_section_header_is_not_a_capture() -> None:
    with pytest.raises(CaptureError, match="section header of 24 bytes") as err:
        _read(_block(0x0A0D0D0A, struct.pack("<IHH", 0x1A2B3C4D, 1, 0) + bytes(4)))
    assert "version" not in str(err.value)


@pytest.mark.parametrize("code", [9, 14])
def test_an_option_past_its_block_is_ignored(code: int) -> None:
    options = struct.pack("<HH", code, 8) + b"\x06\x00\x00\x00"  # says 8 bytes, has 4
    idb = _block(1, struct.pack("<HHI", 1, 0, 65535) + options)
    caplens, warning = _read(SHB + idb + _epb(ETH))
    assert caplens == [len(ETH)] and warning is None


def test_interface_descriptions_are_bounded_per_section() -> None:
    """Every description is kept for the packets naming it: a file of nothing else must not
    grow memory with its size. Up to the bound they are read; beyond it reading stops."""
    many = SHB + IDB * MAX_INTERFACES + _epb(ETH)
    assert _read(many) == ([len(ETH)], None)
    caplens, warning = _read(SHB + IDB * (MAX_INTERFACES + 1) + _epb(ETH))
    assert caplens == [] and warning is not None
    assert f"more than {MAX_INTERFACES} interface descriptions" in warning
    # a new section numbers its interfaces afresh
    assert _read(many + SHB + IDB + _epb(ETH)) == ([len(ETH), len(ETH)], None)
