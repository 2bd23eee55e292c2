"""Minimum over each firm's lines for an ensemble's (R, P) line arrays, compiled with Numba.

``np.minimum.reduceat(values, starts, axis=-1)`` on an (R, P) array costs a fixed amount per
firm and run (segments of about six lines); the loop below takes the same minima, in the same
order, without it: ``benchmarks/bench_ensemble.py`` (section 0, default economy, load 17 on 2
cores) measured 224 against 100 microseconds a run for 4 runs, 1,226 against 83 for 16. The
minimum is exact, so the results are those of ``reduceat`` bit for bit (NaN propagates as in
``np.minimum``). Runs alone keep ``reduceat``; without Numba an ensemble does too.
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
