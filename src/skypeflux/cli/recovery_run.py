"""Running an address search: chunks on threads or on a Dask cluster, a checkpoint, progress.

The work itself is ``recovery.search_chunk`` (one chunk of candidates in, verdicts out); this
module only decides where chunks run and remembers which are done. Threads are enough on one
machine, since the C search releases the GIL for a whole chunk; ``--dask`` sends the same
chunks to a Dask cluster (``local``: a LocalCluster of processes) through dask.distributed. At
most a few chunks per worker are in flight, so an early stop (an address confirmed) or Ctrl-C
wastes little, and what is done is known by chunk number: that is the checkpoint, a small JSON
file written every few seconds and when the search stops, from which ``--resume`` continues.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from skypeflux.capture.skype.recovery import Chunk, Datagram, Verdict, search_chunk
from skypeflux.cli.errors import EXIT_USAGE, Failure

CHECKPOINT_VERSION = 1
SAVE_EVERY_S = 5.0
IN_FLIGHT_PER_WORKER = 3

Result = tuple[Chunk, list[Verdict]]


class Runner(Protocol):
    """Runs ``search_chunk`` over chunks; yields results as they complete. Closing the
    iterator early cancels what has not started and waits for what has."""

    workers: int

    def run(
        self, datagrams: Sequence[Datagram], work: Sequence[Chunk], backend: str
    ) -> Iterator[Result]: ...

    def close(self) -> None: ...


class ThreadRunner:
    """Chunks on a thread pool of this process (the C loop runs without the GIL)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="recover-ip")

    def run(
        self, datagrams: Sequence[Datagram], work: Sequence[Chunk], backend: str
    ) -> Iterator[Result]:
        queue = iter(work)
        running: dict[Future[list[Verdict]], Chunk] = {}
        try:
            while True:
                while len(running) < self.workers * IN_FLIGHT_PER_WORKER:
                    chunk = next(queue, None)
                    if chunk is None:
                        break
                    future = self._pool.submit(
                        search_chunk, datagrams, chunk.start, chunk.stop, backend
                    )
                    running[future] = chunk
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=lambda f: running[f].index):
                    yield running.pop(future), future.result()
        finally:
            for future in running:
                future.cancel()
            wait(running)

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Chunks on a Dask cluster: ``address`` of its scheduler, or ``local`` for a LocalCluster
    of ``workers`` single-threaded processes on this machine."""

    def __init__(self, address: str, workers: int) -> None:
        # imported here: only --dask needs it, and it costs ~1 s (typed as Any: partly untyped)
        try:
            self._dask: Any = importlib.import_module("distributed")
        except ImportError:
            raise Failure(
                EXIT_USAGE,
                "--dask needs dask.distributed, which is not installed: "
                "pip install 'skypeflux[dask]' (or pip install distributed)",
            ) from None
        self._cluster: Any = None
        if address == "local":
            self._cluster = self._dask.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            )
            self._client: Any = self._dask.Client(self._cluster)
        else:
            self._client = self._dask.Client(address)
        self.workers = max(1, sum(self._client.nthreads().values()))

    def run(
        self, datagrams: Sequence[Datagram], work: Sequence[Chunk], backend: str
    ) -> Iterator[Result]:
        queue = iter(work)
        # one object for the datagrams, under a key of its own (hash=False): a later search of
        # the same datagrams must not share it while this one's references are released
        [shared] = self._client.scatter([tuple(datagrams)], broadcast=True, hash=False)
        running: dict[Any, Chunk] = {}

        def submit() -> Any:
            chunk = next(queue, None)
            if chunk is None:
                return None
            future = self._client.submit(
                search_chunk, shared, chunk.start, chunk.stop, backend, pure=False
            )
            running[future] = chunk
            return future

        pending = self._dask.as_completed()
        for _ in range(self.workers * IN_FLIGHT_PER_WORKER):
            future = submit()
            if future is None:
                break
            pending.add(future)
        try:
            for future in pending:
                chunk = running.pop(future)
                yield chunk, future.result()
                following = submit()
                if following is not None:
                    pending.add(following)
        finally:
            for future in running:
                future.cancel()

    def close(self) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


@dataclass
class HostState:
    """What is known of one host's search: the part a checkpoint keeps."""

    fingerprint: str
    done: set[int] = field(default_factory=set)
    tried: int = 0
    seconds: float = 0.0
    found: Verdict | None = None
    rejected: list[Verdict] = field(default_factory=list)
    finished: bool = False


def fingerprint(host: str, datagrams: Sequence[Datagram], work: Sequence[Chunk]) -> str:
    """Names one search: the host, its datagrams and the chunking of the space."""
    digest = hashlib.sha256(host.encode())
    for d in datagrams:
        digest.update(f"{d.frame},{d.dst},{d.packet_id},{d.iv},{d.crc},".encode())
        digest.update(d.ciphertext)
    for c in (work[0], work[-1]) if work else ():
        digest.update(f"{c.index},{c.start},{c.stop};".encode())
    digest.update(str(len(work)).encode())
    return digest.hexdigest()[:32]


def _ranges(indexes: set[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for i in sorted(indexes):
        if out and out[-1][1] == i:
            out[-1][1] = i + 1
        else:
            out.append([i, i + 1])
    return out


def _verdict(data: Any) -> Verdict:
    return Verdict(data["address"], data["accepted"], data["reason"], tuple(data["confirmed_by"]))


MAX_CHUNK_INDEX = 1 << 32  # chunks of at least one candidate in the 2^32 addresses


class Checkpoint:
    """The checkpoint file: one ``HostState`` per host, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.hosts: dict[str, HostState] = {}

    def load(self) -> None:
        """Read the file (``ValueError`` if it is not a checkpoint of this version)."""
        not_one = f"{self.path} is not a recover-ip checkpoint (version {CHECKPOINT_VERSION})"
        try:
            data = json.loads(self.path.read_bytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise ValueError(not_one) from None
        if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
            raise ValueError(not_one)
        try:
            for host, h in data["hosts"].items():
                done = h["done"]
                if not all(0 <= start <= stop <= MAX_CHUNK_INDEX for start, stop in done):
                    raise ValueError("chunk numbers out of range")
                self.hosts[host] = HostState(
                    h["fingerprint"],
                    {i for start, stop in done for i in range(start, stop)},
                    h["tried"],
                    h["seconds"],
                    _verdict(h["found"]) if h["found"] else None,
                    [_verdict(v) for v in h["rejected"]],
                    h["finished"],
                )
        except (KeyError, TypeError, ValueError, AttributeError):
            self.hosts.clear()
            raise ValueError(f"{self.path}: a damaged recover-ip checkpoint") from None

    def save(self) -> None:
        hosts = {
            host: {
                "fingerprint": s.fingerprint,
                "done": _ranges(s.done),
                "tried": s.tried,
                "seconds": round(s.seconds, 3),
                "found": asdict(s.found) if s.found else None,
                "rejected": [asdict(v) for v in s.rejected],
                "finished": s.finished,
            }
            for host, s in self.hosts.items()
        }
        temporary = self.path.with_name(self.path.name + ".tmp")
        temporary.write_text(json.dumps({"version": CHECKPOINT_VERSION, "hosts": hosts}, indent=1))
        os.replace(temporary, self.path)


def search_host(
    datagrams: Sequence[Datagram],
    work: Sequence[Chunk],
    state: HostState,
    runner: Runner,
    backend: str,
    *,
    on_chunk: Callable[[Chunk], None] | None = None,
    save: Callable[[], None] | None = None,
) -> HostState:
    """Search the chunks of ``work`` not yet done until an address is accepted.

    ``on_chunk`` is told of every chunk finished (progress); ``save`` is called every few
    seconds and when the search ends, however it ends (Ctrl-C included, which propagates).
    """
    todo = [c for c in work if c.index not in state.done]
    started = time.monotonic()
    last_save = started
    results = runner.run(datagrams, todo, backend)
    try:
        for chunk, verdicts in results:
            state.done.add(chunk.index)
            state.tried += chunk.size
            for verdict in verdicts:
                if verdict.accepted and state.found is None:
                    state.found = verdict
                elif not verdict.accepted:
                    state.rejected.append(verdict)
            if on_chunk is not None:
                on_chunk(chunk)
            if state.found is not None:
                break
            now = time.monotonic()
            if save is not None and now - last_save > SAVE_EVERY_S:
                state.seconds += now - started
                started = last_save = now
                save()
        else:
            state.finished = True
        if state.found is not None:
            state.finished = True
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
        state.seconds += time.monotonic() - started
        if save is not None:
            save()
    return state
