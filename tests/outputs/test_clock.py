"""The time column: tshark's formats, and times no calendar holds."""

from __future__ import annotations

import pytest

from skypeflux.outputs.clock import FORMATS, Clock

AUGUST_2006 = 1156500000.250000  # 2006-08-25 10:00:00.25 UTC


def test_formats_of_an_ordinary_time() -> None:
    assert Clock("ud").text(AUGUST_2006, AUGUST_2006) == "2006-08-25 10:00:00.250000"
    assert Clock("u").text(AUGUST_2006, AUGUST_2006) == "10:00:00.250000"
    assert Clock("e").text(AUGUST_2006, 0.0) == "1156500000.250000"
    assert Clock("r").text(AUGUST_2006 + 1.5, AUGUST_2006).strip() == "1.500000"
    delta = Clock("d")
    assert [delta.text(t, 0.0).strip() for t in (5.0, 7.25)] == ["0.000000", "2.250000"]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("time", [4.6e18, -1e15, 1e300])
def test_a_time_no_calendar_holds_is_shown_not_raised(fmt: str, time: float) -> None:
    """A crafted pcapng time offset gave 'cannot write the output: value too large' (the
    OverflowError of localtime, taken for an output failure)."""
    text = Clock(fmt).text(time, 0.0)
    assert text and (fmt not in ("a", "ad", "u", "ud") or text.startswith("(not representable"))
