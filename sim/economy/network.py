"""The value-chain network: who buys each input from whom.

For every firm ``b`` and every input sector ``j`` with ``a[j, s(b)] > 0`` (a *pair*), the firm
buys from one to a few suppliers of sector ``j``. Suppliers are drawn in two stages, both
vectorised over all pairs at once:

1. the supplier's province ``q`` with a gravity probability
   ``P(q | p, j) ~ n[q, j] * exp(-d(p, q) / d0)``
   where ``n[q, j]`` is the number of firms of sector j in q and ``d`` the great-circle distance
   (Anderson and van Wincoop 2003 for gravity; exponential decay keeps short hauls dominant);
2. the firm within the cell ``(q, j)`` with probability proportional to its size weight.

A pair's order is split over its suppliers in proportion to their size weights. The firm-level
technical coefficient matrix is ``W[k, b] = a[j, s(b)] * share(k | b, j)``, so intermediate
demand on firm k is ``(W x)_k`` and the firm-level Leontief system is ``x = W x + f``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import networkx as nx
import numpy as np
import scipy.sparse as sp

from sim.economy.cell_economy import Economy
from sim.economy.firms import Firms

EARTH_RADIUS_KM = 6371.0


@dataclass(frozen=True)
class NetworkParams:
    """How suppliers are drawn.

    Attributes:
        extra_suppliers_mean: Mean of the Poisson number of suppliers beyond the first.
        max_suppliers: Most suppliers a firm has for one input.
        distance_scale_km: ``d0`` of the gravity kernel ``exp(-d / d0)``.
        standby_suppliers: Draws of standby suppliers per pair (the same two stages), to which
            buyers move orders when their suppliers cannot deliver (:mod:`sim.reroute`).
    """

    extra_suppliers_mean: float = 0.8
    max_suppliers: int = 3
    distance_scale_km: float = 400.0
    standby_suppliers: int = 2


@dataclass(eq=False)  # compared and hashed by identity: the key of its run-time layouts (sim.kernels)
class SupplyNetwork:
    """Pairs (buyer firm, input sector) and links (pair, supplier firm) as arrays and matrices.

    Only what a step reads is stored: ``M`` in CSR form serves both ``M O`` (orders to
    suppliers) and ``M^T f`` (fill rates back to pairs, through the transposed CSC view). The
    transpose in CSR form, the link arrays, the buyer indicator and the firm-level coefficient
    matrix are derived on demand (for export, analysis and tests). Pairs are sorted by buyer, so
    a firm's pairs are contiguous. A link is one (pair, supplier) entry of ``M``: a supplier drawn
    twice for one pair is one link with the two shares summed.

    Attributes:
        pair_buyer: Buyer firm of each pair, int32, shape (P,).
        pair_sector: Input sector of each pair, int16, shape (P,).
        pair_coef: ``a[j, s(b)]`` of each pair, shape (P,).
        pair_critical: Whether the input is critical for the buyer, shape (P,).
        supplier_of_pair: Sparse (N, P): ``M[k, p]`` = share of pair p's order placed with k.
        route_of_pair: Sparse (N, P), CSC (a pair's links contiguous), over the pair's drawn and
            standby suppliers: the standby weight of each (size weight, summing to one over the
            pair), or ``None`` without standby suppliers. Its pattern holds every entry of ``M``
            (:mod:`sim.reroute`).
    """

    pair_buyer: np.ndarray
    pair_sector: np.ndarray
    pair_coef: np.ndarray
    pair_critical: np.ndarray
    supplier_of_pair: sp.csr_matrix
    route_of_pair: sp.csc_matrix | None = None

    @cached_property
    def route_base(self) -> np.ndarray:
        """``M``'s shares on the entries of ``route_of_pair`` (0 on standby-only entries), read-only."""
        route = self.route_of_pair
        if route is None:
            return np.zeros(0)
        coo = route.tocoo()  # column-major: the data order of the CSC matrix
        base = np.zeros(coo.nnz)
        if coo.nnz:  # (scipy's fancy indexing returns a matrix, or a sparse one when empty)
            base[:] = np.asarray(self.supplier_of_pair[coo.row, coo.col]).ravel()
        base.setflags(write=False)
        return base

    @property
    def n_pairs(self) -> int:
        return int(self.pair_buyer.size)

    @property
    def n_links(self) -> int:
        """Number of (pair, supplier) links, ``nnz(M)``."""
        return int(self.supplier_of_pair.nnz)

    @property
    def pair_of_supplier(self) -> sp.csr_matrix:
        """``M^T`` in CSR form, (P, N), built on demand (rows: pairs; columns: suppliers, sorted)."""
        return self.supplier_of_pair.T.tocsr()

    @property
    def link_pair(self) -> np.ndarray:
        """Pair of each link, sorted, (E,) (derived from ``M``)."""
        return self.links()[0]

    @property
    def link_supplier(self) -> np.ndarray:
        """Supplier firm of each link, in ``link_pair`` order, (E,)."""
        return self.links()[1]

    @property
    def link_share(self) -> np.ndarray:
        """Share of the pair's order placed with the link's supplier, in ``link_pair`` order, (E,)."""
        return self.links()[2]

    def links(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(pair, supplier, share)`` of every link, sorted by pair then supplier (built on demand)."""
        mt = self.pair_of_supplier
        pair = np.repeat(np.arange(self.n_pairs, dtype=np.int64), np.diff(mt.indptr))
        return pair, mt.indices.astype(np.int64), mt.data

    @property
    def buyer_of_pair(self) -> sp.csr_matrix:
        """Sparse (N, P) indicator: ``B[b, p] = 1`` when b is the buyer of p (built on demand)."""
        n_firms = self.supplier_of_pair.shape[0]
        pairs = np.arange(self.n_pairs)
        return sp.csr_matrix((np.ones(self.n_pairs), (self.pair_buyer, pairs)), shape=(n_firms, self.n_pairs))

    def firm_coefficients(self) -> sp.csr_matrix:
        """``W = M diag(a_p) B^T``: input from firm k per unit output of firm b, (N, N) (built on demand)."""
        return (self.supplier_of_pair @ sp.diags(self.pair_coef) @ self.buyer_of_pair.T).tocsr()

    def to_networkx(self, firms: Firms, economy: Economy, output: np.ndarray | None = None) -> nx.DiGraph:
        """The network as a directed graph, supplier -> buyer.

        Nodes carry ``province``, ``sector`` (codes) and ``output``; edges carry ``share`` (of the
        buyer's order of that input), ``coefficient`` (``W[k, b]``) and ``critical``.
        """
        graph = nx.DiGraph(name="growthsim supply network")
        p_codes, s_codes = economy.province_codes, economy.sector_codes
        out = np.zeros(firms.n) if output is None else output
        graph.add_nodes_from(
            (int(i), {"province": p_codes[p], "sector": s_codes[s], "output": float(x)})
            for i, (p, s, x) in enumerate(zip(firms.province, firms.sector, out, strict=True))
        )
        coo = self.supplier_of_pair.tocoo()
        buyers = self.pair_buyer[coo.col]
        coef = coo.data * self.pair_coef[coo.col]
        crit = self.pair_critical[coo.col]
        graph.add_edges_from(
            (int(k), int(b), {"share": float(w), "coefficient": float(c), "critical": bool(cr)})
            for k, b, w, c, cr in zip(coo.row, buyers, coo.data, coef, crit, strict=True)
        )
        return graph


def province_distances(economy: Economy) -> np.ndarray:
    """Great-circle distances between province centroids in km (haversine), shape (P, P)."""
    lat = np.radians(economy.provinces["lat"].to_numpy(float))
    lon = np.radians(economy.provinces["lon"].to_numpy(float))
    dlat = lat[:, None] - lat[None, :]
    dlon = lon[:, None] - lon[None, :]
    h = np.sin(dlat / 2) ** 2 + np.cos(lat[:, None]) * np.cos(lat[None, :]) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def build_network(
    economy: Economy, firms: Firms, rng: np.random.Generator, params: NetworkParams | None = None
) -> SupplyNetwork:
    """Draw suppliers for every (buyer, input) pair at once.

    Args:
        economy: Cell-level economy (coefficients, firm counts, province centroids).
        firms: The firm population.
        rng: The run's generator.
        params: Sampling parameters.

    Returns:
        The supply network.
    """
    params = params or NetworkParams()
    n_s = economy.n_sectors
    a = economy.a

    # Pairs: firm b needs every input j with a[j, s(b)] > 0.
    inputs_of = [np.flatnonzero(a[:, s] > 0) for s in range(n_s)]
    n_inputs = np.array([len(x) for x in inputs_of], dtype=np.int64)
    input_offset = np.concatenate(([0], np.cumsum(n_inputs)))
    inputs_flat = np.concatenate(inputs_of) if n_inputs.sum() else np.zeros(0, dtype=np.int64)
    per_firm = n_inputs[firms.sector]
    pair_buyer = np.repeat(np.arange(firms.n), per_firm)
    firm_first_pair = np.concatenate(([0], np.cumsum(per_firm)))[:-1]
    rank = np.arange(pair_buyer.size) - np.repeat(firm_first_pair, per_firm)
    buyer_sector = firms.sector[pair_buyer]
    pair_sector = inputs_flat[input_offset[buyer_sector] + rank].astype(np.int64)
    pair_coef = a[pair_sector, buyer_sector]
    pair_critical = economy.critical[pair_sector, buyer_sector]
    del rank, buyer_sector  # link-sized temporaries below are dropped as soon as used (memory at 1M firms)

    # Number of suppliers of each pair: 1 + Poisson, capped by the cap and the sector's firm count.
    firms_in_sector = economy.firm_counts.sum(axis=0)
    extra = rng.poisson(params.extra_suppliers_mean, size=pair_buyer.size)
    n_sup = np.minimum(1 + extra, np.minimum(params.max_suppliers, firms_in_sector[pair_sector]))
    link_pair = np.repeat(np.arange(pair_buyer.size), n_sup)
    del extra, n_sup

    supplier, cell = _draw_suppliers(economy, firms, params, rng, link_pair, pair_sector, pair_buyer)

    # Shares of a pair's order: proportional to supplier size weight.
    size = firms.weight[supplier] * economy.firm_counts.T.reshape(-1)[cell]
    pair_total = np.bincount(link_pair, weights=size, minlength=pair_buyer.size)
    share = size / pair_total[link_pair]
    del size, pair_total, cell

    n = firms.n
    supplier_of_pair = sp.csr_matrix((share, (supplier, link_pair)), shape=(n, pair_buyer.size))
    supplier_of_pair.sum_duplicates()
    route_of_pair = None
    if params.standby_suppliers > 0:
        # Standby suppliers: the same two stages, after the drawn ones (which they leave unchanged).
        standby_pair = np.repeat(np.arange(pair_buyer.size), params.standby_suppliers)
        standby, standby_cell = _draw_suppliers(economy, firms, params, rng, standby_pair, pair_sector, pair_buyer)
        coo = supplier_of_pair.tocoo()
        every_pair = np.concatenate((coo.col, standby_pair))
        every_supplier = np.concatenate((coo.row, standby))
        del coo, standby, standby_cell, standby_pair
        # Each (pair, supplier) once: repeated draws of one supplier count once.
        key = np.unique(every_pair.astype(np.int64) * n + every_supplier)
        every_pair, every_supplier = key // n, key % n
        size = firms.weight[every_supplier] * economy.firm_counts.T.reshape(-1)[firms.cell[every_supplier]]
        total = np.bincount(every_pair, weights=size, minlength=pair_buyer.size)
        weight = size / total[every_pair]
        route_of_pair = sp.csc_matrix((weight, (every_supplier, every_pair)), shape=(n, pair_buyer.size))
        route_of_pair.sum_duplicates()
    return SupplyNetwork(
        pair_buyer=pair_buyer.astype(np.int32),
        pair_sector=pair_sector.astype(np.int16),
        pair_coef=pair_coef,
        pair_critical=pair_critical,
        supplier_of_pair=supplier_of_pair,
        route_of_pair=route_of_pair,
    )


def _draw_suppliers(
    economy: Economy,
    firms: Firms,
    params: NetworkParams,
    rng: np.random.Generator,
    link_pair: np.ndarray,
    pair_sector: np.ndarray,
    pair_buyer: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """One supplier for each entry of ``link_pair``: its province by gravity, then the firm by size.

    Returns:
        The supplier firm of each link and its cell ``sector * P + province``.
    """
    n_p, n_s = economy.n_provinces, economy.n_sectors
    # Stage 1: supplier province by gravity, inverse-CDF over the P provinces.
    kernel = np.exp(-province_distances(economy) / params.distance_scale_km)  # (P, P)
    attract = economy.firm_counts.T[:, None, :] * kernel[None, :, :]  # (S, P_buyer, P_supplier)
    cdf = np.cumsum(attract, axis=2)
    cdf /= cdf[:, :, -1:]
    link_sector = pair_sector[link_pair]
    link_buyer_prov = firms.province[pair_buyer[link_pair]]
    # One monotone array "group + cdf" lets a single searchsorted serve every (sector, province).
    group = link_sector * n_p + link_buyer_prov
    flat = (np.arange(n_s * n_p, dtype=float)[:, None] + cdf.reshape(n_s * n_p, n_p)).reshape(-1)
    u = rng.random(link_pair.size)
    hit = np.searchsorted(flat, group + u, side="right")
    supplier_prov = np.clip(hit - group * n_p, 0, n_p - 1)
    del link_buyer_prov, group, u, hit

    # Stage 2: the firm within cell (j, q), by size weight (weights sum to one per cell).
    cell = link_sector * n_p + supplier_prov
    cum = np.cumsum(firms.weight)
    start, stop = firms.cell_start[cell], firms.cell_start[cell + 1]
    base = np.where(start > 0, cum[np.maximum(start - 1, 0)], 0.0)
    target = base + rng.random(link_pair.size) * (cum[stop - 1] - base)
    supplier = np.clip(np.searchsorted(cum, target, side="right"), start, stop - 1)
    return supplier, cell
