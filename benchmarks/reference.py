"""An object-per-firm reference implementation of the engine's step, for benchmarks and checks.

Every firm is one :class:`ReferenceFirm` (a ``mesa.Agent``) holding its own state as Python
floats, and every (buyer, input) pair one :class:`InputLine` object holding that input's stock
and orders. A step calls each phase over all firms with Mesa's ``AgentSet.shuffle_do``, the
way a conventional Mesa model is written. Nothing here is vectorised: that is the point, it
shows what the engine's arrays and sparse matrices buy (``benchmarks/bench_reference.py``).

The rules are the engine's (``sim/phases.py``), one method per rule, so a change there is a
change in one method here. The engine's phases are simultaneous; here each phase reads only
state that no firm writes during that phase (two-stage read-then-write where firms interact:
``ration`` writes a supplier's fill rate, ``receive`` reads its suppliers' fill rates), so the
random order of ``shuffle_do`` cannot change the results. ``tests/test_reference.py`` checks
that the reference and the engine agree to 1e-9 on a small economy.

The reference is built from the same :class:`~sim.world.World` (firms, network, initial state),
the same compiled shock schedule and the same per-step rates as the engine, and draws the
productivity noise vector once per step from a generator seeded like the engine's, so the two
see the same random numbers.
"""

from __future__ import annotations

import math
from collections import deque

import mesa
import numpy as np

from sim.model import step_rates
from sim.phases import StepRates
from sim.record import CELL_COLUMNS, WINDOW_MONTHS
from sim.scenario import PRIORITY_CLASSES, Scenario
from sim.shocks import ShockSchedule, compile_shocks
from sim.state import LIMIT_DEMAND, LIMIT_ENERGY, LIMIT_IMPORTS, LIMIT_INPUTS, LIMIT_NAMES, LIMIT_READINESS
from sim.world import World

TOLERANCE = 1e-9
INF = math.inf

#: The phases of a step, in order; each is a method of :class:`ReferenceFirm`.
PHASES = (
    "shock",
    "tally_demand",
    "produce",
    "ration",
    "receive",
    "stock_up",
    "adjust_capacity",
    "hire",
    "roll_peak",
    "record",
)


class InputLine:
    """One input of one firm (a pair of the engine): its coefficient, stock and orders."""

    __slots__ = (
        "coef",
        "critical",
        "inventory_months",
        "priority",
        "suppliers",
        "stock",
        "orders",
        "received",
        "used",
    )

    def __init__(self, coef: float, critical: bool, inventory_months: float, priority: int) -> None:
        self.coef = coef
        self.critical = critical
        self.inventory_months = inventory_months
        self.priority = priority
        self.suppliers: list[tuple[ReferenceFirm, float]] = []
        self.stock = 0.0
        self.orders = 0.0
        self.received = 0.0
        self.used = 0.0


class ReferenceFirm(mesa.Agent):
    """One firm with its own state; each method is one rule of the engine's step."""

    def __init__(self, model: ReferenceModel, index: int) -> None:
        super().__init__(model)
        world = model.world
        self.index = index
        self.cell = int(world.firms.cell[index])
        self.priority = int(world.firm_class[index])
        self.final_domestic0 = float(world.final_domestic[index])
        self.final_export0 = float(world.final_export[index])
        self.latent0 = float(world.latent[index])
        self.peak0 = float(world.peak0[index])
        self.output0 = float(world.output0[index])
        self.labour_per_output = float(world.labour_per_output[index])
        self.value_added_share = float(world.value_added_share[index])
        self.lines: list[InputLine] = []
        self.customers: list[tuple[InputLine, float]] = []
        x0 = self.output0
        self.output = x0
        self.planned = x0
        self.desired = x0
        self.demand = x0
        self.final_demand = float(world.final_demand[index])
        self.final_domestic = self.final_domestic0
        self.final_export = self.final_export0
        self.latent = self.latent0
        self.delivered = x0
        self.unmet = 0.0
        self.latent_served = 0.0
        self.finished_stock = 0.0
        self.installed = float(world.installed0[index])
        self.operable = x0
        self.capacity_factor = 1.0
        self.energy = 1.0
        self.import_availability = 1.0
        self.productivity = 1.0
        self.log_productivity = 0.0
        self.expected_demand = x0 + self.latent0
        self.idle_months = 0.0
        self.peak = self.peak0
        self.employment = self.labour_per_output * x0
        self.limit = LIMIT_READINESS if self.latent0 > 0 else LIMIT_DEMAND
        self.pipeline = [0.0] * model.rates.gestation_steps
        self.sim_max = 0.0
        self.recent: deque[float] | None = deque(maxlen=model.window_steps) if model.rolling else None
        self.fill = 1.0
        self.fills = [1.0, 1.0, 1.0]

    # 1. shocks ------------------------------------------------------------------------------
    def shock(self) -> None:
        """This step's capacity, energy and import availability; AR(1) log productivity."""
        m, t, c = self.model, self.model.t, self.cell
        self.capacity_factor = float(m.schedule.capacity[t][c])
        self.energy = float(m.schedule.energy[t][c])
        self.import_availability = float(m.schedule.imports[t][c])
        r = m.rates
        if r.productivity_sigma > 0:
            eps = float(m.eps[self.index])
            self.log_productivity = r.productivity_rho * self.log_productivity + r.productivity_sigma * eps
            self.productivity = math.exp(self.log_productivity)

    # 2. demand ------------------------------------------------------------------------------
    def demand_on_me(self) -> float:
        """Orders placed with this firm last step, per month."""
        total = 0.0
        for line, share in self.customers:
            total += share * line.orders
        return total / self.model.rates.dt

    def tally_demand(self) -> None:
        """Orders plus final demand; planned output adds latent demand and draws down stock."""
        m, t, c = self.model, self.model.t, self.cell
        mu_dom = float(m.schedule.demand_domestic[t][c])
        self.final_domestic = self.final_domestic0 * mu_dom
        self.final_export = self.final_export0 * float(m.schedule.demand_export[t][c])
        self.latent = self.latent0 * mu_dom
        self.final_demand = self.final_domestic + self.final_export
        self.demand = self.demand_on_me() + self.final_demand
        self.planned = max(0.0, self.demand + self.latent - self.finished_stock / m.rates.dt)

    # 3. production ----------------------------------------------------------------------------
    def input_bound(self, capacity_bound: float) -> float:
        """Leontief over critical inputs, the half-critical rule over the others."""
        dt = self.model.rates.dt
        critical = half = INF
        for line in self.lines:
            support = line.stock / (line.coef * dt) if line.coef > 0 else INF
            if line.critical:
                critical = min(critical, support)
            else:
                half = min(half, 0.5 * (support + capacity_bound))
        return min(critical, half)

    def produce(self) -> None:
        """``x = min(q, K z, K z e, X_inputs, X_imports)`` and the binding constraint."""
        readiness = min(self.operable, self.installed * self.capacity_factor) * self.productivity
        capacity_bound = readiness * self.energy
        inputs = self.input_bound(capacity_bound)
        imports = self.import_availability * self.planned if self.import_availability < 1.0 else INF
        planned = self.planned
        output = max(min(planned, readiness, capacity_bound, inputs, imports), 0.0)
        limit = LIMIT_DEMAND if planned <= output else LIMIT_READINESS
        if capacity_bound <= output and self.energy < 1.0:
            limit = LIMIT_ENERGY
        if inputs <= output and inputs < planned:
            limit = LIMIT_INPUTS
        if imports <= output and imports < planned:
            limit = LIMIT_IMPORTS
        if planned <= output * (1.0 + TOLERANCE):
            limit = LIMIT_DEMAND
        self.output = output
        self.desired = min(planned, capacity_bound)
        self.limit = limit
        dt = self.model.rates.dt
        for line in self.lines:
            need = line.coef * output * dt
            line.used = need if line.critical else min(need, line.stock)

    # 4. delivery ------------------------------------------------------------------------------
    def ration(self) -> None:
        """A supplier's fill rate(s) over its orders and final demand; latent demand last."""
        if self.model.rationing == "priority":
            served = self.ration_by_priority()
        else:
            self.fill = min(1.0, self.output / self.demand) if self.demand > 0 else 1.0
            served = self.fill * self.demand
        self.unmet = max(0.0, self.demand - served)
        self.latent_served = max(0.0, self.output - served)
        self.delivered = served + self.latent_served
        self.finished_stock = self.finished_stock + (self.output - self.delivered) * self.model.rates.dt

    def ration_by_priority(self) -> float:
        """Serve needs, sensitive and other demand class by class; return what was served."""
        dt = self.model.rates.dt
        by_class = [0.0, 0.0, 0.0]
        for line, share in self.customers:
            by_class[line.priority] += share * line.orders
        by_class = [v / dt for v in by_class]
        by_class[0] += self.final_domestic
        by_class[2] += self.final_export
        remaining = self.output
        fills = [1.0, 1.0, 1.0]
        for c in self.model.priority_rank:
            take = min(remaining, by_class[c])
            fills[c] = take / by_class[c] if by_class[c] > 0 else 1.0
            remaining -= take
        self.fills = fills
        return fills[0] * by_class[0] + fills[1] * by_class[1] + fills[2] * by_class[2]

    def receive(self) -> None:
        """Each input line receives its order times its suppliers' fill rates."""
        priority = self.model.rationing == "priority"
        for line in self.lines:
            share_in = 0.0
            for supplier, share in line.suppliers:
                share_in += share * (supplier.fills[line.priority] if priority else supplier.fill)
            line.received = line.orders * share_in

    # 5. inventories -------------------------------------------------------------------------
    def stock_up(self) -> None:
        """``S += R - U``; orders ``a x^d dt + (T - S) / tau`` with ``T = (n + dt) a x^d``."""
        r = self.model.rates
        for line in self.lines:
            line.stock = max(line.stock + line.received - line.used, 0.0)
            use = line.coef * self.desired * r.dt
            target = (line.inventory_months / r.dt + 1.0) * use
            line.orders = max(0.0, use + (target - line.stock) / r.restore_steps)

    # 6. capacity ------------------------------------------------------------------------------
    def adjust_capacity(self) -> None:
        """Recovery, hysteresis, investment after gestation, depreciation of idle capacity."""
        m, r = self.model, self.model.rates
        self.expected_demand += r.smoothing * (self.demand + self.latent - self.expected_demand)
        target = min(self.installed, max(self.peak0, self.expected_demand))
        speed = r.recovery
        if m.recovery_boost is not None:
            speed = 1.0 - (1.0 - r.recovery) ** float(m.recovery_boost[self.index])
        if self.operable < target:
            self.operable = self.operable + speed * (target - self.operable)
        available = min(self.operable, self.installed * self.capacity_factor)
        idle = self.output < r.erosion_threshold * available
        self.idle_months = self.idle_months + r.dt if idle else 0.0
        eroding = self.idle_months >= r.erosion_after_months and (r.erosion_after_months > 0 or idle)
        if eroding:
            self.operable = self.operable - r.erosion * max(0.0, self.operable - self.output)
        slot = m.t % len(self.pipeline)
        self.installed = self.installed + self.pipeline[slot]
        brake = 1.0 - r.uncertainty_brake * float(m.uncertainty_high)
        self.pipeline[slot] = r.investment * max(0.0, self.expected_demand - self.installed) * brake
        if self.output < r.maintenance_utilisation * self.installed:
            self.installed = self.installed * (1.0 - r.depreciation)
        self.operable = min(self.operable, self.installed)

    # 7. labour --------------------------------------------------------------------------------
    def hire(self) -> None:
        """Employment follows output with hiring and firing lags."""
        r = self.model.rates
        gap = self.labour_per_output * self.output - self.employment
        self.employment = self.employment + (r.hiring if gap > 0 else r.firing) * gap

    # 8. record: the rolling 10-year peak and the cell aggregates ---------------------------------
    def roll_peak(self) -> None:
        """``peak = max(x0 * max(history[cell, month:]), max of the simulated window)``."""
        m = self.model
        if self.recent is None:
            self.sim_max = max(self.sim_max, self.output)
        else:
            self.recent.append(self.output)
            self.sim_max = max(self.recent)
        self.peak = max(self.output0 * float(m.history_peak[self.cell, m.month_index]), self.sim_max)

    def record(self) -> None:
        """Add this firm to its cell's aggregates (the columns of ``sim.record.CELL_COLUMNS``)."""
        row = self.model.cell_rows[self.cell]
        out, peak = self.output, self.peak
        row[0] += out
        row[1] += out * self.value_added_share
        row[2] += self.installed * self.capacity_factor
        row[3] += self.operable
        row[4] += peak
        row[5] += peak - out if peak > out else 0.0
        row[6] += self.employment
        row[7] += self.final_demand
        row[8] += self.unmet
        row[9] += self.latent_served
        stock = 0.0
        for line in self.lines:
            stock += line.stock
        row[10] += stock
        row[11 + self.limit] += out


class ReferenceModel(mesa.Model):
    """The reference: one :class:`ReferenceFirm` per firm, phases run by ``shuffle_do``.

    Args:
        scenario: The scenario (rates, shocks, policy).
        world: The engine's built world (``sim.world_for(scenario)``).
        seed: Seed of the run's generator, as for :class:`sim.GrowthModel`.
        schedule: A compiled shock schedule to share with an engine model (default: compiled
            from the scenario).
    """

    def __init__(
        self,
        scenario: Scenario,
        world: World,
        seed: int = 0,
        *,
        schedule: ShockSchedule | None = None,
    ) -> None:
        # Seeded exactly as GrowthModel, so the productivity noise draws are the same.
        super().__init__(rng=np.random.default_rng(seed))
        self.world = world
        self.rates: StepRates = step_rates(scenario)
        self.n_steps = scenario.parameters.steps(scenario.horizon_months)
        self.schedule = schedule or compile_shocks(scenario, world.economy, self.n_steps, self.rates.dt)
        self.rationing = scenario.policy.rationing
        self.priority_rank = tuple(PRIORITY_CLASSES.index(name) for name in scenario.policy.priority_order)
        self.recovery_boost: np.ndarray | None = None
        self.uncertainty_high = False
        self.window_steps = max(1, round(WINDOW_MONTHS / self.rates.dt))
        self.rolling = self.n_steps > self.window_steps
        self.history_peak = world.history_peak
        self.t = 0
        self.month_index = 0
        self.eps: np.ndarray | None = None
        self.firms = [ReferenceFirm(self, i) for i in range(world.n_firms)]
        self._wire(world)
        self.cells = np.zeros((self.n_steps + 1, world.n_cells, len(CELL_COLUMNS)))
        self.cell_rows: list[list[float]] = []
        self._record()

    def _record(self) -> None:
        """Phase 8: cell aggregates of this step, limits as shares of the cell's output."""
        self.cell_rows = [[0.0] * len(CELL_COLUMNS) for _ in range(self.world.n_cells)]
        self.agents.shuffle_do("record")
        row = np.array(self.cell_rows)
        n_limits = len(LIMIT_NAMES)
        totals = row[:, :1]
        with np.errstate(divide="ignore", invalid="ignore"):
            row[:, -n_limits:] = np.where(totals > 0, row[:, -n_limits:] / totals, 0.0)
        self.cells[self.t] = row

    def _wire(self, world: World) -> None:
        """Give every firm its input lines and every supplier its customers (build time only)."""
        net, dt = world.network, self.rates.dt
        lines = []
        for p in range(net.n_pairs):
            buyer = self.firms[int(net.pair_buyer[p])]
            line = InputLine(
                float(net.pair_coef[p]),
                bool(net.pair_critical[p]),
                float(world.pair_inventory_months[p]),
                buyer.priority,
            )
            use = line.coef * buyer.output0 * dt
            line.stock = (line.inventory_months / dt + 1.0) * use
            line.orders = line.received = line.used = use
            buyer.lines.append(line)
            lines.append(line)
        for e in range(net.n_links):
            line = lines[int(net.link_pair[e])]
            supplier = self.firms[int(net.link_supplier[e])]
            share = float(net.link_share[e])
            line.suppliers.append((supplier, share))
            supplier.customers.append((line, share))

    def step(self) -> None:
        """One step: every phase over all firms in a random order."""
        if self.t >= self.n_steps:
            self.running = False
            return
        self.t += 1
        self.month_index = min(math.ceil(self.t * self.rates.dt - 1e-9), self.history_peak.shape[1] - 1)
        if self.rates.productivity_sigma > 0:
            self.eps = self.rng.standard_normal(len(self.firms))
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
