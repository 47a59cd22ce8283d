"""Request/reply pairing over the capture's 305 blocks, and the bounded open-request table."""

from __future__ import annotations

from collections import Counter
from typing import Any

from skypeflux.messages.pairing import Outcome, RequestPairer


def _feed(pairer: RequestPairer[dict[str, Any]], block: dict[str, Any]) -> Any:
    return pairer.add(
        block,
        src=block["src"],
        dst=block["dst"],
        command=block["cmd"],
        flags=block["flags"],
        reqid=block["reqid"],
    )


def test_capture_replies_all_find_their_requests(blocks_oracle: list[dict[str, Any]]) -> None:
    pairer: RequestPairer[dict[str, Any]] = RequestPairer()
    outcomes: Counter[Outcome] = Counter()
    pairs: Counter[tuple[int, int]] = Counter()
    for block in blocks_oracle:
        result = _feed(pairer, block)
        outcomes[result.outcome] += 1
        if result.outcome is Outcome.PAIRED:
            request = result.request
            assert request["reqid"] == block["reqid"]
            assert (request["src"], request["dst"]) == (block["dst"], block["src"])
            pairs[(request["cmd"], block["cmd"])] += 1
    assert outcomes[Outcome.PAIRED] == 112
    assert outcomes[Outcome.NOT_PAIRABLE] == 51
    assert outcomes[Outcome.ORPHAN] == 0
    assert pairs[(14, 15)] == 45 and pairs[(35, 36)] == 27
    assert len(pairer) == 142 - 112 - outcomes[Outcome.REPEATED]


def test_reply_in_the_same_direction_does_not_pair() -> None:
    pairer: RequestPairer[str] = RequestPairer()
    pairer.add("req", src="a", dst="b", command=35, flags=2, reqid=7)
    assert (
        pairer.add("rep", src="a", dst="b", command=36, flags=3, reqid=7).outcome is Outcome.ORPHAN
    )
    paired = pairer.add("rep", src="b", dst="a", command=36, flags=3, reqid=7)
    assert paired.outcome is Outcome.PAIRED and paired.request == "req"
    again = pairer.add("rep2", src="b", dst="a", command=36, flags=3, reqid=7)
    assert again.outcome is Outcome.ORPHAN


def test_retransmitted_request_replaces_the_open_one() -> None:
    pairer: RequestPairer[str] = RequestPairer()
    pairer.add("first", src="a", dst="b", command=27, flags=2, reqid=1)
    repeated = pairer.add("second", src="a", dst="b", command=27, flags=2, reqid=1)
    assert repeated.outcome is Outcome.REPEATED and repeated.request == "first"
    assert pairer.add("r", src="b", dst="a", command=28, flags=3, reqid=1).request == "second"


def test_open_table_is_bounded_oldest_first() -> None:
    pairer: RequestPairer[int] = RequestPairer(max_open=3)
    for n in range(5):
        pairer.add(n, src="a", dst="b", command=6, flags=2, reqid=n)
    assert pairer.open_requests() == [2, 3, 4]
    assert pairer.forgotten == 2
    assert pairer.add(0, src="b", dst="a", command=8, flags=3, reqid=0).outcome is Outcome.ORPHAN


def test_blocks_without_request_ids_are_not_pairable() -> None:
    pairer: RequestPairer[str] = RequestPairer()
    assert pairer.add("n", src="a", dst="b", command=11, flags=1, reqid=None).outcome is (
        Outcome.NOT_PAIRABLE
    )
    assert len(pairer) == 0
