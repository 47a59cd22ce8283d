"""What the outputs call things: object families, command kinds, unit labels, verdict labels.

Kept in one table-like module so the text output, the JSON lines and the flows table use the same
words for the same fact (a reader who greps for ``reply`` in the text finds the records that have
``"skypeflux.cmd.kind": "reply"`` in JSON).
"""

from __future__ import annotations

from skypeflux.capture.records import CLEAR, NOT_APPLICABLE, UNVERIFIED, VERIFIED, Record

# spec/objects.md section 1: family number -> short name a reader can filter on.
FAMILY_NAMES: dict[int, str] = {
    0: "number",
    1: "u64",
    2: "address",
    3: "string",
    4: "blob",
    5: "list",
    6: "intlist",
}

# spec/protocol.md section 1.3: the low three bits of the command varint. Only 1, 2 and 3 were
# ever observed; anything else is shown by number so that it stands out.
COMMAND_KINDS: dict[int, str] = {1: "notify", 2: "request", 3: "reply"}
_KIND_SHORT = {"notify": "notify", "request": "req", "reply": "reply"}

# Short names of the verification methods the pipeline reports (records.Verification.method).
_METHOD_LABELS = {
    "crc32": "CRC ok",
    "tcp-header+framing": "hdr+framing ok",
    "tcp-header": "hdr ok",
}

UNIT_KINDS: tuple[str, ...] = (
    "udp.payload",
    "udp.resend",
    "udp.fragment",
    "udp.message",
    "udp.ack",
    "udp.nack",
    "udp.other",
    "tcp.header",
    "tcp.data",
    "tcp.control",
    "tcp.end",
    "note",
)


def family_name(family: int) -> str:
    return FAMILY_NAMES.get(family, f"family{family}")


def command_kind(flags: int) -> str:
    """``request`` / ``reply`` / ``notify`` for the observed flag values, else ``flags<N>``."""
    return COMMAND_KINDS.get(flags, f"flags{flags}")


def command_kind_short(flags: int) -> str:
    kind = command_kind(flags)
    return _KIND_SHORT.get(kind, kind)


def verification_label(record: Record) -> str:
    """The verdict as the text output prints it: ``CRC ok``, ``UNVERIFIED: reason``, ``clear``."""
    verification = record.verification
    if verification.status == VERIFIED:
        return _METHOD_LABELS.get(verification.method, f"{verification.method} ok")
    if verification.status == UNVERIFIED:
        return f"UNVERIFIED: {verification.detail or verification.method}"
    if verification.status == CLEAR:
        return "clear"
    if verification.status == NOT_APPLICABLE:
        return "-"
    return verification.status


def _info_int(record: Record, *keys: str) -> int | None:
    for key in keys:
        value = record.info.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def unit_label(record: Record) -> str:
    """A short tshark-like name for the unit: ``UDP 0x02``, ``UDP frag 3/9``, ``TCP data``."""
    unit = record.unit
    if unit == "udp.payload":
        return "UDP 0x02"
    if unit == "udp.resend":
        return "UDP 0x03 resend"
    if unit == "udp.fragment":
        # A fragment only says its index and whether it is the last one; the count is known
        # from the last fragment alone, so only that one can say "9/9".
        index = _info_int(record, "index")
        if index is None:
            return "UDP frag"
        if record.info.get("last") is True:
            return f"UDP frag {index + 1}/{index + 1}"
        return f"UDP frag {index + 1}"
    if unit == "udp.message":
        return _message_label(record)
    if unit == "udp.ack":
        return "UDP ack"
    if unit == "udp.nack":
        return "UDP nack"
    if unit == "udp.other":
        return f"UDP 0x{record.udp_type:02x}" if record.udp_type is not None else "UDP other"
    if unit == "tcp.control":
        kind = record.info.get("kind")  # ack, filler or session (spec 2.2)
        return f"TCP {kind}" if isinstance(kind, str) and kind else "TCP control"
    if unit.startswith("tcp."):
        return f"TCP {unit[4:]}"
    if unit == "note":
        return "note"
    return unit


def _message_label(record: Record) -> str:
    """A reassembled message says how many fragments it has; an incomplete one says how many
    arrived of how many expected ("?" when the last fragment, which alone gives the count,
    never came), never a count of frames that reads as if the message were whole."""
    have = _info_int(record, "fragments") or len(record.frames)
    if record.verification.ok:
        return f"UDP message ({have} frags)" if have else "UDP message"
    expected = record.info.get("expected")
    if isinstance(expected, bool) or not isinstance(expected, int | str) or expected in ("", 0):
        expected = "?"
    return f"UDP message, incomplete ({have} of {expected} fragments)"


def note_text(record: Record) -> str:
    """What a ``note`` record (or a ``tcp.end``) says, in words."""
    if record.verification.detail:
        return record.verification.detail
    for key in ("reason", "note", "message"):
        value = record.info.get(key)
        if isinstance(value, str) and value:
            return value
    return ""
