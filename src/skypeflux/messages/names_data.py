"""Name tables for commands and object ids (spec protocol.md 5.2-5.4), as plain data.

Each entry is ``(name, guessed)``; ``guessed`` marks names the spec flags [I] (or where the
spec gives only a vague meaning), so an output can show them with a '?'. Object ids mean
something only relative to their command, so :data:`OBJECTS_BY_COMMAND` is consulted first;
a key may be an id or ``(id, family)`` when one command uses the same id for two families
(families are :class:`skypeflux.objects.Family`, by the short aliases below).
:data:`OBJECTS_GENERIC` is the fallback and is all guesses by construction.
"""

from __future__ import annotations

from skypeflux.objects.model import Family

Entry = tuple[str, bool]
ObjectKey = int | tuple[int, int]

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

OBJECTS_BY_COMMAND: dict[int, dict[ObjectKey, Entry]] = {
    6: {0: ("slot_id", False), 5: ("max_count", False)},
    8: {
        6: ("slot", False),
        0: ("slot_id", False),
        3: ("supernode_address", False),
        7: ("count", False),
    },
    11: {9: ("users_online", False)},
    12: {0x0B: ("directory_blob", False), 0x1F: ("presence_flag", True)},
    14: {
        (0, LIST): ("query", False),
        (0, STR): ("user_name", False),
        (1, INTS): ("result_kinds", True),
    },
    15: {(0, LIST): ("result", False), 0x0B: ("directory_blob", False)},
    18: {(0, LIST): ("query", True), (0, STR): ("user_name", True)},
    29: {3: ("supernode_address", False)},
    30: {
        1: ("uptime", False),
        0x0D: ("node_id", False),
        0x10: ("listen_port", False),
    },
    31: {
        0x0B: ("stack_version", False),
        0x0C: ("stack_timestamp", False),
        0x10: ("peer_listen_port", False),
        0x11: ("public_address", False),
    },
    36: {0x11: ("public_address", False)},
    37: {0x5D: ("version_string", False)},
    38: {0x5D: ("version_string", False)},
    41: {0x11: ("target_address", False)},
    42: {0x11: ("tester_address", False), 0x19: ("test_id", False)},
    43: {0x19: ("test_id", True)},
    45: {0x11: ("candidate_address", True)},
    47: {
        (1, LIST): ("bcm", False),
        (0, NUM): ("bcm_id", False),
        (1, NUM): ("bcm_version", False),
    },
    48: {0: ("bcm_id", False), 3: ("bcm_blob", False)},
    53: {
        1: ("peer_location", False),
        (3, LIST): ("target", False),
        (0, STR): ("target_name", False),
        (2, STR): ("own_name", False),
    },
    60: {0x0B: ("directory_blob", False)},
    67: {
        1: ("proposer_location", False),
        9: ("challenge", False),
        3: ("peer_session_id", False),
        7: ("relay", False),
        8: ("relay_address", False),
    },
    74: {4: ("session_to_declare", False), 3: ("own_session_id", False)},
    81: {2: ("pinger", False)},
    92: {3: ("session_id", False)},
    6016: {4: ("user_name", False), 0x0D: ("version", False), 0x0E: ("public_ip", False)},
}

OBJECTS_GENERIC: dict[int, Entry] = {
    0x00: ("request_code", True),
    0x01: ("uptime", True),
    0x04: ("user_name", True),
    0x05: ("password_hash", True),
    0x08: ("session_key", True),
    0x0B: ("stack_version", True),
    0x0C: ("stack_timestamp", True),
    0x0D: ("node_id", True),
    0x0E: ("public_ip", True),
    0x10: ("listen_port", True),
    0x11: ("public_address", True),
    0x19: ("firewall_test_id", True),
    0x21: ("modulus", True),
    0x24: ("credentials", True),
    0x31: ("platform", True),
    0x34: ("display_name", True),
    0x36: ("language", True),
}
"""Fallback names from the FakeSkype object table (spec 5.3); ids differ per command."""
