"""The command blocks of one event: request ids, replies, object lists, all from the seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from skypeflux.capture.synth.errors import ScenarioError
from skypeflux.capture.synth.objects_spec import build_objects
from skypeflux.capture.synth.scenario import Event, Host, host_addresses
from skypeflux.capture.synth.units import ExpectedBlock
from skypeflux.messages.blocks import encode_block, parse_blocks
from skypeflux.messages.errors import MessagesError
from skypeflux.messages.flags import has_reqid


@dataclass(slots=True)
class Ids:
    """Per-host counters (datagram ids step by 2, as Skype's do) and the request ids each
    labelled event asked with, so a reply can quote them."""

    rng: random.Random
    hosts: dict[str, Host]
    next_id: dict[str, int] = field(default_factory=dict)
    requests: dict[str, int] = field(default_factory=dict)

    def packet_id(self, host: str) -> int:
        current = self.next_id.get(host)
        if current is None:
            current = self.rng.randrange(0x1000, 0xF000) & ~1
        self.next_id[host] = (current + 2) & 0xFFFF
        return current


def event_blocks(event: Event, ids: Ids, carrier_id: int) -> tuple[bytes, list[ExpectedBlock]]:
    """The plaintext of ``event``'s messages and the blocks a decoder must find in it.

    The first request's id is ``carrier_id - 1`` (the datagram or frame id minus one, as
    Skype numbers them); later requests take fresh ids. A reply quotes the first request of
    the event it answers.
    """
    plain = bytearray()
    expected = []
    first_request: int | None = None
    for message in event.messages:
        reqid = message.reqid
        if reqid is None and has_reqid(message.flags):
            if message.reply_to is not None:
                reqid = ids.requests.get(message.reply_to)
                if reqid is None:
                    raise ScenarioError(
                        f"{message.reply_to!r} carries no request to reply to",
                        f"{message.where}.reply_to",
                    )
            elif first_request is None:
                reqid = (carrier_id - 1) & 0xFFFF
            else:
                reqid = ids.rng.getrandbits(16)
        if reqid is not None and not has_reqid(message.flags):
            raise ScenarioError(f"flags {message.flags} carry no request id", message.where)
        if message.flags == 2 and first_request is None:
            first_request = reqid
        objects = None
        if message.objects is not None:
            objects = build_objects(
                message.objects,
                f"{message.where}.objects",
                ids.rng,
                message.command,
                host_addresses(ids.hosts),
            )
        try:
            block = encode_block(message.command, message.flags, reqid, objects, message.form)
        except MessagesError as exc:
            raise ScenarioError(str(exc), message.where) from None
        (parsed,) = parse_blocks(block, decode_objects=False)
        expected.append(
            ExpectedBlock(message.command, message.flags, reqid, parsed.list_bytes.hex())
        )
        plain += block
    if event.label is not None and first_request is not None:
        ids.requests[event.label] = first_request
    return bytes(plain), expected
