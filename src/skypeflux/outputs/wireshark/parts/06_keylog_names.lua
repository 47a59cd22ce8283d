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

