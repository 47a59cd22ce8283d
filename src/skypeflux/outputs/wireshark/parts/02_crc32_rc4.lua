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

