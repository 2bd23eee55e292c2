"""One firm of the object-per-firm reference: its state as Python floats, one method per rule.

Each method is one rule of the engine's step (``sim/engine/phases/`` and the modules they call:
``sim/engine/imports.py``, ``sim/engine/stochastic.py``, ``sim/engine/policy.py``), written for one firm and its
input lines with plain Python arithmetic. A method reads only the firm's own state, its input
lines, the model's per-step values (schedules, random draws, regime) and state that no firm
writes in the same phase, so the order in which ``AgentSet.shuffle_do`` calls the firms cannot
change the results (see :mod:`tests.oracle.reference`).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING

import mesa

from sim.engine.phases import PRIORITY_FLOOR
from sim.engine.record import CELL_COLUMNS
from sim.engine.reroute import TRUSTED
from sim.engine.state import LIMIT_DEMAND, LIMIT_ENERGY, LIMIT_IMPORTS, LIMIT_INPUTS, LIMIT_READINESS

if TYPE_CHECKING:
    from .reference import ReferenceModel

TOLERANCE = 1e-9
INF = math.inf
COLUMN = {name: k for k, name in enumerate(CELL_COLUMNS)}


class SupplyLink:
    """One supplier of one input line: its base share, standby weight and current share of orders."""

    __slots__ = ("supplier", "base", "standby", "share")

    def __init__(self, supplier: ReferenceFirm, base: float, standby: float) -> None:
        self.supplier = supplier
        self.base = base
        self.standby = standby
        self.share = base


class InputLine:
    """One input of one firm (a pair of the engine): coefficients, stock and orders.

    ``coef`` is the domestic coefficient ``a``; ``coef_now`` this step's, ``a + (1 - alpha) phi m``
    with ``m`` (``sub_m``) the imported coefficient of the same good when its imports can move to
    domestic suppliers (0 otherwise).
    """

    __slots__ = (
        "coef",
        "coef_now",
        "sub_m",
        "critical",
        "inventory_months",
        "priority",
        "current",
        "suppliers",
        "stock",
        "orders",
        "received",
        "used",
    )

    def __init__(self, coef: float, sub_m: float, critical: bool, inventory_months: float, priority: int) -> None:
        self.coef = coef
        self.coef_now = coef
        self.sub_m = sub_m
        self.critical = critical
        self.inventory_months = inventory_months
        self.priority = priority
        self.current = 1.0
        self.suppliers: list[SupplyLink] = []
        self.stock = 0.0
        self.orders = 0.0
        self.received = 0.0
        self.used = 0.0


class ReferenceFirm(mesa.Agent):
    """One firm with its own state; each method is one rule of the engine's step.

    Args:
        model: The reference model.
        index: Row of the firm in the engine's arrays.
        imported: The firm's imported goods by how their shortfall binds: ``(binding,
            binding_soft, critical_sub, soft_sub)``, lists of sector indices (see :mod:`sim.engine.imports`).
    """

    def __init__(
        self, model: ReferenceModel, index: int, imported: tuple[list[int], list[int], list[int], list[int]]
    ) -> None:
        super().__init__(model)
        world = model.world
        self.index = index
        self.cell = int(world.firms.cell[index])
        self.weight = float(world.firms.weight[index])
        self.group = int(model.random_group[index])
        self.priority = int(world.firm_class[index])
        self.binding, self.binding_soft, self.critical_sub, self.soft_sub = imported
        self.final_domestic0 = float(world.final_domestic[index])
        self.final_export0 = float(world.final_export[index])
        self.latent0 = float(world.latent[index])
        self.peak0 = float(world.peak0[index])
        self.output0 = float(world.output0[index])
        self.labour_per_output = float(world.labour_per_output[index])
        self.value_added_share = float(world.value_added_share[index])
        self.lines: list[InputLine] = []
        self.customers: list[tuple[InputLine, SupplyLink]] = []
        x0 = self.output0
        self.output = self.planned = self.desired = self.demand = self.delivered = x0
        self.final_demand = self.final_domestic0 + self.final_export0
        self.final_domestic, self.final_export = self.final_domestic0, self.final_export0
        self.latent = self.latent0
        self.new_latent = 0.0
        self.unmet = self.latent_served = self.finished_stock = self.unmet_final = 0.0
        self.backlog = 0.0  # work waiting from earlier supply cuts (catch-up)
        self.exports = self.final_export0
        self.installed = float(world.installed0[index])
        self.potential = min(x0 + self.latent0, self.installed)
        self.operable = x0
        self.capacity_factor = self.energy = self.import_availability = self.productivity = 1.0
        self.log_productivity = self.log_idiosyncratic = self.outage_left = 0.0
        self.substitution = 0.0
        self.mu_domestic = self.mu_export = 1.0
        self.guarantee: float | None = None
        self.recovery_factor: float | None = None
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
        self.latent_fill = 1.0
        self.reliability = 1.0

    # 1. shocks ------------------------------------------------------------------------------
    def shock(self) -> None:
        """This step's schedules for the firm's cell, its random shocks and the levers in force."""
        m, t, c = self.model, self.model.t, self.cell
        self.capacity_factor = float(m.schedule.capacity[t][c])
        self.energy = float(m.schedule.energy[t][c])
        self.import_availability = float(m.schedule.imports[t][c])
        self.mu_domestic = float(m.schedule.demand_domestic[t][c])
        self.mu_export = float(m.schedule.demand_export[t][c])
        p = m.policy
        self.recovery_factor = None if p.recovery is None else float(p.recovery[t][c])
        self.guarantee = None if p.guarantee is None else float(p.guarantee[t][c])
        if p.export_floor is not None:  # export credit guarantee: the export shock floored
            self.mu_export = max(self.mu_export, float(p.export_floor[t][c]))
        if p.export_access is not None:  # market access won by export development
            self.mu_export = self.mu_export * float(p.export_access[t][c])
        self.draw_productivity()
        self.draw_outage()
        self.substitute_imports()

    def draw_productivity(self) -> None:
        """``u <- rho u + v sigma eps``; ``z = exp(u + g_group)`` (the group's shock moved by the model)."""
        m, r = self.model, self.model.random_rates
        v = r.volatility if m.high else 1.0
        if r.sigma > 0:
            self.log_idiosyncratic = r.rho * self.log_idiosyncratic + v * r.sigma * float(m.eps[self.index])
        if r.sigma > 0 or r.common_sigma > 0:
            self.productivity = math.exp(self.log_idiosyncratic + m.common[self.group])
            self.log_productivity = math.log(self.productivity)
        if m.policy.learning is not None:  # learning by exporting, on this step's noise
            noisy = r.sigma > 0 or r.common_sigma > 0
            noise = math.exp(self.log_idiosyncratic + m.common[self.group]) if noisy else 1.0
            self.productivity = noise * float(m.policy.learning[m.t][self.cell])

    def draw_outage(self) -> None:
        """An outage starts with probability ``1 - exp(-lambda dt)`` and removes ``loss`` of capacity."""
        m, r = self.model, self.model.random_rates
        if r.outage_start <= 0:
            return
        left = max(self.outage_left - 1.0, 0.0)
        start = left <= 0.0 and float(m.outage_draws[self.index]) < r.outage_start
        self.outage_left = r.outage_steps if start else left
        if self.outage_left > 0.0:
            self.capacity_factor = self.capacity_factor * (1.0 - r.outage_loss)

    def substitute_imports(self) -> None:
        """``phi <- phi + (sigma 1[alpha < 1] - phi) rate``; ``a' = a + (1 - alpha) phi m`` per line."""
        m, alpha = self.model, self.import_availability
        goal = m.substitution_share if alpha < 1.0 else 0.0
        self.substitution = self.substitution + (goal - self.substitution) * m.substitution_rate
        extra = (1.0 - alpha) * self.substitution
        for line in self.lines:
            line.coef_now = line.coef + extra * line.sub_m

    # 2. demand ------------------------------------------------------------------------------
    def demand_on_me(self) -> float:
        """Orders placed with this firm last step, per month."""
        total = 0.0
        for line, link in self.customers:
            total += link.share * line.orders
        return total / self.model.rates.dt

    def tally_demand(self) -> None:
        """Orders plus final demand (topped up by a market guarantee); planned output adds latent demand."""
        dt = self.model.rates.dt
        self.final_domestic = self.final_domestic0 * self.mu_domestic
        self.final_export = self.final_export0 * self.mu_export
        intermediate = self.intermediate = self.demand_on_me()
        self.latent = (self.latent0 + self.new_latent) * self.mu_domestic
        if self.guarantee is not None:
            demand_now = intermediate + self.final_domestic + self.final_export
            self.final_domestic = self.final_domestic + max(0.0, self.guarantee * self.output0 - demand_now)
        self.final_demand = self.final_domestic + self.final_export
        self.demand = intermediate + self.final_demand
        self.planned = max(0.0, self.demand + self.latent - self.finished_stock / dt)

    # 3. production ----------------------------------------------------------------------------
    def input_bound(self, capacity_bound: float) -> float:
        """Leontief over critical inputs, the half-critical rule over the others (this step's ``a'``)."""
        dt = self.model.rates.dt
        critical = half = INF
        for line in self.lines:
            support = line.stock / (line.coef_now * dt) if line.coef_now > 0 else INF
            if line.critical:
                critical = min(critical, support)
            else:
                half = min(half, 0.5 * (support + capacity_bound))
        return min(critical, half)

    def import_bound(self, capacity_bound: float, planned: float) -> float:
        """``min(c_hard q, (c_soft q + K) / 2)`` over the covered shares of the firm's imported goods.

        ``q`` is the normal plan (``planned``): imports are bought for it, not for catch-up.

        A binding good is covered ``alpha + (1 - alpha) r_j`` (``r_j`` the share made at home by
        missing-link projects), a substitutable one ``alpha + (1 - alpha) min(1, phi + r_j)``.
        """
        alpha = self.import_availability
        if alpha >= 1.0:
            return INF
        cover = self.model.import_cover
        gap = 1.0 - alpha
        hard = soft = INF
        for j in self.binding:
            hard = min(hard, alpha + gap * (0.0 if cover is None else cover[j]))
        for j in self.binding_soft:
            soft = min(soft, alpha + gap * (0.0 if cover is None else cover[j]))
        for j in self.critical_sub:
            hard = min(hard, alpha + gap * min(1.0, self.substitution + (0.0 if cover is None else cover[j])))
        for j in self.soft_sub:
            soft = min(soft, alpha + gap * min(1.0, self.substitution + (0.0 if cover is None else cover[j])))
        bound_hard = hard * planned if hard < 1.0 else INF  # all covered: no bound
        bound_soft = 0.5 * (soft * planned + capacity_bound) if soft < 1.0 else INF
        return min(bound_hard, bound_soft)

    def produce(self) -> None:
        """``x = min(q, K z, K z e, X_inputs, X_imports)``, the binding constraint and inputs used."""
        rates = self.model.rates
        readiness = min(self.operable, self.installed * self.capacity_factor) * self.productivity
        planned_normal = self.planned
        regular = min(planned_normal, readiness)  # what the firm would make with supplies to spare
        # Catch-up: up to a share o of capacity more, to work off the backlog (overtime).
        extra = min(self.backlog / rates.dt, rates.catch_up_share * readiness) if rates.catch_up_share > 0 else 0.0
        readiness += extra
        planned = self.planned = planned_normal + extra
        capacity_bound = readiness * self.energy
        inputs = self.input_bound(capacity_bound)
        imports = self.import_bound(capacity_bound, planned_normal)
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
        self.potential = min(planned, self.installed * self.capacity_factor * self.productivity + extra)
        self.limit = limit
        dt = rates.dt
        if rates.catch_up_share > 0:  # the shortfall joins the backlog, catch-up made clears it
            shortfall = max(0.0, regular - output) * dt
            made = max(0.0, output - regular) * dt
            waiting = max(0.0, self.backlog - made) * math.exp(-dt / rates.backlog_months)
            self.backlog = waiting + shortfall
        for line in self.lines:
            need = line.coef_now * output * dt
            line.used = need if line.critical else min(need, line.stock)

    # 4. delivery ------------------------------------------------------------------------------
    def ration(self) -> None:
        """A supplier's fill rate(s) over its orders and final demand; latent demand last."""
        if self.model.rationing == "priority":
            served = self.ration_by_priority()
            domestic_fill, export_fill = self.final_fills[self.priority], self.final_fills[2]
        else:
            intermediate = self.intermediate
            self.fill = min(1.0, self.output / intermediate) if intermediate > 0 else 1.0
            served = self.fill * intermediate  # firms' orders first, then final demand
            left = max(0.0, self.output - served)
            final_fill = min(1.0, left / self.final_demand) if self.final_demand > 0 else 1.0
            served += final_fill * self.final_demand
            domestic_fill = export_fill = final_fill
        self.exports = export_fill * self.final_export
        self.unmet_final = (1.0 - domestic_fill) * self.final_domestic + (1.0 - export_fill) * self.final_export
        self.unmet = max(0.0, self.demand - served)
        self.latent_served = max(0.0, self.output - served)
        self.delivered = served + self.latent_served
        self.finished_stock = self.finished_stock + (self.output - self.delivered) * self.model.rates.dt

    def ration_by_priority(self) -> float:
        """Everyone gets ``PRIORITY_FLOOR`` of the proportional fill, the rest goes tier by tier.

        Tiers: the part of customers' orders that serves current demand by the buyer's class, in
        priority order; then final demand by class (households' purchases in the product's class,
        this firm's; exports in ``other``); then the part of orders that would win back latent
        demand. Returns what was served.
        """
        dt, rank = self.model.rates.dt, self.model.priority_rank
        orders = [0.0, 0.0, 0.0]
        latent = 0.0
        for line, link in self.customers:
            orders[line.priority] += line.orders * line.current * link.share / dt
            latent += line.orders * (1.0 - line.current) * link.share / dt
        final = [0.0, 0.0, 0.0]
        final[self.priority] += self.final_domestic
        final[2] += self.final_export
        tiers = [orders[c] for c in rank] + [final[c] for c in rank] + [latent]
        total = sum(tiers)
        floor = PRIORITY_FLOOR * (min(1.0, self.output / total) if total > 0 else 1.0)
        remaining = max(0.0, self.output - floor * total)
        fills, served = [], 0.0
        for tier in tiers:
            take = min(remaining, (1.0 - floor) * tier)
            fill = floor + take / tier if tier > 0 else 1.0
            fills.append(fill)
            served += fill * tier
            remaining -= take
        self.fills = [0.0, 0.0, 0.0]
        for k, c in enumerate(rank):
            self.fills[c] = fills[k]
        self.final_fills = [0.0, 0.0, 0.0]
        for k, c in enumerate(rank):
            self.final_fills[c] = fills[len(rank) + k]
        self.latent_fill = fills[-1]
        return served

    def receive(self) -> None:
        """Each input line receives its order times its suppliers' fill rates (for its class)."""
        priority = self.model.rationing == "priority"
        for line in self.lines:
            share_in = 0.0
            for link in line.suppliers:
                supplier, share = link.supplier, link.share
                if priority:
                    fill = line.current * supplier.fills[line.priority] + (1.0 - line.current) * supplier.latent_fill
                else:
                    fill = supplier.fill
                share_in += share * fill
            line.received = line.orders * share_in

    # 5. inventories -------------------------------------------------------------------------
    def stock_up(self) -> None:
        """``S += R - U``; orders ``max(F, a' x^d dt + (T - S) / tau)``, ``T = (n + dt) a' x^d``;
        where capacity binds (``x^d < q``) ``F = a' x dt`` if a shock binds (``x^d < K_op``) and
        ``F = max(0, a' x dt - max(0, S - T_q) / tau)``, ``T_q = (n + dt) a' q``, if readiness binds
        (``x^d >= K_op``); ``F = 0`` elsewhere."""
        r = self.model.rates
        for line in self.lines:
            line.stock = max(line.stock + line.received - line.used, 0.0)
            use = line.coef_now * self.desired * r.dt
            target = (line.inventory_months / r.dt + 1.0) * use
            floor = 0.0
            if self.desired < self.planned:
                floor = line.coef_now * self.output * r.dt
                if self.desired >= self.operable:  # readiness binds: stock above the plan's target goes
                    target_plan = (line.inventory_months / r.dt + 1.0) * line.coef_now * self.planned * r.dt
                    floor = max(0.0, floor - max(0.0, line.stock - target_plan) / r.restore_steps)
            line.orders = max(floor, use + (target - line.stock) / r.restore_steps)
        current = min(1.0, self.demand / self.desired) if self.desired > 0 else 1.0
        for line in self.lines:
            line.current = current
        if self.model.rerouting:  # buyers' judgement of this supplier: its smoothed fill rate
            fill = min(1.0, self.output / self.intermediate) if self.intermediate > 0 else 1.0
            self.reliability = self.reliability + r.reroute * (fill - self.reliability)
            if self.reliability >= TRUSTED:
                self.reliability = 1.0

    def reroute(self) -> None:
        """Each input line's order shares: ``rho (b + s L / C)``, ``L = sum b (1 - rho)``, ``C = sum s rho``."""
        if not self.model.rerouting:
            return
        for line in self.lines:
            lost = capacity = 0.0
            for link in line.suppliers:
                rho = link.supplier.reliability
                lost += link.base * (1.0 - rho)
                capacity += link.standby * rho
            for link in line.suppliers:
                rho = link.supplier.reliability
                link.share = (link.standby * (lost / capacity) + link.base) * rho if capacity > 0 else link.base

    # 6. capacity ------------------------------------------------------------------------------
    def adjust_capacity(self) -> None:
        """Recovery (faster with support), hysteresis, policy capacity, investment, depreciation."""
        m, r = self.model, self.model.rates
        self.expected_demand += r.smoothing * (self.demand + self.latent - self.expected_demand)
        target = min(self.installed, max(self.peak0, self.expected_demand))
        speed = r.recovery if self.recovery_factor is None else 1.0 - (1.0 - r.recovery) ** self.recovery_factor
        if self.operable < target:
            self.operable = self.operable + speed * (target - self.operable)
        available = min(self.operable, self.installed * self.capacity_factor)
        idle = self.output < r.erosion_threshold * available and self.limit == LIMIT_DEMAND
        self.idle_months = self.idle_months + r.dt if idle else 0.0
        eroding = self.idle_months >= r.erosion_after_months and (r.erosion_after_months > 0 or idle)
        if eroding:
            self.operable = self.operable - r.erosion * max(0.0, self.operable - self.output)
        slot = m.t % len(self.pipeline)
        self.installed = self.installed + self.pipeline[slot]
        self.receive_policy_capacity()
        self.pipeline[slot] = r.investment * max(0.0, self.expected_demand - self.installed) * self.brake()
        if self.output < r.maintenance_utilisation * self.installed:
            self.installed = self.installed * (1.0 - r.depreciation)
        self.operable = min(self.operable, self.installed)

    def receive_policy_capacity(self) -> None:
        """Guided investment and missing-link plants arriving now: the firm's size share of its cell's."""
        m, t = self.model, self.model.t
        if m.policy.new_capacity is None:
            return
        added = float(m.policy.new_capacity[t][self.cell]) * self.weight
        self.installed = self.installed + added
        self.operable = self.operable + added
        self.new_latent = self.new_latent + float(m.policy.new_latent[t][self.cell]) * self.weight

    def brake(self) -> float:
        """Share of investment kept: ``1 - b high (1 - g)`` (a market guarantee lifts ``g`` of the brake)."""
        r, high = self.model.rates, self.model.high
        if self.guarantee is not None and high:
            return 1.0 - r.uncertainty_brake * (1.0 - self.guarantee)
        return 1.0 - r.uncertainty_brake * float(high)

    # 7. labour --------------------------------------------------------------------------------
    def hire(self) -> None:
        """Employment follows output with hiring and firing lags."""
        r = self.model.rates
        gap = self.labour_per_output * self.output - self.employment
        self.employment = self.employment + (r.hiring if gap > 0 else r.firing) * gap

    # 8. record: the rolling 10-year peak and the cell aggregates ---------------------------------
    def roll_peak(self) -> None:
        """``peak = max(x0 * max(history[cell, month:]), max of the outputs of the last W steps)``."""
        m = self.model
        if self.recent is None:  # runs no longer than the window: a running maximum
            self.sim_max = max(self.sim_max, self.output)
        else:
            self.recent.append(self.output)
            self.sim_max = max(self.recent)
        self.peak = max(self.output0 * float(m.history_peak[self.cell, m.month_index]), self.sim_max)

    def record(self) -> None:
        """Add this firm to its cell's aggregates (the columns of ``sim.engine.record.CELL_COLUMNS``)."""
        row = self.model.cell_rows[self.cell]
        out, peak = self.output, self.peak
        row[COLUMN["output"]] += out
        row[COLUMN["value_added"]] += out * self.value_added_share
        row[COLUMN["installed_capacity"]] += self.installed * self.capacity_factor
        row[COLUMN["operable_capacity"]] += self.operable
        row[COLUMN["peak_output"]] += peak
        row[COLUMN["idle_capacity"]] += peak - out if peak > out else 0.0
        row[COLUMN["employment"]] += self.employment
        row[COLUMN["final_demand"]] += self.final_demand
        row[COLUMN["unmet_demand"]] += self.unmet
        row[COLUMN["latent_demand_served"]] += self.latent_served
        row[COLUMN["exports"]] += self.exports
        row[COLUMN["unmet_final_demand"]] += self.unmet_final
        row[COLUMN["input_stock"]] += sum(line.stock for line in self.lines)
        row[COLUMN["output_bound_by_demand"] + self.limit] += out
        row[COLUMN["potential_output"]] += self.potential
        if self.limit != LIMIT_DEMAND:
            row[COLUMN["output_lost_to_readiness"] + self.limit - 1] += self.potential - out
        row[COLUMN["energy_availability"]] += self.energy * self.weight
        row[COLUMN["import_availability"]] += self.import_availability * self.weight
        row[COLUMN["productivity"]] += self.productivity * self.weight
