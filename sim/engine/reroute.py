"""Re-routing: buyers move orders away from suppliers that cannot deliver, and back.

Every pair (a buyer's input) has its drawn suppliers, with base shares ``b_e`` summing to one
(:mod:`sim.network`), and standby suppliers of the same input drawn with them when the network
is built; ``s_e`` is a size weight over all of them, drawn and standby (summing to one over the
pair). A buyer judges each supplier ``k`` by its fill rate on orders ``f_k = min(1, x_k / I_k)``,
smoothed with the time constant ``T_r`` (``reroute_months``):

    ``rho_k <- rho_k + (1 - exp(-dt / T_r)) (f_k - rho_k)``, set to 1 from ``1 - 10^-4`` up,

so a supplier that stops delivering loses its customers' orders gradually (a buyer needs time
to notice and to qualify another supplier), and wins them back as it delivers again. The share
of pair ``p``'s order placed on link ``e = (p, k)`` is

    ``w_e = b_e rho_k + s_e rho_k L_p / C_p``,  ``L_p = sum_e b_e (1 - rho_k)``,  ``C_p = sum_e s_e rho_k``:

the part of its order a buyer no longer trusts its suppliers with (``L_p``) goes to all the
pair's suppliers in proportion to their size and reliability; ``sum_e w_e = 1``. With every
``rho = 1`` the shares are the base shares exactly, so a run without shortages is unchanged.
Where no supplier of the pair delivers at all (``C_p = 0``) the base shares stand.

Sources: buyers substituting other suppliers of the same input within their network after a
disruption, as in Inoue and Todo (2019, Nature Sustainability 2, 841-847) and the supplier
re-selection of DisruptSC (Colon, Hallegatte and Rozenberg 2021, Nature Sustainability 4,
209-215); Acclimate (Otto, Willner, Wenz, Frieler and Levermann 2017, JEDC 83, 232-269) and
BoARIO (``order_type = "alt"``: orders shared over supplier regions by their current
production capacity) shift demand toward suppliers that can deliver.

Only a firm's own links are read, and nothing is drawn at run time: runs stacked in one set of
arrays (block-diagonal networks) give the same results as single runs.

The shares are the run's state (``State.route_share``, with ``State.reliability``); the products
over them (:class:`Routing`) live with it. Phases ask :func:`suppliers_now` for the products of
the step: the plan's input lines while every supplier is trusted fully (the same sums, the
standby links' shares being zero), the routed ones otherwise.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

from sim.economy.network import SupplyNetwork
from sim.kernels import routes
from sim.kernels.matvec import MatVec
from sim.kernels.supplier_matrix import PairMatrix

if TYPE_CHECKING:
    from sim.engine.plan import RunPlan
    from sim.engine.state import State

TRUSTED = 1.0 - 1e-4
"""A supplier whose smoothed fill rate reaches this is trusted fully again (``rho = 1``)."""


FEW_LINKS = 10
"""Recompute only the lines of the distrusted suppliers when they serve under 1/FEW_LINKS of the links."""


@dataclass(frozen=True)
class RouteIndex:
    """The link structure of a network's ``route_of_pair``, read-only, shared by the runs of the network.

    Attributes:
        per_pair: Links of each line, (P,).
        link_supplier: Supplier of each link, (L,) intp.
        link_pair: Line of each link, (L,) intp.
        pair_ptr: First link of each line, and L last, (P + 1,).
        supplier_ptr: First position of each supplier in ``supplier_pairs``, and L last, (N + 1,).
        supplier_pairs: The lines each supplier serves, supplier by supplier, (L,).
        table: Each link's base share, standby size and supplier (as a float), (L, 3): what the
            compiled router reads of a link, in one place (:mod:`sim.kernels.routes`).
        lost_of: ``B^T``: ``x -> sum_e b_e x_k(e)`` by line.
        capacity_of: ``S^T``: ``x -> sum_e s_e x_k(e)`` by line.
    """

    per_pair: np.ndarray
    link_supplier: np.ndarray
    link_pair: np.ndarray
    pair_ptr: np.ndarray
    supplier_ptr: np.ndarray
    supplier_pairs: np.ndarray
    table: np.ndarray
    lost_of: MatVec
    capacity_of: MatVec


_INDEXES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def route_index(network: SupplyNetwork) -> RouteIndex:
    """The :class:`RouteIndex` of a network, derived once and kept while the network lives."""
    index = _INDEXES.get(network)
    if index is None:
        route = network.route_of_pair  # CSC: each pair's links contiguous
        per_pair = np.diff(route.indptr)
        # Sums over each pair's links as compiled sparse products: L = B^T (1 - rho), C = S^T rho.
        pattern = (route.indices, route.indptr)
        by_supplier = route.tocsr()  # each supplier's links contiguous: the lines it serves
        index = RouteIndex(
            per_pair=per_pair,
            link_supplier=route.indices.astype(np.intp),  # take wants intp (no conversion per step)
            link_pair=np.repeat(np.arange(route.shape[1], dtype=np.intp), per_pair),
            pair_ptr=route.indptr.astype(np.intp),
            supplier_ptr=by_supplier.indptr.astype(np.intp),
            supplier_pairs=by_supplier.indices.astype(np.intp),
            table=np.column_stack((network.route_base, route.data, route.indices.astype(np.float64))),
            lost_of=MatVec(sp.csc_matrix((network.route_base, *pattern), shape=route.shape).T),
            capacity_of=MatVec(sp.csc_matrix((route.data, *pattern), shape=route.shape).T),
        )
        for array in (index.per_pair, index.link_supplier, index.link_pair, index.pair_ptr):
            array.setflags(write=False)
        for array in (index.supplier_ptr, index.supplier_pairs, index.table):
            array.setflags(write=False)
        _INDEXES[network] = index
    return index


class Router:
    """The re-routing of one run over the network's drawn and standby links.

    Args:
        network: The supply network (with ``route_of_pair``).
        share: The run's order shares on the entries of ``route_of_pair`` (its CSC data order),
            the data array of the run's routed supplier matrix: :meth:`update` rewrites it in place.
        weight: ``1 - exp(-dt / T_r)``, the step's weight of the newest fill rate.
        scratch: Recompute a few lines' shares in a compiled loop (:mod:`sim.kernels.routes`), with
            these work arrays. Then, unless another matrix mirrors the shares (priority rationing),
            ``share`` holds the base shares while only a few lines are off them (:attr:`touched`,
            with their change :attr:`change`): the products add the change to the plan's, and the
            whole ``share`` is set when every line is recomputed.
    """

    def __init__(
        self, network: SupplyNetwork, share: np.ndarray, weight: float, scratch: routes.Scratch | None = None
    ) -> None:
        index = route_index(network)  # the network's link structure, shared by its runs
        self.per_pair = index.per_pair
        self.link_supplier = index.link_supplier
        self.base = network.route_base
        self.standby = network.route_of_pair.data
        self.lost_of, self.capacity_of = index.lost_of, index.capacity_of
        self.supplier_ptr, self.supplier_pairs, self.pair_ptr = index.supplier_ptr, index.supplier_pairs, index.pair_ptr
        self.table = index.table
        self.share = share
        self.weight = weight
        self.at_base = True
        self.touched: np.ndarray | None = np.zeros(0, dtype=np.intp)  # links off base (None: any)
        self.change: np.ndarray | None = None  # w_e - b_e on the touched links, when the compiled loop set them
        self.mirrors: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self.loops = None if scratch is None else routes.kernels()  # the compiled loops (an ensemble's runs)
        self.scratch = scratch

    def mirror(self, data: np.ndarray, order: np.ndarray) -> None:
        """Keep ``data[i] = share[order[i]]`` (another matrix over the same links) after each update."""
        where = np.empty(order.size, dtype=np.intp)
        where[order] = np.arange(order.size)
        self.mirrors.append((data, order, where))

    def update(self, reliability: np.ndarray, fill: np.ndarray) -> None:
        """Smooth the suppliers' reliability with this step's fill rates and set the order shares.

        Args:
            reliability: ``rho`` by firm, updated in place.
            fill: This step's fill rate on orders by firm, ``min(1, x / I)``.
        """
        smooth(reliability, fill, self.weight)
        self.set_shares(reliability)

    def set_shares(self, reliability: np.ndarray) -> None:
        """Set the order shares from the smoothed reliability ``rho`` (:meth:`update`'s second half)."""
        trusted_all = bool(np.minimum.reduce(reliability, initial=1.0) >= 1.0)
        if self.at_base and trusted_all:
            return  # every supplier trusted: the base shares stand
        distrusted = np.flatnonzero(reliability < 1.0)
        served = self.supplier_ptr[distrusted + 1] - self.supplier_ptr[distrusted]
        self.set_shares_of(reliability, distrusted, int(served.sum()), trusted_all)

    def set_shares_of(self, reliability: np.ndarray, distrusted: np.ndarray, served: int, trusted_all: bool) -> None:
        """:meth:`set_shares` given what it reads of ``rho`` (an ensemble finds it for all its runs at once).

        Args:
            reliability: ``rho`` by firm.
            distrusted: The suppliers with ``rho < 1``, increasing.
            served: The links they serve, ``sum_k (supplier_ptr[k + 1] - supplier_ptr[k])``.
            trusted_all: Every ``rho >= 1``.
        """
        if self.at_base and trusted_all:
            return  # every supplier trusted: the base shares stand
        if served * FEW_LINKS < self.share.size:
            self._update_lines_of(distrusted, reliability)  # a few suppliers: only their lines
        else:
            self._update_all(reliability)
        self.at_base = trusted_all

    def _update_all(self, reliability: np.ndarray) -> None:
        share = self.share
        lost = self.lost_of(1.0 - reliability)  # L = sum b (1 - rho), by pair
        capacity = self.capacity_of(reliability)  # C = sum s rho
        none = capacity <= 0.0
        np.divide(lost, capacity, out=lost, where=~none)  # L / C
        np.multiply(self.standby, np.repeat(lost, self.per_pair), out=share)
        share += self.base
        share *= np.take(reliability, self.link_supplier)  # rho (b + s L / C)
        if none.any():
            stuck = np.repeat(none, self.per_pair)
            share[stuck] = self.base[stuck]
        for data, order, _ in self.mirrors:
            np.take(share, order, out=data)
        self.touched = None
        self.change = None

    def _update_lines_of(self, distrusted: np.ndarray, reliability: np.ndarray) -> None:
        """The same shares, computed only on the lines served by ``distrusted`` (the others at base)."""
        share, before = self.share, self.touched
        if before is None:
            share[:] = self.base
        if self.loops is None:
            if before is not None:
                share[before] = self.base[before]
            links, self.change = self._lines_of(distrusted, reliability), None
        else:  # the links of before back at base in the loop
            links = self._compiled_lines_of(before, distrusted, reliability)
        self.touched = links
        for data, order, where in self.mirrors:
            if before is None:
                np.take(share, order, out=data)
            elif links.size == 0:  # every supplier trusted again: all lines back at base
                data[where[before]] = share[before]
            else:
                changed = np.concatenate((before, links))
                data[where[changed]] = share[changed]

    def _lines_of(self, distrusted: np.ndarray, reliability: np.ndarray) -> np.ndarray:
        """Set the shares of the lines served by ``distrusted``; return their links, increasing."""
        pairs = np.unique(self.supplier_pairs[_ragged(self.supplier_ptr, distrusted)])
        links = _ragged(self.pair_ptr, pairs)
        if links.size == 0:
            return links
        local = np.repeat(np.arange(pairs.size), self.per_pair[pairs])
        rho = reliability[self.link_supplier[links]]
        base, standby = self.base[links], self.standby[links]
        # The same sums as the full path, term by term in the same order (a line's links by supplier).
        lost = np.bincount(local, weights=base * (1.0 - rho), minlength=pairs.size)
        capacity = np.bincount(local, weights=standby * rho, minlength=pairs.size)
        none = capacity <= 0.0
        np.divide(lost, capacity, out=lost, where=~none)
        new = standby * lost[local]
        new += base
        new *= rho
        stuck = none[local]
        new[stuck] = base[stuck]
        self.share[links] = new
        return links

    def _compiled_lines_of(
        self, before: np.ndarray | None, distrusted: np.ndarray, reliability: np.ndarray
    ) -> np.ndarray:
        """:meth:`_lines_of` in one compiled pass (:mod:`sim.kernels.routes`), the same values and links,
        after setting the links ``before`` back at base; sets :attr:`change` on the links returned."""
        work = self.scratch
        n = self.loops.update_lines(
            bool(self.mirrors),  # the shares themselves only when another matrix mirrors them
            _NO_LINKS if before is None else before,
            distrusted,
            reliability,
            self.supplier_ptr,
            self.supplier_pairs,
            self.pair_ptr,
            self.table,
            self.share,
            work.mark,
            work.found,
            work.links,
            work.change,
            work.link_line,
            work.link_firm,
        )
        self.change = work.change[:n].copy()
        self.touched_line, self.touched_firm = work.link_line[:n].copy(), work.link_firm[:n].copy()
        return work.links[:n].copy()


_NO_LINKS = np.zeros(0, dtype=np.intp)


def smooth(reliability: np.ndarray, fill: np.ndarray, weight: float) -> None:
    """``rho <- rho + w (f - rho)``, set to 1 from :data:`TRUSTED` up (in place)."""
    reliability += weight * (fill - reliability)
    reliability[reliability >= TRUSTED] = 1.0


def fill_rate(output: np.ndarray, intermediate: np.ndarray) -> np.ndarray:
    """A supplier's fill rate on orders, ``f = min(1, x / I)``, 1 where it has no orders (``I = 0``)."""
    fill = np.ones(output.shape)
    np.divide(output, intermediate, out=fill, where=intermediate > 0)
    np.minimum(fill, 1.0, out=fill)
    return fill


def _ragged(indptr: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions ``indptr[r] .. indptr[r + 1] - 1`` of every row ``r`` in ``rows``, concatenated."""
    starts = indptr[rows]
    counts = indptr[rows + 1] - starts
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return offsets + np.arange(offsets.size)


class Routing:
    """A run's supplier products over its own order shares, and the router that sets them.

    The products mirror :class:`~sim.kernels.lines.InputLines`' supplier operations over the
    network's drawn and standby links. While the router has moved only a few lines off their base
    shares (``router.touched``), a product is the plan's (over the drawn suppliers' base shares)
    plus the change on those links, ``M O = M_0 O + sum_e (w_e - b_e) O_p(e)``; otherwise it runs
    over all the links (pair-major, plain layout, not the sector layout of large networks).

    Args:
        plan: The run plan (network, step weight ``rates.reroute``, rationing, input lines).
        share: The run's order shares (``State.route_share``), rewritten in place by the router.
        scratch: The router's and the products' per-link work in compiled loops
            (:mod:`sim.kernels.routes`, an ensemble's runs) with these work arrays, the same values
            as the numpy code.
    """

    def __init__(self, plan: RunPlan, share: np.ndarray, scratch: routes.Scratch | None = None) -> None:
        world = plan.world
        route = world.network.route_of_pair
        n = world.n_firms
        self.lines, self.base_class = plan.lines, plan.class_matrix
        self.router = Router(world.network, share, plan.rates.reroute, scratch)
        self.link_pair = route_index(world.network).link_pair
        matrix = sp.csc_matrix((share, route.indices, route.indptr), shape=route.shape, copy=False)
        if not np.shares_memory(matrix.data, share):  # pragma: no cover (scipy keeps float64 data)
            raise TypeError("the routed supplier matrix must hold the run's shares without a copy")
        self.suppliers = PairMatrix(matrix)
        self.class_matrix: PairMatrix | None = None
        self.class_row: np.ndarray | None = None
        if plan.rationing == "priority":
            net = world.network
            m = route.tocoo()  # column-major: the order of ``share``
            rows = world.firm_class[net.pair_buyer[m.col]].astype(np.int64) * n + m.row
            self.class_row = rows.astype(np.intp)
            numbers = np.arange(m.nnz, dtype=np.float64)  # to learn where each entry lands
            class_links = sp.csr_matrix((numbers, (rows, m.col)), shape=(3 * n, net.n_pairs))
            order = class_links.data.astype(np.int64)
            class_links.data[:] = share[order]
            self.class_matrix = PairMatrix(class_links)
            self.router.mirror(class_links.data, order)
        self.delta = _Delta(self)

    @property
    def at_base(self) -> bool:
        """Every line at its base shares (every supplier trusted fully)."""
        return self.router.at_base

    def update(self, reliability: np.ndarray, fill: np.ndarray) -> None:
        """The router's :meth:`Router.update`."""
        self.router.update(reliability, fill)

    def judge(self, reliability: np.ndarray, output: np.ndarray, intermediate: np.ndarray) -> None:
        """:meth:`update` with this step's fill rates on orders, ``f = min(1, x / I)`` (1 where ``I = 0``)."""
        self.update(reliability, fill_rate(output, intermediate))

    @property
    def few(self) -> bool:
        """Only a few links are off their base shares (the products add their change to the plan's)."""
        return self.router.touched is not None

    def sum_to_suppliers(self, line_values: np.ndarray) -> np.ndarray:
        """``(M O)_k`` over the run's current shares, (N,)."""
        if not self.few:
            return self.suppliers.sum_to_rows(line_values)
        out = self.lines.sum_to_suppliers(line_values)
        self.add_change_to_suppliers(line_values, out)
        return out

    def gather_from_suppliers(self, supplier_values: np.ndarray) -> np.ndarray:
        """``(M^T f)_p`` over the run's current shares, (P,)."""
        if not self.few:
            return self.suppliers.gather_to_pairs(supplier_values)
        out = self.lines.gather_from_suppliers(supplier_values)
        self.add_change_to_pairs(supplier_values, out)
        return out

    def add_change_to_suppliers(self, line_values: np.ndarray, out: np.ndarray) -> None:
        """``out += sum_e (w_e - b_e) O_p(e)`` by supplier: the plan's ``M_0 O`` in ``out`` becomes ``M O`` (few)."""
        router = self.router
        if router.loops is None:
            links, change = router.touched, self.delta.change()
            out += np.bincount(router.link_supplier[links], change * line_values[self.link_pair[links]], out.size)
        else:  # the touched links' suppliers, lines and change, as the compiled router loop left them
            routes.add_to_suppliers(
                router.loops, router.touched_firm, router.touched_line, router.change, line_values, out, router.scratch
            )

    def add_change_to_pairs(self, supplier_values: np.ndarray, out: np.ndarray) -> None:
        """``out += sum_e (w_e - b_e) f_k(e)`` by line: the plan's ``M_0^T f`` in ``out`` becomes ``M^T f`` (few)."""
        router = self.router
        if router.loops is None:
            links, change = router.touched, self.delta.change()
            out += np.bincount(self.link_pair[links], change * supplier_values[router.link_supplier[links]], out.size)
        else:
            routes.add_to_lines(
                router.loops, router.touched_line, router.touched_firm, router.change, supplier_values, out
            )

    def receipts(self, orders: np.ndarray, fill: np.ndarray, out: np.ndarray) -> np.ndarray:
        """``O_p (M^T f)_p``, written into ``out``."""
        if self.few:
            out[:] = self.gather_from_suppliers(fill)
        else:
            self.suppliers.gather_to_pairs(fill, out=out)
        out *= orders
        return out

    def class_products(self) -> PairMatrix | _ClassDelta | None:
        """The class matrix's products over the current shares (priority rationing)."""
        if self.class_matrix is None:
            return None
        return _ClassDelta(self) if self.few else self.class_matrix


class _Delta:
    """The change of the touched links' shares from base, computed once per router update."""

    def __init__(self, routing: Routing) -> None:
        self.routing = routing
        self._key: object = None
        self._change = np.zeros(0)

    def change(self) -> np.ndarray:
        router = self.routing.router
        if self._key is not router.touched:
            self._key = router.touched
            change = router.change  # set by the compiled loop with the touched links, else taken here
            self._change = router.share[router.touched] - router.base[router.touched] if change is None else change
        return self._change


class _ClassDelta:
    """The class matrix's two products while few links are off base: the plan's plus the change."""

    def __init__(self, routing: Routing) -> None:
        self.routing = routing

    def sum_to_rows(self, line_values: np.ndarray) -> np.ndarray:
        routing = self.routing
        out = routing.base_class.sum_to_rows(line_values)
        links, change = routing.router.touched, routing.delta.change()
        out += np.bincount(routing.class_row[links], change * line_values[routing.link_pair[links]], out.size)
        return out

    def gather_to_pairs(self, row_values: np.ndarray) -> np.ndarray:
        routing = self.routing
        out = routing.base_class.gather_to_pairs(row_values)
        links, change = routing.router.touched, routing.delta.change()
        out += np.bincount(routing.link_pair[links], change * row_values[routing.class_row[links]], out.size)
        return out


def suppliers_now(state: State, plan: RunPlan) -> tuple[object, PairMatrix | None]:
    """The supplier products of this step and the class matrix: the run's routed ones while some
    supplier is not trusted fully, the plan's otherwise (in an ensemble, run by run:
    :class:`sim.engine.reroute_runs.EnsembleRouting`)."""
    routing = state.routing
    if routing is None or routing.at_base:
        return plan.lines, plan.class_matrix
    return routing, routing.class_products()


def reroute(state: State, plan: RunPlan, intermediate: np.ndarray) -> None:
    """Judge the suppliers by this step's fill rate on orders and set next step's order shares.

    Re-routing is on when ``rates.reroute > 0`` and the network has standby links; the run's
    :class:`Routing` is made on its first call.
    """
    route = plan.world.network.route_of_pair
    if plan.rates.reroute <= 0 or route is None or route.nnz == 0:
        return
    if state.routing is None:
        state.reliability = np.ones(state.output.shape)
        if state.output.ndim > 1:  # an ensemble: each run's routing owns its shares
            from sim.engine.reroute_runs import EnsembleRouting

            state.routing = EnsembleRouting(plan, runs=state.output.shape[0])
        else:
            state.route_share = plan.world.network.route_base.copy()
            state.routing = Routing(plan, state.route_share)
    state.routing.judge(state.reliability, state.output, intermediate)
