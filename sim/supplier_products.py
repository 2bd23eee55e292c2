"""The step's two products with the supplier matrix, laid out for the cache on large networks.

A step computes ``D = M O`` (the orders of all pairs, summed by supplier) and ``r = M^T f`` (the
fill rates of suppliers, averaged over each pair's suppliers with its shares), where ``M`` is
the (N, P) supplier matrix of :class:`sim.network.SupplyNetwork`. Pairs are numbered by buyer,
so the customers of one supplier sit anywhere among the P pairs: each link reads or writes a
different cache line of a P-long array. While the pair arrays fit in the CPU's last-level cache
(about 2 million pairs, 16 MB, on the machines measured) that costs nothing; beyond it every link
is a trip to memory, and the two products go from about 2 to about 7 ns per link.

Large networks therefore use the same matrix with its pairs regrouped, ``M_s = M Pi``: within
each run of :data:`sim.pair_blocks.PAIRS_PER_BLOCK` consecutive pairs (2 MB of a pair array),
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

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.matvec import MatVec
from sim.pair_blocks import PAIRS_PER_BLOCK

BLOCKED_FROM_PAIRS = 2_000_000
"""Networks with at least this many pairs use the sector-blocked layout (16 MB per pair array:
the size beyond which ``bench_phases.py`` measured the plain layout's products slowing down)."""


@dataclass(frozen=True)
class SectorLayout:
    """The supplier matrix with its pairs regrouped by input sector (read-only, shared by runs).

    Attributes:
        sector_order: ``sector_order[i]`` is the pair in position ``i`` of the new order: pairs
            by sector within each run of :data:`sim.pair_blocks.PAIRS_PER_BLOCK` pairs.
        position_of: Its inverse: the position of each pair.
        matrix: ``M_s = M Pi``, (N, P) CSR: ``M``'s values and row pointers, each column index
            moved to its pair's position (still increasing within a row, since a supplier's pairs
            are all of its own sector).
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
        indices = position_of[supplier_of_pair.indices].astype(supplier_of_pair.indices.dtype)
        matrix = sp.csr_matrix((supplier_of_pair.data, indices, supplier_of_pair.indptr), shape=supplier_of_pair.shape)
        for array in (sector_order, position_of, indices):
            array.setflags(write=False)
        return cls(sector_order, position_of, matrix)


class SupplierProducts:
    """``M O`` and ``M^T f`` for a fixed supplier matrix, in one run (it holds the run's work array).

    Args:
        supplier_of_pair: ``M``, (N, P) CSR, float64.
        pair_sector: Input sector of each pair, (P,).
        blocked: Use the sector-blocked layout; by default when the network has at least
            :data:`BLOCKED_FROM_PAIRS` pairs.
        layout: The sector-blocked layout if already derived (:attr:`sim.network.SupplyNetwork.sector_layout`
            keeps one per network); derived here if ``None`` and needed.
    """

    def __init__(
        self,
        supplier_of_pair: sp.csr_matrix,
        pair_sector: np.ndarray,
        blocked: bool | None = None,
        layout: SectorLayout | None = None,
    ) -> None:
        n_pairs = supplier_of_pair.shape[1]
        self.blocked = n_pairs >= BLOCKED_FROM_PAIRS if blocked is None else blocked
        matrix = supplier_of_pair if supplier_of_pair.has_sorted_indices else supplier_of_pair.sorted_indices()
        if self.blocked:
            self.layout = layout or SectorLayout.of(matrix, pair_sector)
            matrix = self.layout.matrix
            self._pair_work = np.empty(n_pairs)
        self._to_suppliers = MatVec(matrix)
        self._to_pairs = MatVec(matrix.T)  # a CSC view of the same arrays (no copy)

    def to_suppliers(self, pair_values: np.ndarray) -> np.ndarray:
        """``M O``: pair values (orders) summed by supplier with the pairs' shares, (N,)."""
        if not self.blocked:
            return self._to_suppliers(pair_values)
        # mode="wrap": the indices are valid, and "raise" would buffer the output (numpy's docs).
        np.take(pair_values, self.layout.sector_order, out=self._pair_work, mode="wrap")
        return self._to_suppliers(self._pair_work)

    def to_pairs(self, supplier_values: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        """``M^T f``: supplier values (fill rates) averaged over each pair's suppliers, (P,).

        Args:
            supplier_values: One value per supplier firm, (N,).
            out: Pair array to write into (not ``supplier_values``); a new array if ``None``.
        """
        if not self.blocked:
            return self._to_pairs(supplier_values, out=out)
        by_sector = self._to_pairs(supplier_values, out=self._pair_work)
        return np.take(by_sector, self.layout.position_of, out=out, mode="wrap")
