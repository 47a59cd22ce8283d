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

