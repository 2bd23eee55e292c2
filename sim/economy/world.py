"""The built economy: firms, their network and a consistent initial state.

The initial output of every firm solves the firm-level Leontief system

    x0 = W x0 + f                                   (Leontief 1936; Miller and Blair 2009, eq. 2.10)

on the drawn network, with ``f`` the firm's share of its cell's final demand. Idle capacity is
then as the data says: a firm's 10-year peak is ``peak_ratio[cell] * x0`` and its installed
capacity ``installed_ratio[cell] * x0``. Latent final demand ``l`` is the demand that, with the
intermediate demand it induces, would bring every firm back to its peak:

    l = share * max(0, (I - W)(peak - x0))

so that ``x = W x + f + l`` has solution ``peak`` where no component is clipped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from pydantic import BaseModel, Field

from sim.economy.cell_economy import Economy
from sim.economy.firms import Firms, build_firms
from sim.economy.network import NetworkParams, SupplyNetwork, build_network
from sim.errors import AccountingError
from sim.strict import STRICT_CONFIG

PRIORITY_CLASS_NAMES = ("needs", "sensitive", "other")


class WorldParameters(BaseModel):
    """The parameters a world is built from: every one, and only these, reach :func:`build_world`.

    They are keys of a scenario's ``[parameters]`` (``ModelParameters`` extends this class), and a
    built world is cached by the whole of them (``sim.engine.run.world_for``): a parameter added
    here is part of the cache key by construction.

    Attributes:
        latent_demand_share: Share of idle capacity (peak - output) backed by latent demand.
        size_sigma: Lognormal sigma of firm sizes within a cell.
        extra_suppliers_mean: Mean number of suppliers per input beyond the first (Poisson).
        max_suppliers: Most suppliers per input.
        distance_scale_km: Distance decay of supplier choice, ``exp(-d / d0)``.
        standby_suppliers: Draws of standby suppliers per input of each firm (same gravity and
            size rule as the drawn suppliers), to which orders move when suppliers cannot
            deliver (:mod:`sim.engine.reroute`).
    """

    model_config = STRICT_CONFIG

    latent_demand_share: float = Field(1.0, ge=0.0, le=1.0)
    size_sigma: float = Field(1.2, ge=0.0, le=10.0)
    extra_suppliers_mean: float = Field(0.8, ge=0.0, le=100.0)
    max_suppliers: int = Field(3, ge=1, le=100)
    distance_scale_km: float = Field(400.0, gt=0.0)
    standby_suppliers: int = Field(2, ge=0)

    @classmethod
    def of(cls, params: WorldParameters) -> WorldParameters:
        """The world parameters alone of ``params`` (a ``ModelParameters`` or these): the cache key."""
        return cls(**{name: getattr(params, name) for name in cls.model_fields})


@dataclass
class World:
    """Everything about a run's economy that does not change during the run.

    Attributes:
        economy: The cell-level economy.
        firms: The firm population.
        network: The supply network.
        final_domestic: Domestic final demand per month of each firm, (N,).
        final_export: Export final demand per month of each firm, (N,).
        output0: Initial output per month, solving ``x = W x + f``, (N,).
        peak0: Initial 10-year peak output, (N,).
        installed0: Initial installed capacity per month, (N,).
        latent: Latent final demand per month (served last), (N,).
        value_added_share: Value added per unit of output, (N,).
        labour_per_output: Workers per unit of monthly output, (N,).
        import_share: Imported inputs per unit of output, (N,).
        inventory_months: Months of input use a firm holds beyond the step's use (its sector's), (N,).
        firm_class: Priority class of each firm (0 needs, 1 sensitive, 2 other), int8, (N,).
        history_peak: ``max(history[cell, k:])`` for k = 0..H: the part of the 10-year peak that
            predates the run, as a multiple of initial output, (cells, H + 1).
        leontief_residual: ``max |x0 - W x0 - f| / max |x0|`` of the initial solve.
    """

    economy: Economy
    firms: Firms
    network: SupplyNetwork
    final_domestic: np.ndarray
    final_export: np.ndarray
    output0: np.ndarray
    peak0: np.ndarray
    installed0: np.ndarray
    latent: np.ndarray
    value_added_share: np.ndarray
    labour_per_output: np.ndarray
    import_share: np.ndarray
    inventory_months: np.ndarray
    firm_class: np.ndarray
    history_peak: np.ndarray
    leontief_residual: float

    @property
    def n_firms(self) -> int:
        return self.firms.n

    @property
    def n_cells(self) -> int:
        return self.economy.n_provinces * self.economy.n_sectors

    @property
    def final_demand(self) -> np.ndarray:
        return self.final_domestic + self.final_export

    @property
    def w(self) -> sp.csr_matrix:
        """Firm-level technical coefficients ``W[k, b]``, (N, N), built on demand (a step never reads it)."""
        return self.network.firm_coefficients()

    @property
    def pair_inventory_months(self) -> np.ndarray:
        """Months of input use held beyond the step's use, per pair (the buyer's), (P,)."""
        return self.inventory_months[self.network.pair_buyer]


def solve_leontief(w: sp.csr_matrix, f: np.ndarray, tol: float = 1e-14, max_iter: int = 10_000) -> np.ndarray:
    """Solve ``x = W x + f`` by the Neumann series ``x_{k+1} = W x_k + f``.

    Converges when the spectral radius of W is below one, which holds when every column sum
    of ``a`` is below one (value added is positive).

    Raises:
        AccountingError: If the iteration does not converge.
    """
    x = f.copy()
    for _ in range(max_iter):
        nxt = w @ x + f
        if np.max(np.abs(nxt - x)) <= tol * max(np.max(np.abs(nxt)), 1e-300):
            return nxt
        x = nxt
    raise AccountingError("initial state", -1, "the Leontief system x = W x + f did not converge")


def build_world(economy: Economy, params: WorldParameters, seed: int = 0) -> World:
    """Draw firms and suppliers and solve the initial state.

    Args:
        economy: The cell-level economy.
        params: World parameters (firm size spread, supplier sampling, latent demand share); a
            scenario's ``ModelParameters`` will do: only its world parameters are read.
        seed: Seed of the economy's draws (``[economy] seed``).

    Returns:
        The world.
    """
    params = WorldParameters.of(params)
    rng = np.random.default_rng(seed)
    firms = build_firms(economy, rng, size_sigma=params.size_sigma)
    network = build_network(
        economy,
        firms,
        rng,
        NetworkParams(
            extra_suppliers_mean=params.extra_suppliers_mean,
            max_suppliers=params.max_suppliers,
            distance_scale_km=params.distance_scale_km,
            standby_suppliers=params.standby_suppliers,
        ),
    )
    w = network.firm_coefficients()
    n_p = economy.n_provinces
    cell_demand = economy.final_demand.T.reshape(-1)  # flat cell = s * P + p
    f = cell_demand[firms.cell] * firms.weight
    export_share = economy.sectors["export_share"].to_numpy(float)[firms.sector]
    output0 = solve_leontief(w, f)
    residual = float(np.max(np.abs(output0 - w @ output0 - f)) / max(np.max(np.abs(output0)), 1e-300))

    ratio_peak = economy.peak_ratio.T.reshape(-1)[firms.cell]
    ratio_installed = economy.installed_ratio.T.reshape(-1)[firms.cell]
    peak0 = output0 * ratio_peak
    gap = peak0 - output0
    latent = params.latent_demand_share * np.maximum(0.0, gap - w @ gap)
    del w  # rebuilt on demand (World.w); a step never reads it

    sectors = economy.sectors
    va = economy.value_added_share[firms.sector]
    labour = sectors["labour_per_output"].to_numpy(float)[firms.sector]
    import_share = economy.import_share[firms.sector]
    inv_months = sectors["inventory_months"].to_numpy(float)[firms.sector]
    firm_class = np.full(firms.n, 2, dtype=np.int8)
    firm_class[economy.tag("sensitive")[firms.sector]] = 1
    firm_class[economy.tag("needs")[firms.sector]] = 0

    if economy.history is not None:
        hist = np.transpose(economy.history, (1, 0, 2)).reshape(n_p * economy.n_sectors, -1)
        suffix = np.maximum.accumulate(hist[:, ::-1], axis=1)[:, ::-1]
        history_peak = np.concatenate([suffix, np.zeros((hist.shape[0], 1))], axis=1)
    else:
        window = 120
        flat_peak = economy.peak_ratio.T.reshape(-1)
        history_peak = np.concatenate(
            [np.repeat(flat_peak[:, None], window, axis=1), np.zeros((flat_peak.size, 1))], axis=1
        )
    return World(
        economy=economy,
        firms=firms,
        network=network,
        final_domestic=f * (1.0 - export_share),
        final_export=f * export_share,
        output0=output0,
        peak0=peak0,
        installed0=output0 * ratio_installed,
        latent=latent,
        value_added_share=va,
        labour_per_output=labour,
        import_share=import_share,
        inventory_months=inv_months,
        firm_class=firm_class,
        history_peak=history_peak,
        leontief_residual=residual,
    )
