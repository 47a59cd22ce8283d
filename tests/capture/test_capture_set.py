"""Several files read as one capture give what the joined file gives, cut wherever they are.

The pieces are cut here, with the product's reader and writer, from SkypeIRC.cap and from a
built-in synthesized scenario: at the frame between the NAck that claims the host's address and
the datagram whose CRC proves it, inside TCP streams and fragmented messages, into one-packet
and empty pieces, alternating pcap and pcapng.
"""

from __future__ import annotations

import io
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from skypeflux.capture import CaptureError, Decoder
from skypeflux.capture.files import Source, read_packets
from skypeflux.capture.files.capture_set import CaptureFiles
from skypeflux.capture.files.writer import CaptureFormat, Packet, write_capture
from skypeflux.capture.synth import load_scenario, synthesize
from skypeflux.outputs.jsonl import JsonLinesWriter

PROGRAM = [sys.executable, "-m", "skypeflux", "decode", "--no-progress"]


def _pieces(source: Path, folder: Path, cuts: list[int]) -> list[Path]:
    """``source`` cut before each frame of ``cuts`` (frames from 1), pcap and pcapng in turn."""
    packets = list(read_packets(source))
    edges = [0, *(cut - 1 for cut in cuts), len(packets)]
    paths = []
    for index, (start, stop) in enumerate(itertools.pairwise(edges)):
        form: CaptureFormat = "pcapng" if index % 2 else "pcap"
        path = folder / f"piece{index}.{form}"
        write_capture(path, [Packet(p.ts, p.data) for p in packets[start:stop]], format=form)
        paths.append(path)
    return paths


def _lines(source: Source) -> tuple[str, Decoder]:
    out = io.StringIO()
    writer = JsonLinesWriter(out)
    decoder = Decoder()
    for record in decoder.run(source):
        writer.write(record)
    writer.write_summary(decoder.summary(), decoder.last_frame, decoder.last_time)
    return out.getvalue(), decoder


@pytest.fixture(scope="module")
def whole(skypeirc_path: Path) -> str:
    return _lines(skypeirc_path)[0]


@pytest.mark.parametrize(
    "cuts",
    [
        [217],  # between the NAck of frame 215 and the proof of frame 219
        [217, 1200],
        [2, 3, 4, 900, 901, 1500],  # pieces of one packet
        [300, 300, 1800],  # an empty piece
        list(range(100, 2263, 100)),  # 23 pieces: through TCP streams and 0x0F messages
    ],
)
def test_pieces_read_as_one_give_the_whole(
    skypeirc_path: Path, tmp_path: Path, whole: str, cuts: list[int]
) -> None:
    pieces = _pieces(skypeirc_path, tmp_path, cuts)
    joined, decoder = _lines(CaptureFiles(tuple(pieces)))
    assert joined == whole
    assert decoder.warning is None and not decoder.truncated_file
    assert decoder.last_frame == 2263


def test_pieces_decoded_one_by_one_lose_what_crosses_the_cuts(
    skypeirc_path: Path, tmp_path: Path, whole: str
) -> None:
    """What the test above guards: apart, the same pieces verify less."""
    pieces = _pieces(skypeirc_path, tmp_path, list(range(100, 2263, 100)))
    apart = sum(_lines(piece)[1].verified_units for piece in pieces)
    assert apart < _lines(skypeirc_path)[1].verified_units


def test_a_synthesized_capture_in_pieces(tmp_path: Path) -> None:
    built = synthesize(load_scenario("nat-login"), seed=7)
    full = tmp_path / "full.pcap"
    built.write(full)
    count = sum(1 for _ in read_packets(full))
    expected, decoder = _lines(full)
    assert decoder.verified_units > 0
    for step in (1, 3, 7):
        folder = tmp_path / f"step{step}"
        folder.mkdir()
        pieces = _pieces(full, folder, list(range(1 + step, count + 1, step)))
        assert _lines(CaptureFiles(tuple(pieces)))[0] == expected


def test_a_cut_piece_is_said_and_reading_goes_on(skypeirc_path: Path, tmp_path: Path) -> None:
    first, middle, last = _pieces(skypeirc_path, tmp_path, [217, 1200])
    cut = tmp_path / "cut.pcapng"
    cut.write_bytes(middle.read_bytes()[:-30])  # its last record is cut
    _, decoder = _lines(CaptureFiles((first, cut, last)))
    assert decoder.warning is not None and not decoder.truncated_file
    assert decoder.warning.startswith(f"{cut}: file is truncated")
    assert decoder.warning.endswith(f"reading went on with {last}")
    assert decoder.last_frame == 2262  # the cut packet is gone, every later one is there
    # the last piece cut: the capture ends early
    _, decoder = _lines(CaptureFiles((first, middle, cut)))
    assert decoder.truncated_file and decoder.warning is not None
    assert "reading went on" not in decoder.warning


def test_a_later_piece_that_is_not_a_capture_names_itself(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    first, second = _pieces(skypeirc_path, tmp_path, [1000])
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a capture at all\n")
    with pytest.raises(CaptureError, match=r"notes\.txt: not a pcap or pcapng capture"):
        _lines(CaptureFiles((first, bogus, second)))
    with pytest.raises(CaptureError, match="no such file"):
        _lines(CaptureFiles((first, tmp_path / "missing.pcap")))
    with pytest.raises(CaptureError):
        CaptureFiles(())


def test_names_of_a_set() -> None:
    assert CaptureFiles(("a.pcap", "b.pcap")).name == "a.pcap + b.pcap"
    many = CaptureFiles(tuple(f"ring_{i:05d}.pcap" for i in range(12)))
    assert many.name == "ring_00000.pcap + ... + ring_00011.pcap (12 files)"
    assert CaptureFiles(("-",)).names == ["<stdin>"]


def test_the_command_line_reads_pieces_from_files_stdin_and_a_fifo(
    skypeirc_path: Path, tmp_path: Path
) -> None:
    expected = subprocess.run(
        [*PROGRAM, "--json", str(skypeirc_path)], capture_output=True, check=True
    ).stdout
    first, middle, last = _pieces(skypeirc_path, tmp_path, [217, 1200])
    fifo = tmp_path / "middle.fifo"
    os.mkfifo(fifo)
    writer = subprocess.Popen(["sh", "-c", f"cat '{middle}' > '{fifo}'"])
    with last.open("rb") as stdin:
        joined = subprocess.run(
            [*PROGRAM, "--json", "--concatenate", str(first), str(fifo), "-"],
            stdin=stdin,
            capture_output=True,
            check=False,
            timeout=120,
        )
    writer.wait(timeout=30)
    assert joined.returncode == 0, joined.stderr
    assert joined.stdout == expected
    # a filter that needs a second pass (skypeflux.reply_in_frame) reads the pieces again
    answered = [*PROGRAM, "-T", "fields", "-e", "frame", "-Y", "skypeflux.reply_in_frame"]
    one = subprocess.run([*answered, str(skypeirc_path)], capture_output=True, check=True)
    pieces = subprocess.run(
        [*answered, "--concatenate", str(first), str(middle), str(last)],
        capture_output=True,
        check=True,
    )
    assert pieces.stdout == one.stdout and len(one.stdout.split()) > 50
    missing = subprocess.run(
        [*PROGRAM, "--concatenate", str(first), str(tmp_path / "gone.pcap")],
        capture_output=True,
        check=False,
    )
    assert missing.returncode == 3 and b"gone.pcap: cannot read" in missing.stderr


@pytest.mark.parametrize(
    ("command", "output"),
    [
        (["flows", "--json"], None),
        (["keylog"], "keys.txt"),
        (["export"], "units.pcapng"),
        (["export", "--with-other"], "all.pcapng"),
    ],
)
def test_every_command_makes_one_result_of_the_pieces(
    skypeirc_path: Path, tmp_path: Path, command: list[str], output: str | None
) -> None:
    program = [sys.executable, "-m", "skypeflux", *command, "--no-progress"]
    pieces = [str(p) for p in _pieces(skypeirc_path, tmp_path, [217, 1200])]

    def result(*captures: str) -> bytes:
        if output is None:
            return subprocess.run([*program, *captures], capture_output=True, check=True).stdout
        target = tmp_path / f"{len(captures)}-{output}"
        subprocess.run([*program, *captures, "-o", str(target)], capture_output=True, check=True)
        return target.read_bytes()

    whole = result(str(skypeirc_path))
    assert result("--concatenate", *pieces) == whole and len(whole) > 1000
    to = [] if output is None else ["-o", str(tmp_path / "x")]
    apart = subprocess.run([*program, *pieces, *to], capture_output=True, check=False)
    assert apart.returncode == 2 and b"--concatenate" in apart.stderr


def test_export_with_other_refuses_a_fifo_it_would_wait_on(tmp_path: Path) -> None:
    fifo = tmp_path / "live.fifo"
    os.mkfifo(fifo)
    program = [sys.executable, "-m", "skypeflux", "export", "--with-other", str(fifo)]
    refused = subprocess.run([*program, "-o", "x.pcapng"], capture_output=True, timeout=60)
    assert refused.returncode == 2 and b"not standard input or a FIFO" in refused.stderr


def test_pieces_out_of_order_are_said(skypeirc_path: Path, tmp_path: Path) -> None:
    first, middle, last = _pieces(skypeirc_path, tmp_path, [217, 1200])
    _, decoder = _lines(CaptureFiles((first, last, middle)))
    assert decoder.warning is not None and not decoder.truncated_file
    assert decoder.warning.startswith(f"{middle} starts ")
    assert f"before {last} ends: are the files in capture order?" in decoder.warning
