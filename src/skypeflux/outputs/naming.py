"""What the outputs call things: object families, command kinds, unit labels, verdict labels.

Kept in one table-like module so the text output, the JSON lines and the flows table use the same
words for the same fact (a reader who greps for ``reply`` in the text finds the records that have
``"skypeflux.cmd.kind": "reply"`` in JSON).
"""

from __future__ import annotations

from skypeflux.capture.records import Method, Record, Status, UnitKind
from skypeflux.messages.names import Name, object_info
from skypeflux.objects import Family

# spec/objects.md section 1: family -> short name a reader can filter on.
FAMILY_NAMES: dict[int, str] = {
    Family.NUMBER: "number",
    Family.UINT64: "u64",
    Family.ADDRESS: "address",
    Family.STRING: "string",
    Family.BLOB: "blob",
    Family.LIST: "list",
    Family.INT_LIST: "intlist",
}

# spec/protocol.md section 1.3: the low three bits of the command varint. Only 1, 2 and 3 were
# ever observed; anything else is shown by number so that it stands out.
COMMAND_KINDS: dict[int, str] = {1: "notify", 2: "request", 3: "reply"}
_KIND_SHORT = {"notify": "notify", "request": "req", "reply": "reply"}

# Short names of the verification methods the pipeline reports (records.Verification.method).
_METHOD_LABELS = {
    Method.CRC32: "CRC ok",
    Method.TCP_HEADER_FRAMING: "hdr+framing ok, content unprotected",
    Method.TCP_HEADER: "hdr ok",
}

UNIT_KINDS: tuple[str, ...] = tuple(str(kind) for kind in UnitKind if kind != UnitKind.SUMMARY)


def family_name(family: int) -> str:
    return FAMILY_NAMES.get(family, f"family{family}")


def object_name_info(
    command: int, family: int, object_id: int, parents: tuple[tuple[int, int], ...] = ()
) -> Name | None:
    """The name of an object and whether it is a guess (``None`` when it has none), for this
    command, the lists ``parents`` that hold it and its family (see :func:`object_label`)."""
    return object_info(command, object_id, family, parents)


def object_label(
    command: int, family: int, object_id: int, parents: tuple[tuple[int, int], ...] = ()
) -> str | None:
    """The name of an object (``None`` when it has none); a guessed name ends with '?'.

    Ids only mean something relative to the command and the list that holds them
    (protocol.md 4): ``parents`` is the ``(id, family)`` of each enclosing list from the top.
    Where the tables name no such object, it has no name, never one borrowed from elsewhere.
    """
    info = object_info(command, object_id, family, parents)
    return info.label if info is not None else None


def command_kind(flags: int) -> str:
    """``request`` / ``reply`` / ``notify`` for the observed flag values, else ``flags<N>``."""
    return COMMAND_KINDS.get(flags, f"flags{flags}")


def command_kind_short(flags: int) -> str:
    kind = command_kind(flags)
    return _KIND_SHORT.get(kind, kind)


def verification_label(record: Record) -> str:
    """The verdict as the text output prints it: ``CRC ok``, ``UNVERIFIED: reason``, ``clear``."""
    verification = record.verification
    if verification.status == Status.VERIFIED:
        return _METHOD_LABELS.get(verification.method, f"{verification.method} ok")
    if verification.status == Status.UNVERIFIED:
        return f"UNVERIFIED: {verification.detail or verification.method}"
    if verification.status == Status.CLEAR:
        return "clear"
    if verification.status == Status.NOT_APPLICABLE:
        return "-"
    return str(verification.status)


def _info_int(record: Record, *keys: str) -> int | None:
    for key in keys:
        value = record.info.get(key)
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    return None


def unit_label(record: Record) -> str:
    """A short tshark-like name for the unit: ``UDP 0x02``, ``UDP frag 3/9``, ``TCP data``."""
    unit = record.unit
    if unit == UnitKind.UDP_PAYLOAD:
        return "UDP 0x02"
    if unit == UnitKind.UDP_RESEND:
        return "UDP 0x03 resend"
    if unit == UnitKind.UDP_FRAGMENT:
        # A fragment only says its index and whether it is the last one; the count is known
        # from the last fragment alone, so only that one can say "9/9".
        index = _info_int(record, "index")
        if index is None:
            return "UDP frag"
        if record.info.get("last") is True:
            return f"UDP frag {index + 1}/{index + 1}"
        return f"UDP frag {index + 1}"
    if unit == UnitKind.UDP_MESSAGE:
        return _message_label(record)
    if unit == UnitKind.UDP_ACK:
        return "UDP ack"
    if unit == UnitKind.UDP_NACK:
        return "UDP nack"
    if unit == UnitKind.UDP_OTHER:
        return f"UDP 0x{record.udp_type:02x}" if record.udp_type is not None else "UDP other"
    if unit == UnitKind.TCP_CONTROL:
        kind = record.info.get("kind")  # ack, filler or session (spec 2.2)
        return f"TCP {kind}" if isinstance(kind, str) and kind else "TCP control"
    if unit.startswith("tcp."):
        return f"TCP {unit[4:]}"
    return str(unit)  # "note"


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
