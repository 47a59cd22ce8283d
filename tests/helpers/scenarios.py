"""Random scenarios for hypothesis: hosts with and without NAT, random commands with random
object lists, NAcks and resends, TCP connections, timing, loss and reordering.

Scenarios are drawn as the data a scenario file holds (the dict tomllib would make of it), so
the property tests go through the same checks as a file. Rules that keep the decoder's job
well defined: a NATed host only talks to public hosts, and its public address either appears
in a NAck early on, whose probe and resend the network never loses, or is handed to the
decoder (``public_ips``). (A NAck whose probe and resend were both lost is never shown by
today's decoder once the host's address is found by trial: a known limit, not tested here.)
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from skypeflux.messages.names_data import COMMANDS

PUBLIC_POOL = [
    f"{a}.{b}.{c}.{d}"
    for a, b, c, d in [
        (86, 128, 245, 115),
        (84, 228, 208, 91),
        (68, 206, 150, 243),
        (165, 124, 253, 241),
        (82, 253, 163, 244),
        (86, 197, 95, 238),
        (91, 198, 174, 192),
        (77, 88, 55, 60),
        (145, 97, 39, 155),
        (62, 39, 9, 251),
    ]
]
PRIVATE_POOL = ["192.168.1.2", "10.0.0.5", "172.16.4.9", "192.168.0.77"]
COMMAND_NAMES = sorted(name for name, _ in COMMANDS.values())

FAMILIES = {
    "number": st.integers(0, 0xFFFFFFFF),
    "u64": st.integers(0, 2**64 - 1),
    "address": st.tuples(st.sampled_from(PUBLIC_POOL), st.integers(0, 0xFFFF)).map(
        lambda hp: f"{hp[0]}:{hp[1]}"
    ),
    "string": st.one_of(
        st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=20),
        st.builds(dict, size=st.integers(0, 300)),
    ),
    "blob": st.one_of(
        st.binary(max_size=40).map(bytes.hex), st.builds(dict, size=st.integers(0, 3000))
    ),
    "ints": st.lists(st.integers(0, 0xFFFFFFFF), max_size=6),
}


def _leaf() -> st.SearchStrategy[dict[str, Any]]:
    return st.sampled_from(sorted(FAMILIES)).flatmap(
        lambda key: st.builds(lambda i, v: {"id": i, key: v}, st.integers(0, 0x60), FAMILIES[key])
    )


OBJECTS = st.lists(
    st.one_of(
        _leaf(),
        st.builds(
            lambda i, items: {"id": i, "list": items},
            st.integers(0, 20),
            st.lists(_leaf(), max_size=3),
        ),
    ),
    max_size=5,
)


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str | None, str]]:
    """``(scenario data, public_ips to give the decoder)``."""
    publics = draw(st.lists(st.sampled_from(PUBLIC_POOL), min_size=2, max_size=4, unique=True))
    hosts: dict[str, dict[str, Any]] = {}
    for n, ip in enumerate(publics):
        hosts[f"p{n}"] = {"ip": ip, "port": draw(st.integers(1024, 65535))}
    nat_count = draw(st.integers(0, 2))
    privates = draw(
        st.lists(st.sampled_from(PRIVATE_POOL), min_size=nat_count, max_size=nat_count, unique=True)
    )
    spare = [ip for ip in PUBLIC_POOL if ip not in publics]
    told: dict[str | None, str] = {}
    protect: list[str] = []  # the address evidence (probe, NAck, resend) is never lost
    events: list[dict[str, Any]] = []
    labels: list[str] = []  # labels of udp events carrying a request
    for n, private in enumerate(privates):
        name = f"n{n}"
        public = spare[n]
        hosts[name] = {"ip": private, "public": public, "port": draw(st.integers(1024, 65535))}
        if draw(st.booleans()):  # the capture shows the NAck that tells it its address
            peer = draw(st.sampled_from([h for h in hosts if h.startswith("p")]))
            label = f"first{n}"
            events += [
                {
                    "kind": "udp",
                    "label": label,
                    "from": name,
                    "to": peer,
                    "own_address": "unknown",
                    "messages": [{"command": "probe", "objects": []}],
                },
                {"kind": "nack", "from": peer, "to": name, "answers": label},
                {
                    "kind": "resend",
                    "label": f"again{n}",
                    "from": name,
                    "to": peer,
                    "answers": label,
                },
            ]
            protect += [label, f"again{n}"]
        else:
            told[private] = public
    names = sorted(hosts)
    connections: dict[str, dict[str, Any]] = {}
    for n in range(draw(st.integers(0, 2))):
        client = draw(st.sampled_from(names))
        server = draw(st.sampled_from([h for h in names if h.startswith("p") and h != client]))
        connections[f"c{n}"] = {
            "client": client,
            "server": server,
            "tls": draw(st.booleans()),
            "mss": draw(st.sampled_from([16, 61, 536, 1460])),
            "ack_frames": draw(st.booleans()),
        }
    for n in range(draw(st.integers(1, 10))):
        use_tcp = bool(connections) and draw(st.booleans())
        # a datagram has 14 bytes at least (header, one block, a list), as the decoder expects
        label = f"e{n}"
        messages = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(
                st.sampled_from(["request", "notify", "reply"] if labels else ["request", "notify"])
            )
            command = draw(st.one_of(st.sampled_from(COMMAND_NAMES), st.integers(0, 200)))
            message: dict[str, Any] = {"command": command, "type": kind}
            if kind == "reply":
                message["reply_to"] = draw(st.sampled_from(labels))
            if not use_tcp or draw(st.integers(0, 9)):  # a datagram always has a list
                message["objects"] = draw(OBJECTS)
            messages.append(message)
        event: dict[str, Any] = {"label": label, "messages": messages}
        if use_tcp:
            conn_name = draw(st.sampled_from(sorted(connections)))
            conn = connections[conn_name]
            event |= {
                "kind": "tcp",
                "connection": conn_name,
                "from": draw(st.sampled_from([conn["client"], conn["server"]])),
            }
        else:
            src = draw(st.sampled_from(names))
            others = [h for h in names if h != src and (h.startswith("p") or src.startswith("p"))]
            event |= {"kind": "udp", "from": src, "to": draw(st.sampled_from(others))}
        if draw(st.integers(0, 4)) == 0:
            event["at"] = draw(st.floats(0, 30))
        events.append(event)
        if any(m["type"] == "request" for m in messages):
            labels.append(label)
    network = {
        "loss": draw(st.sampled_from([0.0, 0.0, 0.05, 0.2])),
        "reorder": draw(st.sampled_from([0.0, 0.2, 0.6])),
        "duplicate": draw(st.sampled_from([0.0, 0.1, 0.3])),
        "window": draw(st.integers(1, 8)),
        "mtu": draw(st.sampled_from([576, 1500])),
        "protect": protect,
    }
    scenario = {
        "scenario": {
            "name": "random",
            "gap": draw(st.sampled_from([0.0, 0.001, 0.05, 2.0])),
            "snaplen": draw(st.sampled_from([262144, 262144, 1200, 400])),
            "link": draw(st.sampled_from(["ethernet", "vlan", "sll", "sll2", "null", "raw"])),
        },
        "hosts": hosts,
        "connections": connections,
        "network": network,
        "events": events,
    }
    return scenario, told
