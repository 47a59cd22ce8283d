"""Argument kinds the public crypto API takes and refuses, identically on both back ends.

The expected outputs are never taken from the call under test: a buffer's result is checked
against ``keystream`` XOR its raw bytes (known-answer tested in test_crypto_rc4), and a refused
argument must fail with the same exception type and message whichever back end runs.
"""

from __future__ import annotations

import array
import os
import subprocess
import sys
from collections.abc import Callable

import pytest

from skypeflux import crypto
from skypeflux.crypto import CryptoError, available_backends
from tests.helpers.paths import REPO

BACKENDS = [
    "pure",
    pytest.param(
        "fast",
        marks=pytest.mark.skipif(
            "fast" not in available_backends(), reason="C fast path not built"
        ),
    ),
]
SEED = 0x1234ABCD
RAW = bytes(range(7, 7 + 24))


def _buffer_kinds() -> dict[str, tuple[object, bytes]]:
    """Buffer-protocol arguments and the raw bytes each one stands for."""
    doubled = bytes(b for pair in zip(RAW, RAW[::-1], strict=True) for b in pair)
    words = array.array("I", [0x04030201, 0xFFFFFFFF])
    return {
        "bytes": (RAW, RAW),
        "bytearray": (bytearray(RAW), RAW),
        "memoryview": (memoryview(RAW), RAW),
        "memoryview slice": (memoryview(RAW)[3:9], RAW[3:9]),
        "strided memoryview": (memoryview(doubled)[::2], RAW),
        "reversed memoryview": (memoryview(RAW)[::-1], RAW[::-1]),
        "2-D memoryview": (memoryview(RAW).cast("B", (4, 6)), RAW),
        "array('B')": (array.array("B", RAW), RAW),
        "array('I') (its memory)": (words, words.tobytes()),
        "empty": (b"", b""),
    }


BUFFER_KINDS = _buffer_kinds()
NOT_BUFFERS = [5, [1, 2, 3], "ab", None, 1.5, (1, 2)]


def _outcome(call: Callable[[str], object], backend: str) -> tuple[str, str]:
    """What ``call(backend)`` gives: its exception type and message, or its result."""
    try:
        result = call(backend)
    except Exception as exc:
        return type(exc).__name__, str(exc)
    return "ok", repr(result) if not isinstance(result, bytes) else result.hex()


def _xor_keystream(seed: int, raw: bytes) -> bytes:
    stream = crypto.keystream(seed, len(raw), backend="pure")
    return bytes(a ^ b for a, b in zip(raw, stream, strict=True))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", list(BUFFER_KINDS))
def test_every_buffer_kind_decrypts_as_its_bytes(backend: str, kind: str) -> None:
    data, raw = BUFFER_KINDS[kind]
    expected = _xor_keystream(SEED, raw)
    assert crypto.decrypt(SEED, data, backend=backend) == expected  # type: ignore[arg-type]
    cipher = crypto.cipher_for_seed(SEED, backend=backend)
    assert cipher.peek(data) == expected  # type: ignore[arg-type]
    assert cipher.crypt(data) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", [k for k in BUFFER_KINDS if k != "empty"])
def test_every_buffer_kind_keys_rc4_as_its_bytes(backend: str, kind: str) -> None:
    key, raw = BUFFER_KINDS[kind]
    probe = bytes(32)
    expected = crypto.RC4(raw, backend="pure").crypt(probe)
    assert crypto.RC4(key, backend=backend).crypt(probe) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", NOT_BUFFERS, ids=lambda v: type(v).__name__)
def test_non_buffers_are_refused_alike(bad: object) -> None:
    """An int used to mean 'that many zero bytes' and a list 'these byte values' on one path
    only; both paths now refuse them, with one message."""
    calls: dict[str, Callable[[str], object]] = {
        "decrypt": lambda b: crypto.decrypt(SEED, bad, backend=b),  # type: ignore[arg-type]
        "RC4": lambda b: crypto.RC4(bad, backend=b),  # type: ignore[arg-type]
        "crypt": lambda b: crypto.cipher_for_seed(SEED, backend=b).crypt(bad),  # type: ignore[arg-type]
        "peek": lambda b: crypto.cipher_for_seed(SEED, backend=b).peek(bad),  # type: ignore[arg-type]
    }
    for name, call in calls.items():
        outcomes = {b: _outcome(call, b) for b in available_backends()}
        pure = outcomes["pure"]
        assert pure[0] == "TypeError", (name, pure)
        assert "bytes-like" in pure[1] and type(bad).__name__ in pure[1]
        assert all(o == pure for o in outcomes.values()), (name, outcomes)


@pytest.mark.parametrize(
    ("n", "error"),
    [
        (True, TypeError),
        (1.5, TypeError),
        ("3", TypeError),
        (None, TypeError),
        (-1, CryptoError),
        (2**63, CryptoError),
        (2**70, CryptoError),
    ],
)
def test_keystream_lengths_are_checked_alike(n: object, error: type[Exception]) -> None:
    calls: list[Callable[[str], object]] = [
        lambda b: crypto.keystream(SEED, n, backend=b),  # type: ignore[arg-type]
        lambda b: crypto.keystream_batch([SEED], n, backend=b),  # type: ignore[arg-type]
    ]
    for call in calls:
        outcomes = {b: _outcome(call, b) for b in available_backends()}
        assert outcomes["pure"][0] == error.__name__, outcomes
        assert len(set(outcomes.values())) == 1, outcomes


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_refuses_byte_strings(backend: str) -> None:
    """Four bytes are not one packed seed but four seeds; refuse rather than guess."""
    for packed in (b"\x01\x00\x00\x00", bytearray(b"\x01\x00\x00\x00"), "abcd"):
        with pytest.raises(TypeError, match=r"array\('I'\)"):
            crypto.keystream_batch(packed, 4, backend=backend)  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_buffer_kinds_match_single_keystreams(backend: str) -> None:
    values = [0, 1, SEED, 0xFFFFFFFF, 77, 0x80000000]
    expected = b"".join(crypto.keystream(s, 5, backend="pure") for s in values)
    interleaved = array.array("I", [v for s in values for v in (s, 0xDEAD)])
    signed = array.array("i", [s - (1 << 32) if s >= 1 << 31 else s for s in values])
    kinds: dict[str, object] = {
        "list": values,
        "tuple": tuple(values),
        "generator": (s for s in values),
        "array('I')": array.array("I", values),
        "array('i') (same bits)": signed,
        "memoryview of array": memoryview(array.array("I", values)),
        "strided memoryview": memoryview(interleaved)[::2],
        "memoryview cast to words": memoryview(array.array("I", values).tobytes()).cast("I"),
    }
    for name, seeds in kinds.items():
        assert crypto.keystream_batch(seeds, 5, backend=backend) == expected, name  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", BACKENDS)
def test_batch_refuses_buffers_that_are_not_words(backend: str) -> None:
    for seeds in (array.array("H", [1, 2]), array.array("f", [1.0]), array.array("q", [1])):
        with pytest.raises(CryptoError, match="4-byte integers"):
            crypto.keystream_batch(seeds, 4, backend=backend)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        crypto.keystream_batch(5, 4, backend=backend)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="seed 1 must be an int"):
        crypto.keystream_batch([1, 2.0], 4, backend=backend)  # type: ignore[list-item]


def test_cipher_objects_document_that_they_are_not_thread_safe() -> None:
    classes: list[type] = [crypto.rc4.RC4]
    if "fast" in available_backends():
        classes.append(type(crypto.RC4(b"k", backend="fast")))
    for cls in classes:
        assert "thread" in (cls.__doc__ or "").lower(), cls
    assert "thread" in (crypto.cipher_for_seed.__doc__ or "").lower()


def test_seeds_submodule_is_reachable_from_the_package() -> None:
    """The README's ``crypto.seeds.udp_seed(...)``, in a fresh interpreter where nothing else
    has imported the submodule first."""
    code = (
        "from skypeflux import crypto\n"
        "print(hex(crypto.seeds.udp_seed(0, '24.98.66.80', 0x7F4E, 0x118AC037)))"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0x22d81c40"  # the capture datagram of test_crypto_seeds
