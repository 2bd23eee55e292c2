"""Sums over each cell's firms or lines for an ensemble's (R, N) and (R, P) arrays, compiled with Numba.

The records of :mod:`sim.engine.record` sum firm and line values by cell with ``np.add.reduceat``,
which costs a fixed amount per segment and run (about 870 cells of 15 firms at the default
economy, 17 columns a step). :func:`segment_sum` sums each segment as ``reduceat`` does, bit for
bit: the first value, plus numpy's pairwise sum of the rest (one accumulator under 8 values,
eight interleaved accumulators combined as ``((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))``
up to 128, halves at a multiple of 8 beyond; numpy's ``pairwise_sum``), checked against
``reduceat`` for every segment length to 700 (``tests/test_fused_kernels.py``). Runs alone keep
``reduceat``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import numpy as np


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
