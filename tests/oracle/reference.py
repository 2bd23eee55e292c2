"""The executable specification: an object-per-firm implementation of the engine's step.

Every firm is one :class:`~tests.oracle.reference_firm.ReferenceFirm` (a ``mesa.Agent``) holding
its own state as Python floats, and every (buyer, input) pair one
:class:`~tests.oracle.reference_firm.InputLine` object holding that input's coefficients, stock
and orders. A step calls each phase over all firms with Mesa's ``AgentSet.shuffle_do``, the way a
conventional Mesa model is written. Nothing here is vectorised: that is the point, it shows what
the engine's arrays and sparse matrices buy (``benchmarks/bench_reference.py``).

The rules are the engine's (``sim/engine/phases/`` and the modules they call: import substitution and
bounds of ``sim/engine/imports.py``, the random shocks of ``sim/engine/stochastic.py``, the levers of
``sim/engine/policy.py``, priority rationing with its floor), one method per rule, so a change there is
a change in one method here. Rules of the whole economy are methods of :class:`ReferenceModel`:
the uncertainty regime (:meth:`ReferenceModel.switch_regime`) and the correlated shocks of
provinces or sectors (:meth:`ReferenceModel.move_common_shocks`), run before the firms' phases.

The engine's phases are simultaneous; here each phase reads only state that no firm writes during
that phase (two-stage read-then-write where firms interact: ``ration`` writes a supplier's fill
rates, ``receive`` reads its suppliers' fill rates; ``tally_demand`` reads the orders written by
``stock_up`` of the step before), so the random order of ``shuffle_do`` cannot change the results.
``tests/test_reference.py`` checks that the reference and the engine agree to 1e-9 every step on a
small economy under every shock kind, random shock and lever.

What is shared with the engine is the input, not the rules: the same built
:class:`~sim.economy.world.World` (firms, network, initial state), the scenario's shock and policy
schedules compiled by cell and step (:func:`sim.shocks.compile_shocks`,
:func:`sim.engine.policy.compile_policy`), the per-step rates, and a generator seeded like the engine's
whose draws are taken in the engine's order (regime, firm noise, group noise, outages), so the
two see the same random numbers.
"""

from __future__ import annotations

import math

import mesa
import numpy as np

from sim.economy.world import World
from sim.engine.plan import StepRates, step_rates
from sim.engine.policy import compile_policy
from sim.engine.record import CELL_COLUMNS, WINDOW_MONTHS
from sim.engine.stochastic import StochasticRates
from sim.scenario import PRIORITY_CLASSES, Scenario
from sim.shocks import compile_shocks

from .reference_firm import InputLine, ReferenceFirm, SupplyLink

__all__ = ["PHASES", "InputLine", "ReferenceFirm", "ReferenceModel"]

#: The firms' phases of a step, in order; each is a method of :class:`ReferenceFirm`.
PHASES = (
    "shock",
    "tally_demand",
    "produce",
    "ration",
    "receive",
    "stock_up",
    "reroute",
    "adjust_capacity",
    "hire",
    "roll_peak",
    "record",
)


class ReferenceModel(mesa.Model):
    """The reference: one :class:`ReferenceFirm` per firm, phases run by ``shuffle_do``.

    Args:
        scenario: The scenario (rates, shocks, stochastic settings, policy, imports).
        world: The engine's built world (``sim.world_for(scenario)``).
        seed: Seed of the run's generator, as for :class:`sim.GrowthModel`.
    """

    def __init__(self, scenario: Scenario, world: World, seed: int = 0) -> None:
        # Seeded exactly as GrowthModel, so the random draws are the same.
        super().__init__(rng=np.random.default_rng(seed))
        self.world = world
        self.rates: StepRates = step_rates(scenario)
        self.n_steps = scenario.parameters.steps(scenario.horizon_months)
        self.schedule = compile_shocks(scenario, world.economy, self.n_steps, self.rates.dt)
        self.policy = compile_policy(scenario, world, self.schedule.month)
        st = scenario.stochastic
        self.random_rates = StochasticRates.from_spec(st, self.rates.dt)
        if st.correlated_by == "province":
            self.random_group, n_groups = world.firms.province, world.economy.n_provinces
        elif st.correlated_by == "sector":
            self.random_group, n_groups = world.firms.sector, world.economy.n_sectors
        else:  # nation: one aggregate shock
            self.random_group, n_groups = np.zeros_like(world.firms.sector), 1
        self.high = st.regime_start_high
        self.common = [0.0] * n_groups
        self.eps: np.ndarray | None = None
        self.outage_draws: np.ndarray | None = None
        self.substitution_share = scenario.imports.substitution_share
        self.substitution_rate = min(1.0, self.rates.dt / scenario.imports.substitution_months)
        self.import_cover: list[float] | None = None
        route = world.network.route_of_pair
        self.rerouting = self.rates.reroute > 0 and route is not None and route.nnz > 0
        self.rationing = scenario.policy.rationing
        self.priority_rank = tuple(PRIORITY_CLASSES.index(name) for name in scenario.policy.priority_order)
        self.window_steps = max(1, round(WINDOW_MONTHS / self.rates.dt))
        self.rolling = self.n_steps > self.window_steps
        self.history_peak = world.history_peak
        self.t = 0
        self.month_index = 0
        imported = self._imported_goods(world)
        self.firms = [ReferenceFirm(self, i, imported[int(world.firms.sector[i])]) for i in range(world.n_firms)]
        self._wire(world)
        self.cells = np.zeros((self.n_steps + 1, world.n_cells, len(CELL_COLUMNS)))
        self.cell_rows: list[list[float]] = []
        self._record()

    # Rules of the whole economy ---------------------------------------------------------------
    def switch_regime(self) -> None:
        """Two-state Markov regime: enter high with ``p_in``, leave it with ``p_out`` per step."""
        r = self.random_rates
        if r.regime_on:
            u = float(self.rng.random())
            self.high = u >= r.p_exit if self.high else u < r.p_enter

    def draw_firm_noise(self) -> None:
        """One standard normal a firm for its AR(1) productivity (drawn in the engine's order)."""
        r = self.random_rates
        self.eps = self.rng.standard_normal(len(self.firms)) if r.sigma > 0 else None

    def move_common_shocks(self) -> None:
        """``g <- rho_g g + v sigma_g eta`` for every province (or sector)."""
        r = self.random_rates
        if r.common_sigma > 0:
            v = r.volatility if self.high else 1.0
            eta = self.rng.standard_normal(len(self.common))
            self.common = [
                r.common_rho * g + v * r.common_sigma * float(e) for g, e in zip(self.common, eta, strict=True)
            ]

    def draw_outage_chances(self) -> None:
        """One uniform a firm, compared with its outage start probability."""
        r = self.random_rates
        self.outage_draws = self.rng.random(len(self.firms)) if r.outage_start > 0 else None

    # Build --------------------------------------------------------------------------------------
    @staticmethod
    def _imported_goods(world: World) -> list[tuple[list[int], list[int], list[int], list[int]]]:
        """By buyer sector, its imported goods: critical and soft binding, critical and soft substitutable.

        A good ``j`` imported by ``s`` (``m[j, s] > 0``) is substitutable when ``s`` also buys it
        at home (``a[j, s] > 0``), ``j`` is not a missing link and has firms; otherwise binding.
        Either way it is critical when ``critical[j, s]`` says so, soft otherwise.
        """
        economy = world.economy
        has_firms = economy.firm_counts.sum(axis=0) > 0
        missing = economy.tag("missing_link")
        goods = []
        for s in range(economy.n_sectors):
            binding, binding_soft, critical_sub, soft_sub = [], [], [], []
            for j in range(economy.n_sectors):
                if economy.imported[j, s] <= 0:
                    continue
                if economy.a[j, s] > 0 and not missing[j] and has_firms[j]:
                    (critical_sub if economy.critical[j, s] else soft_sub).append(j)
                else:
                    (binding if economy.critical[j, s] else binding_soft).append(j)
            goods.append((binding, binding_soft, critical_sub, soft_sub))
        return goods

    def _wire(self, world: World) -> None:
        """Give every firm its input lines and every supplier its customers (build time only)."""
        net, dt, economy = world.network, self.rates.dt, world.economy
        missing = economy.tag("missing_link")
        has_firms = economy.firm_counts.sum(axis=0) > 0
        lines = []
        for p in range(net.n_pairs):
            buyer = self.firms[int(net.pair_buyer[p])]
            j, s = int(net.pair_sector[p]), int(world.firms.sector[buyer.index])
            movable = economy.imported[j, s] > 0 and not missing[j] and has_firms[j]
            line = InputLine(
                float(net.pair_coef[p]),
                float(economy.imported[j, s]) if movable else 0.0,
                bool(net.pair_critical[p]),
                float(world.inventory_months[buyer.index]),
                buyer.priority,
            )
            use = line.coef * buyer.output0 * dt
            line.stock = (line.inventory_months / dt + 1.0) * use
            line.orders = line.received = line.used = use
            buyer.lines.append(line)
            lines.append(line)
        if self.rerouting:  # drawn and standby suppliers, pair by pair in supplier order
            route = net.route_of_pair.tocoo()
            links = zip(route.col, route.row, net.route_base, route.data, strict=True)
        else:
            links = zip(net.link_pair, net.link_supplier, net.link_share, np.zeros(net.n_links), strict=True)
        for pair, supplier, base, standby in links:
            line = lines[int(pair)]
            firm = self.firms[int(supplier)]
            link = SupplyLink(firm, float(base), float(standby))
            line.suppliers.append(link)
            firm.customers.append((line, link))

    # Step ---------------------------------------------------------------------------------------
    def _record(self) -> None:
        """Phase 8: cell aggregates of this step (output and output lost summed by binding limit)."""
        self.cell_rows = [[0.0] * len(CELL_COLUMNS) for _ in range(self.world.n_cells)]
        self.agents.shuffle_do("record")
        row = np.array(self.cell_rows)
        row[:, -1] = float(self.high)
        self.cells[self.t] = row

    def step(self) -> None:
        """One step: the economy's random state, then every firm phase over all firms in a random order."""
        if self.t >= self.n_steps:
            self.running = False
            return
        self.t += 1
        self.month_index = min(math.ceil(self.t * self.rates.dt - 1e-9), self.history_peak.shape[1] - 1)
        cover = self.policy.import_cover
        self.import_cover = None if cover is None else [float(c) for c in cover[self.t]]
        self.switch_regime()
        self.draw_firm_noise()
        self.move_common_shocks()
        self.draw_outage_chances()
        for phase in PHASES[:-1]:
            self.agents.shuffle_do(phase)
        self._record()
        if self.t >= self.n_steps:
            self.running = False

    def firm_values(self, name: str) -> np.ndarray:
        """A firm attribute as an array in firm order."""
        return np.array([getattr(f, name) for f in self.firms], dtype=float)

    def line_values(self, name: str) -> np.ndarray:
        """An input-line attribute as an array in pair order."""
        return np.array([getattr(line, name) for f in self.firms for line in f.lines], dtype=float)

    def release(self) -> None:
        """Drop Mesa's class-level reference to this model (the ``Agent._ids`` trap)."""
        mesa.Agent._ids.pop(self, None)
