"""Arithmetic over input lines, the one interface the phases use for pair-level work.

An *input line* (a pair) is one buyer firm's purchases of one input sector. Firm arrays have shape
(N,), line arrays shape (P,); lines are numbered by buyer, so a firm's lines are contiguous. The
phases need four operations, and :class:`InputLines` offers exactly these:

- **spread** a firm's value over its input lines: ``v[buyer(p)]`` (:meth:`InputLines.spread`, and
  :meth:`LineBlock.spread` inside a rule);
- the **minimum over a firm's inputs** of a line rule: ``min_{p of k} rule(p)``
  (:meth:`InputLines.min_over_inputs`); and a line rule written to every line
  (:meth:`InputLines.each_line`);
- **gather suppliers' values** onto the lines that buy from them, weighted by the line's shares:
  ``(M^T f)_p = sum_k M[k, p] f_k`` (:meth:`InputLines.gather_from_suppliers`, and
  :meth:`InputLines.receipts`: orders times the suppliers' fill rates);
- **sum lines into their suppliers**: ``(M O)_k = sum_p M[k, p] O_p``
  (:meth:`InputLines.sum_to_suppliers`).

A *rule* is a function of a :class:`LineBlock` returning one value per line of the block, written
with :meth:`LineBlock.of` (a line array on the block) and :meth:`LineBlock.spread` (a firm array
spread on the block), so it reads as the equation for one line. How the work is cut is hidden
here: rules run block by block over consecutive firms (:mod:`sim.kernels.blocks`, so their
temporaries stay in the CPU cache), and the supplier products use the sector layout on large
networks (:mod:`sim.kernels.supplier_matrix`). Every operation is elementwise or within one
firm's lines and sums the same terms in the same order in every layout, so results are bit for
bit those of the whole-array formulas.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import scipy.sparse as sp

from sim.economy.network import SupplyNetwork
from sim.kernels.blocks import PairBlock, pair_blocks
from sim.kernels.supplier_matrix import PairMatrix, SupplierMatrix


class LineBlock:
    """The input lines of a block of consecutive firms, as a rule sees them."""

    __slots__ = ("_block",)

    def __init__(self, block: PairBlock) -> None:
        self._block = block

    def of(self, line_values: np.ndarray) -> np.ndarray:
        """A line array on this block's lines (a view); lines are the last axis ((R, P) in an ensemble)."""
        return line_values[..., self._block.pairs]

    def spread(self, firm_values: np.ndarray) -> np.ndarray:
        """A firm array spread over this block's lines, ``v[buyer(p)]`` (a new array)."""
        return self._block.spread(firm_values)


Rule = Callable[[LineBlock], np.ndarray]
"""A line rule: one value per line of the block it is given."""


class InputLines:
    """The input lines of a network, and the arithmetic between them, their buyers and their suppliers.

    Args:
        network: The supply network.
        blocked: Use the sector layout for the supplier products (default: on large networks,
            :data:`sim.kernels.supplier_matrix.BLOCKED_FROM_PAIRS`).
        pairs_per_block: Lines per block of the rules (default
            :data:`sim.kernels.blocks.PAIRS_PER_BLOCK`).
    """

    def __init__(self, network: SupplyNetwork, blocked: bool | None = None, pairs_per_block: int | None = None) -> None:
        self.n_firms = network.supplier_of_pair.shape[0]
        self.n_lines = network.n_pairs
        self.buyer = network.pair_buyer
        self.lines_per_firm = np.bincount(network.pair_buyer, minlength=self.n_firms)
        self.first = np.concatenate(([0], np.cumsum(self.lines_per_firm))).astype(np.int64)
        """``first[k]``: the first line of firm ``k`` (its lines are ``first[k] .. first[k + 1] - 1``), (N + 1,)."""
        self.first.setflags(write=False)
        self._blocks = [LineBlock(block) for block in pair_blocks(self.lines_per_firm, pairs_per_block)]
        self.suppliers = SupplierMatrix(network, blocked)

    def spread(self, firm_values: np.ndarray) -> np.ndarray:
        """``v[buyer(p)]``: a firm array spread over every firm's lines, (P,) (a new array)."""
        return np.repeat(firm_values, self.lines_per_firm, axis=-1)

    def min_over_inputs(self, rule: Rule) -> np.ndarray:
        """``min_{p of k} rule(p)`` for every firm ``k`` (``inf`` for a firm without lines), (N,)."""
        out = None
        for lines in self._blocks:
            block = lines._block
            values = block.firm_min(rule(lines))
            if out is None:  # (N,), or (R, N) for an ensemble's rule values (R, lines)
                out = np.empty((*values.shape[:-1], self.n_firms))
            out[..., block.firms] = values
        return out

    def each_line(self, rule: Rule, out: np.ndarray) -> np.ndarray:
        """``rule(p)`` for every line, written into ``out`` (a line array, (P,)), which is returned."""
        for lines in self._blocks:
            out[..., lines._block.pairs] = rule(lines)
        return out

    def sum_to_suppliers(self, line_values: np.ndarray) -> np.ndarray:
        """``(M O)_k``: line values summed into each supplier with the lines' shares, (N,) (a new array)."""
        return self.suppliers.sum_to_suppliers(line_values)

    def gather_from_suppliers(self, supplier_values: np.ndarray) -> np.ndarray:
        """``(M^T f)_p``: suppliers' values averaged onto each line with its shares, (P,) (a new array)."""
        return self.suppliers.gather_to_pairs(supplier_values)

    def receipts(self, orders: np.ndarray, fill: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``O_p (M^T f)_p``: each line's order times its suppliers' fill rate, written into ``out``.

        ``out`` (a line array, not ``orders``) receives the result; its old values are not read.
        """
        self.suppliers.gather_to_pairs(fill, out=out)
        out *= orders
        return out

    def same_layout(self, matrix: sp.csr_matrix) -> PairMatrix:
        """Products by another matrix over the same lines, in the suppliers' layout (priority classes)."""
        return self.suppliers.same_layout(matrix)
