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

