"""The pcapng export with the capture's other packets interleaved, in constant memory: the units
are spooled to a temporary file and the covered frames kept as bits, so three times the capture
costs little more heap; and the packets written are exactly the units plus every frame no
record covers."""

from __future__ import annotations

import errno
import io
import os
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skypeflux.capture import DecodeOptions, Decoder
from skypeflux.capture.files import open_capture
from skypeflux.capture.limits import Limits
from skypeflux.capture.records import Record
from skypeflux.capture.skype import survey
from skypeflux.capture.synth import load_scenario, synthesize
from skypeflux.outputs.export import SpoolError, exported_pdu, write_export
from tests.helpers.captures import repeated_capture

# the decoder's own tables are bounded at 65,536 endpoints by default: small ones here, so what
# could grow is what the export keeps (see tests/capture/test_flow_ends.py)
_SMALL = Limits(udp_senders=512, skype_endpoints=512, open_flows=512)


def _export(capture: Path, out: Path) -> tuple[int, int, int, int]:
    """(units, others, packets the records cover, heap peak) of one streamed export."""
    covered: set[int] = set()
    units = 0

    def records() -> Iterator[Record]:
        nonlocal units
        for record in Decoder(DecodeOptions(keep_flows=False, limits=_SMALL)).run(capture):
            covered.update(record.frames or [record.frame])
            units += exported_pdu(record) is not None
            yield record

    tracemalloc.start()
    try:
        counts = write_export(out, records(), others_from=capture)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert counts.units == units
    return counts.units, counts.others, len(covered), peak


@pytest.mark.slow
def test_export_with_other_packets_streams(
    skypeirc_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(survey, "MAX_FIRSTS", 64)
    few = repeated_capture(skypeirc_path, tmp_path / "few.pcap", 4)
    many = repeated_capture(skypeirc_path, tmp_path / "many.pcap", 12)
    units, others, covered, small = _export(few, tmp_path / "few.pcapng")
    assert others == 4 * 2263 - covered and units > 1000
    with open_capture(tmp_path / "few.pcapng", skip_unsupported=True) as reader:
        originals = sum(1 for _ in reader)  # the Ethernet ones; exported PDUs are skipped
        assert reader.packets_read == units + others and originals == others
    units3, others3, covered3, large = _export(many, tmp_path / "many.pcapng")
    assert (units3, others3, covered3) == (3 * units, 3 * others, 3 * covered)
    print(f"heap peak: 4 copies {small / 2**20:.2f} MiB, 12 copies {large / 2**20:.2f} MiB")
    # Holding the 8 more copies' packets alone would take 3.4 MB more (records much more); what
    # grows here is the decoder's bounded tables filling (256 idle TCP connections kept)
    assert large - small < 3 * 2**20 // 2


class _FullDisk(io.BytesIO):
    def write(self, data: Any) -> int:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_a_full_temporary_folder_is_not_blamed_on_the_destination(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    capture = tmp_path / "scene.pcap"
    synthesize(load_scenario("nat-login"), seed=3).write(capture)
    records = list(Decoder().run(capture))
    assert write_export(tmp_path / "ok.pcapng", records, others_from=capture).units > 0
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda **_: _FullDisk())
    with pytest.raises(SpoolError) as caught:
        write_export(tmp_path / "out.pcapng", records, others_from=capture)
    assert isinstance(caught.value, OSError) and caught.value.errno == errno.ENOSPC
    assert "temporary file in" in str(caught.value.strerror) and "TMPDIR" in str(caught.value)
