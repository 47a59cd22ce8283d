"""Scenario files: what traffic to synthesize, as TOML, checked before anything is built.

The format is documented in ``scenarios/README.md`` beside the built-in scenarios. Parsing is
strict: an unknown key, a wrong type, a host or label that does not exist is a
:class:`ScenarioError` naming the file and the key path (``events[3].messages[0].command``);
TOML syntax errors keep tomllib's line and column. A scenario that loads can be built for any
seed.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from skypeflux.capture.net.build import LINKS
from skypeflux.capture.synth.errors import ScenarioError
from skypeflux.capture.synth.objects_spec import build_objects, command_number
from skypeflux.ipv4 import ip_number, ip_text

EVENT_KINDS = ("udp", "nack", "ack", "resend", "tcp")
MESSAGE_TYPES = {"notify": 1, "request": 2, "reply": 3}


class _Table:
    """One TOML table being read: typed getters that name the key path, and a check that no
    key was left unread (a misspelt key must not be silently ignored)."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ScenarioError(f"expected a table, not {type(data).__name__}", where)
        self.data = dict(data)
        self.where = where
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.where}.{name}" if self.where else name

    def get(self, name: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        self._read.add(name)
        if name not in self.data:
            return default
        value = self.data[name]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:
            value_ok = False
        else:
            value_ok = isinstance(value, kinds)
        if not value_ok:
            names = " or ".join(k.__name__ for k in kinds)
            raise ScenarioError(f"expected {names}, not {value!r}", self.key(name))
        return value

    def need(self, name: str, kind: type | tuple[type, ...]) -> Any:
        if name not in self.data:
            raise ScenarioError("required key is missing", self.key(name))
        return self.get(name, kind)

    def number(self, name: str, default: float, low: float, high: float) -> float:
        value = float(self.get(name, (int, float), default))
        if not low <= value <= high:
            raise ScenarioError(f"must be between {low} and {high}, not {value}", self.key(name))
        return value

    def done(self) -> None:
        extra = sorted(set(self.data) - self._read)
        if extra:
            raise ScenarioError(f"unknown key(s): {', '.join(extra)}", self.where or "(top)")


@dataclass(frozen=True, slots=True)
class Host:
    """A host: the address the capture shows, its public address behind NAT, its Skype port."""

    name: str
    ip: str
    port: int
    public: str | None = None

    @property
    def seen_as(self) -> str:
        """The address others seal datagrams to, and the one in ``@host`` objects."""
        return self.public or self.ip


@dataclass(frozen=True, slots=True)
class MessageSpec:
    """One command block: ``objects`` is the raw scenario array, built per seed."""

    where: str
    command: int
    flags: int
    reqid: int | None
    reply_to: str | None
    objects: list[Any] | None
    form: int


@dataclass(frozen=True, slots=True)
class Event:
    """One thing on the wire, in scenario order (see scenarios/README.md for each kind)."""

    where: str
    kind: str
    src: str
    dst: str
    label: str | None
    at: float | None
    messages: tuple[MessageSpec, ...] = ()
    answers: str | None = None
    own_address: str = "public"
    connection: str | None = None
    frame: str = "data"


@dataclass(frozen=True, slots=True)
class Connection:
    """A TCP connection that ``tcp`` events use; opened by its first event."""

    name: str
    client: str
    server: str
    client_port: int | None
    server_port: int | None
    tls: bool
    mss: int
    ack_frames: bool


@dataclass(frozen=True, slots=True)
class Network:
    """What the network does to the packets (all off by default)."""

    loss: float = 0.0
    reorder: float = 0.0
    duplicate: float = 0.0
    window: int = 4
    mtu: int = 1500
    protect: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    description: str
    source: str
    start: float
    gap: float
    link: str
    snaplen: int
    hosts: dict[str, Host]
    connections: dict[str, Connection]
    events: tuple[Event, ...]
    network: Network = field(default_factory=Network)


def parse_scenario(text: str, source: str = "<scenario>") -> Scenario:
    """Parse and check a scenario given as TOML text; ``source`` names it in errors."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"not valid TOML: {exc}", "", source) from None
    return scenario_from_dict(data, source)


def scenario_from_dict(data: dict[str, Any], source: str = "<scenario>") -> Scenario:
    """The same checks on data already parsed (what tomllib makes of a scenario file)."""
    try:
        return _scenario(data, source)
    except ScenarioError as exc:
        raise exc.located(source) from None


def _port(table: _Table, name: str, default: int | None) -> int | None:
    value = table.get(name, int, default)
    if value is not None and not 0 < value <= 0xFFFF:
        raise ScenarioError(f"port {value} out of range", table.key(name))
    return value  # type: ignore[no-any-return]


def _ipv4(value: str, where: str) -> str:
    try:
        return ip_text(ip_number(value))
    except (ValueError, TypeError):
        raise ScenarioError(f"not an IPv4 address: {value!r}", where) from None


def _start(value: object, where: str) -> float:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value.timestamp()
    if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0:
        return float(value)
    raise ScenarioError("start is a date-time (2006-08-25T10:50:00Z) or seconds", where)


def _scenario(data: dict[str, Any], source: str) -> Scenario:
    top = _Table(data, "")
    head = _Table(top.need("scenario", dict), "scenario")
    name = head.need("name", str)
    description = head.get("description", str, "")
    start = _start(head.get("start", (dt.datetime, int, float), 1_156_503_000), "scenario.start")
    gap = head.number("gap", 0.05, 0.0, 3600.0)
    link = head.get("link", str, "ethernet")
    if link not in LINKS:
        raise ScenarioError(f"unknown link {link!r}; one of {', '.join(LINKS)}", "scenario.link")
    snaplen = int(head.number("snaplen", 262144, 64, 262144))
    head.done()
    hosts = _hosts(top.need("hosts", dict))
    connections = _connections(top.get("connections", dict, {}), hosts)
    network = _network(top.get("network", dict, {}))
    raw_events = top.need("events", list)
    top.done()
    events = tuple(
        _event(raw, f"events[{n}]", hosts, connections) for n, raw in enumerate(raw_events)
    )
    if not events:
        raise ScenarioError("a scenario needs at least one event", "events")
    scenario = Scenario(
        name, description, source, start, gap, link, snaplen, hosts, connections, events, network
    )
    _check_references(scenario)
    return scenario


def _hosts(raw: dict[str, Any]) -> dict[str, Host]:
    hosts = {}
    for name, value in raw.items():
        table = _Table(value, f"hosts.{name}")
        ip = _ipv4(table.need("ip", str), table.key("ip"))
        public = table.get("public", str)
        port = _port(table, "port", None)
        if port is None:
            raise ScenarioError("required key is missing", table.key("port"))
        table.done()
        hosts[name] = Host(name, ip, port, _ipv4(public, table.key("public")) if public else None)
    if not hosts:
        raise ScenarioError("a scenario needs hosts", "hosts")
    return hosts


def _host(table: _Table, name: str, hosts: dict[str, Host]) -> str:
    value = table.need(name, str)
    if value not in hosts:
        raise ScenarioError(f"no host {value!r}; hosts are {', '.join(hosts)}", table.key(name))
    return value  # type: ignore[no-any-return]


def _connections(raw: dict[str, Any], hosts: dict[str, Host]) -> dict[str, Connection]:
    out = {}
    for name, value in raw.items():
        t = _Table(value, f"connections.{name}")
        out[name] = Connection(
            name,
            _host(t, "client", hosts),
            _host(t, "server", hosts),
            _port(t, "client_port", None),
            _port(t, "server_port", None),
            t.get("tls", bool, False),
            int(t.number("mss", 1460, 1, 65495)),
            t.get("ack_frames", bool, True),
        )
        t.done()
    return out


def _network(raw: dict[str, Any]) -> Network:
    t = _Table(raw, "network")
    protect = t.get("protect", list, [])
    if not all(isinstance(p, str) for p in protect):
        raise ScenarioError("protect is an array of event labels", t.key("protect"))
    network = Network(
        t.number("loss", 0.0, 0.0, 1.0),
        t.number("reorder", 0.0, 0.0, 1.0),
        t.number("duplicate", 0.0, 0.0, 1.0),
        int(t.number("window", 4, 1, 64)),
        int(t.number("mtu", 1500, 68, 65535)),
        tuple(protect),
    )
    t.done()
    return network


def _message(raw: object, where: str, hosts: dict[str, Host]) -> MessageSpec:
    t = _Table(raw, where)
    command = command_number(t.need("command", (str, int)), t.key("command"))
    kind_name = t.get("type", str, "request")
    if kind_name not in MESSAGE_TYPES:
        raise ScenarioError(f"type is one of {', '.join(MESSAGE_TYPES)}", t.key("type"))
    flags = t.get("flags", int, MESSAGE_TYPES[kind_name])
    if not 0 <= flags <= 7:
        raise ScenarioError("flags are 0..7", t.key("flags"))
    reqid = t.get("reqid", int)
    if reqid is not None and not 0 <= reqid <= 0xFFFF:
        raise ScenarioError("reqid is 0..65535", t.key("reqid"))
    reply_to = t.get("reply_to", str)
    if flags == 3 and reply_to is None and reqid is None:
        raise ScenarioError("a reply needs reply_to (the label it answers) or reqid", where)
    objects = t.get("objects", list)
    form_name = t.get("form", str, "0x42")
    if form_name not in ("0x41", "0x42"):
        raise ScenarioError('form is "0x41" or "0x42"', t.key("form"))
    t.done()
    spec = MessageSpec(where, command, flags, reqid, reply_to, objects, int(form_name, 16))
    if objects is not None:  # check names and values now, not at build time
        build_objects(objects, f"{where}.objects", random.Random(0), command, host_addresses(hosts))
    return spec


def host_addresses(hosts: dict[str, Host]) -> Callable[[str], tuple[str, int]]:
    """``@host`` in an address object must name a host of the scenario."""

    def address_of(name: str) -> tuple[str, int]:
        host = hosts.get(name)
        if host is None:
            raise ScenarioError(f"@{name}: no such host; hosts are {', '.join(hosts)}")
        return host.seen_as, host.port

    return address_of


def _event(
    raw: object, where: str, hosts: dict[str, Host], connections: dict[str, Connection]
) -> Event:
    t = _Table(raw, where)
    kind = t.need("kind", str)
    if kind not in EVENT_KINDS:
        raise ScenarioError(f"kind is one of {', '.join(EVENT_KINDS)}", t.key("kind"))
    src = _host(t, "from", hosts)
    label = t.get("label", str)
    at = t.get("at", (int, float))
    connection = t.get("connection", str) if kind == "tcp" else None
    if kind == "tcp":
        if connection not in connections:
            raise ScenarioError(f"no connection {connection!r}", t.key("connection"))
        conn = connections[connection]
        if src not in (conn.client, conn.server):
            raise ScenarioError(f"{src} is not an end of connection {connection}", t.key("from"))
        dst = conn.server if src == conn.client else conn.client
    else:
        dst = _host(t, "to", hosts)
    messages: tuple[MessageSpec, ...] = ()
    if kind in ("udp", "tcp"):
        raw_messages = t.get("messages", list, [])
        messages = tuple(
            _message(m, f"{where}.messages[{i}]", hosts) for i, m in enumerate(raw_messages)
        )
        if kind == "udp" and not messages:
            raise ScenarioError("a udp event carries at least one message", t.key("messages"))
    answers = t.get("answers", str) if kind in ("nack", "ack", "resend") else None
    if kind in ("nack", "ack", "resend") and answers is None:
        raise ScenarioError("required key is missing", t.key("answers"))
    own = t.get("own_address", str, "public") if kind == "udp" else "public"
    if own not in ("public", "unknown"):
        raise ScenarioError('own_address is "public" or "unknown"', t.key("own_address"))
    t.done()
    return Event(where, kind, src, dst, label, at, messages, answers, own, connection)


def _check_references(s: Scenario) -> None:
    labels: dict[str, Event] = {}
    for event in s.events:
        for message in event.messages:
            if message.reply_to is not None and message.reply_to not in labels:
                raise ScenarioError(
                    f"reply_to {message.reply_to!r} is not the label of an earlier event",
                    f"{message.where}.reply_to",
                )
        if event.answers is not None:
            target = labels.get(event.answers)
            if target is None or target.kind != "udp":
                raise ScenarioError(
                    f"{event.answers!r} is not the label of an earlier udp event",
                    f"{event.where}.answers",
                )
            sender = event.src if event.kind == "resend" else event.dst
            if target.src != sender:
                raise ScenarioError(
                    f"{event.answers!r} was sent by {target.src}, not {sender}",
                    f"{event.where}.answers",
                )
        if event.label is not None:
            if event.label in labels:
                raise ScenarioError(f"label {event.label!r} used twice", f"{event.where}.label")
            labels[event.label] = event
    unknown = sorted(set(s.network.protect) - set(labels))
    if unknown:
        raise ScenarioError(f"no event labelled {', '.join(unknown)}", "network.protect")
