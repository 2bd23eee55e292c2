"""Sparse matrix-vector products through scipy's compiled kernels, without the ``@`` dispatch.

A step multiplies the supplier matrix ``M`` (CSR) and its transpose (a CSC view of the same arrays)
by a vector twice. On small economies (hundreds of firms) scipy's operator dispatch (type checks,
shape checks, format lookup) costs about as much as the product itself; :class:`MatVec` checks
the matrix once and then calls the same kernel ``A @ x`` calls (``csr_matvec`` or ``csc_matvec``,
which accumulate into a zeroed output), so the results are identical.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

try:  # scipy's private kernel module; fall back to ``@`` if a scipy release moves it
    from scipy.sparse import _sparsetools
except ImportError:  # pragma: no cover
    _sparsetools = None


class MatVec:
    """``x -> A @ x`` for a fixed CSR or CSC matrix of floats and float vectors.

    Args:
        matrix: The matrix (CSR or CSC, float64 data); it must not change afterwards.
    """

    def __init__(self, matrix: sp.csr_matrix | sp.csc_matrix) -> None:
        self.matrix = matrix
        self.shape = matrix.shape
        fmt = matrix.format
        ok = _sparsetools is not None and fmt in ("csr", "csc") and matrix.dtype == np.float64
        self._kernel = getattr(_sparsetools, f"{fmt}_matvec") if ok else None
        if ok:
            self._args = (*matrix.shape, matrix.indptr, matrix.indices, matrix.data)

    def __call__(self, x: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``A @ x`` for a float64 vector ``x`` of length ``A.shape[1]``, or for each row of ``x``.

        Args:
            x: The vector, or (R, ``A.shape[1]``) rows (the runs of an ensemble): the product of
                each row with the same kernel, so each row's result is the vector's, bit for bit.
            out: Where to write the product (float64, length ``A.shape[0]``, not ``x``); a new
                array if ``None``. Reusing one saves allocating and page-faulting a large output.
        """
        if x.ndim == 2 and x.shape[1] == self.shape[1]:  # an ensemble's runs (sim.engine.ensemble), row by row
            if out is None:
                out = np.empty((x.shape[0], self.shape[0]))
            for row, into in zip(x, out, strict=True):
                self(row, out=into)
            return out
        if self._kernel is None or x.dtype != np.float64 or x.shape != (self.shape[1],):
            if out is None:
                return self.matrix @ x
            out[...] = self.matrix @ x
            return out
        if out is None:
            out = np.zeros(self.shape[0])
        else:
            out.fill(0.0)
        self._kernel(*self._args, x, out)
        return out
