"""The text output on records built from the capture's oracles and on adversarial records."""

from __future__ import annotations

import dataclasses
import io
import re
from typing import Any

import pytest

from skypeflux.capture.records import (
    CLEAR,
    UNVERIFIED,
    BlockInfo,
    Method,
    Record,
    Verification,
)
from skypeflux.objects import Address, Obj, ObjectList
from skypeflux.outputs.text import TextWriter, object_tree_lines, record_lines
from tests.helpers.oracle import EPOCH, oracle_records
from tests.helpers.records import make_record, verdict, walk


@pytest.fixture(scope="module")
def records(
    units_oracle: list[dict[str, Any]], blocks_oracle: list[dict[str, Any]]
) -> list[Record]:
    return oracle_records(units_oracle, blocks_oracle)


def _unverified(record: Record) -> Record:
    """The same record as if verification had failed, with the (wrong) bytes still attached."""
    failed = Verification(UNVERIFIED, Method.CRC32, "crc mismatch", seed=record.verification.seed)
    return dataclasses.replace(record, verification=failed)


def test_one_line_per_block_each_with_frame_and_verdict(records: list[Record]) -> None:
    for record in records:
        lines = record_lines(record, EPOCH)
        assert len(lines) == max(1, len(record.blocks))
        for line, block in zip(lines, record.blocks, strict=True):
            assert line.split()[0] == str(record.frame)
            assert f"cmd {block.command} " in line
            assert line.endswith(("CRC ok", "hdr+framing ok, content unprotected"))


def test_two_blocks_in_one_datagram_give_two_lines(records: list[Record]) -> None:
    # captures: frame 1287 carries two cmd-14 requests (spec/protocol.md 1.3)
    record = next(r for r in records if r.frame == 1287)
    lines = record_lines(record, EPOCH)
    assert len(lines) == 2
    assert "[block 1/2]" in lines[0] and "[block 2/2]" in lines[1]


def test_relative_time_counts_from_the_origin(records: list[Record]) -> None:
    record = records[0]
    line = record_lines(record, record.time - 12.5)[0]
    assert line.split()[1] == "12.500000"


def test_flags_are_named(records: list[Record]) -> None:
    kinds = {" req ": 2, " reply ": 3, " notify ": 1}
    for record in records:
        for block, line in zip(record.blocks, record_lines(record, EPOCH), strict=True):
            expected = next(word for word, flags in kinds.items() if flags == block.flags)
            assert expected in f"{line} "


def test_unverified_record_never_shows_plaintext_or_objects(records: list[Record]) -> None:
    for record in records:
        bad = _unverified(record)
        text = "\n".join(record_lines(bad, EPOCH, verbose=True, full=True))
        assert "UNVERIFIED: crc mismatch" in text
        assert "cmd " not in text
        assert "plaintext" not in text
        if record.plaintext and len(record.plaintext) >= 4:
            assert record.plaintext.hex() not in text
        for block in record.blocks:
            if len(block.list_bytes) > 4:
                assert block.list_bytes.hex() not in text


def test_verbose_prints_every_object_and_printable_strings_as_text(records: list[Record]) -> None:
    checked = 0
    for record in records:
        text = "\n".join(record_lines(record, EPOCH, verbose=True, full=True))
        for block in record.blocks:
            for obj in walk(block.objects):
                assert f"id 0x{obj.id:02x} ({obj.id})" in text
                if isinstance(obj.value, Address):
                    assert str(obj.value) in text
                if obj.family == 3 and isinstance(obj.value, bytes):
                    raw = obj.value
                    shown = raw.decode("utf-8", "replace")
                    if shown.isprintable() and shown == raw.decode("utf-8", "ignore"):
                        assert f'"{shown}"' in text
                        checked += 1
    assert checked > 0  # the capture has printable strings (user names)


def test_blobs_are_truncated_unless_full(records: list[Record]) -> None:
    big = [
        (record, obj.value)
        for record in records
        for block in record.blocks
        for obj in walk(block.objects)
        if obj.family == 4 and isinstance(obj.value, bytes) and len(obj.value) > 100
    ]
    assert big, "the capture has long blobs (certificates)"
    record, blob = big[0]
    short = "\n".join(record_lines(record, EPOCH, verbose=True))
    full = "\n".join(record_lines(record, EPOCH, verbose=True, full=True))
    assert blob.hex() not in short
    assert f"({len(blob)} bytes)" in short
    assert blob.hex() in full


def test_terminal_escapes_in_strings_are_shown_as_hex() -> None:
    hostile = b"\x1b[2Jowned"
    lines = object_tree_lines([Obj(3, 0, hostile)])
    assert "\x1b" not in "".join(lines)
    assert hostile.hex() in lines[0]


def test_nested_lists_are_indented_under_their_parent() -> None:
    tree = ObjectList([Obj(5, 0, ObjectList([Obj(0, 1, 7)]))])
    parent, child = object_tree_lines(tree)
    assert parent.startswith("list id 0x00 (0)") and parent.endswith("1 objects")
    assert child.startswith("    number id 0x01 (1): 7 (0x7)")


def test_fragment_labels() -> None:
    def fragment(index: int, last: bool) -> Record:
        return make_record(
            frame=1290 + index,
            time=EPOCH,
            unit="udp.fragment",
            src="24.28.248.6:11766",
            dst="192.168.1.2:35990",
            transport="udp",
            verification=verdict("verified", "crc32"),
            info={"ref_id": 0x1674, "index": index, "last": last},
        )

    assert "UDP frag 3 " in record_lines(fragment(2, False), EPOCH)[0]
    assert "UDP frag 9/9 " in record_lines(fragment(8, True), EPOCH)[0]


def test_message_labels_count_fragments_not_frames_received(records: list[Record]) -> None:
    whole = next(r for r in records if r.unit == "udp.message")
    count = len(whole.frames)
    assert f"UDP message ({count} frags) id 0x" in record_lines(whole, EPOCH)[0]
    missing = Verification(UNVERIFIED, Method.CRC32, f"incomplete message: missing {count - 3} ...")
    cut = dataclasses.replace(
        whole,
        frames=whole.frames[:3],
        verification=missing,
        blocks=[],
        info={"fragments": 3, "expected": str(count), "complete": False},
    )
    (line,) = record_lines(cut, EPOCH)
    assert f"UDP message, incomplete (3 of {count} fragments)" in line
    assert "frags)" not in line and "UNVERIFIED: incomplete message" in line
    # the last fragment alone says how many there are; without it the total is unknown
    unknown = dataclasses.replace(cut, frames=whole.frames[:1], info={"expected": "?"})
    assert "UDP message, incomplete (1 of ? fragments)" in record_lines(unknown, EPOCH)[0]


def test_a_stopped_tcp_direction_gives_its_reason_once() -> None:
    reason = "hole of 578 bytes at stream offset 37 (before frame 1905): decoding stopped"
    end = make_record(
        frame=2154,
        time=EPOCH,
        unit="tcp.end",
        src="67.71.69.121:12492",
        dst="192.168.1.2:1092",
        transport="tcp",
        verification=Verification(UNVERIFIED, Method.NONE, reason),
    )
    (line,) = record_lines(end, EPOCH)
    assert line.count("hole of 578 bytes") == 1
    assert line.endswith(f"TCP end          UNVERIFIED: {reason}")


def test_clear_and_note_records() -> None:
    ack = make_record(
        frame=5,
        time=EPOCH,
        unit="udp.ack",
        src="1.2.3.4:5",
        dst="192.168.1.2:35990",
        transport="udp",
        verification=Verification(CLEAR, Method.NONE),
        udp_type=0x05,
        udp_func=0x35,
        packet_id=0x15E8,
    )
    (line,) = record_lines(ack, EPOCH)
    assert "UDP ack" in line and line.endswith("clear") and "id 0x15e8" in line
    note = make_record(
        frame=333,
        time=EPOCH,
        unit="note",
        src="82.253.163.244:38930",
        dst="192.168.1.2:35990",
        transport="udp",
        verification=Verification(CLEAR, Method.EVIDENCE, "192.168.1.2 is 86.128.245.115 (NAck)"),
        info={"note": "public-address", "host": "192.168.1.2", "public": "86.128.245.115"},
    )
    (line,) = record_lines(note, EPOCH)
    assert line.endswith("note             192.168.1.2 is 86.128.245.115 (NAck)")


def test_block_decode_error_shows_the_reason_and_bytes() -> None:
    block = BlockInfo(
        0, 6, 48, 2, 7, None, 0x42, None, bytes.fromhex("42ffff"), error="range coder overrun"
    )
    record = make_record(
        frame=9,
        time=EPOCH,
        unit="udp.payload",
        src="10.0.0.1:1",
        dst="10.0.0.2:2",
        transport="udp",
        verification=verdict("verified", "crc32"),
        blocks=[block],
    )
    text = "\n".join(record_lines(record, EPOCH, verbose=True))
    assert "error: range coder overrun" in text and "42ffff" in text


def test_writer_takes_the_first_record_as_origin_when_none_given(records: list[Record]) -> None:
    out = io.StringIO()
    writer = TextWriter(out)
    for record in records[:3]:
        writer.write(record)
    times = [float(line.split()[1]) for line in out.getvalue().splitlines()]
    assert times[0] == 0.0
    assert times == sorted(times)
    assert re.fullmatch(r"\d+\.\d{6}", out.getvalue().splitlines()[-1].split()[1])
