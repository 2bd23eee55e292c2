"""A pair matrix's two products for all runs of an ensemble at once (sparse times dense), compiled with Numba.

A run alone multiplies a fixed CSR matrix ``A`` (rows: suppliers or priority classes; columns:
input lines) by a vector twice a step, through scipy's ``csr_matvec`` (``A x``) and
``csc_matvec`` on the CSC view of the same arrays (``A^T y``) (:class:`sim.kernels.matvec.MatVec`).
An ensemble of R runs made the same calls row by row: R passes over the matrix's 143,412 links
(the default economy) a product, each reading its indices and values from memory again. The loops
below make one pass over the links for all R runs, the runs' values of one line side by side.

Each entry of a product is summed over the same terms in the same order as scipy's kernel, from
a zero: ``(A x)_k`` over row ``k``'s entries by increasing line (the order of a canonical CSR
row, which ``csr_matvec`` follows), ``(A^T y)_p`` over line ``p``'s entries by increasing row
(the order in which ``csc_matvec`` visits them, row after row). So each run's result is the row
by row result, bit for bit (``tests/test_fused_kernels.py``; no fused multiply-add, see
:mod:`sim.kernels.fused`). Matrices not in canonical form (duplicates or unsorted rows) keep the
row by row products.
"""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

import numpy as np
import scipy.sparse as sp

from sim.kernels.compiled import compile_loops, prefetch_intrinsic

AHEAD = 16
"""Entries the products ask the memory for ahead of the one they add: an entry's row of the
(K, R) work array is one of 13,126 rows at the default economy (1.1 MB at 11 runs, larger than the
second-level cache), and the rows come in no order."""


def prefetch(array, index):  # pragma: no cover - replaced by the intrinsic when compiled
    """No-op stand-in for :func:`sim.kernels.compiled.prefetch_intrinsic` (called uncompiled)."""


def _to_rows(ptr, row, value, x, work, out):  # pragma: no cover - compiled
    """``out[r] = A x[r]`` for every run: line by line, each entry added to its row for all runs.

    ``ptr``, ``row``, ``value``: ``A`` by column (line), rows increasing within a column; ``x``
    (R, P); ``work`` (K, R) scratch; ``out`` (R, K).
    """
    runs, lines = x.shape
    work[:] = 0.0
    flat = work.reshape(work.size)
    last = row.size - 1
    for p in range(lines):
        for e in range(ptr[p], ptr[p + 1]):
            prefetch(flat, row[min(e + AHEAD, last)] * runs)
            k = row[e]
            a = value[e]
            for r in range(runs):
                work[k, r] += a * x[r, p]
    for r in range(runs):
        for k in range(work.shape[0]):
            out[r, k] = work[k, r]


def _to_lines(ptr, row, value, y, work, total, out):  # pragma: no cover - compiled
    """``out[r] = A^T y[r]`` for every run: each line's entries summed for all runs side by side.

    ``y`` (R, K); ``work`` (K, R) scratch (``y`` transposed); ``total`` (R,) scratch; ``out`` (R, P).
    """
    runs, rows = y.shape
    for r in range(runs):
        for k in range(rows):
            work[k, r] = y[r, k]
    flat = work.reshape(work.size)
    last = row.size - 1
    for p in range(ptr.size - 1):
        for r in range(runs):
            total[r] = 0.0
        for e in range(ptr[p], ptr[p + 1]):
            prefetch(flat, row[min(e + AHEAD, last)] * runs)
            k = row[e]
            a = value[e]
            for r in range(runs):
                total[r] += a * work[k, r]
        for r in range(runs):
            out[r, p] = total[r]


@lru_cache(maxsize=1)
def kernels() -> SimpleNamespace | None:
    """The compiled loops (Numba imported on first use), or ``None`` without Numba."""
    global prefetch
    try:
        prefetch = prefetch_intrinsic()  # the loops above compile with the real prefetch
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    return compile_loops(to_rows=_to_rows, to_lines=_to_lines)


class RunsProducts:
    """``A x`` and ``A^T y`` of an ensemble's (R, P) and (R, K) values, one pass over ``A``.

    Args:
        matrix: ``A``, (K, P) CSR of float64 in canonical form (:meth:`usable`).
        loops: :func:`kernels`.
    """

    def __init__(self, matrix: sp.csr_matrix, loops: SimpleNamespace) -> None:
        by_line = matrix.tocsc()  # each line's entries, rows increasing
        by_line.sort_indices()
        self.ptr = by_line.indptr.astype(np.intp)
        self.row = by_line.indices.astype(np.intp)
        self.value = np.ascontiguousarray(by_line.data, dtype=np.float64)
        self.shape = matrix.shape
        self.loops = loops
        self._work: np.ndarray | None = None
        self._total: np.ndarray | None = None

    @staticmethod
    def usable(matrix: sp.spmatrix) -> bool:
        """Whether ``matrix`` is a CSR matrix of floats whose rows hold each line at most once, in order."""
        return matrix.format == "csr" and matrix.dtype == np.float64 and bool(matrix.has_canonical_format)

    def _scratch(self, runs: int) -> tuple[np.ndarray, np.ndarray]:
        if self._work is None or self._work.shape[1] != runs:
            self._work = np.empty((self.shape[0], runs))
            self._total = np.empty(runs)
        return self._work, self._total

    def to_rows(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``A x[r]`` for every row ``r`` of ``x`` (R, P), (R, K)."""
        x = np.ascontiguousarray(x, dtype=np.float64)
        out = np.empty((x.shape[0], self.shape[0])) if out is None else out
        self.loops.to_rows(self.ptr, self.row, self.value, x, self._scratch(x.shape[0])[0], out)
        return out

    def to_lines(self, y: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``A^T y[r]`` for every row ``r`` of ``y`` (R, K), (R, P), into ``out`` if given."""
        y = np.ascontiguousarray(y, dtype=np.float64)
        out = np.empty((y.shape[0], self.shape[1])) if out is None else out
        work, total = self._scratch(y.shape[0])
        self.loops.to_lines(self.ptr, self.row, self.value, y, work, total, out)
        return out
