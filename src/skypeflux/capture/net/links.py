"""Wi-Fi, PPP, Cisco HDLC and NFLOG link layers: where the network header starts in a frame.

Each decoder returns ``(offset, kind)``: the offset of the network header and 4 / 6 / 0 for
IPv4 / IPv6 / anything else; offset -1 means the link header itself is cut or inconsistent (the
packet counts as malformed). Nothing here allocates: headers are read in place.

* 802.11 (105): data frames only (management, control and null-data frames carry no IP); the MAC
  header is 24 bytes, 30 with four addresses, +2 for QoS, +4 for HT control; then LLC/SNAP
  (``AA AA 03 00 00 00`` + EtherType) or, rarely, an EtherType-less LLC. A protected frame is
  encrypted by WEP/WPA and holds nothing readable: it counts as not IP.
* Radiotap (127): a little-endian length at byte 2 says where the 802.11 frame starts.
* PPI (192): a little-endian header length at byte 2 and the inner link type at byte 4 (802.11,
  Ethernet), decoded by that type's decoder.
* Prism (119): a fixed 144-byte header before the 802.11 frame; AVS (163): its length at byte 4.
* PPP (9) and PPP-HDLC (50): optional ``FF 03`` address and control, then the protocol field,
  one byte when compressed (odd) or two; 0x0021 is IPv4, 0x0057 IPv6.
* Cisco HDLC (104): address, control, then an EtherType.
* NFLOG (239): family, version and resource id, then type-length-value attributes in the
  capturing host's byte order; attribute 9 holds the packet, which starts at the network header.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

LinkDecoder = Callable[[bytes], tuple[int, int]]

_ETHERTYPE_IPV4 = 0x0800
_ETHERTYPE_IPV6 = 0x86DD
_SNAP = b"\xaa\xaa\x03\x00\x00\x00"
_SNAP_BRIDGE = b"\xaa\xaa\x03\x00\x00\xf8"  # 802.1H bridge tunnel, also used for IP
_U16BE = struct.Struct("!H")
_U16LE = struct.Struct("<H")
_U32LE = struct.Struct("<I")

PRISM_HEADER = 144
NFULA_PAYLOAD = 9
_AF_INET, _AF_INET6 = 2, 10


def _ethertype_kind(ethertype: int) -> int:
    if ethertype == _ETHERTYPE_IPV4:
        return 4
    return 6 if ethertype == _ETHERTYPE_IPV6 else 0


def ieee802_11_at(data: bytes, pos: int) -> tuple[int, int]:
    """The 802.11 frame at ``pos``: where its IP packet starts, and which IP."""
    if len(data) < pos + 24:
        return -1, 0
    fc = _U16LE.unpack_from(data, pos)[0]
    ftype, subtype, flags = (fc >> 2) & 3, (fc >> 4) & 0xF, fc >> 8
    if ftype != 2 or subtype & 0x4:  # not data, or a null-data frame (no body)
        return 0, 0
    if flags & 0x40:  # protected: the body is encrypted
        return 0, 0
    head = 24
    if flags & 0x03 == 0x03:  # to and from the distribution system: a fourth address
        head += 6
    if subtype & 0x8:  # QoS data: a QoS control field, and HT control when "order" is set
        head += 2
        if flags & 0x80:
            head += 4
    llc = pos + head
    if len(data) < llc + 8:
        return -1, 0
    if data[llc : llc + 6] in (_SNAP, _SNAP_BRIDGE):
        return llc + 8, _ethertype_kind(_U16BE.unpack_from(data, llc + 6)[0])
    return 0, 0


def ieee802_11(data: bytes) -> tuple[int, int]:
    return ieee802_11_at(data, 0)


def radiotap(data: bytes) -> tuple[int, int]:
    if len(data) < 8 or data[0] != 0:
        return -1, 0
    return ieee802_11_at(data, _U16LE.unpack_from(data, 2)[0])


def prism(data: bytes) -> tuple[int, int]:
    return ieee802_11_at(data, PRISM_HEADER)


def avs(data: bytes) -> tuple[int, int]:
    if len(data) < 8:
        return -1, 0
    return ieee802_11_at(data, int.from_bytes(data[4:8], "big"))


def ppi(data: bytes, inner: dict[int, LinkDecoder]) -> tuple[int, int]:
    """PPI: skip its header, then the inner link type's decoder (never PPI again)."""
    if len(data) < 8 or data[0] != 0:
        return -1, 0
    length = _U16LE.unpack_from(data, 2)[0]
    dlt = _U32LE.unpack_from(data, 4)[0]
    if length < 8 or len(data) < length:
        return -1, 0
    decoder = inner.get(dlt)
    if decoder is None:  # an inner link type we do not decode
        return 0, 0
    pos, kind = decoder(data[length:])
    return (pos + length, kind) if pos >= 0 else (-1, 0)


def ppp(data: bytes) -> tuple[int, int]:
    pos = 2 if data[:2] == b"\xff\x03" else 0
    if len(data) < pos + 1:
        return -1, 0
    if data[pos] & 1:  # protocol field compressed to one byte
        proto, pos = data[pos], pos + 1
    else:
        if len(data) < pos + 2:
            return -1, 0
        proto, pos = _U16BE.unpack_from(data, pos)[0], pos + 2
    if proto == 0x21:
        return pos, 4
    return pos, 6 if proto == 0x57 else 0


def cisco_hdlc(data: bytes) -> tuple[int, int]:
    if len(data) < 4:
        return -1, 0
    return 4, _ethertype_kind(_U16BE.unpack_from(data, 2)[0])


def nflog(data: bytes) -> tuple[int, int]:
    if len(data) < 4 or data[1] != 0:
        return -1, 0
    family = data[0]
    kind = 4 if family == _AF_INET else 6 if family == _AF_INET6 else 0
    for u16 in (_U16LE, _U16BE):  # TLVs are in the capturing host's byte order
        pos = 4
        while pos + 4 <= len(data):
            length, tlv_type = u16.unpack_from(data, pos)[0], u16.unpack_from(data, pos + 2)[0]
            if length < 4 or pos + length > len(data):
                break
            if tlv_type & 0x7FFF == NFULA_PAYLOAD:
                return pos + 4, kind
            pos += (length + 3) & ~3
    return -1, 0
