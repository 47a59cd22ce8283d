"""The C range coder against the pure one: backend choice, and pure == fast on every input.

The pure coder is the specification (it reproduces every reference vector); these tests hold
the C one to it: the same objects, bytes, consumed lengths, error reasons and byte offsets on
the vectors, on every truncation of them, on mutated and random inputs, and, one level down,
the same coder state after every operation of random operation sequences.
"""

from __future__ import annotations

import dataclasses
import os
import random
import subprocess
import sys
from typing import Any, cast

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skypeflux.objects import (
    Obj,
    ObjectsError,
    available_backends,
    backend_name,
    backends,
    decode,
    encode,
    from_tree,
    get_backend,
)
from skypeflux.objects.range_coder import SMALL_MODEL, VALUE_MODEL, RangeDecoder, RangeEncoder
from skypeflux.objects.tables import CLASS_CHARS, HEADER, NEXT_CLASS, WITHIN_CLASS, symbol_lookup
from tests.helpers.paths import REPO

needs_fast = pytest.mark.skipif("fast" not in available_backends(), reason="C fast path not built")
Outcome = tuple[Any, ...]
HEADER_LOOKUP = symbol_lookup(HEADER)
MODELS = (SMALL_MODEL, VALUE_MODEL)
LIMITS = ((0x1000000, 8), (0x1000000, 8), (0x5000, 8), (0x200, 3), (40, 1))


def _outcome(
    data: bytes | bytearray | memoryview, backend: str, budget: int = 0x1000000, depth: int = 8
) -> Outcome:
    """Everything a caller can observe of one decode."""
    try:
        decoded = decode(data, max_depth=depth, budget=budget, backend=backend)
    except ObjectsError as exc:
        return ("error", exc.reason, exc.offset)
    return ("ok", decoded.objects, decoded.consumed, decoded.form)


def _same_on_both(data: bytes, budget: int = 0x1000000, depth: int = 8) -> Outcome:
    pure = _outcome(data, "pure", budget, depth)
    assert _outcome(data, "fast", budget, depth) == pure, data.hex()
    return pure


# --- choosing a backend -------------------------------------------------------------------


def test_the_library_never_reads_the_environment() -> None:
    # The variable is the command line's (tests/cli/test_backends.py); the layer ignores it.
    env = {**os.environ, "SKYPEFLUX_OBJECTS_BACKEND": "turbo", "PYTHONPATH": str(REPO / "src")}
    code = "import skypeflux.objects as o; print(o.backend_name(), o.backend_name('pure'))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    automatic = "fast" if "fast" in available_backends() else "pure"
    assert result.returncode == 0 and result.stdout.split() == [automatic, "pure"], result.stderr


def test_default_is_fast_when_built_and_an_argument_overrides_it() -> None:
    automatic = "fast" if "fast" in available_backends() else "pure"
    assert backend_name() == automatic
    assert backend_name("pure") == "pure" and backend_name(" PURE ") == "pure"
    assert get_backend("pure") is backends.PURE
    assert get_backend(backends.PURE) is backends.PURE  # a back end object passes through


@needs_fast
def test_fast_by_name_is_the_c_coder() -> None:
    assert get_backend("FAST") is backends.FAST


def test_unknown_or_missing_backends_raise_the_layer_error(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ObjectsError, match="unknown objects backend"):
        decode(b"\x42\x00", backend="turbo")
    unbuilt = dataclasses.replace(backends.IMPLEMENTATIONS, fast=None)
    monkeypatch.setattr(backends, "IMPLEMENTATIONS", unbuilt)
    assert backends.available() == ("pure",)
    assert get_backend() is backends.PURE  # the default falls back to pure only when not built
    with pytest.raises(ObjectsError, match="not built"):
        backends.get("fast")


# --- pure == fast on whole lists ------------------------------------------------------------


@needs_fast
def test_every_vector_gives_the_same_result_on_both(object_vectors: list[dict[str, Any]]) -> None:
    verdicts = set()
    for v in object_vectors:
        verdicts.add(_same_on_both(bytes.fromhex(v["hex"]))[0])
    assert verdicts == {"ok", "error"}


@pytest.mark.slow
@needs_fast
def test_every_truncation_of_the_coded_vectors_gives_the_same_result(
    object_vectors: list[dict[str, Any]],
) -> None:
    errors = 0
    for v in object_vectors:
        data = bytes.fromhex(v["hex"])
        if v["kind"] != "42" or len(data) > 2000:
            continue
        for end in range(1, len(data)):
            errors += _same_on_both(data[:end])[0] == "error"
    assert errors > 1000  # the cut streams really reach the error paths


@needs_fast
def test_capture_lists_encode_and_decode_the_same_on_both(
    blocks_oracle: list[dict[str, Any]],
) -> None:
    for block in blocks_oracle:
        data = bytes.fromhex(block["list_hex"])
        if data[0] != 0x42:
            continue
        objects = _same_on_both(data)[1]
        assert encode(objects, 0x42, backend="fast") == data, block["where"]


@needs_fast
def test_vector_trees_encode_to_the_same_bytes_on_both(
    object_vectors: list[dict[str, Any]],
) -> None:
    for v in object_vectors:
        if v["ok"]:
            objects = from_tree(v["tree"])
            assert encode(objects, 0x42, backend="fast") == encode(objects, 0x42, backend="pure")


def _mutant(rng: random.Random, seeds: list[bytes]) -> bytes:
    data = bytearray(rng.choice(seeds))
    for _ in range(rng.choice((1, 1, 2, 4))):
        op = rng.randrange(5)
        if op == 0:
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            data[rng.randrange(len(data))] = rng.randrange(256)
        elif op == 2 and len(data) > 2:
            del data[rng.randrange(1, len(data)) :]
        elif op == 3:
            i = rng.randrange(1, len(data) + 1)
            data[i:i] = rng.randbytes(rng.randrange(1, 9))
        else:
            data += rng.randbytes(rng.randrange(1, 5))
    data[0] = 0x42
    return bytes(data)


@pytest.mark.slow
@needs_fast
def test_mutated_and_random_inputs_give_the_same_result_on_both(
    object_vectors: list[dict[str, Any]],
) -> None:
    rng = random.Random(4242)
    seeds = [bytes.fromhex(v["hex"]) for v in object_vectors if v["kind"] == "42"]
    verdicts: dict[str, int] = {"ok": 0, "error": 0}
    for i in range(20_000):
        if i % 4:
            data = _mutant(rng, seeds)
        else:
            data = b"\x42" + rng.randbytes(rng.choice((0, 1, 2, 3, 5, 8, 16, 64, 512)))
        budget, depth = rng.choice(LIMITS)
        verdicts[_same_on_both(data, budget, depth)[0]] += 1
    assert verdicts["ok"] > 1000 and verdicts["error"] > 1000, verdicts


@needs_fast
def test_bytes_subclasses_and_buffers_decode_on_both(object_vectors: list[dict[str, Any]]) -> None:
    class Tagged(bytes):
        pass

    data = next(bytes.fromhex(v["hex"]) for v in object_vectors if v["kind"] == "42" and v["ok"])
    expected = _same_on_both(data)
    assert expected[0] == "ok"
    for form in (Tagged(data), bytearray(data), memoryview(data)):
        assert _outcome(form, "fast") == expected


@needs_fast
def test_long_strings_and_every_byte_value_round_trip_the_same() -> None:
    rng = random.Random(7)
    text = bytes(range(1, 256)) + rng.randbytes(100_000).replace(b"\x00", b"")
    objects = [Obj(3, 1, text), Obj(3, 2, b""), Obj(0, 3, 2**32 - 1), Obj(4, 4, text[:999])]
    data = encode(objects, backend="fast")
    assert data == encode(decode(data, backend="pure").objects, backend="pure")
    assert _same_on_both(data)[1][0].value == text
    # the budget charges one unit per character, the NUL included: exact on both paths
    need = 16 * 4 + len(text) + 1 + 1 + 999
    assert _same_on_both(data, budget=need)[0] == "ok"
    assert _same_on_both(data, budget=need - 1)[1] == "memory budget exhausted"


# --- pure == fast one level down: coder state after every operation ------------------------

DECODER_STATE = ("pos", "limit", "code", "bit", "range", "read_position")
ENCODER_STATE = ("low", "range", "cache", "pending", "first")

decoder_ops = st.lists(
    st.one_of(
        st.tuples(st.just("symbol"), st.sampled_from([HEADER, *NEXT_CLASS, *WITHIN_CLASS[1:7]])),
        st.tuples(st.just("number"), st.sampled_from(MODELS), st.booleans()),
        st.tuples(st.just("bits"), st.integers(0, 16)),
        st.tuples(st.just("string"), st.integers(0, 300)),
        st.tuples(st.just("reserve"), st.integers(0, 12)),
        st.tuples(st.just("finish")),
    ),
    max_size=40,
)
LOCKSTEP = settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _apply(coder: Any, op: tuple[Any, ...]) -> Any:
    name, *args = op
    if name == "symbol" and len(args) == 1:  # a decoder's: the table and its lookup
        return coder.symbol(args[0], symbol_lookup(args[0]))
    return getattr(coder, name)(*args)


def _step(coder: Any, op: tuple[Any, ...], fields: tuple[str, ...]) -> Outcome:
    try:
        result = _apply(coder, op)
    except ObjectsError as exc:
        return ("error", exc.reason, exc.offset)
    return ("ok", result, *(getattr(coder, f) for f in fields))


@pytest.mark.slow
@needs_fast
@LOCKSTEP
@given(st.binary(max_size=64), st.integers(0, 4), decoder_ops)
def test_decoders_agree_after_every_operation(
    body: bytes, start: int, ops: list[tuple[Any, ...]]
) -> None:
    data = b"\x42" * start + body
    made: list[Any] = []
    for factory in (RangeDecoder, backends.get("fast").decoder):
        try:
            made.append(factory(data, start))
        except ObjectsError as exc:
            made.append(("error", exc.reason, exc.offset))
    pure, fast = made
    if isinstance(pure, tuple):
        assert fast == pure
        return
    for op in ops:
        expected = _step(pure, op, DECODER_STATE)
        assert _step(fast, op, DECODER_STATE) == expected, op
        if expected[0] == "error":
            return


encoder_ops = st.lists(
    st.one_of(
        st.tuples(st.just("symbol"), st.sampled_from([HEADER, *NEXT_CLASS])).flatmap(
            lambda t: st.tuples(st.just(t[0]), st.just(t[1]), st.integers(0, len(t[1]) - 2))
        ),
        st.tuples(
            st.just("number"),
            st.sampled_from([SMALL_MODEL, VALUE_MODEL]),
            st.integers(0, 2**32 - 1),
        ),
        st.integers(0, 16).flatmap(
            lambda n: st.tuples(st.just("bits"), st.just(n), st.integers(0, (1 << n) - 1))
        ),
        st.tuples(st.just("string"), st.binary(max_size=200).map(lambda b: b.replace(b"\0", b""))),
    ),
    max_size=40,
)


@pytest.mark.slow
@needs_fast
@LOCKSTEP
@given(st.integers(0, 255), encoder_ops)
def test_encoders_agree_after_every_operation(marker: int, ops: list[tuple[Any, ...]]) -> None:
    pure, fast = RangeEncoder(marker), backends.get("fast").encoder(marker)
    for op in ops:
        assert _step(fast, op, ENCODER_STATE) == _step(pure, op, ENCODER_STATE), op
        assert cast(Any, fast).out == bytes(pure.out)  # the C encoder's buffer, not in the protocol
    finished = pure.finish()
    assert fast.finish() == finished


# --- the C side's own guards ----------------------------------------------------------------


@needs_fast
def test_tables_are_checked_and_a_bad_load_keeps_the_loaded_ones() -> None:
    from skypeflux.objects import _fast42

    swapped = (CLASS_CHARS[1][:1] + CLASS_CHARS[2][:1], *CLASS_CHARS[1:])
    bad_sum = ((0, 5, 0x0FFF), *NEXT_CLASS[1:])
    for args, message in (
        ((NEXT_CLASS, WITHIN_CLASS, CLASS_CHARS[:-1], ObjectsError), "11 character classes"),
        ((NEXT_CLASS, WITHIN_CLASS, swapped, ObjectsError), "do not match"),
        ((bad_sum, WITHIN_CLASS, CLASS_CHARS, ObjectsError), "cumulative table"),
        ((NEXT_CLASS, WITHIN_CLASS, CLASS_CHARS, 42), "exception class"),
    ):
        with pytest.raises((TypeError, ValueError), match=message):
            _fast42.load_tables(*args)
    text = "still here ☺".encode()
    assert (
        decode(encode([Obj(3, 1, text)], backend="fast"), backend="fast").objects[0].value == text
    )


@needs_fast
@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda d: d.symbol(HEADER, b"\x00" * 10), TypeError),
        (lambda d: d.symbol([0, 4096], HEADER_LOOKUP), TypeError),
        (lambda d: d.symbol((0, 4096), b"\x05" * 4096), IndexError),
        (lambda d: d.bits(17), ValueError),
        (lambda d: d.number((HEADER,)), TypeError),
        (lambda d: d.string("text"), TypeError),
        (lambda d: d.reserve(-1), ValueError),
    ],
)
def test_misuse_of_the_c_decoder_raises_instead_of_crashing(call: Any, error: type) -> None:
    with pytest.raises(error):
        call(backends.get("fast").decoder(b"\x42\x10\x20\x30", 1))


@needs_fast
def test_c_coders_refuse_bad_construction() -> None:
    fast = backends.get("fast")
    with pytest.raises(TypeError):
        fast.decoder(bytearray(b"\x42\x00"), 1)  # type: ignore[arg-type]  # the point
    with pytest.raises(ValueError):
        fast.decoder(b"\x42\x00", -1)
    with pytest.raises(ValueError):
        fast.encoder(256)
    encoder = fast.encoder()
    with pytest.raises(ValueError):
        encoder.bits(3, 8)
    with pytest.raises(IndexError):
        encoder.symbol(HEADER, len(HEADER) - 1)


def _list_outcome(call: Any, *args: Any) -> Outcome:
    try:
        result = call(*args)
    except ObjectsError as exc:
        return ("error", exc.reason, exc.offset)
    if result is None:
        return ("handed back",)
    objects, end, left = result
    return ("ok", objects, end, left)


@pytest.mark.slow
@needs_fast
def test_the_whole_list_call_is_the_pure_list_decoder(
    object_vectors: list[dict[str, Any]],
) -> None:
    """``_fast42.decode_coded`` (decoder, structure and raw area in one C call) gives what
    ``coded42.decode_coded`` gives on the pure coder: objects, end, budget left, or the same
    error at the same byte; where it hands a list back (None), the caller's own path answers."""
    from skypeflux.objects import _fast42
    from skypeflux.objects.coded42 import decode_coded

    rng = random.Random(99)
    seeds = [bytes.fromhex(v["hex"]) for v in object_vectors if v["kind"] == "42"]
    seen = {"ok": 0, "error": 0, "handed back": 0}
    for i in range(8_000):
        data = _mutant(rng, seeds) if i % 3 else rng.choice(seeds)
        if data[0] != 0x42:  # the marker is the caller's to check
            continue
        budget, depth = rng.choice(LIMITS)
        pure = _list_outcome(decode_coded, data, 0, depth, budget, backends.PURE)
        whole = _list_outcome(_fast42.decode_coded, data, 0, depth, budget)
        if whole == ("handed back",):  # not met so far: counted, not assumed
            seen["handed back"] += 1
            whole = _list_outcome(decode_coded, data, 0, depth, budget, backends.FAST)
        assert whole == pure, data.hex()
        seen[pure[0]] += 1
    assert seen["ok"] > 1000 and seen["error"] > 1000, seen


@needs_fast
@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((bytearray(b"\x42\x10\x20"), 0, 8, 100), TypeError),
        ((b"\x42\x10\x20", 3, 8, 100), ValueError),
        ((b"\x42\x10\x20", -1, 8, 100), ValueError),
        ((b"\x42\x10\x20", 0, 1001, 100), ValueError),
        ((b"\x42\x10\x20", 0, 8, -1), ValueError),
        ((b"\x42\x10\x20", 0, "8", 100), TypeError),
        ((b"\x42\x10\x20", 0, 8), TypeError),
    ],
)
def test_misuse_of_the_whole_list_call_raises(args: tuple[Any, ...], error: type) -> None:
    from skypeflux.objects import _fast42

    with pytest.raises(error):
        _fast42.decode_coded(*args)


@needs_fast
def test_the_public_whole_list_call_gives_what_decode_gives(
    object_vectors: list[dict[str, Any]],
) -> None:
    """``whole_list_call`` (what ``messages.blocks`` calls for every 0x42 list, skipping the
    layers of ``decode``) with ``decode``'s default limits: the same objects and consumed
    length, or the same error at the same byte; none on the pure back end."""
    from skypeflux.objects import DEFAULT_BUDGET, DEFAULT_MAX_DEPTH, whole_list_call

    assert whole_list_call("pure") is None
    call = whole_list_call()
    assert call is not None and call is whole_list_call("fast")
    rng = random.Random(2026)
    seeds = [bytes.fromhex(v["hex"]) for v in object_vectors if v["kind"] == "42"]
    seen = {"ok": 0, "error": 0}
    for i in range(3_000):
        data = _mutant(rng, seeds) if i % 3 else rng.choice(seeds)
        if data[0] != 0x42:
            continue
        expected = _outcome(data, "fast")
        assert expected == _outcome(data, "pure")
        try:
            result = call(data, 0, DEFAULT_MAX_DEPTH, DEFAULT_BUDGET)
        except ObjectsError as exc:
            got: Outcome = ("error", exc.reason, exc.offset)
        else:
            assert result is not None, data.hex()  # handed back: never met; the caller decodes
            got = ("ok", result[0], result[1], 0x42)
        assert got == expected, data.hex()
        seen[got[0]] += 1
    assert seen["ok"] > 300 and seen["error"] > 300, seen
