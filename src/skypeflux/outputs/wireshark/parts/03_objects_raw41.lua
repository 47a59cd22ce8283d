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
-- END GENERATED TABLES

-- BEGIN GENERATED NAMES (skypeflux.outputs.wireshark.generate; do not edit by hand)
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

