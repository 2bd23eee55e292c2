"""Where chunks of runs execute: in this process, a local process pool, or a Dask cluster.

Each executor maps a function over payloads and yields results as they finish (any order),
keeping at most a few tasks in flight so memory stays bounded however long the batch.

- :class:`SerialExecutor`: in this process (``--workers 1``).
- :class:`PoolExecutor`: ``concurrent.futures.ProcessPoolExecutor`` with long-lived workers
  started by an explicit ``spawn`` context (``import mesa`` sets the start method to spawn as a
  side effect, in Mesa 3.3.1), so each worker builds a scenario's world once and reuses it.
- :class:`DaskExecutor`: an existing ``dask.distributed`` cluster at a scheduler address
  (``dask scheduler`` / ``dask worker``, or dask-jobqueue on HPC). Workers import ``growthsim``
  and read the scenario's data folder themselves, so both must exist on every worker.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any

from sim.errors import InputError

START_METHOD = "spawn"


def default_workers() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


class SerialExecutor:
    """Run every payload in this process, in order."""

    workers = 1

    def map_unordered(self, fn: Callable, payloads: Iterable[Any]) -> Iterator[Any]:
        for payload in payloads:
            yield fn(payload)

    def close(self) -> None:
        """Nothing to release."""

    def describe(self) -> dict:
        return {"executor": "serial", "workers": 1}


class PoolExecutor:
    """A local pool of long-lived worker processes.

    Args:
        workers: Number of processes.
        in_flight: Tasks submitted ahead per worker.
    """

    def __init__(self, workers: int, in_flight: int = 2) -> None:
        self.workers = workers
        self.in_flight = max(1, in_flight) * workers
        self._pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context(START_METHOD))

    def map_unordered(self, fn: Callable, payloads: Iterable[Any]) -> Iterator[Any]:
        pending: set = set()
        queue = iter(payloads)
        for payload in queue:
            pending.add(self._pool.submit(fn, payload))
            if len(pending) >= self.in_flight:
                break
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()
                nxt = next(queue, None)
                if nxt is not None:
                    pending.add(self._pool.submit(fn, nxt))

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def describe(self) -> dict:
        return {"executor": "process-pool", "workers": self.workers, "start_method": START_METHOD}


class DaskExecutor:
    """Chunks on an existing Dask distributed cluster.

    Args:
        address: The scheduler's address (``tcp://host:8786``).
        in_flight: Tasks submitted ahead per worker thread.
        connect_timeout: How long to try to reach the scheduler.

    Raises:
        InputError: If the scheduler cannot be reached.
    """

    def __init__(self, address: str, in_flight: int = 2, connect_timeout: str = "10s") -> None:
        from dask.distributed import Client

        self.address = address
        try:
            self._client = Client(address, timeout=connect_timeout)
        except (OSError, TimeoutError, ValueError) as exc:
            reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError("--scheduler", address, f"a reachable Dask scheduler ({reason})") from None
        threads = sum(self._client.nthreads().values()) or 1
        self.workers = threads
        self.in_flight = max(1, in_flight) * threads

    def map_unordered(self, fn: Callable, payloads: Iterable[Any]) -> Iterator[Any]:
        from dask.distributed import as_completed

        queue = iter(payloads)
        first = [self._client.submit(fn, p, pure=False) for _, p in zip(range(self.in_flight), queue, strict=False)]
        if not first:
            return
        completed = as_completed(first)
        for future in completed:
            result = future.result()
            future.release()
            nxt = next(queue, None)
            if nxt is not None:
                completed.add(self._client.submit(fn, nxt, pure=False))
            yield result

    def close(self) -> None:
        self._client.close()

    def describe(self) -> dict:
        return {"executor": "dask", "scheduler": self.address, "workers": self.workers}


def make_executor(workers: int | None = None, scheduler: str | None = None):
    """The executor for ``--workers`` and ``--scheduler``.

    Args:
        workers: Local processes (default: the number of cores); 1 runs in this process.
        scheduler: A Dask scheduler address; when given, ``workers`` is ignored.
    """
    if scheduler:
        return DaskExecutor(scheduler)
    workers = default_workers() if workers is None else workers
    if workers <= 1:
        return SerialExecutor()
    return PoolExecutor(workers)
