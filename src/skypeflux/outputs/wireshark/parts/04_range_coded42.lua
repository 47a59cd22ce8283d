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

