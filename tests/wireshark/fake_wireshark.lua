-- A small stand-in for Wireshark's Lua API, enough to run the plugin's dissector part under a
-- plain lua5.2 or lua5.4: the tests have tshark 4.0 (Lua 5.2) only, and Wireshark 4.4+ runs
-- the same file on Lua 5.4. Packets come from a file, one a line:
--     frame transport src sport dst dport seq quoted payload-hex
-- (transport udp or tcp, seq the raw TCP sequence number or -, quoted 1 for a datagram inside
-- an ICMP error); the dissector runs two passes as `tshark -2` does and prints, for each frame
-- of the second pass that it took, one JSON line with the fields it added.
--
-- usage: lua fake_wireshark.lua PLUGIN PACKETS [KEYLOG]

local plugin, packets_path, keylog_path = arg[1], arg[2], arg[3]

local heuristics = { udp = {}, tcp = {} }
local current_fields = {}
local added = nil -- fields added for the packet being dissected

local function hexbytes(h)
    return (h:gsub("..", function(x) return string.char(tonumber(x, 16)) end))
end

base = { NONE = 0, DEC = 1, HEX = 2, UNICODE = 3 }
frametype = { REQUEST = 1, RESPONSE = 2 }
expert = { group = { MALFORMED = 1, DECRYPTION = 2, SEQUENCE = 3 }, severity = { WARN = 1, NOTE = 2 } }
ftypes = {}

local function field_maker(kind)
    return function(abbr) return { abbr = abbr, kind = kind } end
end
ProtoField = {}
for _, kind in ipairs({ "uint8", "uint16", "uint32", "uint64", "bool", "string", "bytes", "ipv4",
    "framenum", "none" }) do
    ProtoField[kind] = field_maker(kind)
end

ProtoExpert = { new = function(abbr) return { abbr = abbr } end }
Pref = { string = function(_, default) return default end }

local Proto_mt = {}
Proto_mt.__index = Proto_mt
function Proto_mt:register_heuristic(where, fn)
    table.insert(heuristics[where], fn)
end
local protos = {}
function Proto(name, description)
    local p = setmetatable({ name = name, description = description, prefs = {}, fields = {} }, Proto_mt)
    protos[#protos + 1] = p
    return p
end
function register_postdissector() end

Field = {
    new = function(name)
        return function()
            local v = current_fields[name]
            if v == nil then return nil end
            return { value = v }
        end
    end,
}

UInt64 = { new = function(lo, hi) return { lo = lo, hi = hi, u64 = true } end }
Address = { ip = function(text) return { ip = text } end }

-- Tvb and TvbRange over a Lua string
local Tvb = {}
Tvb.__index = Tvb
local Range = {}
Range.__index = Range

local function new_tvb(s, reported)
    return setmetatable({ s = s, reported = reported or #s }, Tvb)
end
Tvb.__call = function(self, offset, length)
    offset = offset or 0
    length = length or (#self.s - offset)
    if offset < 0 or length < 0 or offset + length > #self.s then
        error("Range is out of bounds")
    end
    return setmetatable({ tvb = self, offset = offset, length = length }, Range)
end
function Tvb:len() return #self.s end
function Tvb:reported_len() return self.reported end
function Tvb:raw(offset, length)
    offset = offset or 0
    length = length or (#self.s - offset)
    if offset + length > #self.s then error("Range is out of bounds") end
    return self.s:sub(offset + 1, offset + length)
end
function Range:raw() return self.tvb.s:sub(self.offset + 1, self.offset + self.length) end
function Range:uint()
    local v = 0
    for i = 1, self.length do v = v * 256 + self.tvb.s:byte(self.offset + i) end
    return v
end

ByteArray = {
    new = function(h)
        local raw = hexbytes(h)
        return { raw = function() return raw end, tvb = function(_, _) return new_tvb(raw) end }
    end,
}

-- Tree items: every add records (abbr, value) in order
local Item = {}
Item.__index = Item
local function value_of(field, range, value)
    if value ~= nil then
        if type(value) == "table" and value.u64 then
            return string.format("%08x%08x", value.hi, value.lo)
        end
        if type(value) == "table" and value.ip then return value.ip end
        return value
    end
    if field.kind == "ipv4" then
        local r = range:raw()
        return string.format("%d.%d.%d.%d", r:byte(1, 4))
    elseif field.kind == "bytes" then
        return (range:raw():gsub(".", function(c) return string.format("%02x", c:byte()) end))
    elseif field.kind == "none" or not field.abbr then
        return nil
    end
    return range:uint()
end
function Item:add(field, range, value)
    assert(type(field) == "table" and (field.abbr or getmetatable(field) == Proto_mt),
        "add() needs a registered field")
    assert(getmetatable(range) == Range, "add() needs a TvbRange")
    local v = value_of(field, range, value)
    if added and v ~= nil then table.insert(added, { field.abbr, v }) end
    return setmetatable({}, Item)
end
function Item:set_text() return self end
function Item:append_text() return self end
function Item:prepend_text() return self end
function Item:add_proto_expert_info(_, text)
    if added then table.insert(added, { "expert", text or "" }) end
    return self
end

local loaded = dofile(plugin)
assert(loaded == nil, "the plugin must register itself under Wireshark, not return its codecs")

assert(#protos == 1, "the plugin makes one protocol")
local proto = protos[1]

local packets = {}
for line in io.lines(packets_path) do
    local w = {}
    for x in line:gmatch("%S+") do w[#w + 1] = x end
    packets[#packets + 1] = { frame = tonumber(w[1]), transport = w[2], src = w[3],
        sport = tonumber(w[4]), dst = w[5], dport = tonumber(w[6]),
        seq = w[7] ~= "-" and tonumber(w[7]) or nil, quoted = w[8] == "1", payload = hexbytes(w[9] or "") }
end

local function json(v)
    if type(v) == "string" then
        -- every byte outside printable ASCII as \u00XX: strings may hold any bytes
        return '"' .. v:gsub('[^ -!#-%[%]-~]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
    elseif type(v) == "boolean" then
        return tostring(v)
    end
    return string.format("%d", v)
end

local function run(pass)
    for _, p in ipairs(packets) do
        current_fields = { ["tcp.seq_raw"] = p.seq, ["tcp.completeness"] = p.transport == "tcp" and 31 or nil }
        local pinfo = { number = p.frame, visited = pass == 2, src = p.src, dst = p.dst,
            src_port = p.sport, dst_port = p.dport, cols = {}, in_error_pkt = p.quoted }
        local tvb = new_tvb(p.payload)
        added = pass == 2 and {} or nil
        local took = false
        for _, fn in ipairs(heuristics[p.transport]) do
            if fn(tvb, pinfo, setmetatable({}, Item)) then took = true break end
        end
        if pass == 2 and took then
            local parts = {}
            for _, kv in ipairs(added) do parts[#parts + 1] = "[" .. json(kv[1]) .. "," .. json(kv[2]) .. "]" end
            print(string.format('{"frame":%d,"fields":[%s]}', p.frame, table.concat(parts, ",")))
        end
    end
end

if keylog_path then proto.prefs.keylog = keylog_path end
if proto.init then proto.init() end
run(1)
run(2)
