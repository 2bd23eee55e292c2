"""The supplier matrix ``M`` and its two matrix-vector products, laid out for the cache on large networks.

A step computes ``D = M O`` (the orders of all pairs, summed by supplier) and ``r = M^T f`` (the
fill rates of suppliers, averaged over each pair's suppliers with its shares), where ``M`` is
the (N, P) supplier matrix of :class:`sim.economy.network.SupplyNetwork`. Pairs are numbered by buyer,
so the customers of one supplier sit anywhere among the P pairs: each link reads or writes a
different cache line of a P-long array. While the pair arrays fit in the CPU's last-level cache
(about 2 million pairs, 16 MB, on the machines measured) that costs nothing; beyond it every link
is a trip to memory, and the two products go from about 2 to about 7 ns per link.

Large networks therefore use the same matrix with its pairs regrouped, ``M_s = M Pi``: within
each run of :data:`sim.kernels.blocks.PAIRS_PER_BLOCK` consecutive pairs (2 MB of a pair array),
the pairs are sorted by input sector, stably. A supplier of sector j serves only pairs of input
j, so its customers now lie in the sector-j part of each run: together a twenty-eighth of the
pairs on average, instead of anywhere among all of them. Then

    ``M O = M_s (Pi^T O)``  and  ``M^T f = Pi (M_s^T f)``,

two products whose random accesses stay within that part, plus two permutations that read and
write within one run at a time (a run fits the cache). The permutation keeps the order of a
supplier's pairs (all of one sector, in buyer order), and each pair keeps its suppliers, so
every sum is taken over the same terms in the same order: both layouts give bit-for-bit the
same results (tested), and only their speed differs. Measured at 1,000,000 firms
(``benchmarks/bench_phases.py``): the two products 70-87 ms in the plain layout, 32-39 ms in
this one, plus 7 and 6 ms for the permutations.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.kernels import fused, spmm
from sim.kernels.blocks import PAIRS_PER_BLOCK
from sim.kernels.matvec import MatVec

if TYPE_CHECKING:
    from sim.economy.network import SupplyNetwork

BLOCKED_FROM_PAIRS = 2_000_000
"""Networks with at least this many pairs use the sector-blocked layout (16 MB per pair array:
the size beyond which ``bench_phases.py`` measured the plain layout's products slowing down)."""


@dataclass(frozen=True)
class SectorLayout:
    """The supplier matrix with its pairs regrouped by input sector (read-only, shared by runs).

    Attributes:
        sector_order: ``sector_order[i]`` is the pair in position ``i`` of the new order: pairs
            by sector within each run of :data:`sim.kernels.blocks.PAIRS_PER_BLOCK` pairs.
        position_of: Its inverse: the position of each pair.
        matrix: ``M_s = M Pi``, (N, P) CSR (:meth:`moved`).
    """

    sector_order: np.ndarray
    position_of: np.ndarray
    matrix: sp.csr_matrix

    @classmethod
    def of(cls, supplier_of_pair: sp.csr_matrix, pair_sector: np.ndarray) -> SectorLayout:
        """The layout of ``M`` (CSR with sorted indices) given each pair's input sector."""
        n_pairs = supplier_of_pair.shape[1]
        # Sector by sector within each run of PAIRS_PER_BLOCK pairs, so that regrouping reads and
        # writes within a block that fits the cache (a supplier's pairs keep their order either way).
        block = np.arange(n_pairs, dtype=np.int64) // PAIRS_PER_BLOCK
        key = block * (int(pair_sector.max(initial=0)) + 1) + pair_sector
        # Both permutations as intp: np.take converts other index types to a fresh intp array first.
        sector_order = np.argsort(key, kind="stable").astype(np.intp)
        del block, key
        position_of = np.empty(n_pairs, dtype=np.intp)
        position_of[sector_order] = np.arange(n_pairs, dtype=np.intp)
        for array in (sector_order, position_of):
            array.setflags(write=False)
        return cls(sector_order, position_of, _moved(supplier_of_pair, position_of))

    def moved(self, matrix: sp.csr_matrix) -> sp.csr_matrix:
        """``A Pi``: a CSR matrix over pairs (columns) with each column moved to its pair's position.

        The values and row pointers are shared with ``matrix``. The order of a row's entries is
        kept when all of them are pairs of one sector (as for a supplier's customers), so a
        product sums the same terms in the same order.
        """
        return _moved(matrix, self.position_of)


_LAYOUTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def sector_layout(network: SupplyNetwork) -> SectorLayout:
    """The sector layout of a network's supplier matrix, derived once per network and shared by its
    runs (kept while the network lives; the network itself knows nothing of it)."""
    layout = _LAYOUTS.get(network)
    if layout is None:
        layout = _LAYOUTS[network] = SectorLayout.of(network.supplier_of_pair, network.pair_sector)
    return layout


def _moved(matrix: sp.csr_matrix, position_of: np.ndarray) -> sp.csr_matrix:
    indices = position_of[matrix.indices].astype(matrix.indices.dtype)
    indices.setflags(write=False)
    return sp.csr_matrix((matrix.data, indices, matrix.indptr), shape=matrix.shape)


class PairMatrix:
    """``A x`` and ``A^T y`` for a fixed CSR matrix ``A`` whose columns are pairs, in one run.

    With a layout the products run on ``A Pi`` (:meth:`SectorLayout.moved`) through the run's
    work array: ``A x = (A Pi)(Pi^T x)`` and ``A^T y = Pi (A Pi)^T y``. Without one, an
    ensemble's (runs, P) and (runs, R) values go through one compiled pass over ``A`` for all
    runs (:class:`sim.kernels.spmm.RunsProducts`, the same sums bit for bit) when the compiled
    loops are on (:data:`sim.kernels.fused.USE_NUMBA`).

    Args:
        matrix: The matrix the products multiply by: ``A`` (R, P), CSR, float64, or with a layout
            ``A Pi``.
        layout: The sector layout, or ``None`` for the plain products.
        work: A pair array the products may overwrite (may be shared by the run's products).
    """

    def __init__(
        self, matrix: sp.csr_matrix, layout: SectorLayout | None = None, work: np.ndarray | None = None
    ) -> None:
        self.layout = layout
        if layout is not None:
            self._work = np.empty(matrix.shape[1]) if work is None else work
        self._to_rows = MatVec(matrix)
        self._to_pairs = MatVec(matrix.T)  # a CSC view of the same arrays (no copy)
        self._runs: spmm.RunsProducts | None | bool = None  # built on an ensemble's first product

    def _runs_products(self, values: np.ndarray) -> spmm.RunsProducts | None:
        """The all-runs products for an ensemble's 2-D ``values`` (plain layout, compiled loops on), else ``None``."""
        if values.ndim != 2 or self.layout is not None or not fused.USE_NUMBA or values.dtype != np.float64:
            return None
        if self._runs is None:
            matrix, loops = self._to_rows.matrix, spmm.kernels()
            ok = loops is not None and spmm.RunsProducts.usable(matrix)
            self._runs = spmm.RunsProducts(matrix, loops) if ok else False
        return self._runs or None

    def sum_to_rows(self, pair_values: np.ndarray) -> np.ndarray:
        """``A x``: pair values summed into the rows, (R,); for an ensemble's (runs, P) values, (runs, R)."""
        if self.layout is None:
            runs = self._runs_products(pair_values)
            if runs is not None:
                return runs.to_rows(pair_values)
            return self._to_rows(pair_values)
        # mode="wrap": the indices are valid, and "raise" would buffer the output (numpy's docs).
        work = self._work_for(pair_values.shape)
        np.take(pair_values, self.layout.sector_order, axis=-1, out=work, mode="wrap")
        return self._to_rows(work)

    def gather_to_pairs(self, row_values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``A^T y``: row values gathered onto the pairs, (P,), into ``out`` if given; (runs, P) for (runs, R)."""
        if self.layout is None:
            runs = self._runs_products(row_values)
            if runs is not None and (out is None or (out.flags.c_contiguous and out.dtype == np.float64)):
                return runs.to_lines(row_values, out=out)
            return self._to_pairs(row_values, out=out)
        moved = self._to_pairs(row_values, out=self._work_for((*row_values.shape[:-1], self._work.size)))
        return np.take(moved, self.layout.position_of, axis=-1, out=out, mode="wrap")

    def _work_for(self, shape: tuple[int, ...]) -> np.ndarray:
        """The work array, or for an ensemble's (runs, P) values a work array of that shape (kept)."""
        if shape == self._work.shape:
            return self._work
        if getattr(self, "_runs_work", None) is None or self._runs_work.shape != shape:
            self._runs_work = np.empty(shape)
        return self._runs_work


class SupplierMatrix(PairMatrix):
    """``M O`` (:meth:`sum_to_suppliers`) and ``M^T f`` (:meth:`gather_to_pairs`) for a network's supplier matrix.

    Args:
        network: The supply network; its :func:`sector_layout`, derived once per network, serves
            the blocked layout.
        blocked: Use the sector-blocked layout; by default when the network has at least
            :data:`BLOCKED_FROM_PAIRS` pairs.
    """

    def __init__(self, network: SupplyNetwork, blocked: bool | None = None) -> None:
        self.blocked = network.n_pairs >= BLOCKED_FROM_PAIRS if blocked is None else blocked
        if self.blocked:
            layout = sector_layout(network)
            super().__init__(layout.matrix, layout)
        else:
            super().__init__(network.supplier_of_pair)

    def sum_to_suppliers(self, pair_values: np.ndarray) -> np.ndarray:
        """``M O``: pair values (orders) summed by supplier with the pairs' shares, (N,)."""
        return self.sum_to_rows(pair_values)

    def same_layout(self, matrix: sp.csr_matrix) -> PairMatrix:
        """Another matrix over the same pairs, in this matrix's layout and work array."""
        if not self.blocked:
            return PairMatrix(matrix)
        return PairMatrix(self.layout.moved(matrix), self.layout, work=self._work)
