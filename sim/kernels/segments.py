"""Minima and sums over segments of an ensemble's (R, N) and (R, P) arrays, compiled with Numba.

**Minimum over each firm's lines** (:func:`segment_min`).

``np.minimum.reduceat(values, starts, axis=-1)`` on an (R, P) array costs a fixed amount per
firm and run (segments of about six lines); the loop below takes the same minima, in the same
order, without it: ``benchmarks/bench_ensemble.py`` (section 0, default economy, load 17 on 2
cores) measured 224 against 100 microseconds a run for 4 runs, 1,226 against 83 for 16. The
minimum is exact, so the results are those of ``reduceat`` bit for bit (NaN propagates as in
``np.minimum``). Runs alone keep ``reduceat``; without Numba an ensemble does too.

**Sums over each cell's firms or lines** (:func:`segment_sum`, the records of
:mod:`sim.engine.record`). ``np.add.reduceat`` costs a fixed amount per segment and run too (about
870 cells of 15 firms at the default economy, 17 columns a step); the loop sums each segment as
``reduceat`` does, bit for bit: the first value, plus numpy's pairwise sum of the rest (one
accumulator under 8 values, eight interleaved accumulators combined as
``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`` up to 128, halves at a multiple of 8 beyond;
numpy's ``pairwise_sum``), checked against ``reduceat`` for every segment length to 700
(``tests/test_fused_kernels.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np


def _segment_min(values: np.ndarray, starts: np.ndarray, out: np.ndarray) -> None:
    runs, n = values.shape
    segments = starts.size
    for r in range(runs):
        row = values[r]
        for i in range(segments):
            lo = starts[i]
            hi = starts[i + 1] if i + 1 < segments else n
            m = row[lo]
            for j in range(lo + 1, hi):
                v = row[j]
                if m == m and (v < m or v != v):  # np.minimum: a NaN wins and stays
                    m = v
            out[r, i] = m


def _pairwise(values, lo, n):  # pragma: no cover - compiled
    """numpy's pairwise sum of ``values[lo : lo + n]``."""
    if n < 8:
        total = 0.0
        for i in range(n):
            total += values[lo + i]
        return total
    if n <= 128:
        r0, r1, r2, r3 = values[lo], values[lo + 1], values[lo + 2], values[lo + 3]
        r4, r5, r6, r7 = values[lo + 4], values[lo + 5], values[lo + 6], values[lo + 7]
        i = 8
        whole = n - n % 8
        while i < whole:
            r0 += values[lo + i]
            r1 += values[lo + i + 1]
            r2 += values[lo + i + 2]
            r3 += values[lo + i + 3]
            r4 += values[lo + i + 4]
            r5 += values[lo + i + 5]
            r6 += values[lo + i + 6]
            r7 += values[lo + i + 7]
            i += 8
        total = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))
        while i < n:
            total += values[lo + i]
            i += 1
        return total
    half = n // 2
    half -= half % 8
    return _pairwise(values, lo, half) + _pairwise(values, lo + half, n - half)


def _segment_sum(values, starts, out):  # pragma: no cover - compiled
    runs, n = values.shape
    segments = starts.size
    for r in range(runs):
        row = values[r]
        for i in range(segments):
            lo = starts[i]
            hi = starts[i + 1] if i + 1 < segments else n
            out[r, i] = row[lo] + _pairwise(row, lo + 1, hi - lo - 1)


@lru_cache(maxsize=1)
def _sum_kernel() -> Callable | None:
    """The compiled sum (its pairwise helper compiled with it), or ``None`` without Numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    global _pairwise
    _pairwise = numba.njit(cache=True, nogil=True)(_pairwise)
    return numba.njit(cache=True, nogil=True)(_segment_sum)


def segment_sum(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``np.add.reduceat(values, starts, axis=-1)`` for (R, M) float values and increasing ``starts``.

    Compiled for an ensemble's 2-D arrays (unless :data:`sim.kernels.fused.USE_NUMBA` is off),
    ``reduceat`` otherwise: the same values bit for bit.
    """
    from sim.kernels import fused

    kernel = None
    if fused.USE_NUMBA and values.ndim == 2 and values.dtype == np.float64 and starts.size and values.shape[-1]:
        kernel = _sum_kernel()
    if kernel is None:
        return np.add.reduceat(values, starts, axis=-1)
    out = np.empty((values.shape[0], starts.size))
    kernel(np.ascontiguousarray(values), starts.astype(np.int64, copy=False), out)
    return out


@lru_cache(maxsize=1)
def _kernel() -> Callable | None:
    """The compiled loop (Numba imported on first use: ``import sim`` stays light), or ``None``."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is optional
        return None
    return numba.njit(cache=True, nogil=True)(_segment_min)


def segment_min(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``np.minimum.reduceat(values, starts, axis=-1)`` for (R, P) float values and sorted ``starts``."""
    kernel = _kernel() if values.ndim == 2 and values.dtype == np.float64 and starts.size else None
    if kernel is None:
        return np.minimum.reduceat(values, starts, axis=-1)
    out = np.empty((values.shape[0], starts.size))
    kernel(values, starts.astype(np.int64, copy=False), out)
    return out
