"""Command blocks: ``varint size, varint cmd, [reqid BE16 if cmd & 2], object list``.

(spec objects.md section 5, protocol.md 1.3.) A payload is one or more blocks back to back. The
parser never raises on traffic: a block that does not fit, or whose list does not decode to
exactly its end, is returned with ``error`` set, because "exact" is the verification a reader
relies on once the CRC has said the bytes are what the sender sent.
"""

from __future__ import annotations

from collections.abc import Iterable

from skypeflux.messages.errors import MessagesError
from skypeflux.messages.flags import has_reqid
from skypeflux.objects import (
    CODED,
    DEFAULT_BUDGET,
    DEFAULT_MAX_DEPTH,
    BackendArg,
    CodedListDecoder,
    Obj,
    ObjectList,
    ObjectsError,
    decode,
    encode,
    get_backend,
    whole_list_call,
)
from skypeflux.value_class import value_class
from skypeflux.wire.errors import WireError
from skypeflux.wire.varint import encode_varint, read_varint


@value_class
class Block:
    """One command block found in a plaintext.

    ``offset`` is where it starts (plus the ``base`` given to :func:`parse_blocks`), ``length``
    its total size in bytes. ``objects``/``form`` come from the objects codec, ``None`` when the
    list is empty or did not decode; ``error`` says why the block is not exact.
    """

    offset: int
    length: int
    size: int
    cmd_raw: int
    reqid: int | None
    list_bytes: bytes
    objects: ObjectList | None = None
    form: int | None = None
    error: str | None = None

    @property
    def command(self) -> int:
        return self.cmd_raw >> 3

    @property
    def flags(self) -> int:
        return self.cmd_raw & 7

    @property
    def exact(self) -> bool:
        return self.error is None

    @property
    def header_len(self) -> int:
        return self.length - len(self.list_bytes)

    def build(self) -> bytes:
        """The block's bytes (for an exact block, identical to what was parsed)."""
        return build_block(self.command, self.flags, self.reqid, self.list_bytes)


# the default back end's whole-list call, looked up once: every verified unit's lists go by it
_DEFAULT_BACKEND = get_backend()
_DEFAULT_CALL = whole_list_call(_DEFAULT_BACKEND)


def _list_call(backend: BackendArg) -> CodedListDecoder | None:
    if backend is None or backend is _DEFAULT_BACKEND:
        return _DEFAULT_CALL
    return whole_list_call(backend)


def _decode_list(
    list_bytes: bytes, at: int, backend: BackendArg, call: CodedListDecoder | None
) -> tuple[ObjectList | None, int | None, str | None]:
    """What ``objects.decode(list_bytes)`` finds, as (objects, form, problem); a 0x42 list goes
    straight to ``call`` (``objects.whole_list_call``) when there is one."""
    if not list_bytes:
        return None, None, None
    try:
        done = None
        if call is not None and list_bytes[0] == CODED:
            done = call(list_bytes, 0, DEFAULT_MAX_DEPTH, DEFAULT_BUDGET)
        if done is not None:
            objects, consumed, _ = done
            form = CODED
        else:
            decoded = decode(list_bytes, backend=backend)
            objects, consumed, form = decoded.objects, decoded.consumed, decoded.form
    except ObjectsError as exc:
        where = getattr(exc, "offset", None)
        pos = at + where if isinstance(where, int) else at
        return None, None, f"object list does not decode at byte {pos}: {exc}"
    if consumed != len(list_bytes):
        return objects, form, f"object list used {consumed} of {len(list_bytes)} bytes"
    return objects, form, None


BlockFields = tuple[
    int, int, int, int, int | None, bytes, ObjectList | None, int | None, str | None
]
"""A block's fields in :class:`Block`'s order: what :func:`block_fields` gives."""


def parse_blocks(
    plaintext: bytes,
    base: int = 0,
    decode_objects: bool = True,
    *,
    objects_backend: BackendArg = None,
) -> list[Block]:
    """Split ``plaintext`` into blocks; the last one carries an error if the bytes run out.

    ``base`` is added to every offset (e.g. where the plaintext sits in a TCP stream);
    ``objects_backend`` picks the 0x42 range coder (default: fast when built).
    """
    return [
        Block(*fields)
        for fields in block_fields(plaintext, base, decode_objects, objects_backend=objects_backend)
    ]


def block_fields(
    plaintext: bytes,
    base: int = 0,
    decode_objects: bool = True,
    *,
    objects_backend: BackendArg = None,
) -> list[BlockFields]:
    """:func:`parse_blocks` as tuples of each block's fields, for a caller that builds records
    of its own from them (every verified unit's blocks go through here, and a Block each
    would be made only to be read once)."""
    data = bytes(plaintext)
    call = _list_call(objects_backend) if decode_objects else None
    blocks: list[BlockFields] = []
    pos = 0
    end = len(data)
    while pos < end:
        start = pos
        # one-byte varints (most sizes, commands below 16) read inline, the rest by read_varint
        size = data[pos]
        cmd_raw = data[pos + 1] if pos + 1 < end else 0x80
        try:
            if size < 0x80 and cmd_raw < 0x80:
                body_at = pos + 2
            else:
                size, pos = read_varint(data, pos)
                cmd_raw, body_at = read_varint(data, pos)
        except WireError as exc:
            problem = f"bad block header: {exc.reason}"
            blocks.append((base + start, end - start, 0, 0, None, b"", None, None, problem))
            break
        block_end = body_at + size
        reqid_len = 2 if has_reqid(cmd_raw & 7) else 0
        if size < reqid_len or block_end > end:
            problem = (
                f"size {size} exceeds the {end - body_at} bytes left"
                if block_end > end
                else f"size {size} too small for a request id"
            )
            rest = data[body_at + reqid_len :] if reqid_len <= end - body_at else b""
            blocks.append(
                (base + start, end - start, size, cmd_raw, None, rest, None, None, problem)
            )
            break
        reqid = int.from_bytes(data[body_at : body_at + 2], "big") if reqid_len else None
        list_at = body_at + reqid_len
        list_bytes = data[list_at:block_end]
        objects: ObjectList | None = None
        form: int | None = None
        error: str | None = None
        if decode_objects and list_bytes:
            objects, form, error = _decode_list(list_bytes, base + list_at, objects_backend, call)
        blocks.append(
            (
                base + start,
                block_end - start,
                size,
                cmd_raw,
                reqid,
                list_bytes,
                objects,
                form,
                error,
            )
        )
        pos = block_end
    return blocks


def build_block(command: int, flags: int, reqid: int | None, list_bytes: bytes) -> bytes:
    """``varint size ‖ varint(command << 3 | flags) ‖ [reqid] ‖ list``."""
    if not 0 <= flags <= 7:
        raise MessagesError(f"flags must be 0..7, not {flags}")
    if command < 0 or (command << 3) > 0xFFFFFFFF:
        raise MessagesError(f"command {command} out of range")
    if has_reqid(flags) != (reqid is not None):
        raise MessagesError(
            f"flags {flags} {'need' if has_reqid(flags) else 'forbid'} a request id"
        )
    head = b""
    if reqid is not None:
        if not 0 <= reqid <= 0xFFFF:
            raise MessagesError(f"request id {reqid} out of range")
        head = reqid.to_bytes(2, "big")
    body = head + bytes(list_bytes)
    return encode_varint(len(body)) + encode_varint(command << 3 | flags) + body


def build_blocks(blocks: Iterable[Block | tuple[int, int, int | None, bytes]]) -> bytes:
    """Concatenate several blocks (given as :class:`Block` or ``(command, flags, reqid, list)``)."""
    out = bytearray()
    for item in blocks:
        if isinstance(item, Block):
            out += item.build()
        else:
            out += build_block(*item)
    return bytes(out)


def encode_block(
    command: int,
    flags: int,
    reqid: int | None,
    objects: Iterable[Obj] | None,
    form: int = CODED,
) -> bytes:
    """A block whose list is ``objects`` (an :class:`~skypeflux.objects.ObjectList` or ``Obj``
    items) encoded as ``form`` (0x42 by default, 0x41 raw); the inverse of :func:`parse_blocks`
    at the same level: parsing the result gives back ``objects`` in ``Block.objects``.

    ``objects=None`` writes a block without a list (its length covers only the request id).
    """
    if objects is None:
        return build_block(command, flags, reqid, b"")
    try:
        list_bytes = encode(ObjectList(objects), form)
    except ObjectsError as exc:
        raise MessagesError(f"cmd {command}: object list does not encode: {exc}") from exc
    return build_block(command, flags, reqid, list_bytes)
