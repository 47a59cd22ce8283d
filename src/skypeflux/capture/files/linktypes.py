"""The link-layer header types (tcpdump.org/linktypes.html) this package can decode, and names
for the ones it cannot, so an error can say what the file holds instead of a bare number.

One registry for the readers (which refuse or skip what cannot be decoded) and for
``capture.net.packets`` (which holds one link decoder per decodable type and checks at import
that the two agree).
"""

from __future__ import annotations

LINKTYPE_NULL = 0
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW_DLT12 = 12  # DLT_RAW on most BSDs and Linux
LINKTYPE_RAW_DLT14 = 14  # DLT_RAW on OpenBSD
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_PPP = 9
LINKTYPE_PPP_HDLC = 50
LINKTYPE_C_HDLC = 104
LINKTYPE_IEEE802_11 = 105
LINKTYPE_PRISM = 119
LINKTYPE_RADIOTAP = 127
LINKTYPE_AVS = 163
LINKTYPE_PPI = 192
LINKTYPE_NFLOG = 239

DECODABLE_LINKTYPES = frozenset(
    {
        LINKTYPE_NULL,
        LINKTYPE_ETHERNET,
        LINKTYPE_RAW_DLT12,
        LINKTYPE_RAW_DLT14,
        LINKTYPE_RAW,
        LINKTYPE_LOOP,
        LINKTYPE_LINUX_SLL,
        LINKTYPE_IPV4,
        LINKTYPE_IPV6,
        LINKTYPE_LINUX_SLL2,
        LINKTYPE_PPP,
        LINKTYPE_PPP_HDLC,
        LINKTYPE_C_HDLC,
        LINKTYPE_IEEE802_11,
        LINKTYPE_PRISM,
        LINKTYPE_RADIOTAP,
        LINKTYPE_AVS,
        LINKTYPE_PPI,
        LINKTYPE_NFLOG,
    }
)

LINKTYPE_NAMES: dict[int, str] = {
    0: "NULL (BSD loopback)",
    1: "ETHERNET",
    6: "IEEE802_5 (Token Ring)",
    9: "PPP",
    10: "FDDI",
    12: "RAW (IP)",
    14: "RAW (IP)",
    50: "PPP_HDLC",
    51: "PPP_ETHER (PPPoE)",
    101: "RAW (IP)",
    104: "C_HDLC (Cisco HDLC)",
    105: "IEEE802_11 (Wi-Fi)",
    108: "LOOP (OpenBSD loopback)",
    113: "LINUX_SLL (Linux cooked)",
    119: "PRISM (Wi-Fi)",
    127: "IEEE802_11_RADIOTAP (Wi-Fi)",
    163: "IEEE802_11_AVS (Wi-Fi)",
    187: "BLUETOOTH_HCI_H4",
    189: "USB_LINUX",
    192: "PPI",
    195: "IEEE802_15_4",
    201: "BLUETOOTH_HCI_H4_WITH_PHDR",
    220: "USB_LINUX_MMAPPED",
    228: "IPV4",
    229: "IPV6",
    239: "NFLOG",
    249: "USBPCAP",
    252: "WIRESHARK_UPPER_PDU",
    276: "LINUX_SLL2 (Linux cooked v2)",
}


def linktype_name(linktype: int) -> str:
    """``"105 (IEEE802_11 (Wi-Fi))"``: the number a user can look up, and what it means."""
    if 147 <= linktype <= 162:
        return f"{linktype} (USER{linktype - 147}, private use)"
    return f"{linktype} ({LINKTYPE_NAMES.get(linktype, 'unknown')})"
