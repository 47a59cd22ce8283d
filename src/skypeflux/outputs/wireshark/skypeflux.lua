-- GENERATED from parts/*.lua by `python -m skypeflux.outputs.wireshark.generate`: edit the parts, not this file.
-- skypeflux.lua: a Wireshark dissector for classic peer-to-peer Skype (clients 1.x-5.x, 2004-2014).
--
-- Shipped with skypeflux (print it with `skypeflux wireshark lua`, install it with
-- `skypeflux wireshark install`). Works on Wireshark's Lua 5.2 (Wireshark 3.x-4.2, `bit32`)
-- and Lua 5.4 (4.4 and later, native bit operators), and outside Wireshark as a plain Lua
-- module (the test suite loads it with lua5.2 and lua5.4 to check the codecs).
--
-- What it does
--   * A strict heuristic on UDP and TCP marks classic Skype datagrams and obfuscated TCP
--     streams by their clear headers alone (no key needed): per-type layouts and sizes,
--     addresses that must match the packet's, per-endpoint consistency across packets, and
--     for TCP the keystream reuse of the stream header (bytes 4-13 and 14-23 are encrypted
--     with the same keystream, so their XOR is known plaintext XOR the first frame).
--     Decisions use everything seen so far; `tshark -2` (and the GUI after loading) uses the
--     whole capture.
--   * Given a key log (preference "skypeflux.keylog"), it decrypts with RC4, checks the Skype
--     CRC32 (UDP) or the known TCP header and exact framing, and only then shows plaintext:
--     command blocks (size, command and name, flags, request id, the frame a reply answers)
--     and 0x41/0x42 object lists as a tree of filterable fields.
--
-- Key log format (written by `skypeflux keylog CAPTURE -o FILE`), one record a line, like a
-- TLS key log; '#' starts a comment, fields are separated by spaces:
--
--     SKYPEFLUX_KEYLOG 1
--     PUBLIC_ADDRESS <captured IPv4> <public IPv4>
--     SEED_RC4_KEY <seed, 8 hex digits> <80-byte RC4 key, 160 hex digits>
--
-- PUBLIC_ADDRESS says that a host seen in the capture (behind NAT, say) believed it had that
-- public address; UDP seeds are built from public addresses. For every UDP payload or
-- fragment the dissector computes the seed itself (Skype CRC32 of LE32 source, LE32
-- destination, LE16 id, 00 00; XOR the IV) for the candidate addresses (the public ones from
-- the key log, the captured ones, and 0.0.0.0 for a sender that did not know its own yet),
-- and looks the seed up; a resend's seed is id XOR challenge, a TCP direction's seed is its
-- first 4 bytes. The key is the output of Skype's secret seed expansion, so the plugin never
-- needs that expansion: whoever holds the key log can decrypt exactly the units it covers.

local M = {}

---------------------------------------------------------------------------------------------
-- Bit operations: bit32 where it exists (Lua 5.2), else native operators built with `load`
-- from source text (Lua 5.2 cannot even parse `&`, so they must not appear literally here).
---------------------------------------------------------------------------------------------

local band, bor, bxor, lshift, rshift
local bit32lib = rawget(_G, "bit32")
if bit32lib then
    band, bor, bxor = bit32lib.band, bit32lib.bor, bit32lib.bxor
    lshift, rshift = bit32lib.lshift, bit32lib.rshift
else
    local function op(src)
        return assert(load("return function(a, b) return " .. src .. " end"))()
    end
    band = op("(a & b) & 0xFFFFFFFF")
    bor = op("(a | b) & 0xFFFFFFFF")
    bxor = op("(a ~ b) & 0xFFFFFFFF")
    lshift = op("(a << b) & 0xFFFFFFFF")
    rshift = op("(a & 0xFFFFFFFF) >> b")
end
M.band, M.bor, M.bxor, M.lshift, M.rshift = band, bor, bxor, lshift, rshift

local floor = math.floor
local sbyte, schar, sformat = string.byte, string.char, string.format
local concat = table.concat

local POW2 = {}
do
    local v = 1
    for n = 0, 40 do
        POW2[n] = v
        v = v * 2
    end
end
local TWO32 = POW2[32]

-- A decoding failure on hostile or broken bytes is a table {skypeflux = message, offset = n};
-- anything else raised while dissecting is a bug and is left for Wireshark to report.
local function fail(message, offset)
    error({ skypeflux = message, offset = offset }, 0)
end
M.fail = fail

local function hex(s)
    return (s:gsub(".", function(c) return sformat("%02x", sbyte(c)) end))
end
M.hex = hex

local function unhex(h)
    if #h % 2 ~= 0 or h:find("[^0-9a-fA-F]") then
        return nil
    end
    return (h:gsub("..", function(x) return schar(tonumber(x, 16)) end))
end
M.unhex = unhex

local function ip_text(n)
    return sformat("%d.%d.%d.%d", floor(n / 16777216) % 256, floor(n / 65536) % 256,
        floor(n / 256) % 256, n % 256)
end
M.ip_text = ip_text

local function ip_number(text)
    local a, b, c, d = text:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
    if not a then
        return nil
    end
    a, b, c, d = tonumber(a), tonumber(b), tonumber(c), tonumber(d)
    if a > 255 or b > 255 or c > 255 or d > 255 then
        return nil
    end
    return ((a * 256 + b) * 256 + c) * 256 + d
end
M.ip_number = ip_number

local function be16(s, p) -- 0-based offset
    local a, b = sbyte(s, p + 1, p + 2)
    return a * 256 + b
end

local function be32(s, p)
    local a, b, c, d = sbyte(s, p + 1, p + 4)
    return ((a * 256 + b) * 256 + c) * 256 + d
end
M.be16, M.be32 = be16, be32

---------------------------------------------------------------------------------------------
-- Skype CRC32: reflected CRC-32 (polynomial 0xEDB88320), initial 0xFFFFFFFF, no final XOR.
---------------------------------------------------------------------------------------------

local CRC_TABLE = {}
for n = 0, 255 do
    local c = n
    for _ = 1, 8 do
        if c % 2 == 1 then
            c = bxor(rshift(c, 1), 0xEDB88320)
        else
            c = rshift(c, 1)
        end
    end
    CRC_TABLE[n] = c
end

local function skype_crc32(s, crc)
    crc = crc or 0xFFFFFFFF
    for i = 1, #s do
        crc = bxor(CRC_TABLE[bxor(crc, sbyte(s, i)) % 256], rshift(crc, 8))
    end
    return crc
end
M.skype_crc32 = skype_crc32

local function le32(n)
    return schar(n % 256, floor(n / 256) % 256, floor(n / 65536) % 256, floor(n / 16777216) % 256)
end

-- The UDP seed (spec protocol.md 1.2): CRC of LE32(src) LE32(dst) LE16(id) 00 00, XOR iv.
local function udp_seed(src_ip, dst_ip, packet_id, iv)
    local input = le32(src_ip) .. le32(dst_ip) .. schar(packet_id % 256, floor(packet_id / 256), 0, 0)
    return bxor(skype_crc32(input), iv)
end
M.udp_seed = udp_seed

---------------------------------------------------------------------------------------------
-- RC4 over an 80-byte key (the key schedule of standard RC4; the key comes from the key log).
---------------------------------------------------------------------------------------------

local Rc4 = {}
Rc4.__index = Rc4

local function rc4_new(key)
    local S = {}
    for i = 0, 255 do
        S[i] = i
    end
    local j, n = 0, #key
    for i = 0, 255 do
        j = (j + S[i] + sbyte(key, i % n + 1)) % 256
        S[i], S[j] = S[j], S[i]
    end
    return setmetatable({ S = S, i = 0, j = 0 }, Rc4)
end
M.rc4_new = rc4_new

function Rc4:crypt(data)
    local S, i, j = self.S, self.i, self.j
    local out = {}
    for k = 1, #data do
        i = (i + 1) % 256
        local si = S[i]
        j = (j + si) % 256
        local sj = S[j]
        S[i], S[j] = sj, si
        out[k] = schar(bxor(sbyte(data, k), S[(si + sj) % 256]))
    end
    self.i, self.j = i, j
    return concat(out)
end

local function rc4(key, data)
    return rc4_new(key):crypt(data)
end
M.rc4 = rc4

---------------------------------------------------------------------------------------------
-- Object lists (spec objects.md): 0x41 raw and 0x42 range-coded; same verdicts, limits and
-- consumed lengths as skypeflux.objects. Values: family 0 number, 1 {hi, lo} 64-bit,
-- 2 {ip, port}, 3 string (bytes), 4 blob (bytes), 5 nested list, 6 list of numbers.
---------------------------------------------------------------------------------------------

local OBJECT_COST = 16
local INT_LIST_LIMIT_41 = POW2[27]
local INT_LIST_MAX_42 = 0x3FFFFFFF
local DEFAULT_MAX_DEPTH = 8
local DEFAULT_BUDGET = 0x1000000
local BOTTOM = 0x800000
local TOTAL = 0x1000
local MAX_OVERRUN = 3
local HISTORY_SIZE = 16

-- BEGIN GENERATED TABLES (skypeflux.outputs.wireshark.generate; do not edit by hand)
local HEADER = {
    0x000, 0x2A3, 0x37C, 0x67C, 0x6A3, 0x6AE, 0xA84, 0xB74, 0xDAD, 0xF5D, 0xFB2, 0xFD4, 0xFFF, 0x1000,
}
local SMALL_NUMBER = {
    0x000, 0x123, 0x266, 0x2B4, 0x8A2, 0x9F5, 0xCFC, 0xF70, 0xFFF, 0x1000,
}
local VALUE_NUMBER = {
    0x000, 0x14D, 0x34C, 0x42B, 0x4A3, 0x6CA, 0x953, 0x9C6, 0xA6C, 0xABB, 0xBAE, 0xC43, 0xC9B, 0xCDD, 0xD31, 0xD93,
    0xDB5, 0x1000,
}
local INITIAL_FAMILY_ORDER = { 0, 4, 3, 5, 2, 6, 1 }
local CLASS_CHARS = {
    [0] = "\000",
    [1] = "tdmhkpcgwbzfvjq",
    [2] = "eaiouy",
    [3] = "nrlsx",
    [4] = "0216345789",
    [5] = "SMTBRLNPKCDHGJWFVZXQ",
    [6] = "AEIOUY",
    [7] = " ",
    [8] = "\130\153\184\179\169\129\188\156\133\149\161\155\168\132\176\144\128\182\148\164\145\186\158\154\160\181\189\190\167\157\151\165\159\170\177\131\140\147\178\152\166\162\187\136\173\150\143\180\163\146\191\135\183\139\141\185\137\138\142\174\134\172\171\175",
    [9] = "\215\195\208\197\229\196\227\209\230\231\236\228\232\239\233\217\216\235\234\226\194\224\237\198\219\225\206\207\192\193\199\200\201\202\203\204\205\210\211\212\213\214\218\220\221\222\223\238\240\241\242\243\244\245\246\247\248\249\250\251\252\253\254\255",
    [10] = ".-/_!+,):(*?\013\010'&\034=;~@><|^][\092#`$%{}\001\002\003\004\005\006\007\008\009\011\012\014\015\016\017\018\019\020\021\022\023\024\025\026\027\028\029\030\031\127",
}
local WITHIN_CLASS = {
    [0] = {
        0x000, 0x1000,
    },
    [1] = {
        0x000, 0x229, 0x3E3, 0x550, 0x6B9, 0x816, 0x969, 0xAB9, 0xBB7, 0xCAE, 0xD8A, 0xE42, 0xEF7, 0xF87, 0xFF1, 0x1000,
    },
    [2] = {
        0x000, 0x452, 0x899, 0xB87, 0xE15, 0xF61, 0x1000,
    },
    [3] = {
        0x000, 0x4B8, 0x8CB, 0xC89, 0xFC1, 0x1000,
    },
    [4] = {
        0x000, 0x241, 0x42A, 0x5E2, 0x775, 0x901, 0xA88, 0xBFD, 0xD58, 0xEB2, 0x1000,
    },
    [5] = {
        0x000, 0x1A0, 0x2FA, 0x420, 0x539, 0x63B, 0x739, 0x836, 0x928, 0xA07, 0xAE6, 0xBB7, 0xC86, 0xD43, 0xDF2, 0xEA1,
        0xF2F, 0xF97, 0xFD8, 0xFF0, 0x1000,
    },
    [6] = {
        0x000, 0x5C8, 0x8DA, 0xBBD, 0xE2F, 0xF23, 0x1000,
    },
    [7] = {
        0x000, 0x1000,
    },
    [8] = {
        0x000, 0x0EF, 0x1A5, 0x242, 0x2D4, 0x366, 0x3EE, 0x46A, 0x4DA, 0x54A, 0x5B3, 0x619, 0x67D, 0x6D6, 0x72D, 0x77D,
        0x7CC, 0x819, 0x862, 0x8AA, 0x8F0, 0x935, 0x978, 0x9BA, 0x9F9, 0xA38, 0xA76, 0xAB3, 0xAF0, 0xB2C, 0xB63, 0xB99,
        0xBCD, 0xC01, 0xC33, 0xC65, 0xC94, 0xCC3, 0xCF2, 0xD1E, 0xD49, 0xD73, 0xD9B, 0xDC2, 0xDE8, 0xE0D, 0xE31, 0xE53,
        0xE73, 0xE93, 0xEB1, 0xECF, 0xEED, 0xF0B, 0xF28, 0xF44, 0xF5F, 0xF79, 0xF91, 0xFA6, 0xFBB, 0xFD0, 0xFE2, 0xFF1,
        0x1000,
    },
    [9] = {
        0x000, 0x233, 0x561, 0x755, 0x940, 0xA05, 0xABD, 0xB48, 0xBD0, 0xC40, 0xC8A, 0xCCB, 0xD0B, 0xD47, 0xD7F, 0xDB2,
        0xDE2, 0xE05, 0xE19, 0xE2D, 0xE40, 0xE50, 0xE5C, 0xE66, 0xE70, 0xE7A, 0xE84, 0xE8E, 0xE98, 0xEA2, 0xEAC, 0xEB6,
        0xEC0, 0xECA, 0xED4, 0xEDE, 0xEE8, 0xEF2, 0xEFC, 0xF06, 0xF10, 0xF1A, 0xF24, 0xF2E, 0xF38, 0xF42, 0xF4C, 0xF56,
        0xF60, 0xF6A, 0xF74, 0xF7E, 0xF88, 0xF92, 0xF9C, 0xFA6, 0xFB0, 0xFBA, 0xFC4, 0xFCE, 0xFD8, 0xFE2, 0xFEC, 0xFF6,
        0x1000,
    },
    [10] = {
        0x000, 0x32F, 0x712, 0x82B, 0x904, 0x9C3, 0xA78, 0xB27, 0xBC0, 0xC42, 0xC9A, 0xCEA, 0xD36, 0xD7E, 0xDC5, 0xDEE,
        0xE06, 0xE1B, 0xE30, 0xE3C, 0xE48, 0xE52, 0xE5C, 0xE66, 0xE70, 0xE7A, 0xE84, 0xE8E, 0xE98, 0xEA2, 0xEAC, 0xEB6,
        0xEC0, 0xECA, 0xED4, 0xEDE, 0xEE8, 0xEF2, 0xEFC, 0xF06, 0xF10, 0xF1A, 0xF24, 0xF2E, 0xF38, 0xF42, 0xF4C, 0xF56,
        0xF60, 0xF6A, 0xF74, 0xF7E, 0xF88, 0xF92, 0xF9C, 0xFA6, 0xFB0, 0xFBA, 0xFC4, 0xFCE, 0xFD8, 0xFE2, 0xFEC, 0xFF6,
        0x1000,
    },
}
local NEXT_CLASS = {
    [0] = {
        0x000, 0x636, 0x9C8, 0xAED, 0xBE5, 0xCA5, 0xF0E, 0xF7C, 0xF83, 0xF8A, 0xFC2, 0x1000,
    },
    [1] = {
        0x000, 0x1E1, 0x470, 0xC5C, 0xE79, 0xE88, 0xE8F, 0xE96, 0xF57, 0xF5E, 0xF87, 0x1000,
    },
    [2] = {
        0x000, 0x21D, 0x66A, 0x87E, 0xE9F, 0xEAF, 0xEB6, 0xEBD, 0xF97, 0xF9E, 0xFBF, 0x1000,
    },
    [3] = {
        0x000, 0x3A9, 0x76F, 0xCBA, 0xE7F, 0xE8E, 0xE95, 0xE9C, 0xF85, 0xF8C, 0xFB4, 0x1000,
    },
    [4] = {
        0x000, 0x1D4, 0x1DB, 0x1E2, 0x1E9, 0xE93, 0xE9A, 0xEA1, 0xF31, 0xF38, 0xF3F, 0x1000,
    },
    [5] = {
        0x000, 0x0AB, 0x1E9, 0xB06, 0xC26, 0xC2D, 0xD68, 0xF05, 0xF4B, 0xF52, 0xFBD, 0x1000,
    },
    [6] = {
        0x000, 0x12E, 0x36D, 0x478, 0x898, 0x89F, 0xD91, 0xEC5, 0xF92, 0xF99, 0xFA9, 0x1000,
    },
    [7] = {
        0x000, 0x007, 0x3EA, 0x586, 0x6C7, 0x847, 0xD5F, 0xE37, 0xEC9, 0xED0, 0xF5F, 0x1000,
    },
    [8] = {
        0x000, 0x14D, 0x29D, 0x374, 0x526, 0x52D, 0x53A, 0x541, 0x649, 0x929, 0xFB1, 0x1000,
    },
    [9] = {
        0x000, 0x007, 0x00E, 0x015, 0x01C, 0x023, 0x02A, 0x031, 0x038, 0xFF2, 0xFF9, 0x1000,
    },
    [10] = {
        0x000, 0x15E, 0x41C, 0x4CE, 0x59C, 0x8C0, 0x985, 0x9B0, 0xB2C, 0xB33, 0xB58, 0x1000,
    },
}
-- END GENERATED TABLES

-- BEGIN GENERATED NAMES (skypeflux.outputs.wireshark.generate; do not edit by hand)
local COMMANDS = {
    [6] = { "slot_query", false },
    [8] = { "slot_info", false },
    [11] = { "net_stats", false },
    [12] = { "presence_blob", false },
    [14] = { "user_search", false },
    [15] = { "search_result", false },
    [18] = { "search_18", true },
    [19] = { "search_18_reply", true },
    [26] = { "start_supernode", true },
    [27] = { "probe", false },
    [28] = { "probe_ok", false },
    [29] = { "probe_refused", false },
    [30] = { "client_accept", false },
    [31] = { "client_ok", false },
    [32] = { "client_refused", false },
    [35] = { "address_query", true },
    [36] = { "address_reply", true },
    [37] = { "client_properties", false },
    [38] = { "client_statistics", true },
    [40] = { "firewall_test_request", false },
    [41] = { "connectivity_test", false },
    [42] = { "firewall_test_result", false },
    [43] = { "firewall_test_id", true },
    [44] = { "candidates_query", true },
    [45] = { "candidates_reply", true },
    [47] = { "bcm_list", false },
    [48] = { "bcm_request", false },
    [53] = { "initial_ping_relayed", false },
    [57] = { "udp_test", false },
    [60] = { "presence", false },
    [67] = { "session_proposal", false },
    [70] = { "session_proposal_reply", false },
    [74] = { "declare_session", false },
    [75] = { "session_ok", false },
    [81] = { "initial_ping", false },
    [82] = { "ping_reply", false },
    [84] = { "udp_connect_request", false },
    [92] = { "udp_connect", false },
    [117] = { "cache_online_status", false },
    [5200] = { "event_reply", false },
    [6016] = { "event_request", false },
}
local OBJECTS_BY_COMMAND = {
    [6] = {
        paths = { ["0:0"] = { "slot_id", false }, ["5:0"] = { "max_count", false } },
    },
    [8] = {
        paths = { ["6:5"] = { "slot", false }, ["6:5>0:0"] = { "slot_id", false }, ["6:5>3:2"] = { "supernode_address", false }, ["6:5>7:0"] = { "count", false } },
    },
    [11] = {
        paths = { ["9:0"] = { "users_online", false } },
    },
    [12] = {
        paths = { ["11:4"] = { "directory_blob", false }, ["31:0"] = { "presence_flag", true } },
    },
    [14] = {
        paths = { ["0:5"] = { "query", false }, ["0:5>0:3"] = { "user_name", false }, ["1:6"] = { "result_kinds", true } },
    },
    [15] = {
        paths = { ["0:5"] = { "result", false }, ["0:5>11:4"] = { "directory_blob", false } },
    },
    [18] = {
        paths = { ["0:5"] = { "query", true }, ["0:5>0:3"] = { "user_name", true } },
    },
    [29] = {
        paths = { ["3:2"] = { "supernode_address", false } },
    },
    [30] = {
        paths = { ["13:1"] = { "node_id", false }, ["16:0"] = { "listen_port", false }, ["1:0"] = { "uptime", false } },
    },
    [31] = {
        paths = { ["11:0"] = { "stack_version", false }, ["12:0"] = { "stack_timestamp", false }, ["16:0"] = { "peer_listen_port", false }, ["17:2"] = { "public_address", false } },
    },
    [36] = {
        paths = { ["17:2"] = { "public_address", false } },
    },
    [37] = {
        paths = { ["93:3"] = { "version_string", false } },
    },
    [38] = {
        paths = { ["93:3"] = { "version_string", false } },
    },
    [41] = {
        paths = { ["17:2"] = { "target_address", false } },
    },
    [42] = {
        paths = { ["17:2"] = { "tester_address", false }, ["25:0"] = { "test_id", false } },
    },
    [43] = {
        paths = { ["25:0"] = { "test_id", true } },
    },
    [45] = {
        paths = { ["17:2"] = { "candidate_address", true } },
    },
    [47] = {
        paths = { ["1:5"] = { "bcm", false }, ["1:5>0:0"] = { "bcm_id", false }, ["1:5>1:0"] = { "bcm_version", false } },
    },
    [48] = {
        paths = { ["0:0"] = { "bcm_id", false }, ["3:4"] = { "bcm_blob", false } },
    },
    [53] = {
        paths = { ["1:4"] = { "peer_location", false }, ["3:5"] = { "target", false }, ["3:5>0:3"] = { "target_name", false }, ["3:5>2:3"] = { "own_name", false } },
    },
    [60] = {
        paths = { ["11:4"] = { "directory_blob", false } },
    },
    [67] = {
        paths = { ["1:4"] = { "proposer_location", false }, ["3:0"] = { "peer_session_id", false }, ["7:5"] = { "relay", false }, ["7:5>3:0"] = { "session_to_declare", false }, ["7:5>8:2"] = { "relay_address", false }, ["9:1"] = { "challenge", false } },
    },
    [74] = {
        paths = { ["3:0"] = { "own_session_id", false }, ["4:0"] = { "session_to_declare", false } },
    },
    [81] = {
        paths = { ["2:3"] = { "pinger", false } },
    },
    [92] = {
        paths = { ["3:0"] = { "session_id", false } },
    },
    [6016] = {
        paths = { ["13:3"] = { "version", false }, ["14:0"] = { "public_ip", false }, ["4:3"] = { "user_name", false } },
    },
}
local OBJECTS_GENERIC = {
}
-- END GENERATED NAMES

local decode_list -- forward

-- 0x41 varint: over-long forms fold their shift modulo 32, as the reference does on x86.
local function varint41(s, pos, stop)
    local value, shift = 0, 0
    while pos < stop do
        local b = sbyte(s, pos + 1)
        pos = pos + 1
        value = bor(value, lshift(b % 128, shift % 32))
        if b < 128 then
            return value, pos
        end
        shift = shift + 7
    end
    fail("input ends inside a varint", stop)
end

local function decode_raw41(s, pos, level, max_depth, budget)
    local stop = #s
    pos = pos + 1
    local b = pos < stop and sbyte(s, pos + 1) or 128
    local count
    if b < 128 then
        count, pos = b, pos + 1
    else
        count, pos = varint41(s, pos, stop)
    end
    local items = {}
    for _ = 1, count do
        if budget < OBJECT_COST then fail("memory budget exhausted", pos) end
        budget = budget - OBJECT_COST
        if stop - pos < 2 then fail("input ends before the object the count promises", pos) end
        local family = sbyte(s, pos + 1)
        local oid
        b = sbyte(s, pos + 2)
        if b < 128 then
            oid, pos = b, pos + 2
        else
            oid, pos = varint41(s, pos + 1, stop)
        end
        local value
        if family == 0 then
            b = pos < stop and sbyte(s, pos + 1) or 128
            if b < 128 then
                value, pos = b, pos + 1
            else
                value, pos = varint41(s, pos, stop)
            end
        elseif family == 3 then
            local nul = s:find("\0", pos + 1, true)
            if not nul then fail("string without its NUL terminator", pos) end
            nul = nul - 1
            if budget < nul + 1 - pos then fail("memory budget exhausted", pos) end
            budget = budget - (nul + 1 - pos)
            value = s:sub(pos + 1, nul)
            pos = nul + 1
        elseif family == 4 then
            local length
            length, pos = varint41(s, pos, stop)
            if stop - pos < length then fail("blob runs past the input", pos) end
            if budget < length then fail("memory budget exhausted", pos) end
            budget = budget - length
            value = s:sub(pos + 1, pos + length)
            pos = pos + length
        elseif family == 5 then
            if budget < OBJECT_COST then fail("memory budget exhausted", pos) end
            value, pos, budget = decode_list(s, pos, level + 1, max_depth, budget - OBJECT_COST)
        elseif family == 1 then
            if stop - pos < 8 then fail("8-byte value runs past the input", pos) end
            value = { hi = be32(s, pos), lo = be32(s, pos + 4) }
            pos = pos + 8
        elseif family == 2 then
            if stop - pos < 6 then fail("address runs past the input", pos) end
            value = { ip = be32(s, pos), port = be16(s, pos + 4) }
            pos = pos + 6
        elseif family == 6 then
            local n
            n, pos = varint41(s, pos, stop)
            if n > stop - pos or n >= INT_LIST_LIMIT_41 then
                fail("int list cannot fit the input", pos)
            end
            if budget < 4 * n then fail("memory budget exhausted", pos) end
            budget = budget - 4 * n
            value = {}
            for k = 1, n do
                b = pos < stop and sbyte(s, pos + 1) or 128
                if b < 128 then
                    value[k], pos = b, pos + 1
                else
                    value[k], pos = varint41(s, pos, stop)
                end
            end
        else
            fail("unknown object family " .. family, pos)
        end
        items[#items + 1] = { family = family, id = oid, value = value }
    end
    return items, pos, budget
end

-- The range decoder (objects.md 4.1): 12-bit totals, the code one bit behind the bytes, at
-- most three zero bytes read past what is allowed, raw sizes reserved off the end.
local Coder = {}
Coder.__index = Coder

local function coder_new(s, start)
    local c = setmetatable({ s = s, limit = #s, pos = start, start = start }, Coder)
    local first = c:take()
    c.code = floor(first / 2)
    c.bit = first % 2
    c.range = 0x80
    return c
end

function Coder:read_position()
    local p = self.pos
    if p > self.limit then p = self.limit end
    if p < self.start then p = self.start end
    return p
end

function Coder:take()
    local pos = self.pos
    self.pos = pos + 1
    if pos < self.limit then
        return sbyte(self.s, pos + 1)
    end
    if pos - self.limit >= MAX_OVERRUN then
        fail("coded stream reads past the end of its bytes", self:read_position())
    end
    return 0
end

function Coder:normalise()
    while self.range <= BOTTOM do
        local b = self:take()
        self.code = (self.code % 0x1000000) * 256 + self.bit * 128 + floor(b / 2)
        self.bit = b % 2
        self.range = self.range * 256
    end
end

function Coder:symbol(t)
    self:normalise()
    local r = floor(self.range / TOTAL)
    local v = floor(self.code / r)
    if v >= TOTAL then v = TOTAL - 1 end
    local s = 1
    while t[s + 1] <= v do
        s = s + 1
    end
    local low, high = t[s], t[s + 1]
    self.code = self.code - r * low
    if high == TOTAL then
        self.range = self.range - r * low
    else
        self.range = r * (high - low)
    end
    return s - 1
end

function Coder:bits(count)
    self:normalise()
    local r = floor(self.range / POW2[count])
    local top = POW2[count] - 1
    local v = floor(self.code / r)
    if v >= top then
        v = top
        self.range = self.range - r * v
    else
        self.range = r
    end
    self.code = self.code - r * v
    return v
end

function Coder:number(model, nested)
    local s = self:symbol(model.table)
    if s < model.direct then
        return s
    end
    local length = s - model.offset
    if length >= model.escape then
        if nested then fail("escaped number inside an escape", self:read_position()) end
        local extra = self:number(model, true)
        if extra > 32 - model.escape then
            fail("escaped number longer than 32 bits", self:read_position())
        end
        length = model.escape + extra
    end
    local value = POW2[length - 1]
    local done, remaining = 0, length - 1
    while remaining > 0 do
        local group = remaining > 16 and 16 or remaining
        value = value + self:bits(group) * POW2[done]
        done = done + group
        remaining = remaining - group
    end
    return value
end

function Coder:reserve(size)
    self.limit = self.limit - size
    if self.pos - self.limit > MAX_OVERRUN then
        fail("raw values do not fit after the coded stream", self:read_position())
    end
end

function Coder:finish()
    self.range = floor(self.range / 2)
    self:normalise()
    return self.pos - MAX_OVERRUN
end

function Coder:string(budget)
    local out = {}
    local cls = 0
    while true do
        if budget < 1 then fail("memory budget exhausted", self:read_position()) end
        budget = budget - 1
        cls = self:symbol(NEXT_CLASS[cls])
        if cls == 0 then
            break
        end
        local chars = CLASS_CHARS[cls]
        if #chars == 1 then
            out[#out + 1] = chars
        else
            local index = self:symbol(WITHIN_CLASS[cls])
            out[#out + 1] = chars:sub(index + 1, index + 1)
        end
    end
    return concat(out), budget
end

local SMALL = { table = SMALL_NUMBER, direct = 4, offset = 1, escape = 7 }
local VALUE = { table = VALUE_NUMBER, direct = 2, offset = 0, escape = 16 }

local function new_slot()
    local order = {}
    for k, f in ipairs(INITIAL_FAMILY_ORDER) do
        order[k] = f
    end
    return { order = order, ids = {}, families = {}, count = 0 }
end

local function to_front(order, j) -- j is 1-based
    local family = table.remove(order, j)
    table.insert(order, 1, family)
    return family
end

local function index_of(order, family)
    for k = 1, #order do
        if order[k] == family then return k end
    end
end

local function read_coded(st, level)
    local coder = st.coder
    if level >= st.max_depth then
        fail("lists nested deeper than the limit of " .. st.max_depth .. " levels", coder:read_position())
    end
    local slot = st.slots[level < 2 and level or 2]
    local order = slot.order
    local repeat_n = 0
    if level > 0 and slot.count > 0 then
        repeat_n = coder:number(SMALL)
        if repeat_n > slot.count then
            fail("repeat count exceeds the history", coder:read_position())
        end
    end
    slot.count = 0
    local oid = 0
    local items = {}
    while true do
        local family
        if repeat_n > 0 then
            repeat_n = repeat_n - 1
            local at = slot.count
            if at >= HISTORY_SIZE then fail("repeat prefix runs past the history", coder:read_position()) end
            oid = slot.ids[at]
            family = slot.families[at]
            to_front(order, index_of(order, family))
        else
            local s = coder:symbol(HEADER)
            if s == 0 then
                return items
            end
            local delta
            if s > 6 then
                delta = coder:number(SMALL)
                family = to_front(order, s - 6 + 1)
            else
                delta = s ~= 6 and s - 1 or 5 + coder:number(SMALL)
                family = order[1]
            end
            oid = (oid + delta) % TWO32
        end
        if slot.count < HISTORY_SIZE then
            slot.ids[slot.count] = oid
            slot.families[slot.count] = family
            slot.count = slot.count + 1
        end
        if st.budget < OBJECT_COST then fail("memory budget exhausted", coder:read_position()) end
        st.budget = st.budget - OBJECT_COST
        local item = { family = family, id = oid }
        if family == 0 then
            item.value = coder:number(VALUE)
        elseif family == 3 then
            item.value, st.budget = coder:string(st.budget)
        elseif family == 5 then
            item.value = read_coded(st, level + 1)
        elseif family == 6 then
            local count = coder:number(VALUE)
            if count > INT_LIST_MAX_42 then fail("int list too long", coder:read_position()) end
            if st.budget < 4 * count then fail("memory budget exhausted", coder:read_position()) end
            st.budget = st.budget - 4 * count
            local ints = {}
            for k = 1, count do
                ints[k] = coder:number(VALUE)
            end
            item.value = ints
        else
            local size
            if family == 2 then
                size = 6
            else
                size = coder:number(VALUE)
                if family == 1 then
                    if size > 8 then fail("8-byte value of more than 8 bytes", coder:read_position()) end
                elseif st.budget < size then
                    fail("memory budget exhausted", coder:read_position())
                else
                    st.budget = st.budget - size
                end
            end
            st.raw[#st.raw + 1] = { item = item, size = size }
            coder:reserve(size)
        end
        items[#items + 1] = item
    end
end

local function decode_coded42(s, start, max_depth, budget)
    if sbyte(s, start + 1) ~= 0x42 then
        fail(sformat("unknown list marker 0x%02x", sbyte(s, start + 1)), start + 1)
    end
    local st = {
        coder = coder_new(s, start + 1),
        max_depth = max_depth,
        budget = budget,
        slots = { [0] = new_slot(), new_slot(), new_slot() },
        raw = {},
    }
    local items = read_coded(st, 0)
    local pos = st.coder:finish()
    for _, r in ipairs(st.raw) do
        local chunk = s:sub(pos + 1, pos + r.size)
        local item = r.item
        if item.family == 4 then
            item.value = chunk
        elseif item.family == 1 then
            local lo, hi = 0, 0
            for k = #chunk, 1, -1 do
                local b = sbyte(chunk, k)
                if k > 4 then hi = hi * 256 + b else lo = lo * 256 + b end
            end
            item.value = { hi = hi, lo = lo }
        else
            local a, b2, c, d, p1, p2 = sbyte(chunk, 1, 6)
            item.value = { ip = ((d * 256 + c) * 256 + b2) * 256 + a, port = p2 * 256 + p1 }
        end
        pos = pos + r.size
    end
    return items, pos, st.budget
end

decode_list = function(s, pos, level, max_depth, budget)
    if level >= max_depth then
        fail("lists nested deeper than the limit of " .. max_depth .. " levels", pos)
    end
    if pos >= #s then fail("input ends where a list should start", pos) end
    if sbyte(s, pos + 1) ~= 0x41 then
        return decode_coded42(s, pos, max_depth - level, budget)
    end
    return decode_raw41(s, pos, level, max_depth, budget)
end

-- Decode the object list at the start of `s`: items, consumed bytes, form (0x41/0x42).
-- Raises {skypeflux = message, offset = n} on anything that is not a complete list.
function M.decode_objects(s, max_depth, budget)
    local items, consumed = decode_list(s, 0, 0, max_depth or DEFAULT_MAX_DEPTH, budget or DEFAULT_BUDGET)
    return items, consumed, sbyte(s, 1) == 0x41 and 0x41 or 0x42
end

function M.u64_hex(v)
    return sformat("%08x%08x", v.hi, v.lo)
end

function M.address_text(v)
    return ip_text(v.ip) .. ":" .. v.port
end

---------------------------------------------------------------------------------------------
-- Command blocks: varint size, varint cmd (number << 3 | flags), [reqid BE16 if flags & 2],
-- object list; a payload holds one or more of them back to back.
---------------------------------------------------------------------------------------------

-- Varint of at most 5 bytes and 32 bits (wire layer): value, next position; nil at the end of
-- the data; false when the bytes cannot be a varint.
local function varint32(s, pos, stop)
    local value, shift, start = 0, 0, pos
    stop = stop or #s
    while pos < stop do
        local b = sbyte(s, pos + 1)
        pos = pos + 1
        value = value + (b % 128) * POW2[shift]
        if b < 128 then
            if value >= TWO32 then return false end
            return value, pos
        end
        shift = shift + 7
        if pos - start >= 5 then return false end
    end
    return nil
end
M.varint32 = varint32

-- Every block of a plaintext: {offset, length, size, command, flags, reqid, list (bytes),
-- list_offset, items, form, error}. Never raises: a block that does not fit, or whose list does
-- not decode to exactly its end, carries `error` (what "exact" means to a reader).
function M.parse_blocks(s)
    local blocks = {}
    local pos, stop = 0, #s
    while pos < stop do
        local start = pos
        local size, at = varint32(s, pos)
        local cmd_raw, body_at
        if size then
            cmd_raw, body_at = varint32(s, at)
        end
        if not size or not cmd_raw then
            blocks[#blocks + 1] = { offset = start, length = stop - start, size = 0, command = 0,
                flags = 0, list = "", list_offset = stop, error = "bad block header" }
            break
        end
        local flags = cmd_raw % 8
        local reqid_len = (flags == 2 or flags == 3 or flags == 6 or flags == 7) and 2 or 0
        local block_end = body_at + size
        local block = { offset = start, size = size, command = floor(cmd_raw / 8), flags = flags,
            cmd_raw = cmd_raw }
        if size < reqid_len or block_end > stop then
            block.length = stop - start
            block.list_offset = body_at + reqid_len
            block.list = ""
            if block_end > stop then
                block.error = sformat("size %d exceeds the %d bytes left", size, stop - body_at)
            else
                block.error = sformat("size %d too small for a request id", size)
            end
            blocks[#blocks + 1] = block
            break
        end
        if reqid_len > 0 then
            block.reqid = be16(s, body_at)
        end
        block.length = block_end - start
        block.list_offset = body_at + reqid_len
        block.list = s:sub(block.list_offset + 1, block_end)
        if #block.list > 0 then
            local ok, items, consumed, form = pcall(M.decode_objects, block.list)
            if ok then
                block.items, block.form = items, form
                if consumed ~= #block.list then
                    block.error = sformat("object list used %d of %d bytes", consumed, #block.list)
                end
            elseif type(items) == "table" and items.skypeflux then
                block.error = sformat("object list does not decode at byte %d: %s",
                    block.list_offset + (items.offset or 0), items.skypeflux)
            else
                error(items, 0)
            end
        end
        blocks[#blocks + 1] = block
        pos = block_end
    end
    return blocks
end

---------------------------------------------------------------------------------------------
-- Clear-header checks (no key): UDP datagram layouts and the TCP stream header.
---------------------------------------------------------------------------------------------

local TYPE_NAMES = { [0x02] = "payload", [0x03] = "resend", [0x05] = "ack", [0x07] = "nack",
    [0x0D] = "data", [0x0F] = "fragment" }
M.TYPE_NAMES = TYPE_NAMES

local function plausible_public_ip(n)
    local a = floor(n / 16777216)
    if a == 0 or a == 127 or a >= 224 then return false end
    if a == 10 or (a == 192 and floor(n / 65536) % 256 == 168) then return false end
    if a == 172 and floor(n / 65536) % 256 >= 16 and floor(n / 65536) % 256 < 32 then return false end
    return true
end

local function is_private_ip(n)
    local a, b = floor(n / 16777216), floor(n / 65536) % 256
    return a == 10 or (a == 172 and b >= 16 and b < 32) or (a == 192 and b == 168)
        or (a == 169 and b == 254) or (a == 100 and b >= 64 and b < 128)
end
M.is_private_ip = is_private_ip

-- The verdict on one UDP payload from its clear bytes (`s`: the captured bytes, `size`: the
-- datagram's real length): "good" (a Skype layout), "neutral" (a type without a layout, 0x0D),
-- or "bad". `dst_ip` is the captured destination: an address a datagram carries for its
-- receiver must be that one unless the receiver sits behind NAT.
function M.udp_verdict(s, size, dst_ip)
    if size < 3 or size > 1500 or #s < 3 then return "bad" end
    local func = sbyte(s, 3)
    if func >= 0x80 then return "bad" end
    local kind = func % 16
    if kind == 0x02 then
        return size >= 14 and "good" or "bad"
    elseif kind == 0x03 then
        if size < 20 or #s < 12 or sbyte(s, 4) ~= 1 then return "bad" end
        local dest = be32(s, 8)
        if dest == dst_ip or (is_private_ip(dst_ip) and plausible_public_ip(dest)) then return "good" end
        return "bad"
    elseif kind == 0x05 or kind == 0x07 then
        if size ~= 11 or #s < 11 then return "bad" end
        local ip = be32(s, 3)
        if ip == dst_ip or (is_private_ip(dst_ip) and plausible_public_ip(ip)) then return "good" end
        return "bad"
    elseif kind == 0x0F then
        if size <= 15 or #s < 7 or sbyte(s, 7) ~= 0x02 then return "bad" end
        if sbyte(s, 6) >= 0x80 or size == 0x54B then return "good" end
        return "bad"
    elseif kind == 0x0D then
        return "neutral"
    end
    return "bad"
end

-- What the 14-byte header hides: seq16 (2 bytes, 00 01 from one side, random from the other),
-- 00 00 00 01, then 00 00 00 01/03/0F.
local HEADER_FIXED = "\0\0\0\1\0\0\0"
local HEADER_LAST = { 1, 3, 15 }

-- How much the first bytes of a decrypted stream (`b`) look like frames, in bits of evidence
-- (about -log2 of the chance that random bytes pass the same checks), or nil when they cannot
-- be frames. `b` ends where the keystream reuse stops telling the bytes.
local function frame_evidence(b)
    local n = #b
    local pos, bits = 0, 0
    while pos < n do
        local v, at = varint32(b, pos, n)
        if v == false then return nil end
        if v == nil then return bits end
        local length = floor(v / 2)
        if length == 0 or length > 0x10000 then return nil end
        local body_end = at + length
        if v % 2 == 1 then
            if at < n then
                local ftype = sbyte(b, at + 1)
                if ftype ~= 1 and ftype ~= 3 and ftype ~= 5 then return nil end
                bits = bits + 6
                if ftype == 1 then
                    if length ~= 3 then return nil end
                    bits = bits + 8
                end
            end
        else
            if length < 4 then return nil end
            -- packet id (2 bytes), then the first block: size, cmd, [reqid], list marker
            local p = at + 2
            local size, q = varint32(b, p, n)
            if size == false then return nil end
            if size then
                if size < 1 or q + size > body_end then return nil end
                bits = bits + 2
                local cmd, r = varint32(b, q, n)
                if cmd == false then return nil end
                if cmd then
                    local flags = cmd % 8
                    if flags < 1 or flags > 3 then return nil end
                    bits = bits + 1
                    if COMMANDS[floor(cmd / 8)] then bits = bits + 4 end
                    local list_at = r
                    if flags >= 2 and r + 2 <= n then
                        list_at = r + 2
                        if at + 2 <= n and be16(b, r) == (be16(b, at) + 65535) % 65536 then
                            bits = bits + 8 -- request id = packet id - 1, as clients do
                        end
                    elseif flags >= 2 then
                        list_at = n
                    end
                    if list_at < n and list_at < q + size then
                        local marker = sbyte(b, list_at + 1)
                        if marker ~= 0x41 and marker ~= 0x42 then return nil end
                        bits = bits + 7
                    end
                end
            end
        end
        if body_end >= n then
            return bits
        end
        pos = body_end
    end
    return bits
end

M.STRONG_BITS = 14

-- The keystream-reuse check on the first bytes of a direction (`s`, up to 24 of them): bytes
-- 4-13 and 14-23 are encrypted with the same keystream, so ct[4+k] ~ ct[14+k] is the header's
-- known plaintext XOR the first frame's bytes. "strong" when the 00 01 side's frames show
-- (M.STRONG_BITS bits of evidence or more), "weak" when only the length allows it (the side
-- with a random seq16 hides its first two bytes, and filler frames are random: its reverse
-- direction vouches for it), nil below 14 bytes.
function M.tcp_header_verdict(s)
    local n = #s
    if n < 14 then return nil end
    local m = n - 14
    if m > 10 then m = 10 end
    for _, last in ipairs(HEADER_LAST) do
        local known = "\0\1" .. HEADER_FIXED .. schar(last)
        local out = {}
        for k = 1, m do
            out[k] = schar(bxor(bxor(sbyte(s, 4 + k), sbyte(s, 14 + k)), sbyte(known, k)))
        end
        local bits = frame_evidence(concat(out))
        if bits and bits >= M.STRONG_BITS then
            return "strong", bits
        end
    end
    return "weak"
end

local TLS_CLIENT_HELLO = "\128\70\1\3\1\0\45\0\0\0\16"
local TLS_SERVER_HELLO = "\22\3\1\0\74\2\0\0\70\3\1\64\27\228\134"
M.TLS_PREFIXES = { { TLS_CLIENT_HELLO, 72 }, { TLS_SERVER_HELLO, 79 } }

-- Whether `s` (possibly shorter than a signature) may still be the start of a hello.
function M.could_be_tls_prefix(s)
    for _, p in ipairs(M.TLS_PREFIXES) do
        local n = math.min(#s, #p[1])
        if s:sub(1, n) == p[1]:sub(1, n) then return true end
    end
    return false
end

function M.tls_prefix_length(s)
    for _, p in ipairs(M.TLS_PREFIXES) do
        if s:sub(1, #p[1]) == p[1] then return p[2] end
    end
    return 0
end

-- The known plaintext of a decrypted header: bytes 2-9 fixed, last word 1, 3 or 0x0F.
function M.header_plain_ok(plain)
    if #plain ~= 10 or plain:sub(3, 9) ~= HEADER_FIXED then return false end
    local last = sbyte(plain, 10)
    return last == 1 or last == 3 or last == 15
end

---------------------------------------------------------------------------------------------
-- Key log: PUBLIC_ADDRESS and SEED_RC4_KEY lines (see the header of this file).
---------------------------------------------------------------------------------------------

function M.parse_keylog(text)
    local keys, public, count = {}, {}, 0
    for line in (text .. "\n"):gmatch("([^\n]*)\n") do
        line = line:gsub("#.*$", ""):gsub("^%s+", ""):gsub("%s+$", "")
        local label, a, b = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
        if label == "SEED_RC4_KEY" and #a == 8 and #b == 160 then
            local key = unhex(b)
            local seed = tonumber(a, 16)
            if key and seed then
                keys[seed] = key
                count = count + 1
            end
        elseif label == "PUBLIC_ADDRESS" then
            local host, pub = ip_number(a), ip_number(b)
            if host and pub then
                local list = public[host] or {}
                local seen = false
                for _, v in ipairs(list) do
                    if v == pub then seen = true end
                end
                if not seen then list[#list + 1] = pub end
                public[host] = list
            end
        end
    end
    return { keys = keys, public = public, count = count }
end


M.COMMANDS, M.OBJECTS_BY_COMMAND, M.OBJECTS_GENERIC = COMMANDS, OBJECTS_BY_COMMAND, OBJECTS_GENERIC

-- Name of object `oid` of `family` in command `cmd`, inside the lists `path` ("id:family"
-- steps from the top down joined by ">", nil at the top level): name, guessed.
function M.object_name(cmd, oid, family, path)
    local key = (path and (path .. ">") or "") .. sformat("%d:%d", oid, family)
    local t = OBJECTS_BY_COMMAND[cmd]
    local e = t and t.paths and t.paths[key]
    if not e and not path then
        e = (t and t.ids and t.ids[oid]) or OBJECTS_GENERIC[oid]
    end
    if e then return e[1], e[2] end
    return nil, false
end

if rawget(_G, "Proto") == nil or rawget(_G, "register_postdissector") == nil then
    return M -- plain Lua (the test suite): the codecs only
end

---------------------------------------------------------------------------------------------
-- Wireshark: fields, preferences, state
---------------------------------------------------------------------------------------------

local proto = Proto("skypeflux", "Skype classic P2P (skypeflux)")

local UDP_TYPES = { [0x02] = "payload", [0x03] = "resend", [0x05] = "ack", [0x07] = "nack",
    [0x0D] = "data", [0x0F] = "fragment" }
local CMD_FLAGS = { [1] = "notification", [2] = "request", [3] = "reply" }
local LIST_FORMS = { [0x41] = "raw", [0x42] = "range-coded" }
local FAMILIES = { [0] = "number", [1] = "u64", [2] = "address", [3] = "string", [4] = "blob",
    [5] = "list", [6] = "intlist" }

-- BEGIN GENERATED FIELDS (skypeflux.outputs.wireshark.generate; do not edit by hand)
local F, FIELD_LIST = {}, {}
F["skypeflux.unit"] = ProtoField.string("skypeflux.unit", "Unit", base.UNICODE, "Kind of unit: udp.payload (type 0x02), udp.resend (0x03), udp.fragment (0x0F), udp.message (joined fragments), udp.ack (0x05), udp.nack (0x07), udp.other, tcp.header, tcp.data (even frame), tcp.control (odd frame), tcp.end (a direction stopped early), note (something learned). summary is the last line of a run: per Skype host, units verified / unverified / clear, the public address and the frames that claimed and proved it, and a hint where it stayed unknown (in skypeflux.info: units, verified, unverified, clear, flows, hosts[], warnings[], and packets: how many packets had each outcome, Skype verified / unverified / clear, not Skype, IPv6, not IP, other IP protocol, malformed, IP fragment pending, unsupported link type, adding up to the packets read, with unaccounted the gap, 0 unless a bug).")
F["skypeflux.verified"] = ProtoField.bool("skypeflux.verified", "Verified", base.NONE, nil, nil, "True when the unit's key is proven and, where the protocol protects it, its content: UDP units by a CRC32 over their plaintext (key and content proven), a joined 0x0F message only when every piece's CRC held, the indexes form one complete run and the result parses exactly; TCP frames by the direction's known header (key proven) and exact framing and object lists (structure checked). A TCP frame's content is NOT integrity-protected (classic Skype TCP has no checksum): a flipped bit in it changes the plaintext without changing this flag unless it breaks the framing or an object list. See skypeflux.verify.key / .content / .structure.")
F["skypeflux.verify.method"] = ProtoField.string("skypeflux.verify.method", "Verified by", base.UNICODE, "What the verdict rests on: crc32 (the datagram's CRC), tcp-header (the known header of a TCP direction), tcp-header+framing (that header and exact frames and blocks), evidence (a note: the record that proved it), none.")
F["skypeflux.verify.detail"] = ProtoField.string("skypeflux.verify.detail", "Verification", base.UNICODE, "Evidence or the reason verification failed, in words.")
F["skypeflux.seed"] = ProtoField.uint32("skypeflux.seed", "Seed", base.HEX, nil, nil, "The 32-bit RC4 seed used.")
F["skypeflux.public.src"] = ProtoField.ipv4("skypeflux.public.src", "Public source", "Public source address used in the UDP seed (0.0.0.0 when the sender did not know its own).")
F["skypeflux.public.dst"] = ProtoField.ipv4("skypeflux.public.dst", "Public destination", "Public destination address used in the UDP seed.")
F["skypeflux.orig_frame"] = ProtoField.uint32("skypeflux.orig_frame", "Original frame", base.DEC, nil, nil, "In a capture written by skypeflux export: the unit's frame number in the original capture (reply-to frames count the same way).")
F["skypeflux.heuristic"] = ProtoField.string("skypeflux.heuristic", "Recognised by", base.UNICODE, "Which clear-header evidence made the heuristic take this packet.")
F["skypeflux.udp.id"] = ProtoField.uint16("skypeflux.udp.id", "ID", base.HEX, nil, nil, "UDP datagram id (bytes 0-1, big-endian).")
F["skypeflux.udp.func"] = ProtoField.uint8("skypeflux.udp.func", "Func", base.HEX, nil, nil, "The raw func byte (byte 2) of the datagram.")
F["skypeflux.udp.type"] = ProtoField.uint8("skypeflux.udp.type", "Type", base.HEX, UDP_TYPES, nil, "UDP datagram type: func byte AND 0x8F.")
F["skypeflux.udp.iv"] = ProtoField.uint32("skypeflux.udp.iv", "IV", base.HEX, nil, nil, "The IV mixed into the seed (types 0x02, 0x0F).")
F["skypeflux.udp.crc"] = ProtoField.uint32("skypeflux.udp.crc", "CRC", base.HEX, nil, nil, "Skype CRC32 of the plaintext, as sent (types 0x02, 0x03, 0x0F).")
F["skypeflux.udp.count"] = ProtoField.uint8("skypeflux.udp.count", "Count", base.DEC, nil, nil, "Byte 3 of a resend (always 1).")
F["skypeflux.udp.challenge"] = ProtoField.uint32("skypeflux.udp.challenge", "Challenge", base.HEX, nil, nil, "NAck challenge; a resend's seed is id XOR challenge (types 0x07, 0x03).")
F["skypeflux.udp.dest_ip"] = ProtoField.ipv4("skypeflux.udp.dest_ip", "Destination IP", "A resend's receiver, as its sender saw it.")
F["skypeflux.udp.ip"] = ProtoField.ipv4("skypeflux.udp.ip", "Your public IP", "ACK/NAck: the public address of this packet's receiver as its sender sees it.")
F["skypeflux.udp.value"] = ProtoField.uint32("skypeflux.udp.value", "Value", base.HEX, nil, nil, "ACK: the last 4 bytes (meaning unknown).")
F["skypeflux.udp.ref_id"] = ProtoField.uint16("skypeflux.udp.ref_id", "Reference id", base.HEX, nil, nil, "Fragment: id of the request the fragmented reply answers.")
F["skypeflux.udp.frag.index"] = ProtoField.uint8("skypeflux.udp.frag.index", "Fragment index", base.DEC, nil, nil, "Fragment: position from 0.")
F["skypeflux.udp.frag.last"] = ProtoField.bool("skypeflux.udp.frag.last", "Last fragment", base.NONE, nil, nil, "Fragment: bit 7 of byte 5.")
F["skypeflux.udp.frag.count"] = ProtoField.uint8("skypeflux.udp.frag.count", "Fragments", base.DEC, nil, nil, "Message: how many fragments it was joined from.")
F["skypeflux.udp.frag.frame"] = ProtoField.framenum("skypeflux.udp.frag.frame", "Fragment in frame", base.NONE, nil, nil, "Message: a frame that carried one of its fragments.")
F["skypeflux.udp.ciphertext"] = ProtoField.bytes("skypeflux.udp.ciphertext", "Encrypted data", base.NONE, "The RC4-encrypted rest of the datagram.")
F["skypeflux.tcp.seed"] = ProtoField.uint32("skypeflux.tcp.seed", "Stream seed", base.HEX, nil, nil, "The clear seed that opens one direction of an obfuscated TCP stream.")
F["skypeflux.tcp.header"] = ProtoField.bytes("skypeflux.tcp.header", "Stream header", base.NONE, "The 10 decrypted header bytes: seq16, 00000001, 00000001/03/0F.")
F["skypeflux.tcp.tls_prefix"] = ProtoField.uint16("skypeflux.tcp.tls_prefix", "Pseudo-TLS prefix", base.DEC, nil, nil, "Bytes of pseudo-TLS hello before the stream header (port 443).")
F["skypeflux.tcp.frame"] = ProtoField.none("skypeflux.tcp.frame", "TCP frame", "One frame of the decrypted stream.")
F["skypeflux.tcp.frame.offset"] = ProtoField.uint32("skypeflux.tcp.frame.offset", "Stream offset", base.DEC, nil, nil, "Offset of the frame after the 14-byte header.")
F["skypeflux.tcp.frame.length"] = ProtoField.uint32("skypeflux.tcp.frame.length", "Frame length", base.DEC, nil, nil, "Body bytes of the frame.")
F["skypeflux.tcp.frame.kind"] = ProtoField.string("skypeflux.tcp.frame.kind", "Frame kind", base.UNICODE, "data, ack, filler, session or control.")
F["skypeflux.tcp.packet_id"] = ProtoField.uint16("skypeflux.tcp.packet_id", "Packet id", base.HEX, nil, nil, "Packet id of a TCP data frame, or the one an ack acknowledges.")
F["skypeflux.block"] = ProtoField.none("skypeflux.block", "Command block", "One command block: size, cmd, [reqid], object list.")
F["skypeflux.block.size"] = ProtoField.uint32("skypeflux.block.size", "Size", base.DEC, nil, nil, "The size varint: bytes after the cmd varint.")
F["skypeflux.cmd"] = ProtoField.uint32("skypeflux.cmd", "Command", base.DEC, nil, nil, "Command number (the cmd varint shifted right by 3).")
F["skypeflux.cmd.name"] = ProtoField.string("skypeflux.cmd.name", "Command name", base.UNICODE, "Known name of the command (a guessed one too: see skypeflux.cmd.name_guessed).")
F["skypeflux.cmd.name_guessed"] = ProtoField.bool("skypeflux.cmd.name_guessed", "Name is a guess", base.NONE, nil, nil, "True when the command's name is our inference, not a source's.")
F["skypeflux.cmd.flags"] = ProtoField.uint8("skypeflux.cmd.flags", "Flags", base.DEC, CMD_FLAGS, nil, "Low 3 bits of the cmd varint: 2 request, 3 reply, 1 notification.")
F["skypeflux.reqid"] = ProtoField.uint16("skypeflux.reqid", "Request id", base.HEX, nil, nil, "Request id (present when flags bit 1 is set); a reply quotes its request's id.")
F["skypeflux.reply_to_frame"] = ProtoField.framenum("skypeflux.reply_to_frame", "Reply to", base.NONE, frametype and frametype.REQUEST, nil, "For a reply: the frame of the request it answers, when that was seen.")
F["skypeflux.reply_in_frame"] = ProtoField.framenum("skypeflux.reply_in_frame", "Reply in", base.NONE, frametype and frametype.RESPONSE, nil, "For a request: the frame of its reply.")
F["skypeflux.list.form"] = ProtoField.uint8("skypeflux.list.form", "List form", base.HEX, LIST_FORMS, nil, "Object list serialisation: 0x41 (65, raw) or 0x42 (66, range-coded).")
F["skypeflux.error"] = ProtoField.string("skypeflux.error", "Error", base.UNICODE, "Why the block or its list did not decode exactly.")
F["skypeflux.obj"] = ProtoField.none("skypeflux.obj", "Object", "One object of a list.")
F["skypeflux.obj.id"] = ProtoField.uint32("skypeflux.obj.id", "Object id", base.HEX, nil, nil, "Object id: which parameter of the command this object is. Ids may repeat in a list.")
F["skypeflux.obj.family"] = ProtoField.uint8("skypeflux.obj.family", "Family", base.DEC, FAMILIES, nil, "Object family: 0 number, 1 u64, 2 address, 3 string, 4 blob, 5 list, 6 intlist.")
F["skypeflux.obj.name"] = ProtoField.string("skypeflux.obj.name", "Object name", base.UNICODE, "Known meaning of this id in this command (a guessed one too: see skypeflux.obj.name_guessed).")
F["skypeflux.obj.name_guessed"] = ProtoField.bool("skypeflux.obj.name_guessed", "Object name is a guess", base.NONE, nil, nil, "True when the object's name is our inference, not a source's.")
F["skypeflux.obj.number"] = ProtoField.uint32("skypeflux.obj.number", "Number", base.DEC, nil, nil, "Family 0: the value.")
F["skypeflux.obj.u64"] = ProtoField.uint64("skypeflux.obj.u64", "64-bit value", base.HEX, nil, nil, "Family 1: the value.")
F["skypeflux.obj.addr"] = ProtoField.string("skypeflux.obj.addr", "Address", base.UNICODE, "Family 2: the value as a.b.c.d:port.")
F["skypeflux.obj.ip"] = ProtoField.ipv4("skypeflux.obj.ip", "IP", "Family 2: the address part.")
F["skypeflux.obj.port"] = ProtoField.uint16("skypeflux.obj.port", "Port", base.DEC, nil, nil, "Family 2: the port part.")
F["skypeflux.obj.text"] = ProtoField.string("skypeflux.obj.text", "Text", base.UNICODE, "Family 3: the string as text.")
F["skypeflux.obj.blob"] = ProtoField.bytes("skypeflux.obj.blob", "Blob", base.NONE, "Family 4: the bytes.")
F["skypeflux.obj.count"] = ProtoField.uint32("skypeflux.obj.count", "Count", base.DEC, nil, nil, "Family 5 and 6: how many items.")
F["skypeflux.obj.int"] = ProtoField.uint32("skypeflux.obj.int", "Element", base.DEC, nil, nil, "Family 6: one element.")
for _, f in pairs(F) do FIELD_LIST[#FIELD_LIST + 1] = f end
-- END GENERATED FIELDS

proto.fields = FIELD_LIST

local E = {
    malformed = ProtoExpert.new("skypeflux.malformed", "Skype data that does not decode exactly",
        expert.group.MALFORMED, expert.severity.WARN),
    unverified = ProtoExpert.new("skypeflux.unverified", "Skype unit not decrypted",
        expert.group.DECRYPTION, expert.severity.NOTE),
    stream = ProtoExpert.new("skypeflux.stream", "Skype TCP stream problem",
        expert.group.SEQUENCE, expert.severity.WARN),
}
proto.experts = { E.malformed, E.unverified, E.stream }

proto.prefs.keylog = Pref.string("Key log file", "",
    "File written by `skypeflux keylog CAPTURE -o FILE`: seeds with their RC4 keys, public addresses")

local f_icmp = Field.new("icmp")
local f_tcp_seq = Field.new("tcp.seq_raw")
-- Which handshake packets Wireshark has seen on the connection (bit 0: SYN); not in every
-- version, so optional. A direction whose SYN was not seen may not start at its header.
local have_completeness, f_tcp_completeness = pcall(Field.new, "tcp.completeness")
if not have_completeness then f_tcp_completeness = nil end

local S -- everything learned from the capture, reset by init()
local function reset()
    S = {
        keylog = nil,
        udp_ep = {},     -- "ip:port" -> {good, bad, peers = {}, npeers}
        udp = {},        -- frame -> result of the first pass
        frags = {},      -- "src>dst#id" -> {pieces = {}, frames = {}, last}
        open = {},       -- "src>dst#reqid" -> request block (pairing)
        dirs = {},       -- "src>dst" -> one TCP direction
        tcp = {},        -- frame -> {dir, offset, header, frames, note}
        export = {},     -- frame -> blocks of an exported PDU
        sent = {},       -- "src>dst" -> {datagram id -> type}, for the echo evidence
        echo = {},       -- "a|b" -> true once ids echo between a and b
    }
end
reset()

function proto.init()
    reset()
end

local function keylog()
    if S.keylog then return S.keylog end
    local path = proto.prefs.keylog
    local log = { keys = {}, public = {}, count = 0 }
    if path and path ~= "" then
        local fh = io.open(path, "rb")
        if fh then
            log = M.parse_keylog(fh:read("*a"))
            fh:close()
        else
            log.error = "cannot open the key log " .. path
        end
    end
    S.keylog = log
    return log
end

local function ep_text(ip, port)
    return ip_text(ip) .. ":" .. port
end

-- A datagram quoted inside an ICMP error is not traffic of its own.
local function in_error_packet(pinfo)
    local ok, quoted = pcall(function() return pinfo.in_error_pkt end)
    if ok and quoted ~= nil then return quoted end
    return f_icmp() ~= nil
end

local function ipv4_of(address)
    return ip_number(tostring(address))
end

---------------------------------------------------------------------------------------------
-- Command blocks and objects as a tree
---------------------------------------------------------------------------------------------

local function value_text(item)
    local f, v = item.family, item.value
    if f == 0 then return tostring(v) end
    if f == 1 then return "0x" .. M.u64_hex(v) end
    if f == 2 then return M.address_text(v) end
    if f == 3 then return '"' .. v .. '"' end
    if f == 4 then return #v .. " bytes" .. (#v > 0 and (": " .. hex(v:sub(1, 16)) .. (#v > 16 and "..." or "")) or "") end
    if f == 5 then return #v .. " objects" end
    local shown = {}
    for k = 1, math.min(#v, 16) do shown[k] = tostring(v[k]) end
    return "[" .. concat(shown, ", ") .. (#v > 16 and ", ..." or "") .. "]"
end

local function add_objects(parent, range, items, cmd, path)
    for _, item in ipairs(items) do
        local name, guessed = M.object_name(cmd, item.id, item.family, path)
        local node = parent:add(F["skypeflux.obj"], range)
        node:set_text(sformat("Object 0x%02x %s(%s): %s", item.id,
            name and (name .. (guessed and "? " or " ")) or "", FAMILIES[item.family], value_text(item)))
        node:add(F["skypeflux.obj.id"], range, item.id)
        node:add(F["skypeflux.obj.family"], range, item.family)
        if name then
            node:add(F["skypeflux.obj.name"], range, name)
            node:add(F["skypeflux.obj.name_guessed"], range, guessed and true or false)
        end
        local f, v = item.family, item.value
        if f == 0 then
            node:add(F["skypeflux.obj.number"], range, v)
        elseif f == 1 then
            node:add(F["skypeflux.obj.u64"], range, UInt64.new(v.lo, v.hi))
        elseif f == 2 then
            node:add(F["skypeflux.obj.addr"], range, M.address_text(v))
            node:add(F["skypeflux.obj.ip"], range, Address.ip(ip_text(v.ip)))
            node:add(F["skypeflux.obj.port"], range, v.port)
        elseif f == 3 then
            node:add(F["skypeflux.obj.text"], range, v)
        elseif f == 4 then
            node:add(F["skypeflux.obj.blob"], range, v)
        elseif f == 5 then
            node:add(F["skypeflux.obj.count"], range, #v)
            add_objects(node, range, v, cmd,
                (path and (path .. ">") or "") .. sformat("%d:%d", item.id, item.family))
        else
            node:add(F["skypeflux.obj.count"], range, #v)
            for _, element in ipairs(v) do
                node:add(F["skypeflux.obj.int"], range, element)
            end
        end
    end
end

local function block_summary(b)
    local parts = { "cmd " .. b.command }
    local entry = COMMANDS[b.command]
    if entry then parts[#parts + 1] = entry[1] .. (entry[2] and "?" or "") end
    parts[#parts + 1] = CMD_FLAGS[b.flags] or ("flags" .. b.flags)
    if b.reqid then parts[#parts + 1] = sformat("reqid 0x%04x", b.reqid) end
    if b.reply_to then parts[#parts + 1] = "reply to #" .. b.reply_to end
    return concat(parts, " ")
end

-- A range of `tvb` clamped to its bytes: a block that runs past its plaintext (the reason it
-- is "not exact") still gets a place in the tree.
local function span(tvb, at, len)
    local n = tvb:len()
    if at > n then at = n end
    if len > n - at then len = n - at end
    if len < 0 then len = 0 end
    return tvb(at, len)
end

-- `ptvb` holds the plaintext the blocks were parsed from, starting at `base` in it.
local function add_blocks(tree, ptvb, base, blocks)
    for _, b in ipairs(blocks) do
        local whole = span(ptvb, base + b.offset, b.length)
        local node = tree:add(F["skypeflux.block"], whole)
        node:set_text("Command block: " .. block_summary(b) .. (b.error and " [not exact]" or ""))
        local size_len = b.size_len or 1
        node:add(F["skypeflux.block.size"], span(ptvb, base + b.offset, size_len), b.size)
        local cmd_range = span(ptvb, base + b.offset + size_len, b.cmd_len or 1)
        node:add(F["skypeflux.cmd"], cmd_range, b.command)
        local entry = COMMANDS[b.command]
        if entry then
            node:add(F["skypeflux.cmd.name"], cmd_range, entry[1])
            node:add(F["skypeflux.cmd.name_guessed"], cmd_range, entry[2])
        end
        node:add(F["skypeflux.cmd.flags"], cmd_range, b.flags)
        if b.reqid then
            node:add(F["skypeflux.reqid"], span(ptvb, base + b.list_offset - 2, 2), b.reqid)
        end
        if b.reply_to then
            node:add(F["skypeflux.reply_to_frame"], whole, b.reply_to)
        end
        if b.reply_in then
            node:add(F["skypeflux.reply_in_frame"], whole, b.reply_in)
        end
        if #b.list > 0 then
            local list_range = span(ptvb, base + b.list_offset, #b.list)
            node:add(F["skypeflux.list.form"], span(ptvb, base + b.list_offset, 1), sbyte(b.list, 1))
            if b.items then
                add_objects(node, list_range, b.items, b.command, nil)
            end
        end
        if b.error then
            node:add(F["skypeflux.error"], whole, b.error)
            node:add_proto_expert_info(E.malformed, b.error)
        end
    end
end

-- Blocks of a verified plaintext, with names, and requests paired with replies (in the order
-- of the first pass, which is frame order) by endpoints and request id.
local function describe(plain, frame, src, dst)
    local blocks = M.parse_blocks(plain)
    for k, b in ipairs(blocks) do
        local len1 = select(2, M.varint32(plain, b.offset)) or (b.offset + 1)
        b.size_len = len1 - b.offset
        local len2 = select(2, M.varint32(plain, len1)) or (len1 + 1)
        b.cmd_len = len2 - len1
        b.index = k
        if b.reqid and not b.error or (b.reqid and b.items) then
            if b.flags == 2 then
                S.open[src .. ">" .. dst .. "#" .. b.reqid] = { frame = frame, block = b }
            elseif b.flags == 3 then
                local key = dst .. ">" .. src .. "#" .. b.reqid
                local req = S.open[key]
                if req then
                    S.open[key] = nil
                    b.reply_to = req.frame
                    req.block.reply_in = frame
                end
            end
        end
    end
    return blocks
end

local function info_of(blocks)
    local parts = {}
    for _, b in ipairs(blocks) do parts[#parts + 1] = block_summary(b) end
    return concat(parts, "; ")
end

---------------------------------------------------------------------------------------------
-- UDP
---------------------------------------------------------------------------------------------

local function udp_endpoint(ep)
    local e = S.udp_ep[ep]
    if not e then
        e = { good = 0, bad = 0, peers = {}, npeers = 0 }
        S.udp_ep[ep] = e
    end
    return e
end

local function count_udp(verdict, a, b)
    for _, pair in ipairs({ { a, b }, { b, a } }) do
        local e = udp_endpoint(pair[1])
        if verdict == "bad" then
            e.bad = e.bad + 1
        elseif verdict == "good" then
            e.good = e.good + 1
            if not e.peers[pair[2]] then
                e.peers[pair[2]] = true
                e.npeers = e.npeers + 1
            end
        end
    end
end

-- Two endpoints prove each other when one echoes the other's datagram id the way Skype does:
-- an ACK or NAck carries the id of the datagram it answers, a resend the id of the NAck.
local function note_echo(r, a, b)
    local sent = S.sent[a .. ">" .. b]
    if not sent then
        sent = {}
        S.sent[a .. ">" .. b] = sent
    end
    local t = r.type
    local back = S.sent[b .. ">" .. a]
    local echo = false
    if (t == 0x05 or t == 0x07) and back then
        echo = back[r.id] == 0x02 or back[r.id] == 0x03 or back[r.id] == 0x0F
    elseif t == 0x03 and back then
        echo = back[r.id] == 0x07
    end
    if not sent[r.id] then sent[r.id] = t end
    if echo then
        S.echo[a .. "|" .. b], S.echo[b .. "|" .. a] = true, true
    end
end

-- An endpoint vouches for its datagrams once it has sent or received at least three
-- Skype-layout datagrams with two different peers, and almost nothing else.
local function endpoint_state(ep)
    local e = S.udp_ep[ep]
    if not e then return false, false end
    local clean = e.bad * 8 <= e.good
    return clean, clean and e.good >= 3 and e.npeers >= 2
end

local function udp_candidates(log, src, dst)
    local srcs, dsts = {}, {}
    for _, v in ipairs(log.public[src] or {}) do srcs[#srcs + 1] = v end
    srcs[#srcs + 1] = src
    srcs[#srcs + 1] = 0
    for _, v in ipairs(log.public[dst] or {}) do dsts[#dsts + 1] = v end
    dsts[#dsts + 1] = dst
    return srcs, dsts
end

-- Decrypt with the first candidate seed that is in the key log and whose CRC matches.
local function open_udp(log, r, src, dst, ct)
    local tried = 0
    local function attempt(seed, psrc, pdst)
        local key = log.keys[seed]
        if not key then return false end
        tried = tried + 1
        local plain = rc4(key, ct)
        if skype_crc32(plain) == r.crc then
            r.verified, r.seed, r.public_src, r.public_dst, r.plain = true, seed, psrc, pdst, plain
            r.detail = sformat("CRC %08x ok with seed %08x", r.crc, seed)
            return true
        end
        return false
    end
    if r.challenge then
        attempt(bxor(r.id, r.challenge))
    else
        local srcs, dsts = udp_candidates(log, src, dst)
        for _, s in ipairs(srcs) do
            for _, d in ipairs(dsts) do
                if attempt(udp_seed(s, d, r.id, r.iv), s, d) then return end
            end
        end
    end
    if not r.verified then
        r.detail = tried > 0 and "CRC mismatch with every key the key log has for it"
            or "no key in the key log for this datagram's seed"
    end
end

-- A joined 0x0F message is shown only when its order is proven, as skypeflux does: each
-- piece's IV (covered by its CRC) is two steps of Skype's generator after the one before it,
-- and the piece flagged last is shorter than a full one (protocol.md 3.3; wire/fragments.py).
local FULL_FRAGMENT_PLAIN = 0x54B - 15
local function skype_lcg(v) return (69069 * v + 0x4271) % 4294967296 end

local function message_problem(set)
    for k = 1, set.last do
        if set.ivs[k] ~= skype_lcg(skype_lcg(set.ivs[k - 1])) then
            return "pieces' IVs do not follow Skype's generator in index order"
        end
    end
    if #set.pieces[set.last] >= FULL_FRAGMENT_PLAIN then
        return "the piece flagged last is a full one: the message may go on"
    end
    return nil
end

local function first_pass_udp(s, size, frame, src, sport, dst, dport, truncated, verdict)
    local r = { verdict = verdict, id = be16(s, 0), func = sbyte(s, 3) }
    r.type = r.func % 16 + (r.func >= 128 and 128 or 0)
    local a, b = ep_text(src, sport), ep_text(dst, dport)
    local t = r.type
    if t == 0x02 and #s >= 11 then
        r.iv, r.crc, r.ct_at = be32(s, 3), be32(s, 7), 11
    elseif t == 0x03 and #s >= 16 then
        r.count, r.challenge, r.dest_ip, r.crc, r.ct_at = sbyte(s, 4), be32(s, 4), be32(s, 8), be32(s, 12), 16
    elseif t == 0x0F and #s >= 15 then
        r.ref_id, r.index, r.last = be16(s, 3), sbyte(s, 6) % 128, sbyte(s, 6) >= 128
        r.iv, r.crc, r.ct_at = be32(s, 7), be32(s, 11), 15
    elseif (t == 0x05 or t == 0x07) and #s >= 11 then
        r.ip, r.value = be32(s, 3), be32(s, 7)
    end
    if r.ct_at then
        if truncated then
            r.detail = "cut by the snap length"
        else
            open_udp(keylog(), r, src, dst, s:sub(r.ct_at + 1))
        end
    end
    if r.verified and t == 0x0F then
        local key = a .. ">" .. b .. "#" .. r.id
        local set = S.frags[key]
        if not set then
            set = { pieces = {}, frames = {}, ivs = {}, have = 0 }
            S.frags[key] = set
        end
        if not set.pieces[r.index] then
            set.pieces[r.index] = r.plain
            set.ivs[r.index] = r.iv
            set.frames[#set.frames + 1] = frame
            set.have = set.have + 1
            if r.last then set.last = r.index end
            if set.last and set.have == set.last + 1 then
                local problem = message_problem(set)
                if problem then
                    r.message = { frames = set.frames, count = set.have, problem = problem }
                else
                    local parts = {}
                    for k = 0, set.last do parts[k + 1] = set.pieces[k] end
                    local plain = concat(parts)
                    r.message = { plain = plain, frames = set.frames, count = set.have,
                        blocks = describe(plain, frame, a, b) }
                end
                S.frags[key] = nil
            end
        end
    elseif r.verified then
        r.blocks = describe(r.plain, frame, a, b)
    end
    return r
end

local function add_plain(t, r, plain, blocks, label)
    local ptvb = ByteArray.new(hex(plain)):tvb(label)
    add_blocks(t, ptvb, 0, blocks)
end

local function show_udp(tvb, pinfo, tree, r, reason)
    pinfo.cols.protocol = "SKYPE"
    local t = tree:add(proto, tvb())
    local name = UDP_TYPES[r.type] or "unknown"
    t:append_text(sformat(", UDP %s (0x%02x), id 0x%04x", name, r.type, r.id))
    t:add(F["skypeflux.heuristic"], tvb(0, 3), reason)
    t:add(F["skypeflux.udp.id"], tvb(0, 2))
    t:add(F["skypeflux.udp.func"], tvb(2, 1))
    t:add(F["skypeflux.udp.type"], tvb(2, 1), r.type)
    local unit = "udp.other"
    if r.type == 0x02 and r.ct_at then
        unit = "udp.payload"
        t:add(F["skypeflux.udp.iv"], tvb(3, 4))
        t:add(F["skypeflux.udp.crc"], tvb(7, 4))
    elseif r.type == 0x03 and r.ct_at then
        unit = "udp.resend"
        t:add(F["skypeflux.udp.count"], tvb(3, 1))
        t:add(F["skypeflux.udp.challenge"], tvb(4, 4))
        t:add(F["skypeflux.udp.dest_ip"], tvb(8, 4))
        t:add(F["skypeflux.udp.crc"], tvb(12, 4))
    elseif r.type == 0x0F and r.ct_at then
        unit = "udp.fragment"
        t:add(F["skypeflux.udp.ref_id"], tvb(3, 2))
        t:add(F["skypeflux.udp.frag.index"], tvb(5, 1), r.index)
        t:add(F["skypeflux.udp.frag.last"], tvb(5, 1), r.last)
        t:add(F["skypeflux.udp.iv"], tvb(7, 4))
        t:add(F["skypeflux.udp.crc"], tvb(11, 4))
    elseif r.ip then
        unit = r.type == 0x05 and "udp.ack" or "udp.nack"
        t:add(F["skypeflux.udp.ip"], tvb(3, 4))
        if r.type == 0x07 then
            t:add(F["skypeflux.udp.challenge"], tvb(7, 4))
        else
            t:add(F["skypeflux.udp.value"], tvb(7, 4))
        end
    end
    t:add(F["skypeflux.unit"], tvb(2, 1), unit)
    local info = sformat("UDP %s id 0x%04x", name, r.id)
    if r.ct_at then
        if tvb:len() > r.ct_at then
            t:add(F["skypeflux.udp.ciphertext"], tvb(r.ct_at))
        end
        t:add(F["skypeflux.verified"], tvb(2, 1), r.verified and true or false)
        if r.verified then
            t:add(F["skypeflux.verify.method"], tvb(2, 1), "crc32")
            t:add(F["skypeflux.seed"], tvb(2, 1), r.seed)
            if r.public_src then
                t:add(F["skypeflux.public.src"], tvb(2, 1), Address.ip(ip_text(r.public_src)))
                t:add(F["skypeflux.public.dst"], tvb(2, 1), Address.ip(ip_text(r.public_dst)))
            end
        end
        t:add(F["skypeflux.verify.detail"], tvb(2, 1), r.detail or "")
        if not r.verified then
            t:add_proto_expert_info(E.unverified, r.detail or "not decrypted")
            info = info .. " (encrypted)"
        elseif r.blocks then
            add_plain(t, r, r.plain, r.blocks, "Decrypted Skype")
            info = info .. " " .. info_of(r.blocks)
        else
            local ptvb = ByteArray.new(hex(r.plain)):tvb("Decrypted fragment")
            t:add(F["skypeflux.udp.frag.index"], ptvb(), r.index):append_text(" (decrypted, CRC ok)")
            info = info .. sformat(" fragment %d%s", r.index, r.last and " (last)" or "")
        end
        if r.message then
            local m = t:add(F["skypeflux.udp.frag.count"], tvb(2, 1), r.message.count)
            m:prepend_text("Reassembled message: ")
            for _, fr in ipairs(r.message.frames) do
                m:add(F["skypeflux.udp.frag.frame"], tvb(2, 1), fr)
            end
            if r.message.problem then
                m:add_proto_expert_info(E.unverified, "message not verified: " .. r.message.problem)
                info = info .. " message not verified"
            else
                add_plain(m, r, r.message.plain, r.message.blocks, "Reassembled Skype message")
                info = info .. " message: " .. info_of(r.message.blocks)
            end
        end
    elseif r.ip then
        info = info .. " your public IP " .. ip_text(r.ip)
    end
    pinfo.cols.info = info
end

local function heur_udp(tvb, pinfo, tree)
    if in_error_packet(pinfo) then return false end
    local src, dst = ipv4_of(pinfo.src), ipv4_of(pinfo.dst)
    if not src or not dst then return false end
    local frame = pinfo.number
    local r = S.udp[frame]
    local a, b = ep_text(src, pinfo.src_port), ep_text(dst, pinfo.dst_port)
    if not pinfo.visited and not r then
        local s = tvb:raw(0, tvb:len())
        local size = tvb:reported_len()
        local verdict = M.udp_verdict(s, size, dst)
        count_udp(verdict, a, b)
        if verdict == "bad" then
            S.udp[frame] = { verdict = "bad" }
            return false
        end
        r = first_pass_udp(s, size, frame, src, pinfo.src_port, dst, pinfo.dst_port,
            tvb:len() < size, verdict)
        note_echo(r, a, b)
        S.udp[frame] = r
    end
    if not r or r.verdict == "bad" then return false end
    local clean_a, proven_a = endpoint_state(a)
    local clean_b, proven_b = endpoint_state(b)
    local reason
    if r.verified then
        reason = "CRC verified with a key from the key log"
    elseif clean_a and clean_b and (proven_a or proven_b) then
        reason = sformat("%s layout; endpoint %s", UDP_TYPES[r.type] or "known",
            proven_a and a or b)
    elseif clean_a and clean_b and S.echo[a .. "|" .. b] then
        reason = sformat("%s layout; ACK/NAck ids echo this pair's datagrams", UDP_TYPES[r.type] or "known")
    else
        return false
    end
    show_udp(tvb, pinfo, tree, r, reason)
    return true
end

---------------------------------------------------------------------------------------------
-- TCP: one state per direction; the first pass feeds segments in frame order
---------------------------------------------------------------------------------------------

local function tcp_frames(d, frame, seg)
    -- split the decrypted bytes waiting in d.pending into complete frames
    local pending = d.pending
    local pos = 0
    while pos < #pending do
        local v, at = M.varint32(pending, pos)
        if v == nil then break end
        if v == false or floor(v / 2) > 0x10000 then
            d.broken = sformat("framing lost at stream offset %d", d.body_pos + pos)
            seg.note = d.broken
            break
        end
        local length = floor(v / 2)
        if at + length > #pending then break end
        local fr = { offset = d.body_pos + pos, value = v, hdr = at - pos,
            bytes = pending:sub(pos + 1, at + length) }
        local body = fr.bytes:sub(fr.hdr + 1)
        if v % 2 == 0 then
            fr.kind = "data"
            if #body >= 2 then
                fr.packet_id = be16(body, 0)
                fr.blocks = describe(body:sub(3), frame, d.src, d.dst)
            else
                fr.error = "data frame shorter than its packet id"
            end
        else
            local ftype = sbyte(body, 1)
            fr.kind = ({ [1] = "ack", [3] = "filler", [5] = "session" })[ftype] or "control"
            if ftype == 1 and #body >= 3 then fr.packet_id = be16(body, 1) end
        end
        seg.frames[#seg.frames + 1] = fr
        pos = at + length
    end
    d.pending = pending:sub(pos + 1)
    d.body_pos = d.body_pos + pos
end

local function tcp_feed(d, frame, seg, data)
    -- the direction's bytes in order: optional pseudo-TLS prefix, 14-byte header, body
    if d.broken then return end
    if not d.header_done then
        d.head = d.head .. data
        if d.prefix == nil and (#d.head >= 15 or not M.could_be_tls_prefix(d.head)) then
            d.prefix = M.tls_prefix_length(d.head)
        end
        local need = (d.prefix or 0) + 14
        if d.prefix == nil or #d.head < need then return end
        local h = d.head:sub(d.prefix + 1, need)
        d.seed = be32(h, 0)
        d.header_done = true
        seg.header = { stream_at = d.prefix, prefix = d.prefix }
        local key = keylog().keys[d.seed]
        if key then
            local plain = rc4(key, h:sub(5))
            d.header_plain = plain
            d.verified = M.header_plain_ok(plain)
            if d.verified then
                d.rc4 = rc4_new(key)
            else
                d.broken = "the key log's key does not give the known header"
            end
        end
        seg.header.plain, seg.header.verified = d.header_plain, d.verified
        data = d.head:sub(need + 1)
        d.head = nil
    end
    if d.rc4 and #data > 0 then
        d.pending = d.pending .. d.rc4:crypt(data)
        tcp_frames(d, frame, seg)
    end
end

local MAX_FUTURE = 256 -- out-of-order segments a direction may hold while a gap is open

-- Bytes at stream `offset` arrive: take what is new, judge the header, decrypt and frame.
local function tcp_apply(d, frame, seg, offset, data)
    local new = data:sub(d.have - offset + 1)
    if #new == 0 then return false end
    d.have = d.have + #new
    if not d.verdict_final then
        -- the header often travels alone: judge on the first 24 stream bytes, whatever
        -- segments bring them; "strong" as soon as it shows, "weak" is final at 24 bytes
        d.sample = (d.sample or "") .. new
        local prefix = M.tls_prefix_length(d.sample)
        if prefix > 0 then
            d.tls_hello = d.sample:sub(1, 1) == "\22" and "server" or "client"
        end
        -- (while the bytes may still become a pseudo-TLS hello, wait for more)
        if prefix > 0 or #d.sample >= 15 or not M.could_be_tls_prefix(d.sample) then
            local head = d.sample:sub(prefix + 1, prefix + 24)
            d.verdict = M.tcp_header_verdict(head)
            d.verdict_final = d.verdict == "strong" or #head >= 24
        end
    end
    tcp_feed(d, frame, seg, new)
    return true
end

local function first_pass_tcp(tvb, pinfo, key, src, dst)
    -- Field values exist only when Wireshark builds a tree on this pass (tshark -2 without a
    -- filter does not): without the sequence number, segments are taken in frame order.
    local fi = f_tcp_seq()
    local s = tvb:raw(0, tvb:len())
    local d = S.dirs[key]
    local seq = fi and fi.value or (d and (d.start + d.have) % TWO32) or 0
    if not d then
        d = { start = seq, have = 0, head = "", pending = "", body_pos = 0, src = src, dst = dst,
            first_frame = pinfo.number, future = {} }
        S.dirs[key] = d
        local done = f_tcp_completeness and f_tcp_completeness()
        if done and done.value % 2 == 0 then
            d.verdict, d.verdict_final = false, true -- joined mid-connection: no header to judge
        end
    end
    local seg = { dir = key, frames = {} }
    local offset = (seq - d.start) % TWO32
    seg.offset = offset
    if offset >= POW2[31] then
        seg.note = "segment before the start of the direction"
        return seg
    end
    if tvb:len() < tvb:reported_len() then
        if offset + tvb:reported_len() > d.have then
            d.broken = d.broken or "segment cut by the snap length"
            seg.note = d.broken
        end
        return seg
    end
    if offset > d.have then
        if #d.future >= MAX_FUTURE then
            d.broken = d.broken or sformat("bytes missing at stream offset %d", d.have)
            seg.note = d.broken
        else
            d.future[#d.future + 1] = { offset = offset, data = s }
            seg.note = "out of order: waits for earlier bytes"
        end
        return seg
    end
    if not tcp_apply(d, pinfo.number, seg, offset, s) then
        seg.note = "retransmission"
    end
    local progressed = true
    while progressed do -- a gap just filled: the segments that waited for it follow
        progressed = false
        for k, f in ipairs(d.future) do
            if f.offset <= d.have then
                table.remove(d.future, k)
                tcp_apply(d, pinfo.number, seg, f.offset, f.data)
                progressed = true
                break
            end
        end
    end
    return seg
end

local function strong(d)
    return d and (d.verified or d.verdict == "strong" or d.tls_hello == "server")
end

-- Why direction `key` is Skype, or nil. Skype's pseudo-TLS server hello is 15 fixed bytes
-- (with a timestamp of 2004), evidence enough; its client hello is a plain SSLv2 start, so on
-- the first pass it is only claimed provisionally (to keep the TLS dissector off the
-- connection) and later passes require the stream header or the reverse direction.
local function tcp_marked(key, rkey, visited)
    local d = S.dirs[key]
    if not d then return nil end
    if d.verified then return "known header decrypted with a key from the key log" end
    if d.tls_hello == "server" then return "Skype's pseudo-TLS server hello" end
    if d.verdict == "strong" then return "stream header: keystream reuse shows frames" end
    local r = S.dirs[rkey]
    if (d.verdict == "weak" or d.tls_hello) and strong(r) then
        return "stream header; its reverse direction is Skype"
    end
    if d.tls_hello == "client" and not visited then
        return "Skype's pseudo-TLS client hello (provisional)"
    end
    return nil
end

local function show_tcp(tvb, pinfo, tree, seg, d, reason)
    pinfo.cols.protocol = "SKYPE"
    local t = tree:add(proto, tvb())
    t:add(F["skypeflux.heuristic"], tvb(), reason)
    local info = {}
    if seg.header then
        local at = seg.header.stream_at - seg.offset
        t:append_text(sformat(", TCP stream header, seed 0x%08x", d.seed))
        if seg.header.prefix > 0 then
            t:add(F["skypeflux.tcp.tls_prefix"], tvb(), seg.header.prefix)
        end
        if at >= 0 and at + 4 <= tvb:len() and tvb(at, 4):uint() == d.seed then
            t:add(F["skypeflux.tcp.seed"], tvb(at, 4))
        else
            t:add(F["skypeflux.tcp.seed"], tvb(), d.seed)
        end
        t:add(F["skypeflux.unit"], tvb(), "tcp.header")
        t:add(F["skypeflux.seed"], tvb(), d.seed)
        t:add(F["skypeflux.verified"], tvb(), seg.header.verified and true or false)
        if seg.header.plain then
            local ptvb = ByteArray.new(hex(seg.header.plain)):tvb("Decrypted stream header")
            t:add(F["skypeflux.tcp.header"], ptvb())
            t:add(F["skypeflux.verify.method"], tvb(), "tcp-header")
        else
            t:add_proto_expert_info(E.unverified, "no key in the key log for this stream's seed")
        end
        info[#info + 1] = sformat("TCP seed 0x%08x%s", d.seed, seg.header.verified and " header ok"
            or (seg.header.plain and " header wrong" or " (encrypted)"))
    end
    if #seg.frames > 0 then
        local parts = {}
        for k, fr in ipairs(seg.frames) do parts[k] = hex(fr.bytes) end
        local ptvb = ByteArray.new(concat(parts)):tvb("Decrypted Skype TCP")
        local at = 0
        for _, fr in ipairs(seg.frames) do
            local node = t:add(F["skypeflux.tcp.frame"], ptvb(at, #fr.bytes))
            node:set_text(sformat("TCP frame: %s, %d bytes at stream offset %d", fr.kind,
                #fr.bytes - fr.hdr, fr.offset))
            node:add(F["skypeflux.unit"], ptvb(at, fr.hdr), fr.kind == "data" and "tcp.data" or "tcp.control")
            node:add(F["skypeflux.tcp.frame.offset"], ptvb(at, fr.hdr), fr.offset)
            node:add(F["skypeflux.tcp.frame.length"], ptvb(at, fr.hdr), #fr.bytes - fr.hdr)
            node:add(F["skypeflux.tcp.frame.kind"], ptvb(at, fr.hdr), fr.kind)
            node:add(F["skypeflux.verified"], ptvb(at, fr.hdr), true)
            node:add(F["skypeflux.verify.method"], ptvb(at, fr.hdr), "tcp-header+framing")
            if fr.packet_id then
                local pid_at = at + fr.hdr + (fr.kind == "data" and 0 or 1)
                node:add(F["skypeflux.tcp.packet_id"], ptvb(pid_at, 2), fr.packet_id)
            end
            if fr.blocks then
                add_blocks(node, ptvb, at + fr.hdr + 2, fr.blocks)
                info[#info + 1] = "TCP data " .. info_of(fr.blocks)
            elseif fr.error then
                node:add_proto_expert_info(E.malformed, fr.error)
            else
                info[#info + 1] = "TCP " .. fr.kind
            end
            at = at + #fr.bytes
        end
    elseif not seg.header then
        info[#info + 1] = d.rc4 and "TCP continuation" or "TCP (encrypted)"
    end
    if seg.note then
        t:add_proto_expert_info(E.stream, seg.note)
        info[#info + 1] = "[" .. seg.note .. "]"
    end
    pinfo.cols.info = concat(info, "; ")
end

local function heur_tcp(tvb, pinfo, tree)
    if in_error_packet(pinfo) then return false end
    local src, dst = ipv4_of(pinfo.src), ipv4_of(pinfo.dst)
    if not src or not dst then return false end
    local a, b = ep_text(src, pinfo.src_port), ep_text(dst, pinfo.dst_port)
    local key, rkey = a .. ">" .. b, b .. ">" .. a
    local frame = pinfo.number
    local seg = S.tcp[frame]
    if not pinfo.visited and not seg then
        seg = first_pass_tcp(tvb, pinfo, key, a, b) or { frames = {} }
        S.tcp[frame] = seg
    end
    local reason = tcp_marked(key, rkey, pinfo.visited)
    if not reason then return false end
    show_tcp(tvb, pinfo, tree, seg, S.dirs[key], reason)
    return true
end

---------------------------------------------------------------------------------------------
-- Captures written by `skypeflux export`: Exported PDUs whose payload is verified command
-- blocks, with the original addresses, ports and frame number in their tags
---------------------------------------------------------------------------------------------

local have_fno, f_orig_fno = pcall(Field.new, "exported_pdu.orig_fno")
if not have_fno then f_orig_fno = nil end

function proto.dissector(tvb, pinfo, tree)
    local fi = f_orig_fno and f_orig_fno()
    local frame = fi and fi.value or pinfo.number
    local src, dst = ipv4_of(pinfo.src), ipv4_of(pinfo.dst)
    local a = src and ep_text(src, pinfo.src_port) or tostring(pinfo.src)
    local b = dst and ep_text(dst, pinfo.dst_port) or tostring(pinfo.dst)
    local r = S.export[pinfo.number]
    if not pinfo.visited and not r then
        r = { blocks = tvb:len() > 0 and describe(tvb:raw(0, tvb:len()), frame, a, b) or {} }
        S.export[pinfo.number] = r
    end
    pinfo.cols.protocol = "SKYPE"
    local t = tree:add(proto, tvb())
    t:append_text(sformat(", decrypted by skypeflux, original frame %d", frame))
    t:add(F["skypeflux.orig_frame"], tvb(0, 0), frame)
    t:add(F["skypeflux.verified"], tvb(0, 0), true)
    if r then
        add_blocks(t, tvb, 0, r.blocks)
        pinfo.cols.info = "decrypted " .. info_of(r.blocks)
    end
    return tvb:len()
end

proto:register_heuristic("udp", heur_udp)
proto:register_heuristic("tcp", heur_tcp)
