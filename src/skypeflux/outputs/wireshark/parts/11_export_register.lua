---------------------------------------------------------------------------------------------
-- Captures written by `skypeflux export`: Exported PDUs whose payload is verified command
-- blocks, with the original addresses, ports and frame number in their tags
---------------------------------------------------------------------------------------------

local have_fno, f_orig_fno = pcall(Field.new, "exported_pdu.orig_fno")
if not have_fno then f_orig_fno = nil end

function proto.dissector(tvb, pinfo, tree)
    local fi = f_orig_fno and f_orig_fno()
    local frame = fi and fi.value or pinfo.number
    local src, dst = ipv4_of(pinfo.src), ipv4_of(pinfo.dst)
    local a = src and ep_text(src, pinfo.src_port) or tostring(pinfo.src)
    local b = dst and ep_text(dst, pinfo.dst_port) or tostring(pinfo.dst)
    local r = S.export[pinfo.number]
    if not pinfo.visited and not r then
        r = { blocks = tvb:len() > 0 and describe(tvb:raw(0, tvb:len()), frame, a, b) or {} }
        S.export[pinfo.number] = r
    end
    pinfo.cols.protocol = "SKYPE"
    local t = tree:add(proto, tvb())
    t:append_text(sformat(", decrypted by skypeflux, original frame %d", frame))
    t:add(F["skypeflux.orig_frame"], tvb(0, 0), frame)
    t:add(F["skypeflux.verified"], tvb(0, 0), true)
    if r then
        add_blocks(t, tvb, 0, r.blocks)
        pinfo.cols.info = "decrypted " .. info_of(r.blocks)
    end
    return tvb:len()
end

proto:register_heuristic("udp", heur_udp)
proto:register_heuristic("tcp", heur_tcp)
