"""The JSON lines text renderer against its definition: for every record, ``record_text`` is
byte for byte what the encoder writes for ``record_to_json`` (real capture, every built-in
scenario, and generated object lists with every family, nesting, names and odd text)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from skypeflux.capture import Decoder
from skypeflux.capture.records import CLEAR, VERIFIED, BlockInfo, Method, Record, Verification
from skypeflux.capture.synth import builtin_names, load_scenario, synthesize
from skypeflux.ipv4 import Endpoint
from skypeflux.objects import ObjectList
from skypeflux.outputs.jsonl import COMPACT, record_to_json
from skypeflux.outputs.jsonl_text import record_text
from tests.helpers.records import make_record
from tests.objects.test_properties import object_lists


def _same(records: list[Record]) -> None:
    assert records
    origin = records[0].time
    for record in records:
        assert record_text(record, origin) == COMPACT.encode(record_to_json(record, origin))


def test_every_record_of_the_real_capture(skypeirc_path: Path) -> None:
    _same(list(Decoder().run(skypeirc_path)))


def test_every_record_of_every_builtin_scenario(tmp_path: Path) -> None:
    for name in builtin_names():
        built = synthesize(load_scenario(name), seed=3)
        path = tmp_path / f"{name}.pcap"
        built.write(path)
        _same(list(Decoder().run(path)))


@settings(max_examples=300, deadline=None)
@given(
    object_lists(4),
    st.sampled_from([2, 3, 36, 31, 63, 0x1FF]),
    st.sampled_from([1, 2, 3, 5]),
    st.text(max_size=20),
    st.none() | st.text(max_size=30),
)
def test_generated_lists_and_odd_text(
    objects: ObjectList, command: int, flags: int, detail: str, error: str | None
) -> None:
    block = BlockInfo(0, 10, command, flags, 7, None, 0x42, objects, b"\x42\x00", error)
    verified = make_record(
        frame=3,
        time=1_156_500_000.5,
        unit="udp.payload",
        src="192.168.1.2:35990",
        dst="86.128.245.115:33033",
        transport="udp",
        verification=Verification(VERIFIED, Method.CRC32, detail, 0x1234),
        blocks=[block, block],
        plaintext=b"\x01\x02",
        info={
            "iv": "00ff00ff",
            "note": detail,
            "odd": [detail, b"\x00\xff", (1, 2)],
            "peer": Endpoint.parse("1.2.3.4:5"),  # a named tuple, written as text
        },
    )
    clear = make_record(
        frame=4,
        time=1_156_500_001.25,
        unit="udp.ack",
        src="86.128.245.115:33033",
        dst="192.168.1.2:35990",
        transport="udp",
        verification=Verification(CLEAR, Method.NONE, detail),
        blocks=[block],
    )
    _same([verified, clear])
    assert record_to_json(verified, 0.0)["skypeflux.info"]["peer"] == "1.2.3.4:5"
