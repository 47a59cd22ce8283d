"""Messages layer: command blocks (parse and build), names for commands and objects, and the
pairing of requests with replies. Bad traffic becomes a block with an ``error``; API misuse raises
:class:`MessagesError`.
"""

from skypeflux.messages.addresses import PUBLIC_ADDRESS_OBJECT, public_address_claims
from skypeflux.messages.blocks import Block, build_block, build_blocks, parse_blocks
from skypeflux.messages.errors import MessagesError
from skypeflux.messages.flags import FLAG_ONE_WAY, FLAG_REPLY, FLAG_REQUEST, has_reqid
from skypeflux.messages.names import (
    Name,
    command_info,
    command_name,
    object_info,
    object_name,
    session_command_info,
    session_command_name,
)
from skypeflux.messages.pairing import Outcome, Pairing, RequestPairer

__all__ = [
    "FLAG_ONE_WAY",
    "FLAG_REPLY",
    "FLAG_REQUEST",
    "PUBLIC_ADDRESS_OBJECT",
    "Block",
    "MessagesError",
    "Name",
    "Outcome",
    "Pairing",
    "RequestPairer",
    "build_block",
    "build_blocks",
    "command_info",
    "command_name",
    "has_reqid",
    "object_info",
    "object_name",
    "parse_blocks",
    "public_address_claims",
    "session_command_info",
    "session_command_name",
]
