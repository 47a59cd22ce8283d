"""The field registry: every field a user can see or filter on, declared once.

In the spirit of Wireshark's ``hf_register_info``: a dotted name (the filter name in Wireshark,
the key in JSON lines), a type, a short label and a description. The Lua dissector's
ProtoFields are generated from this table (:mod:`skypeflux.outputs.wireshark.lua_fields`), and
a test checks that the generated part of the plugin is current, so a field renamed here is
renamed everywhere that reads it.

A guessed name stays a plain name: ``skypeflux.cmd.name`` is ``address_reply`` and the guess is
its own boolean field ``skypeflux.cmd.name_guessed`` (so ``skypeflux.cmd.name ==
"address_reply"`` finds it), never a ``?`` inside the value.
"""

from __future__ import annotations

from dataclasses import dataclass

KINDS = frozenset(
    {
        "none",  # a subtree label with no value of its own
        "bool",
        "uint8",
        "uint16",
        "uint32",
        "uint64",
        "string",
        "bytes",
        "ipv4",
        "framenum",
    }
)
BASES = frozenset({"dec", "hex", ""})
FRAME_KINDS = frozenset({"", "request", "response"})


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

    def __post_init__(self) -> None:
        if not self.name.startswith("skypeflux.") and self.name != "skypeflux":
            raise ValueError(f"field {self.name!r} is outside the skypeflux namespace")
        if self.kind not in KINDS or self.base not in BASES or self.frame not in FRAME_KINDS:
            raise ValueError(f"field {self.name!r} has an unknown kind, base or frame kind")


F = Field

FIELDS: tuple[Field, ...] = (
    # the unit and its verification
    F("skypeflux.unit", "string", "Unit", "Kind of unit: udp.payload, udp.resend, udp.fragment, "
      "udp.message, udp.ack, udp.nack, udp.other, tcp.header, tcp.data, tcp.control."),
    F("skypeflux.verified", "bool", "Verified", "True only when the decryption was verified "
      "(CRC32 matched, or the known TCP header and exact framing)."),
    F("skypeflux.verify.method", "string", "Verified by", "How verification was attempted: "
      "crc32, tcp-header, tcp-header+framing, none."),
    F("skypeflux.verify.detail", "string", "Verification", "Evidence, or the reason verification "
      "failed, in words."),
    F("skypeflux.seed", "uint32", "Seed", "The 32-bit RC4 seed of the unit.", "hex"),
    F("skypeflux.public.src", "ipv4", "Public source", "Public source address used in the UDP "
      "seed (0.0.0.0 when the sender did not know its own)."),
    F("skypeflux.public.dst", "ipv4", "Public destination", "Public destination address used in "
      "the UDP seed."),
    F("skypeflux.orig_frame", "uint32", "Original frame", "In a capture written by skypeflux "
      "export: the unit's frame number in the original capture (reply-to frames count the "
      "same way).", "dec"),
    F("skypeflux.heuristic", "string", "Recognised by", "Which clear-header evidence made the "
      "heuristic take this packet."),
    # UDP datagram headers (spec protocol.md 1)
    F("skypeflux.udp.id", "uint16", "ID", "UDP datagram id (bytes 0-1, big-endian).", "hex"),
    F("skypeflux.udp.func", "uint8", "Func", "The raw func byte (byte 2) of the datagram.", "hex"),
    F("skypeflux.udp.type", "uint8", "Type", "UDP datagram type: func byte AND 0x8F.", "hex",
      "UDP_TYPES"),
    F("skypeflux.udp.iv", "uint32", "IV", "The IV mixed into the seed (types 0x02, 0x0F).", "hex"),
    F("skypeflux.udp.crc", "uint32", "CRC", "Skype CRC32 of the plaintext, as sent.", "hex"),
    F("skypeflux.udp.count", "uint8", "Count", "Byte 3 of a resend (always 1).", "dec"),
    F("skypeflux.udp.challenge", "uint32", "Challenge", "NAck challenge; a resend's seed is id "
      "XOR challenge.", "hex"),
    F("skypeflux.udp.dest_ip", "ipv4", "Destination IP", "A resend's receiver, as its sender saw "
      "it."),
    F("skypeflux.udp.ip", "ipv4", "Your public IP", "ACK/NAck: the public address of this "
      "packet's receiver as its sender sees it."),
    F("skypeflux.udp.value", "uint32", "Value", "ACK: the last 4 bytes (meaning unknown).", "hex"),
    F("skypeflux.udp.ref_id", "uint16", "Reference id", "Fragment: id of the request the "
      "fragmented reply answers.", "hex"),
    F("skypeflux.udp.frag.index", "uint8", "Fragment index", "Fragment: position from 0.", "dec"),
    F("skypeflux.udp.frag.last", "bool", "Last fragment", "Fragment: bit 7 of byte 5."),
    F("skypeflux.udp.frag.count", "uint8", "Fragments", "Message: how many fragments it was "
      "joined from.", "dec"),
    F("skypeflux.udp.frag.frame", "framenum", "Fragment in frame", "Message: a frame that "
      "carried one of its fragments."),
    F("skypeflux.udp.ciphertext", "bytes", "Encrypted data", "The RC4-encrypted rest of the "
      "datagram."),
    # TCP streams (spec protocol.md 2)
    F("skypeflux.tcp.seed", "uint32", "Stream seed", "The clear seed that opens one direction "
      "of an obfuscated TCP stream.", "hex"),
    F("skypeflux.tcp.header", "bytes", "Stream header", "The 10 decrypted header bytes: seq16, "
      "00000001, 00000001/03/0F."),
    F("skypeflux.tcp.tls_prefix", "uint16", "Pseudo-TLS prefix", "Bytes of pseudo-TLS hello "
      "before the stream header (port 443).", "dec"),
    F("skypeflux.tcp.frame", "none", "TCP frame", "One frame of the decrypted stream."),
    F("skypeflux.tcp.frame.offset", "uint32", "Stream offset", "Offset of the frame after the "
      "14-byte header.", "dec"),
    F("skypeflux.tcp.frame.length", "uint32", "Frame length", "Body bytes of the frame.", "dec"),
    F("skypeflux.tcp.frame.kind", "string", "Frame kind", "data, ack, filler, session or "
      "control."),
    F("skypeflux.tcp.packet_id", "uint16", "Packet id", "Packet id of a data frame, or the one "
      "an ack acknowledges.", "hex"),
    # command blocks (spec protocol.md 1.3)
    F("skypeflux.block", "none", "Command block", "One command block: size, cmd, [reqid], "
      "object list."),
    F("skypeflux.block.size", "uint32", "Size", "The size varint: bytes after the cmd varint.",
      "dec"),
    F("skypeflux.cmd", "uint32", "Command", "Command number (the cmd varint shifted right by 3).",
      "dec"),
    F("skypeflux.cmd.name", "string", "Command name", "Known name of the command."),
    F("skypeflux.cmd.name_guessed", "bool", "Name is a guess", "True when the command's name is "
      "our inference, not a source's."),
    F("skypeflux.cmd.flags", "uint8", "Flags", "Low 3 bits of the cmd varint: 2 request, 3 "
      "reply, 1 notification.", "dec", "CMD_FLAGS"),
    F("skypeflux.reqid", "uint16", "Request id", "Request id (present when flags bit 1 is set); "
      "a reply quotes its request's id.", "hex"),
    F("skypeflux.reply_to_frame", "framenum", "Reply to", "For a reply: the frame of the "
      "request it answers.", frame="request"),
    F("skypeflux.reply_in_frame", "framenum", "Reply in", "For a request: the frame of its "
      "reply.", frame="response"),
    F("skypeflux.list.form", "uint8", "List form", "Object list serialisation: 0x41 raw, 0x42 "
      "range-coded.", "hex", "LIST_FORMS"),
    F("skypeflux.error", "string", "Error", "Why the block or its list did not decode exactly."),
    # objects (spec objects.md)
    F("skypeflux.obj", "none", "Object", "One object of a list."),
    F("skypeflux.obj.id", "uint32", "Object id", "Which parameter of the command this object "
      "is; ids may repeat.", "hex"),
    F("skypeflux.obj.family", "uint8", "Family", "0 number, 1 u64, 2 address, 3 string, 4 blob, "
      "5 list, 6 intlist.", "dec", "FAMILIES"),
    F("skypeflux.obj.name", "string", "Object name", "Known meaning of this id in this command."),
    F("skypeflux.obj.name_guessed", "bool", "Object name is a guess", "True when the object's "
      "name is our inference."),
    F("skypeflux.obj.number", "uint32", "Number", "Family 0: the value.", "dec"),
    F("skypeflux.obj.u64", "uint64", "64-bit value", "Family 1: the value.", "hex"),
    F("skypeflux.obj.addr", "string", "Address", "Family 2: the value as a.b.c.d:port."),
    F("skypeflux.obj.ip", "ipv4", "IP", "Family 2: the address part."),
    F("skypeflux.obj.port", "uint16", "Port", "Family 2: the port part.", "dec"),
    F("skypeflux.obj.text", "string", "Text", "Family 3: the string as text."),
    F("skypeflux.obj.blob", "bytes", "Blob", "Family 4: the bytes."),
    F("skypeflux.obj.count", "uint32", "Count", "Family 5 and 6: how many items.", "dec"),
    F("skypeflux.obj.int", "uint32", "Element", "Family 6: one element.", "dec"),
)

BY_NAME: dict[str, Field] = {f.name: f for f in FIELDS}
if len(BY_NAME) != len(FIELDS):
    raise AssertionError("a field name is registered twice")


def field(name: str) -> Field:
    """The registered field called ``name`` (``KeyError`` for an unregistered one)."""
    return BY_NAME[name]
