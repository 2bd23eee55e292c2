"""The firm population: who is where, in which sector, and how big.

Firms are rows of arrays, sorted by (sector, province) so that the firms of one cell are
contiguous. Sizes within a cell are right-skewed (lognormal weights, Axtell 2001 finds firm sizes
close to Zipf; a lognormal with sigma ~1.2 is a common, well-behaved stand-in).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.economy.cell_economy import Economy


@dataclass
class Firms:
    """Static attributes of every firm.

    Attributes:
        province: Province index of each firm, shape (N,).
        sector: Sector index of each firm, shape (N,).
        cell: Flat cell index ``sector * P + province``, shape (N,).
        weight: Size weight within the cell, summing to 1 over the cell's firms, shape (N,).
        cell_start: Index of the first firm of each flat cell, shape (S * P + 1,).
    """

    province: np.ndarray
    sector: np.ndarray
    cell: np.ndarray
    weight: np.ndarray
    cell_start: np.ndarray

    @property
    def n(self) -> int:
        return int(self.province.size)


def build_firms(economy: Economy, rng: np.random.Generator, size_sigma: float = 1.2) -> Firms:
    """Place the firms of every cell and draw their sizes.

    Args:
        economy: The cell-level economy; ``firm_counts[p, s]`` firms go to cell (p, s).
        rng: The run's generator.
        size_sigma: Lognormal sigma of firm size weights within a cell (0: equal sizes).

    Returns:
        The firm population, sorted by (sector, province).
    """
    n_p = economy.n_provinces
    counts = economy.firm_counts.T.reshape(-1)  # flat cell = s * P + p
    cell = np.repeat(np.arange(counts.size), counts)
    raw = rng.lognormal(mean=0.0, sigma=size_sigma, size=cell.size) if size_sigma > 0 else np.ones(cell.size)
    totals = np.bincount(cell, weights=raw, minlength=counts.size)
    weight = raw / totals[cell]
    cell_start = np.concatenate(([0], np.cumsum(counts)))
    return Firms(
        province=(cell % n_p).astype(np.int64),
        sector=(cell // n_p).astype(np.int64),
        cell=cell.astype(np.int64),
        weight=weight,
        cell_start=cell_start.astype(np.int64),
    )
