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

