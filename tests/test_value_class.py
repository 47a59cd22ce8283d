"""value_class: plain slots at run time, frozen for mypy (the guard of the units' records)."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skypeflux.capture.records import CLEAR, BlockInfo, Method, Verification
from skypeflux.messages.blocks import Block


def test_records_are_slotted_values() -> None:
    one = Verification(CLEAR, Method.NONE, "sent in clear")
    assert one == Verification(CLEAR, Method.NONE, "sent in clear") != one.with_structure("x")
    assert not hasattr(one, "__dict__") and dataclasses.is_dataclass(one)
    with pytest.raises(TypeError):
        hash(one)  # a value compared by its fields, not a key


@pytest.mark.skipif(shutil.which("mypy", path=str(Path(sys.executable).parent)) is None,
                    reason="mypy is not installed beside this interpreter")  # fmt: skip
def test_mypy_refuses_assigning_a_field(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from skypeflux.capture.records import BlockInfo, Verification\n"
        "from skypeflux.messages.blocks import Block\n"
        "from skypeflux.wire.udp import Payload\n"
        "def change(v: Verification, b: BlockInfo, k: Block, p: Payload) -> None:\n"
        "    v.status = v.status\n"
        "    b.reqid = 1\n"
        "    k.error = None\n"
        "    p.iv = 0\n"
    )
    mypy = Path(sys.executable).parent / "mypy"
    done = subprocess.run(
        [str(mypy), "--strict", "--no-incremental", str(probe)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout
    # a value class of a compiled module has Final fields (see value_class): mypy says so
    final = 'Cannot assign to final attribute "{}"'
    read_only = 'Property "{}"'
    for line, name, said in (
        (5, "status", final),
        (6, "reqid", final),
        (7, "error", read_only),
        (8, "iv", final),
    ):
        assert f"probe.py:{line}: error: {said.format(name)}" in done.stdout, done.stdout
    # no dict per instance: slots, or a native class of the compiled build
    assert all(cls.__dictoffset__ == 0 for cls in (BlockInfo, Block))
