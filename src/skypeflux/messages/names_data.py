"""Name tables for commands and object ids (spec protocol.md 5.2-5.4), as plain data.

Each entry is ``(name, guessed)``; ``guessed`` marks names the spec flags [I] (or where the
spec gives only a vague meaning), so an output can show them with a '?'.

Object ids mean something only in their command, in the list that holds them and with their
family (spec objects.md 1: "ids are per command"), so an object is named only where
:data:`OBJECTS_BY_COMMAND` has an entry for exactly that: the key is the path from the block's
top-level list, one ``(id, family)`` pair per level (family numbers as in spec 4.2: 0 number,
1 64-bit, 2 address, 3 string, 4 blob, 5 list, 6 int list; :class:`skypeflux.objects.Family`,
by the short aliases below). There is deliberately no generic
fallback: the FakeSkype id names (spec 5.3) differ per command, and a borrowed name on a plain
number reads as a fact.
"""

from __future__ import annotations

from skypeflux.objects.model import Family

Entry = tuple[str, bool]
ObjectPath = tuple[tuple[int, int], ...]

NUM, U64, ADDR, STR, BLOB, LIST, INTS = Family  # short names for the keys below

COMMANDS: dict[int, Entry] = {
    6: ("slot_query", False),
    8: ("slot_info", False),
    11: ("net_stats", False),
    12: ("presence_blob", False),
    14: ("user_search", False),
    15: ("search_result", False),
    18: ("search_18", True),
    19: ("search_18_reply", True),
    26: ("start_supernode", True),
    27: ("probe", False),
    28: ("probe_ok", False),
    29: ("probe_refused", False),
    30: ("client_accept", False),
    31: ("client_ok", False),
    32: ("client_refused", False),
    35: ("address_query", True),
    36: ("address_reply", True),
    37: ("client_properties", False),
    38: ("client_statistics", True),
    40: ("firewall_test_request", False),
    41: ("connectivity_test", False),
    42: ("firewall_test_result", False),
    43: ("firewall_test_id", True),
    44: ("candidates_query", True),
    45: ("candidates_reply", True),
    47: ("bcm_list", False),
    48: ("bcm_request", False),
    53: ("initial_ping_relayed", False),
    57: ("udp_test", False),
    60: ("presence", False),
    67: ("session_proposal", False),
    70: ("session_proposal_reply", False),
    74: ("declare_session", False),
    75: ("session_ok", False),
    81: ("initial_ping", False),
    82: ("ping_reply", False),
    84: ("udp_connect_request", False),
    92: ("udp_connect", False),
    117: ("cache_online_status", False),
    5200: ("event_reply", False),
    6016: ("event_request", False),
}
"""Supernode / peer commands, by command number (``cmd_raw >> 3``)."""

SESSION_COMMANDS: dict[int, Entry] = {
    0x44: ("peer_auth_request", False),
    0x45: ("peer_auth", False),
    0x47: ("user_ack", False),
    0x4C: ("session_properties", False),
    0x4D: ("session_properties_reply", False),
    0x53: ("auth_certificate", False),
    0x57: ("aes_half_key", False),
    0x58: ("fan_notification", False),
    0x6D: ("session_command", False),
    0x7A: ("session_established", False),
    0x7D: ("cumulative_capabilities", False),
}
"""Client-to-client session commands (spec 5.4): raw numbers, inside TCP type-0x05 packets."""

OBJECTS_BY_COMMAND: dict[int, dict[ObjectPath, Entry]] = {
    6: {((0, NUM),): ("slot_id", False), ((5, NUM),): ("max_count", False)},
    8: {
        ((6, LIST),): ("slot", False),
        ((6, LIST), (0, NUM)): ("slot_id", False),
        ((6, LIST), (3, ADDR)): ("supernode_address", False),
        ((6, LIST), (7, NUM)): ("count", False),
    },
    11: {((9, NUM),): ("users_online", False)},
    12: {((0x0B, BLOB),): ("directory_blob", False), ((0x1F, NUM),): ("presence_flag", True)},
    14: {
        ((0, LIST),): ("query", False),
        ((0, LIST), (0, STR)): ("user_name", False),
        ((1, INTS),): ("result_kinds", True),
    },
    15: {
        ((0, LIST),): ("result", False),
        ((0, LIST), (0x0B, BLOB)): ("directory_blob", False),
    },
    18: {((0, LIST),): ("query", True), ((0, LIST), (0, STR)): ("user_name", True)},
    29: {((3, ADDR),): ("supernode_address", False)},
    30: {
        ((1, NUM),): ("uptime", False),
        ((0x0D, U64),): ("node_id", False),
        ((0x10, NUM),): ("listen_port", False),
    },
    31: {
        ((0x0B, NUM),): ("stack_version", False),
        ((0x0C, NUM),): ("stack_timestamp", False),
        ((0x10, NUM),): ("peer_listen_port", False),
        ((0x11, ADDR),): ("public_address", False),
    },
    36: {((0x11, ADDR),): ("public_address", False)},
    37: {((0x5D, STR),): ("version_string", False)},
    38: {((0x5D, STR),): ("version_string", False)},
    41: {((0x11, ADDR),): ("target_address", False)},
    42: {((0x11, ADDR),): ("tester_address", False), ((0x19, NUM),): ("test_id", False)},
    43: {((0x19, NUM),): ("test_id", True)},
    45: {((0x11, ADDR),): ("candidate_address", True)},
    47: {
        ((1, LIST),): ("bcm", False),
        ((1, LIST), (0, NUM)): ("bcm_id", False),
        ((1, LIST), (1, NUM)): ("bcm_version", False),
    },
    48: {((0, NUM),): ("bcm_id", False), ((3, BLOB),): ("bcm_blob", False)},
    53: {
        ((1, BLOB),): ("peer_location", False),
        ((3, LIST),): ("target", False),
        ((3, LIST), (0, STR)): ("target_name", False),
        ((3, LIST), (2, STR)): ("own_name", False),
    },
    60: {((0x0B, BLOB),): ("directory_blob", False)},
    67: {
        ((1, BLOB),): ("proposer_location", False),
        ((9, U64),): ("challenge", False),
        ((3, NUM),): ("peer_session_id", False),
        ((7, LIST),): ("relay", False),
        ((7, LIST), (8, ADDR)): ("relay_address", False),
        ((7, LIST), (3, NUM)): ("session_to_declare", False),
    },
    74: {((4, NUM),): ("session_to_declare", False), ((3, NUM),): ("own_session_id", False)},
    81: {((2, STR),): ("pinger", False)},
    92: {((3, NUM),): ("session_id", False)},
    6016: {
        ((4, STR),): ("user_name", False),
        ((0x0D, STR),): ("version", False),
        ((0x0E, NUM),): ("public_ip", False),
    },
}
"""Object names per command, by path of ``(id, family)`` from the top-level list (spec 5.2)."""

COMMAND_SOURCES: dict[int, str] = {
    6: "SN p.73,99; FS ParentNode.cpp:84-120; seen",
    8: "FS Common.h:75, Objects.h:63-65; SN p.73; seen",
    11: "FS Common.h:73, Objects.h:46; seen",
    12: "FS Presence.cpp:177-300; seen",
    14: "FS SearchContacts.cpp:50-100; SN p.109; seen",
    15: "FS Common.h:76; seen",
    18: "seen only (meaning unknown)",
    19: "seen only (meaning unknown)",
    26: "FS HostScan.cpp:99 (comment only)",
    27: "SN p.65,72; FS Common.h:68; seen",
    28: "FS CMD_PROBE_OK; Ehlert p.6; seen",
    29: "FS CMD_PROBE_REFUSED, HostScan.cpp:694-716; seen",
    30: "FS HostScan.cpp:449-523; seen",
    31: "FS CMD_CLIENT_OK, HostScan.cpp:301-330; seen",
    32: "FS CMD_CLIENT_REFUSED",
    35: "seen only, named by us [I]",
    36: "seen only, named by us [I]",
    37: "FS ParentNode.cpp:717-760; seen",
    38: "FS ParentNode.cpp:717-760; seen",
    40: "FS ParentNode.cpp:614-700; seen",
    41: "SN p.96-97; VS2 p.33-34",
    42: "FS Common.h:77, Objects.h:96-97; seen",
    43: "seen, named by us [I]",
    44: "seen; sos2 udp_pkt.c:39-110",
    45: "seen; sos2 udp_pkt.c:39-110",
    47: "FS CMD_BCM, HostScan.cpp:363-440; seen",
    48: "FS HostScan.cpp:172-222; seen",
    53: "FS SearchContacts.cpp:425-500; sos2 udp_pkt.c:411-414",
    57: "FS Common.h:80, Query.cpp:69-135",
    60: "FS Presence.cpp",
    67: "FS Common.h:79, Query.cpp:137-300",
    70: "FS Query.cpp:137-300",
    74: "FS SessionManager.cpp:816-925, Common.h:81",
    75: "FS Common.h:81",
    81: "FS Common.h:78, Query.cpp:14-67",
    82: "FS Query.cpp:14-67",
    84: "FS Common.h:82",
    92: "FS SessionManager.cpp:732-815",
    117: "FS ParentNode.cpp:43-80 (disabled code)",
    5200: "FS Events.cpp:849-936; seen",
    6016: "FS Events.cpp:849-936; seen",
}
"""Where each command's name comes from: the citation keys of spec protocol.md 0 and 5.2."""

SESSION_SOURCE = "FS Common.h:85-93, SessionManager.cpp:153-250 (spec 5.4)"
"""Where the session command names come from."""
