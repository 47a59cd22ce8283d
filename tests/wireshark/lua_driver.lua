-- Test driver: loads the plugin as a plain Lua module and answers one request a line on
-- standard input with one JSON line on standard output.
--   objects <hex>           -> {"ok":true,"consumed":n,"form":65|66,"tree":[...]} or {"ok":false}
--   crc <hex>               -> {"crc":"xxxxxxxx"}
--   rc4 <key hex> <n>       -> {"keystream":"<n bytes hex>"}
--   udpseed <src> <dst> <id> <iv> -> {"seed":"xxxxxxxx"}
--   blocks <hex>            -> {"blocks":[{"cmd":..,"flags":..,"reqid":..,"error":..}]}
--   udpverdict <hex> <dst>  -> {"verdict":"good"|"neutral"|"bad"}
--   tcpverdict <hex>        -> {"verdict":"strong"|"weak"|null}
local M = dofile(arg[1])

local function json_string(s)
    return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local tree_json
local function value_json(item)
    local f, v = item.family, item.value
    if f == 0 then return string.format("%d", v) end
    if f == 1 then return json_string("0x" .. M.u64_hex(v)) end
    if f == 2 then return json_string(M.address_text(v)) end
    if f == 3 or f == 4 then return json_string(M.hex(v)) end
    if f == 5 then return tree_json(v) end
    local parts = {}
    for k, x in ipairs(v) do parts[k] = string.format("%d", x) end
    return "[" .. table.concat(parts, ",") .. "]"
end

tree_json = function(items)
    local parts = {}
    for k, item in ipairs(items) do
        parts[k] = string.format('{"family":%d,"id":%d,"value":%s}', item.family, item.id, value_json(item))
    end
    return "[" .. table.concat(parts, ",") .. "]"
end

for line in io.lines() do
    local words = {}
    for w in line:gmatch("%S+") do words[#words + 1] = w end
    local op = words[1]
    if op == "objects" then
        local ok, items, consumed, form = pcall(M.decode_objects, M.unhex(words[2] or ""))
        if ok then
            print(string.format('{"ok":true,"consumed":%d,"form":%d,"tree":%s}', consumed, form, tree_json(items)))
        elseif type(items) == "table" and items.skypeflux then
            print('{"ok":false,"error":' .. json_string(items.skypeflux) .. "}")
        else
            print('{"ok":false,"bug":' .. json_string(tostring(items)) .. "}")
        end
    elseif op == "crc" then
        print(string.format('{"crc":"%08x"}', M.skype_crc32(M.unhex(words[2] or ""))))
    elseif op == "rc4" then
        local n = tonumber(words[3])
        print('{"keystream":"' .. M.hex(M.rc4(M.unhex(words[2]), string.rep("\0", n))) .. '"}')
    elseif op == "udpseed" then
        print(string.format('{"seed":"%08x"}', M.udp_seed(M.ip_number(words[2]), M.ip_number(words[3]),
            tonumber(words[4], 16), tonumber(words[5], 16))))
    elseif op == "blocks" then
        local parts = {}
        for k, b in ipairs(M.parse_blocks(M.unhex(words[2] or ""))) do
            parts[k] = string.format('{"cmd":%d,"flags":%d,"reqid":%s,"error":%s,"tree":%s}', b.command, b.flags,
                b.reqid and string.format("%d", b.reqid) or "null", b.error and json_string(b.error) or "null",
                b.items and tree_json(b.items) or "null")
        end
        print('{"blocks":[' .. table.concat(parts, ",") .. "]}")
    elseif op == "udpverdict" then
        local s = M.unhex(words[2])
        print('{"verdict":"' .. M.udp_verdict(s, #s, M.ip_number(words[3])) .. '"}')
    elseif op == "tcpverdict" then
        local v = M.tcp_header_verdict(M.unhex(words[2]))
        print('{"verdict":' .. (v and ('"' .. v .. '"') or "null") .. "}")
    else
        print('{"error":"unknown request"}')
    end
    io.stdout:flush()
end
