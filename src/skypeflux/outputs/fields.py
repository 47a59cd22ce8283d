"""The field registry: every field a user can see or filter on, declared once.

In the spirit of Wireshark's ``hf_register_info``: a dotted name (the filter name in Wireshark,
the key in JSON lines), a type, a short label and a description, and which outputs carry it.
From this table come the Lua dissector's ProtoFields
(:mod:`skypeflux.outputs.wireshark.lua_fields`) and the descriptions of the JSON schema
(:mod:`skypeflux.outputs.schema_text`); tests check that both generated artefacts are current
and that every key a JSON line holds is registered, so a field renamed here is renamed
everywhere that reads it.

A guessed name stays a plain name: ``skypeflux.cmd.name`` is ``address_reply`` and the guess is
its own boolean field ``skypeflux.cmd.name_guessed`` (so ``skypeflux.cmd.name ==
"address_reply"`` finds it, in Wireshark and with jq alike), never a ``?`` inside the value;
the text output still prints ``address_reply?``, its label for a guess.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = frozenset(
    {
        "none",  # a subtree label with no value of its own (Wireshark only)
        "bool",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "int",  # an integer in JSON (no fixed width)
        "number",
        "string",
        "bytes",
        "ipv4",
        "framenum",
        "list",  # JSON arrays and objects: their shape is the schema's
        "object",
    }
)
BASES = frozenset({"dec", "hex", ""})
FRAME_KINDS = frozenset({"", "request", "response"})
OUTPUTS = frozenset({"lua", "json"})
LUA, JSON, BOTH = frozenset({"lua"}), frozenset({"json"}), frozenset({"lua", "json"})


@dataclass(frozen=True, slots=True)
class Field:
    """One registered field."""

    name: str
    kind: str
    label: str
    description: str
    base: str = ""
    values: str = ""
    """Name of a value table in the plugin (``UDP_TYPES``, ``FAMILIES``...), or empty."""
    frame: str = ""
    """For ``framenum`` fields: which frame it points at (Wireshark draws request/reply icons)."""
    outputs: frozenset[str] = BOTH
    json_note: str = ""
    """How JSON lines write the value, where that differs from Wireshark's display."""

    def __post_init__(self) -> None:
        if self.kind not in KINDS or self.base not in BASES or self.frame not in FRAME_KINDS:
            raise ValueError(f"field {self.name!r} has an unknown kind, base or frame kind")
        if not self.outputs or not self.outputs <= OUTPUTS:
            raise ValueError(f"field {self.name!r} has unknown outputs {sorted(self.outputs)}")
        if "lua" in self.outputs and self.kind in ("int", "number", "list", "object"):
            raise ValueError(f"field {self.name!r}: kind {self.kind} has no Wireshark type")

    @property
    def json_description(self) -> str:
        return f"{self.description} {self.json_note}".strip()


F = Field
_NULL = "Null when it does not apply."

FIELDS: tuple[Field, ...] = (
    # the record (JSON lines only: Wireshark has its own frame and address fields)
    F("schema_version", "int", "Schema version", "Version of this schema; bumped on any "
      "incompatible change.", outputs=JSON),
    F("frame", "int", "Frame", "Frame number (1-based, as in Wireshark) the unit is reported at: "
      "its own frame, or for a reassembled message the frame of the fragment that completed it. "
      "All frames involved are in 'frames'.", outputs=JSON),
    F("frame.time_epoch", "number", "Time", "Capture time of that frame, seconds since "
      "1970-01-01 UTC.", outputs=JSON),
    F("frame.time_relative", "number", "Relative time", "Seconds since the first packet of the "
      "capture (tshark's frame.time_relative).", outputs=JSON),
    F("frames", "list", "Frames", "Every frame that carried the unit (fragments of a message, "
      "TCP segments of a frame).", outputs=JSON),
    F("ip.src", "string", "Source", "Source IP address as captured (private when behind NAT).",
      outputs=JSON),
    F("ip.dst", "string", "Destination", "Destination IP address as captured.", outputs=JSON),
    F("srcport", "int", "Source port", "Source UDP/TCP port.", outputs=JSON),
    F("dstport", "int", "Destination port", "Destination UDP/TCP port.", outputs=JSON),
    F("transport", "string", "Transport", "udp or tcp (a note has the transport of the record "
      "that taught it).", outputs=JSON),
    F("skypeflux.flow", "string", "Flow",
      "Flow key: 'udp a:p <-> b:q' or 'tcp a:p <-> b:q'. For UDP the two endpoints in "
      "address order (either side sends); for TCP a:p is the side that opened the "
      "connection.", outputs=JSON),
    # the unit and its verification
    F("skypeflux.unit", "string", "Unit",
      "Kind of unit: udp.payload (type 0x02), udp.resend (0x03), udp.fragment (0x0F), "
      "udp.message (joined fragments), udp.ack (0x05), udp.nack (0x07), udp.other, "
      "tcp.header, tcp.data (even frame), tcp.control (odd frame), tcp.end (a "
      "direction stopped early), note (something learned). summary is the last line "
      "of a run: per Skype host, units verified / unverified / clear, the public "
      "address and the frames that claimed and proved it, and a hint where it stayed "
      "unknown (in skypeflux.info: units, verified, unverified, clear, flows, "
      "hosts[], warnings[], and packets: how many packets had each outcome, Skype "
      "verified / unverified / clear, not Skype, IPv6, not IP, other IP protocol, "
      "malformed, IP fragment pending, unsupported link type, adding up to the "
      "packets read, with unaccounted the gap, 0 unless a bug)."),
    F("skypeflux.verified", "bool", "Verified",
      "True when the unit's key is proven and, where the protocol protects it, its "
      "content: UDP units by a CRC32 over their plaintext (key and content proven), a "
      "joined 0x0F message only when every piece's CRC held, the indexes form one "
      "complete run and the result parses exactly; TCP frames by the direction's "
      "known header (key proven) and exact framing and object lists (structure "
      "checked). A TCP frame's content is NOT integrity-protected (classic Skype TCP "
      "has no checksum): a flipped bit in it changes the plaintext without changing "
      "this flag unless it breaks the framing or an object list. See "
      "skypeflux.verify.key / .content / .structure."),
    F("skypeflux.verify.status", "string", "Verdict",
      "verified; unverified (tried and failed, or could not be tried: no plaintext "
      "shown, the reason is in skypeflux.verify.detail, e.g. 'public address "
      "unknown', 'no candidate address gives a matching CRC', 'truncated', 'type 0x0d "
      "has no known layout'); clear (not obfuscated on the wire, e.g. ACK/NAck, whose "
      "address is only a candidate until a CRC confirms it, and notes); n/a (the "
      "summary line).", outputs=JSON),
    F("skypeflux.verify.key", "string", "Key proven by",
      "What proves the RC4 key (seed) was right: crc32 (a UDP CRC matched), "
      "tcp-header (the ten known bytes of the direction's header decrypted), none.", outputs=JSON),
    F("skypeflux.verify.content", "string", "Content proven by",
      "What proves the plaintext is exactly what was sent: crc32 (UDP units); 'not "
      "integrity-protected' for TCP frames (decrypted with a proven key, but no "
      "checksum covers them: a flipped bit changes the plaintext and is caught only "
      "if it breaks framing or an object list); 'known plaintext' for the TCP header "
      "itself; none.", outputs=JSON),
    F("skypeflux.verify.structure", "string", "Structure",
      "Whether the plaintext parses exactly: command blocks, TCP frames and object "
      "lists consume every byte they declare (exact), do not (failed), or nothing was "
      "parsed (n/a: clear units, fragments, failures).", outputs=JSON),
    F("skypeflux.verify.method", "string", "Verified by", "What the verdict rests on: crc32 (the "
      "datagram's CRC), tcp-header (the known header of a TCP direction), tcp-header+framing "
      "(that header and exact frames and blocks), evidence (a note: the record that proved "
      "it), none."),
    F("skypeflux.verify.detail", "string", "Verification", "Evidence or the reason verification "
      "failed, in words."),
    F("skypeflux.seed", "uint32", "Seed", "The 32-bit RC4 seed used.", "hex",
      json_note="As 8 lower-case hex digits; null when none."),
    F("skypeflux.public.src", "ipv4", "Public source", "Public source address used in the UDP "
      "seed (0.0.0.0 when the sender did not know its own)."),
    F("skypeflux.public.dst", "ipv4", "Public destination", "Public destination address used in "
      "the UDP seed."),
    F("skypeflux.plaintext", "string", "Plaintext", "Decrypted bytes as lower-case hex; only "
      "when verified, else null.", outputs=JSON),
    F("skypeflux.blocks", "list", "Blocks", "Command blocks of the plaintext in order; empty "
      "when unverified or when the unit carries none (fragments: their blocks come with the "
      "joined message).", outputs=JSON),
    F("skypeflux.note", "string", "Note", "For unit 'note': what was learned, in words, with its "
      "evidence (e.g. '192.168.1.2 is 86.128.245.115 (NAck)'); the structured facts are in "
      "skypeflux.info. Null for other units.", outputs=JSON),
    F("skypeflux.info", "object", "Info", "Type-specific raw fields of the unit (iv, crc, "
      "fragment index, header fields, ...), bytes as hex. Free-form: its keys are not part of "
      "the stable schema; the stable ones are the registered skypeflux.udp.* and "
      "skypeflux.tcp.* fields.", outputs=JSON),
    F("skypeflux.orig_frame", "uint32", "Original frame", "In a capture written by skypeflux "
      "export: the unit's frame number in the original capture (reply-to frames count the "
      "same way).", "dec", outputs=LUA),
    F("skypeflux.heuristic", "string", "Recognised by", "Which clear-header evidence made the "
      "heuristic take this packet.", outputs=LUA),
    # UDP datagram headers (spec protocol.md 1)
    F("skypeflux.udp.id", "uint16", "ID", "UDP datagram id (bytes 0-1, big-endian).", "hex"),
    F("skypeflux.udp.func", "uint8", "Func", "The raw func byte (byte 2) of the datagram.", "hex"),
    F("skypeflux.udp.type", "uint8", "Type", "UDP datagram type: func byte AND 0x8F.", "hex",
      "UDP_TYPES"),
    F("skypeflux.udp.iv", "uint32", "IV", "The IV mixed into the seed (types 0x02, 0x0F).", "hex",
      json_note=_NULL),
    F("skypeflux.udp.crc", "uint32", "CRC", "Skype CRC32 of the plaintext, as sent (types 0x02, "
      "0x03, 0x0F).", "hex", json_note=_NULL),
    F("skypeflux.udp.count", "uint8", "Count", "Byte 3 of a resend (always 1).", "dec",
      outputs=LUA),
    F("skypeflux.udp.challenge", "uint32", "Challenge", "NAck challenge; a resend's seed is id "
      "XOR challenge (types 0x07, 0x03).", "hex", json_note=_NULL),
    F("skypeflux.udp.dest_ip", "ipv4", "Destination IP", "A resend's receiver, as its sender saw "
      "it.", json_note=_NULL),
    F("skypeflux.udp.ip", "ipv4", "Your public IP", "ACK/NAck: the public address of this "
      "packet's receiver as its sender sees it.", json_note=_NULL),
    F("skypeflux.udp.value", "uint32", "Value", "ACK: the last 4 bytes (meaning unknown).", "hex",
      json_note=_NULL),
    F("skypeflux.udp.ref_id", "uint16", "Reference id", "Fragment: id of the request the "
      "fragmented reply answers.", "hex", json_note=_NULL),
    F("skypeflux.udp.frag.index", "uint8", "Fragment index", "Fragment: position from 0.", "dec",
      json_note=_NULL),
    F("skypeflux.udp.frag.last", "bool", "Last fragment", "Fragment: bit 7 of byte 5.",
      json_note=_NULL),
    F("skypeflux.udp.frag.count", "uint8", "Fragments", "Message: how many fragments it was "
      "joined from.", "dec", json_note=_NULL),
    F("skypeflux.udp.frag.frame", "framenum", "Fragment in frame", "Message: a frame that "
      "carried one of its fragments.", outputs=LUA),
    F("skypeflux.udp.ciphertext", "bytes", "Encrypted data", "The RC4-encrypted rest of the "
      "datagram.", outputs=LUA),
    # TCP streams (spec protocol.md 2)
    F("skypeflux.tcp.seed", "uint32", "Stream seed", "The clear seed that opens one direction "
      "of an obfuscated TCP stream.", "hex", outputs=LUA),
    F("skypeflux.tcp.header", "bytes", "Stream header", "The 10 decrypted header bytes: seq16, "
      "00000001, 00000001/03/0F.", outputs=LUA),
    F("skypeflux.tcp.tls_prefix", "uint16", "Pseudo-TLS prefix", "Bytes of pseudo-TLS hello "
      "before the stream header (port 443).", "dec", outputs=LUA),
    F("skypeflux.tcp.frame", "none", "TCP frame", "One frame of the decrypted stream.",
      outputs=LUA),
    F("skypeflux.tcp.frame.offset", "uint32", "Stream offset", "Offset of the frame after the "
      "14-byte header.", "dec", json_note=_NULL),
    F("skypeflux.tcp.frame.length", "uint32", "Frame length", "Body bytes of the frame.", "dec",
      json_note=_NULL),
    F("skypeflux.tcp.frame.kind", "string", "Frame kind", "data, ack, filler, session or "
      "control.", json_note=_NULL),
    F("skypeflux.tcp.packet_id", "uint16", "Packet id", "Packet id of a TCP data frame, or the "
      "one an ack acknowledges.", "hex", json_note=_NULL),
    # command blocks (spec protocol.md 1.3)
    F("skypeflux.block", "none", "Command block", "One command block: size, cmd, [reqid], "
      "object list.", outputs=LUA),
    F("skypeflux.block.offset", "int", "Block offset", "Offset of the block in the unit's "
      "plaintext.", outputs=JSON),
    F("skypeflux.block.length", "int", "Block length", "Bytes the whole block occupies (header "
      "included).", outputs=JSON),
    F("skypeflux.block.size", "uint32", "Size", "The size varint: bytes after the cmd varint.",
      "dec", outputs=LUA),
    F("skypeflux.cmd", "uint32", "Command", "Command number (the cmd varint shifted right by 3).",
      "dec"),
    F("skypeflux.cmd.name", "string", "Command name", "Known name of the command (a guessed "
      "one too: see skypeflux.cmd.name_guessed).", json_note="Null when it has none."),
    F("skypeflux.cmd.name_guessed", "bool", "Name is a guess", "True when the command's name is "
      "our inference, not a source's.", json_note="Null when it has no name."),
    F("skypeflux.cmd.flags", "uint8", "Flags", "Low 3 bits of the cmd varint: 2 request, 3 "
      "reply, 1 notification.", "dec", "CMD_FLAGS"),
    F("skypeflux.cmd.kind", "string", "Kind", "The flags as a word: request, reply, notify, or "
      "flagsN for values never observed.", outputs=JSON),
    F("skypeflux.reqid", "uint16", "Request id", "Request id (present when flags bit 1 is set); "
      "a reply quotes its request's id.", "hex"),
    F("skypeflux.reply_to_frame", "framenum", "Reply to", "For a reply: the frame of the "
      "request it answers, when that was seen.", frame="request"),
    F("skypeflux.reply_in_frame", "framenum", "Reply in", "For a request: the frame of its "
      "reply.", frame="response", outputs=LUA),
    F("skypeflux.resend_of_frame", "framenum", "Resend of", "For a request sent again to the "
      "same peer with the same request id while the first was unanswered (a retransmission): "
      "the frame that first sent it.", frame="request", outputs=JSON, json_note=_NULL),
    F("skypeflux.list.form", "uint8", "List form", "Object list serialisation: 0x41 (65, raw) "
      "or 0x42 (66, range-coded).", "hex", "LIST_FORMS",
      json_note="Null when the block has no list."),
    F("skypeflux.list.hex", "string", "List bytes", "The object list bytes, marker included, as "
      "lower-case hex.", outputs=JSON),
    F("skypeflux.error", "string", "Error", "Why the block or its list did not decode exactly.",
      json_note="Null when it did."),
    F("skypeflux.objects", "list", "Objects", "Decoded object tree; null when the list did not "
      "decode.", outputs=JSON),
    # objects (spec objects.md)
    F("skypeflux.obj", "none", "Object", "One object of a list.", outputs=LUA),
    F("skypeflux.obj.id", "uint32", "Object id", "Object id: which parameter of the command "
      "this object is. Ids may repeat in a list.", "hex"),
    F("skypeflux.obj.family", "uint8", "Family", "Object family: 0 number, 1 u64, 2 address, "
      "3 string, 4 blob, 5 list, 6 intlist.", "dec", "FAMILIES"),
    F("skypeflux.obj.family_name", "string", "Family name", "The family as a word (same words "
      "as the text output).", outputs=JSON),
    F("skypeflux.obj.name", "string", "Object name", "Known meaning of this id in this command "
      "(a guessed one too: see skypeflux.obj.name_guessed).", json_note="Null when it has none."),
    F("skypeflux.obj.name_guessed", "bool", "Object name is a guess", "True when the object's "
      "name is our inference, not a source's.", json_note="Null when it has no name."),
    F("skypeflux.obj.value", "list", "Value", "Family 0/1: integer. 2: \"a.b.c.d:port\". 3: "
      "lower-case hex of the string bytes (no NUL). 4: lower-case hex. 5: array of objects "
      "(this same form). 6: array of integers.", outputs=JSON),
    F("skypeflux.obj.number", "uint32", "Number", "Family 0: the value.", "dec", outputs=LUA),
    F("skypeflux.obj.u64", "uint64", "64-bit value", "Family 1: the value.", "hex", outputs=LUA),
    F("skypeflux.obj.hex", "string", "64-bit value in hex", "Family 1 only: the 64-bit value as "
      "0x and 16 lower-case hex digits. The same value as skypeflux.obj.value, exact for "
      "consumers whose JSON numbers are doubles (JavaScript, older jq), which round integers "
      "above 2^53.", outputs=JSON),
    F("skypeflux.obj.addr", "string", "Address", "Family 2: the value as a.b.c.d:port.",
      outputs=LUA),
    F("skypeflux.obj.ip", "ipv4", "IP", "Family 2: the address part.", outputs=LUA),
    F("skypeflux.obj.port", "uint16", "Port", "Family 2: the port part.", "dec", outputs=LUA),
    F("skypeflux.obj.text", "string", "Text", "Family 3: the string as text.",
      json_note="Null unless it is printable UTF-8."),
    F("skypeflux.obj.blob", "bytes", "Blob", "Family 4: the bytes.", outputs=LUA),
    F("skypeflux.obj.count", "uint32", "Count", "Family 5 and 6: how many items.", "dec",
      outputs=LUA),
    F("skypeflux.obj.int", "uint32", "Element", "Family 6: one element.", "dec", outputs=LUA),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
if len(BY_NAME) != len(FIELDS):
    raise AssertionError("a field name is registered twice")


# The header fields a unit keeps in ``record.info`` (key there -> registered field): JSON lines
# write them under these names and the text output labels them with the fields' labels.
INFO_FIELDS: dict[str, str] = {
    "iv": "skypeflux.udp.iv",
    "crc": "skypeflux.udp.crc",
    "challenge": "skypeflux.udp.challenge",
    "dest_ip": "skypeflux.udp.dest_ip",
    "ip": "skypeflux.udp.ip",
    "value": "skypeflux.udp.value",
    "ref_id": "skypeflux.udp.ref_id",
    "index": "skypeflux.udp.frag.index",
    "last": "skypeflux.udp.frag.last",
    "fragments": "skypeflux.udp.frag.count",
    "kind": "skypeflux.tcp.frame.kind",
    "stream_offset": "skypeflux.tcp.frame.offset",
    "length": "skypeflux.tcp.frame.length",
}


def label(name: str) -> str:
    """The registered label of field ``name``, as every output shows it."""
    return BY_NAME[name].label


def field(name: str) -> Field:
    """The registered field called ``name`` (``KeyError`` for an unregistered one)."""
    return BY_NAME[name]


def for_output(output: str) -> tuple[Field, ...]:
    """The fields an output (``"lua"`` or ``"json"``) carries, in registry order."""
    return tuple(f for f in FIELDS if output in f.outputs)
