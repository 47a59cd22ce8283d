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

