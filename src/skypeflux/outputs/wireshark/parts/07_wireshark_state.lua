---------------------------------------------------------------------------------------------
-- Wireshark: fields, preferences, state
---------------------------------------------------------------------------------------------

local proto = Proto("skypeflux", "Skype classic P2P (skypeflux)")

local UDP_TYPES = { [0x02] = "payload", [0x03] = "resend", [0x05] = "ack", [0x07] = "nack",
    [0x0D] = "data", [0x0F] = "fragment" }
local CMD_FLAGS = { [1] = "notification", [2] = "request", [3] = "reply" }
local LIST_FORMS = { [0x41] = "raw", [0x42] = "range-coded" }
local FAMILIES = { [0] = "number", [1] = "u64", [2] = "address", [3] = "string", [4] = "blob",
    [5] = "list", [6] = "intlist" }

-- BEGIN GENERATED FIELDS (skypeflux.outputs.wireshark.generate; do not edit by hand)
-- END GENERATED FIELDS

proto.fields = FIELD_LIST

local E = {
    malformed = ProtoExpert.new("skypeflux.malformed", "Skype data that does not decode exactly",
        expert.group.MALFORMED, expert.severity.WARN),
    unverified = ProtoExpert.new("skypeflux.unverified", "Skype unit not decrypted",
        expert.group.DECRYPTION, expert.severity.NOTE),
    stream = ProtoExpert.new("skypeflux.stream", "Skype TCP stream problem",
        expert.group.SEQUENCE, expert.severity.WARN),
}
proto.experts = { E.malformed, E.unverified, E.stream }

proto.prefs.keylog = Pref.string("Key log file", "",
    "File written by `skypeflux keylog CAPTURE -o FILE`: seeds with their RC4 keys, public addresses")

local f_icmp = Field.new("icmp")
local f_tcp_seq = Field.new("tcp.seq_raw")
-- Which handshake packets Wireshark has seen on the connection (bit 0: SYN); not in every
-- version, so optional. A direction whose SYN was not seen may not start at its header.
local have_completeness, f_tcp_completeness = pcall(Field.new, "tcp.completeness")
if not have_completeness then f_tcp_completeness = nil end

local S -- everything learned from the capture, reset by init()
local function reset()
    S = {
        keylog = nil,
        udp_ep = {},     -- "ip:port" -> {good, bad, peers = {}, npeers}
        udp = {},        -- frame -> result of the first pass
        frags = {},      -- "src>dst#id" -> {pieces = {}, frames = {}, last}
        open = {},       -- "src>dst#reqid" -> request block (pairing)
        dirs = {},       -- "src>dst" -> one TCP direction
        tcp = {},        -- frame -> {dir, offset, header, frames, note}
        export = {},     -- frame -> blocks of an exported PDU
        sent = {},       -- "src>dst" -> {datagram id -> type}, for the echo evidence
        echo = {},       -- "a|b" -> true once ids echo between a and b
    }
end
reset()

function proto.init()
    reset()
end

local function keylog()
    if S.keylog then return S.keylog end
    local path = proto.prefs.keylog
    local log = { keys = {}, public = {}, count = 0 }
    if path and path ~= "" then
        local fh = io.open(path, "rb")
        if fh then
            log = M.parse_keylog(fh:read("*a"))
            fh:close()
        else
            log.error = "cannot open the key log " .. path
        end
    end
    S.keylog = log
    return log
end

local function ep_text(ip, port)
    return ip_text(ip) .. ":" .. port
end

-- A datagram quoted inside an ICMP error is not traffic of its own.
local function in_error_packet(pinfo)
    local ok, quoted = pcall(function() return pinfo.in_error_pkt end)
    if ok and quoted ~= nil then return quoted end
    return f_icmp() ~= nil
end

local function ipv4_of(address)
    return ip_number(tostring(address))
end

