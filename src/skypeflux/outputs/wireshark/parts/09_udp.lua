---------------------------------------------------------------------------------------------
-- UDP
---------------------------------------------------------------------------------------------

local function udp_endpoint(ep)
    local e = S.udp_ep[ep]
    if not e then
        e = { good = 0, bad = 0, peers = {}, npeers = 0 }
        S.udp_ep[ep] = e
    end
    return e
end

local function count_udp(verdict, a, b)
    for _, pair in ipairs({ { a, b }, { b, a } }) do
        local e = udp_endpoint(pair[1])
        if verdict == "bad" then
            e.bad = e.bad + 1
        elseif verdict == "good" then
            e.good = e.good + 1
            if not e.peers[pair[2]] then
                e.peers[pair[2]] = true
                e.npeers = e.npeers + 1
            end
        end
    end
end

-- Two endpoints prove each other when one echoes the other's datagram id the way Skype does:
-- an ACK or NAck carries the id of the datagram it answers, a resend the id of the NAck.
local function note_echo(r, a, b)
    local sent = S.sent[a .. ">" .. b]
    if not sent then
        sent = {}
        S.sent[a .. ">" .. b] = sent
    end
    local t = r.type
    local back = S.sent[b .. ">" .. a]
    local echo = false
    if (t == 0x05 or t == 0x07) and back then
        echo = back[r.id] == 0x02 or back[r.id] == 0x03 or back[r.id] == 0x0F
    elseif t == 0x03 and back then
        echo = back[r.id] == 0x07
    end
    if not sent[r.id] then sent[r.id] = t end
    if echo then
        S.echo[a .. "|" .. b], S.echo[b .. "|" .. a] = true, true
    end
end

-- An endpoint vouches for its datagrams once it has sent or received at least three
-- Skype-layout datagrams with two different peers, and almost nothing else.
local function endpoint_state(ep)
    local e = S.udp_ep[ep]
    if not e then return false, false end
    local clean = e.bad * 8 <= e.good
    return clean, clean and e.good >= 3 and e.npeers >= 2
end

local function udp_candidates(log, src, dst)
    local srcs, dsts = {}, {}
    for _, v in ipairs(log.public[src] or {}) do srcs[#srcs + 1] = v end
    srcs[#srcs + 1] = src
    srcs[#srcs + 1] = 0
    for _, v in ipairs(log.public[dst] or {}) do dsts[#dsts + 1] = v end
    dsts[#dsts + 1] = dst
    return srcs, dsts
end

-- Decrypt with the first candidate seed that is in the key log and whose CRC matches.
local function open_udp(log, r, src, dst, ct)
    local tried = 0
    local function attempt(seed, psrc, pdst)
        local key = log.keys[seed]
        if not key then return false end
        tried = tried + 1
        local plain = rc4(key, ct)
        if skype_crc32(plain) == r.crc then
            r.verified, r.seed, r.public_src, r.public_dst, r.plain = true, seed, psrc, pdst, plain
            r.detail = sformat("CRC %08x ok with seed %08x", r.crc, seed)
            return true
        end
        return false
    end
    if r.challenge then
        attempt(bxor(r.id, r.challenge))
    else
        local srcs, dsts = udp_candidates(log, src, dst)
        for _, s in ipairs(srcs) do
            for _, d in ipairs(dsts) do
                if attempt(udp_seed(s, d, r.id, r.iv), s, d) then return end
            end
        end
    end
    if not r.verified then
        r.detail = tried > 0 and "CRC mismatch with every key the key log has for it"
            or "no key in the key log for this datagram's seed"
    end
end

-- A joined 0x0F message is shown only when its order is proven, as skypeflux does: each
-- piece's IV (covered by its CRC) is two steps of Skype's generator after the one before it,
-- and the piece flagged last is shorter than a full one (protocol.md 3.3; wire/fragments.py).
local FULL_FRAGMENT_PLAIN = 0x54B - 15
local function skype_lcg(v) return (69069 * v + 0x4271) % 4294967296 end

local function message_problem(set)
    for k = 1, set.last do
        if set.ivs[k] ~= skype_lcg(skype_lcg(set.ivs[k - 1])) then
            return "pieces' IVs do not follow Skype's generator in index order"
        end
    end
    if #set.pieces[set.last] >= FULL_FRAGMENT_PLAIN then
        return "the piece flagged last is a full one: the message may go on"
    end
    return nil
end

local function first_pass_udp(s, size, frame, src, sport, dst, dport, truncated, verdict)
    local r = { verdict = verdict, id = be16(s, 0), func = sbyte(s, 3) }
    r.type = r.func % 16 + (r.func >= 128 and 128 or 0)
    local a, b = ep_text(src, sport), ep_text(dst, dport)
    local t = r.type
    if t == 0x02 and #s >= 11 then
        r.iv, r.crc, r.ct_at = be32(s, 3), be32(s, 7), 11
    elseif t == 0x03 and #s >= 16 then
        r.count, r.challenge, r.dest_ip, r.crc, r.ct_at = sbyte(s, 4), be32(s, 4), be32(s, 8), be32(s, 12), 16
    elseif t == 0x0F and #s >= 15 then
        r.ref_id, r.index, r.last = be16(s, 3), sbyte(s, 6) % 128, sbyte(s, 6) >= 128
        r.iv, r.crc, r.ct_at = be32(s, 7), be32(s, 11), 15
    elseif (t == 0x05 or t == 0x07) and #s >= 11 then
        r.ip, r.value = be32(s, 3), be32(s, 7)
    end
    if r.ct_at then
        if truncated then
            r.detail = "cut by the snap length"
        else
            open_udp(keylog(), r, src, dst, s:sub(r.ct_at + 1))
        end
    end
    if r.verified and t == 0x0F then
        local key = a .. ">" .. b .. "#" .. r.id
        local set = S.frags[key]
        if not set then
            set = { pieces = {}, frames = {}, ivs = {}, have = 0 }
            S.frags[key] = set
        end
        if not set.pieces[r.index] then
            set.pieces[r.index] = r.plain
            set.ivs[r.index] = r.iv
            set.frames[#set.frames + 1] = frame
            set.have = set.have + 1
            if r.last then set.last = r.index end
            if set.last and set.have == set.last + 1 then
                local problem = message_problem(set)
                if problem then
                    r.message = { frames = set.frames, count = set.have, problem = problem }
                else
                    local parts = {}
                    for k = 0, set.last do parts[k + 1] = set.pieces[k] end
                    local plain = concat(parts)
                    r.message = { plain = plain, frames = set.frames, count = set.have,
                        blocks = describe(plain, frame, a, b) }
                end
                S.frags[key] = nil
            end
        end
    elseif r.verified then
        r.blocks = describe(r.plain, frame, a, b)
    end
    return r
end

local function add_plain(t, r, plain, blocks, label)
    local ptvb = ByteArray.new(hex(plain)):tvb(label)
    add_blocks(t, ptvb, 0, blocks)
end

local function show_udp(tvb, pinfo, tree, r, reason)
    pinfo.cols.protocol = "SKYPE"
    local t = tree:add(proto, tvb())
    local name = UDP_TYPES[r.type] or "unknown"
    t:append_text(sformat(", UDP %s (0x%02x), id 0x%04x", name, r.type, r.id))
    t:add(F["skypeflux.heuristic"], tvb(0, 3), reason)
    t:add(F["skypeflux.udp.id"], tvb(0, 2))
    t:add(F["skypeflux.udp.func"], tvb(2, 1))
    t:add(F["skypeflux.udp.type"], tvb(2, 1), r.type)
    local unit = "udp.other"
    if r.type == 0x02 and r.ct_at then
        unit = "udp.payload"
        t:add(F["skypeflux.udp.iv"], tvb(3, 4))
        t:add(F["skypeflux.udp.crc"], tvb(7, 4))
    elseif r.type == 0x03 and r.ct_at then
        unit = "udp.resend"
        t:add(F["skypeflux.udp.count"], tvb(3, 1))
        t:add(F["skypeflux.udp.challenge"], tvb(4, 4))
        t:add(F["skypeflux.udp.dest_ip"], tvb(8, 4))
        t:add(F["skypeflux.udp.crc"], tvb(12, 4))
    elseif r.type == 0x0F and r.ct_at then
        unit = "udp.fragment"
        t:add(F["skypeflux.udp.ref_id"], tvb(3, 2))
        t:add(F["skypeflux.udp.frag.index"], tvb(5, 1), r.index)
        t:add(F["skypeflux.udp.frag.last"], tvb(5, 1), r.last)
        t:add(F["skypeflux.udp.iv"], tvb(7, 4))
        t:add(F["skypeflux.udp.crc"], tvb(11, 4))
    elseif r.ip then
        unit = r.type == 0x05 and "udp.ack" or "udp.nack"
        t:add(F["skypeflux.udp.ip"], tvb(3, 4))
        if r.type == 0x07 then
            t:add(F["skypeflux.udp.challenge"], tvb(7, 4))
        else
            t:add(F["skypeflux.udp.value"], tvb(7, 4))
        end
    end
    t:add(F["skypeflux.unit"], tvb(2, 1), unit)
    local info = sformat("UDP %s id 0x%04x", name, r.id)
    if r.ct_at then
        if tvb:len() > r.ct_at then
            t:add(F["skypeflux.udp.ciphertext"], tvb(r.ct_at))
        end
        t:add(F["skypeflux.verified"], tvb(2, 1), r.verified and true or false)
        if r.verified then
            t:add(F["skypeflux.verify.method"], tvb(2, 1), "crc32")
            t:add(F["skypeflux.seed"], tvb(2, 1), r.seed)
            if r.public_src then
                t:add(F["skypeflux.public.src"], tvb(2, 1), Address.ip(ip_text(r.public_src)))
                t:add(F["skypeflux.public.dst"], tvb(2, 1), Address.ip(ip_text(r.public_dst)))
            end
        end
        t:add(F["skypeflux.verify.detail"], tvb(2, 1), r.detail or "")
        if not r.verified then
            t:add_proto_expert_info(E.unverified, r.detail or "not decrypted")
            info = info .. " (encrypted)"
        elseif r.blocks then
            add_plain(t, r, r.plain, r.blocks, "Decrypted Skype")
            info = info .. " " .. info_of(r.blocks)
        else
            local ptvb = ByteArray.new(hex(r.plain)):tvb("Decrypted fragment")
            t:add(F["skypeflux.udp.frag.index"], ptvb(), r.index):append_text(" (decrypted, CRC ok)")
            info = info .. sformat(" fragment %d%s", r.index, r.last and " (last)" or "")
        end
        if r.message then
            local m = t:add(F["skypeflux.udp.frag.count"], tvb(2, 1), r.message.count)
            m:prepend_text("Reassembled message: ")
            for _, fr in ipairs(r.message.frames) do
                m:add(F["skypeflux.udp.frag.frame"], tvb(2, 1), fr)
            end
            if r.message.problem then
                m:add_proto_expert_info(E.unverified, "message not verified: " .. r.message.problem)
                info = info .. " message not verified"
            else
                add_plain(m, r, r.message.plain, r.message.blocks, "Reassembled Skype message")
                info = info .. " message: " .. info_of(r.message.blocks)
            end
        end
    elseif r.ip then
        info = info .. " your public IP " .. ip_text(r.ip)
    end
    pinfo.cols.info = info
end

local function heur_udp(tvb, pinfo, tree)
    if in_error_packet(pinfo) then return false end
    local src, dst = ipv4_of(pinfo.src), ipv4_of(pinfo.dst)
    if not src or not dst then return false end
    local frame = pinfo.number
    local r = S.udp[frame]
    local a, b = ep_text(src, pinfo.src_port), ep_text(dst, pinfo.dst_port)
    if not pinfo.visited and not r then
        local s = tvb:raw(0, tvb:len())
        local size = tvb:reported_len()
        local verdict = M.udp_verdict(s, size, dst)
        count_udp(verdict, a, b)
        if verdict == "bad" then
            S.udp[frame] = { verdict = "bad" }
            return false
        end
        r = first_pass_udp(s, size, frame, src, pinfo.src_port, dst, pinfo.dst_port,
            tvb:len() < size, verdict)
        note_echo(r, a, b)
        S.udp[frame] = r
    end
    if not r or r.verdict == "bad" then return false end
    local clean_a, proven_a = endpoint_state(a)
    local clean_b, proven_b = endpoint_state(b)
    local reason
    if r.verified then
        reason = "CRC verified with a key from the key log"
    elseif clean_a and clean_b and (proven_a or proven_b) then
        reason = sformat("%s layout; endpoint %s", UDP_TYPES[r.type] or "known",
            proven_a and a or b)
    elseif clean_a and clean_b and S.echo[a .. "|" .. b] then
        reason = sformat("%s layout; ACK/NAck ids echo this pair's datagrams", UDP_TYPES[r.type] or "known")
    else
        return false
    end
    show_udp(tvb, pinfo, tree, r, reason)
    return true
end

