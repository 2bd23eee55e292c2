"""Re-routing in an ensemble: each run's own routing, its products taken run by run.

An ensemble (:mod:`sim.engine.ensemble`) steps R runs with state arrays (R, N) and (R, P). Each
run re-routes as a run alone does (:mod:`sim.engine.reroute`): its own reliability row
``State.reliability[r]`` and its own :class:`~sim.engine.reroute.Routing` over its own order
shares (an (L,) array of its own, not a row of an (R, L) one: scipy copies the data of a sparse
matrix that views a small part of a larger array, and the routed matrices must hold the shares
the router rewrites), made the first step one of its suppliers is not trusted fully (runs that
never meet a shortage cost no routing). ``State.route_share`` stays empty in an ensemble. The
products of a step are the plan's for the whole (R, P) block (every run at base shares gets
what a run alone gets from the plan's lines, row for row), with the rows of the runs off their
base shares replaced by their own routing's products of their own row: the same calls on the
same values as in a run alone, so run ``r`` stays equal to ``sim.run`` bit for bit
(``tests/test_ensemble.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.engine.reroute import TRUSTED, Routing, fill_rate, route_index, smooth
from sim.kernels import fused, routes
from sim.kernels.routes import Scratch

if TYPE_CHECKING:
    from sim.engine.plan import RunPlan


class EnsembleRouting:
    """The routings of R runs, each over its own order shares.

    Args:
        plan: The run plan shared by the ensemble.
        runs: The number of runs R.
    """

    def __init__(self, plan: RunPlan, runs: int) -> None:
        self.plan = plan
        self.lines, self.base_class = plan.lines, plan.class_matrix
        self.runs: list[Routing | None] = [None] * runs
        self.weight = plan.rates.reroute
        # The routers' per-link work in compiled loops (sim.kernels.routes), with one set of work arrays.
        network = plan.world.network
        compiled = fused.USE_NUMBA and routes.kernels() is not None
        self.scratch = Scratch(network.route_of_pair.nnz, network.n_pairs, plan.world.n_firms) if compiled else None
        if compiled:  # what judge_runs finds of each run's suppliers (sim.kernels.routes)
            self.supplier_ptr = route_index(network).supplier_ptr
            self.distrusted = np.empty((runs, plan.world.n_firms), dtype=np.intp)
            self.count = np.empty(runs, dtype=np.intp)
            self.served = np.empty(runs, dtype=np.intp)
            self.lowest = np.empty(runs, dtype=np.intp)

    @property
    def off_base(self) -> list[int]:
        """The runs whose shares are off base this step."""
        return [r for r, routing in enumerate(self.runs) if routing is not None and not routing.at_base]

    @property
    def at_base(self) -> bool:
        """Every run at its base shares."""
        return not self.off_base

    def update(self, reliability: np.ndarray, fill: np.ndarray) -> None:
        """Each run's ``Router.update`` on its own rows of ``reliability`` and ``fill``, (R, N)."""
        for r, routing in enumerate(self.runs):
            if routing is not None:
                routing.update(reliability[r], fill[r])
                continue
            row = reliability[r]
            smooth(row, fill[r], self.weight)  # what the run's router would do (it has no state yet)
            if np.minimum.reduce(row, initial=1.0) < 1.0:
                share = self.plan.world.network.route_base.copy()
                routing = self.runs[r] = Routing(self.plan, share, scratch=self.scratch)
                routing.router.set_shares(row)

    def judge(self, reliability: np.ndarray, output: np.ndarray, intermediate: np.ndarray) -> None:
        """:meth:`update` with this step's fill rates on orders, ``f = min(1, x / I)`` (1 where ``I = 0``), (R, N).

        With the compiled loops, every run's fill rates, smoothing and distrusted suppliers come
        from one pass over the ensemble (:func:`sim.kernels.routes.kernels`' ``judge_runs``, the
        same values as :func:`~sim.engine.reroute.fill_rate` and :func:`~sim.engine.reroute.smooth`),
        and each run's router sets its shares from them (:meth:`Router.set_shares_of`).
        """
        if self.scratch is None:
            self.update(reliability, fill_rate(output, intermediate))
            return
        loops = routes.kernels()
        count, served, lowest = self.count, self.served, self.lowest
        found = (self.distrusted, count, served, lowest)
        loops.judge_runs(reliability, output, intermediate, self.weight, TRUSTED, self.supplier_ptr, *found)
        for r, routing in enumerate(self.runs):
            if routing is None:
                if lowest[r] != 0:  # every supplier trusted (or a NaN): no routing yet, as in update
                    continue
                share = self.plan.world.network.route_base.copy()
                routing = self.runs[r] = Routing(self.plan, share, scratch=self.scratch)
            distrusted = self.distrusted[r, : count[r]]
            routing.router.set_shares_of(reliability[r], distrusted, int(served[r]), bool(lowest[r] == 1))

    def sum_to_suppliers(self, line_values: np.ndarray) -> np.ndarray:
        """``(M O)_k`` of every run over its own shares, (R, N)."""
        out = self.lines.sum_to_suppliers(line_values)
        for r in self.off_base:
            routing = self.runs[r]
            if routing.few:  # the plan's product of the run's row, plus its change (as Routing does)
                routing.add_change_to_suppliers(line_values[r], out[r])
            else:
                out[r] = routing.sum_to_suppliers(line_values[r])
        return out

    def gather_from_suppliers(self, supplier_values: np.ndarray) -> np.ndarray:
        """``(M^T f)_p`` of every run over its own shares, (R, P)."""
        return self._gather(supplier_values, None)

    def receipts(self, orders: np.ndarray, fill: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``O_p (M^T f)_p`` of every run, written into ``out`` (R, P)."""
        self._gather(fill, out)
        out *= orders
        return out

    def _gather(self, supplier_values: np.ndarray, out: np.ndarray | None) -> np.ndarray:
        """``(M^T f)_p`` of every run, into ``out`` if given."""
        out = self.lines.suppliers.gather_to_pairs(supplier_values, out=out)
        for r in self.off_base:
            routing = self.runs[r]
            if routing.few:
                routing.add_change_to_pairs(supplier_values[r], out[r])
            else:
                routing.suppliers.gather_to_pairs(supplier_values[r], out=out[r])
        return out

    def class_products(self) -> _EnsembleClass | None:
        """The class matrix's products run by run (priority rationing)."""
        return None if self.base_class is None else _EnsembleClass(self)


class _EnsembleClass:
    """The class matrix's two products: the plan's for the block, the routed runs' rows their own."""

    def __init__(self, routing: EnsembleRouting) -> None:
        self.routing = routing

    def sum_to_rows(self, line_values: np.ndarray) -> np.ndarray:
        routing = self.routing
        out = routing.base_class.sum_to_rows(line_values)
        for r in routing.off_base:
            out[r] = routing.runs[r].class_products().sum_to_rows(line_values[r])
        return out

    def gather_to_pairs(self, row_values: np.ndarray) -> np.ndarray:
        routing = self.routing
        out = routing.base_class.gather_to_pairs(row_values)
        for r in routing.off_base:
            out[r] = routing.runs[r].class_products().gather_to_pairs(row_values[r])
        return out
