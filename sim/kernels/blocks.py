"""Blocks of consecutive firms and their pairs, for pair arithmetic that stays in the cache.

Pairs are sorted by buyer, so the firms ``lo..hi`` own the contiguous pairs ``first[lo]..first[hi]``.
A phase that chains several operations over pair arrays (production's input bound, the orders
of the inventory phase) would, on a whole array of P pairs, write each intermediate result to a
fresh P-long temporary: at 1,000,000 firms that is 50 MB a temporary, read back from memory by
the next operation. Done block by block, with blocks of about :data:`PAIRS_PER_BLOCK` pairs
(2 MB a float array), the intermediates stay in the CPU's cache and only the state's own arrays
travel to and from memory. Every operation is elementwise or within one firm's pairs, so the
results are bit-for-bit those of the whole-array computation; an economy with fewer pairs than a
block is one block.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

PAIRS_PER_BLOCK = 1 << 18
"""Pairs per block (2 MB per float64 array); ``bench_phases.py`` measured 50,000 to 200,000 pairs
equally fast at 1,000,000 firms and a whole-array production phase 1.6 times slower."""


@dataclass(frozen=True)
class PairBlock:
    """Firms ``firms`` and their pairs ``pairs`` (slices into firm and pair arrays).

    Attributes:
        firms: The block's firms.
        pairs: The block's pairs.
        pairs_per_firm: Pairs of each of the block's firms.
        starts: First pair (within the block) of each of the block's firms that has pairs.
        has_pairs: Which of the block's firms have pairs; ``None`` when all do.
    """

    firms: slice
    pairs: slice
    pairs_per_firm: np.ndarray
    starts: np.ndarray
    has_pairs: np.ndarray | None

    def spread(self, firm_values: np.ndarray) -> np.ndarray:
        """The block's firm values over their pairs, ``firm_values[..., pair_buyer]`` on the block (new array).

        Firms and pairs are the last axis: (N,) in a run, (R, N) in an ensemble (:mod:`sim.engine.ensemble`).
        """
        return np.repeat(firm_values[..., self.firms], self.pairs_per_firm, axis=-1)

    def firm_min(self, pair_values: np.ndarray) -> np.ndarray:
        """Minimum of the block's pair values over each of its firms' pairs (``inf`` without pairs)."""
        if self.has_pairs is None:
            return np.minimum.reduceat(pair_values, self.starts, axis=-1)
        out = np.full((*pair_values.shape[:-1], self.has_pairs.size), np.inf)
        if pair_values.shape[-1]:
            out[..., self.has_pairs] = np.minimum.reduceat(pair_values, self.starts, axis=-1)
        return out


def pair_blocks(pairs_per_firm: np.ndarray, pairs_per_block: int | None = None) -> list[PairBlock]:
    """Cut the firms into consecutive blocks of at most ``pairs_per_block`` pairs (at least one firm each).

    Args:
        pairs_per_firm: Pairs of each firm (pairs sorted by buyer), (N,).
        pairs_per_block: Most pairs in a block, unless one firm alone has more; by default
            :data:`PAIRS_PER_BLOCK`.

    Returns:
        The blocks, covering every firm and every pair in order.
    """
    pairs_per_block = PAIRS_PER_BLOCK if pairs_per_block is None else pairs_per_block
    n = pairs_per_firm.size
    first = np.concatenate(([0], np.cumsum(pairs_per_firm)))
    cuts = [0]
    while cuts[-1] < n:
        lo = cuts[-1]
        hi = int(np.searchsorted(first, first[lo] + pairs_per_block, side="right")) - 1
        cuts.append(min(n, max(hi, lo + 1)))
    blocks = []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        counts = pairs_per_firm[lo:hi]
        has = counts > 0
        local = first[lo:hi] - first[lo]
        blocks.append(
            PairBlock(
                firms=slice(lo, hi),
                pairs=slice(int(first[lo]), int(first[hi])),
                pairs_per_firm=counts,
                starts=local[has],
                has_pairs=None if has.all() else has,
            )
        )
    return blocks
