"""The run plan: everything about a run that is fixed before its first step, compiled once.

:func:`compile` turns a scenario and its built world into a frozen :class:`RunPlan`: the per-step
rates, the shock and policy schedules, the random shocks' rates, the import structure, the input
lines with their layouts (:class:`~sim.kernels.lines.InputLines`) and, under priority rationing,
the class matrix. Phases read the plan and never write it; what changes lives in
:class:`~sim.engine.state.State`, and what a phase hands to the next within a step is returned as
a flow (:mod:`sim.engine.flows`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from sim.economy.world import World
from sim.engine.imports import ImportStructure, import_structure
from sim.engine.policy import PolicySchedule, compile_policy
from sim.engine.stochastic import StochasticRates, correlated_groups
from sim.kernels.lines import InputLines
from sim.kernels.supplier_matrix import PairMatrix
from sim.scenario import PRIORITY_CLASSES, Scenario
from sim.shocks import ShockSchedule, compile_shocks


@dataclass(frozen=True)
class StepRates:
    """Parameters converted to the step length (see ``ModelParameters``)."""

    dt: float
    restore_steps: float
    recovery: float
    erosion_threshold: float
    erosion_after_months: float
    erosion: float
    depreciation: float
    maintenance_utilisation: float
    investment: float
    gestation_steps: int
    uncertainty_brake: float
    smoothing: float
    hiring: float
    firing: float
    reroute: float = 0.0
    catch_up_share: float = 0.0
    backlog_months: float = 1.0

    @property
    def restore_rate(self) -> float:
        """The pace of the stock refill as a rate, ``1 / tau`` (the orders multiply by it)."""
        return 1.0 / self.restore_steps


def step_rates(scenario: Scenario) -> StepRates:
    """Convert the scenario's monthly parameters to per-step rates."""
    p = scenario.parameters
    return StepRates(
        dt=p.step_months,
        restore_steps=max(1.0, p.inventory_restore_months / p.step_months),
        recovery=p.per_step(p.recovery_speed),
        erosion_threshold=p.erosion_threshold,
        erosion_after_months=p.erosion_after_months,
        erosion=p.per_step(p.erosion_rate),
        depreciation=p.per_step(p.depreciation),
        maintenance_utilisation=p.maintenance_utilisation,
        investment=p.per_step(p.investment_response),
        gestation_steps=max(1, p.steps(p.gestation_months)),
        uncertainty_brake=p.uncertainty_brake,
        smoothing=p.per_step(p.expectation_smoothing),
        hiring=p.per_step(p.hiring_speed),
        firing=p.per_step(p.firing_speed),
        reroute=-math.expm1(-p.step_months / p.reroute_months) if p.reroute_months > 0 else 0.0,
        catch_up_share=p.catch_up_share,
        backlog_months=p.backlog_months,
    )


@dataclass(frozen=True)
class RunPlan:
    """What a run's phases read and never write (arrays in it are read-only by contract).

    Attributes:
        world: The built world (firms, network, month-0 state).
        rates: Parameters per step.
        n_steps: Steps in the run.
        schedule: Shock multipliers by step and cell (:mod:`sim.shocks`).
        policy: Levers by step and cell (:mod:`sim.engine.policy`).
        random: The random shocks' rates per step (:mod:`sim.engine.stochastic`).
        random_group: Group (province or sector) of each firm for the correlated shock, (N,).
        imports: How each buyer sector's imports respond to a shortfall (:mod:`sim.engine.imports`).
        substitution_share: ``sigma``, share of an import shortfall moved to domestic suppliers.
        substitution_rate: ``min(1, dt / tau)``, the step's share of the substitution gap closed.
        lines: The input lines and their arithmetic (:class:`~sim.kernels.lines.InputLines`).
        stock_factor: ``n / dt + 1``: input stock targets in steps of use, by firm, (N,).
        firm_ones: Ones by firm (read-only): capacity, energy and import availability of a step
            no shock touches.
        rationing: ``"proportional"`` or ``"priority"``.
        priority_rank: Class numbers (0 needs, 1 sensitive, 2 other) in the order served.
        class_matrix: Priority rationing only: ``M`` with each entry moved to the row block of its
            line's buyer's class, (3 N, P): row ``c N + k`` holds supplier ``k``'s customers of
            class ``c`` (in the suppliers' layout).
        product_slot: Priority rationing only: row ``class(k) N + k`` of each firm's product, where
            households' purchases of it fall, (N,).
    """

    world: World
    rates: StepRates
    n_steps: int
    schedule: ShockSchedule
    policy: PolicySchedule
    random: StochasticRates
    random_group: np.ndarray
    imports: ImportStructure
    substitution_share: float
    substitution_rate: float
    lines: InputLines
    stock_factor: np.ndarray
    firm_ones: np.ndarray
    rationing: str = "proportional"
    priority_rank: tuple[int, ...] = (0, 1, 2)
    class_matrix: PairMatrix | None = None
    product_slot: np.ndarray | None = None

    @property
    def energy_varies(self) -> bool:
        """Some shock touches energy (otherwise energy is one everywhere and never binds)."""
        return "energy" in self.schedule.shocked

    @property
    def imports_vary(self) -> bool:
        """Some shock touches import availability (otherwise no import bound, no substitution)."""
        return "imports" in self.schedule.shocked


def compile(scenario: Scenario, world: World) -> RunPlan:
    """Compile a scenario on its built world into the run plan (once per run).

    Args:
        scenario: The validated scenario.
        world: Its built world (``sim.world_for(scenario)``).

    Returns:
        The frozen plan.
    """
    rates = step_rates(scenario)
    n_steps = scenario.parameters.steps(scenario.horizon_months)
    schedule = compile_shocks(scenario, world.economy, n_steps, rates.dt)
    random_group, _ = correlated_groups(scenario.stochastic.correlated_by, world)
    firm_ones = np.ones(world.n_firms)
    firm_ones.setflags(write=False)
    lines = InputLines(world.network)
    rationing = scenario.policy.rationing
    class_matrix, product_slot = _class_matrix(world, lines) if rationing == "priority" else (None, None)
    policy = compile_policy(scenario, world, schedule.month)
    stock_factor = world.inventory_months / rates.dt + 1.0
    _read_only(*vars(schedule).values(), *vars(policy).values(), stock_factor, product_slot)
    return RunPlan(
        world=world,
        rates=rates,
        n_steps=n_steps,
        schedule=schedule,
        policy=policy,
        random=StochasticRates.from_spec(scenario.stochastic, rates.dt, world.output0),
        random_group=random_group,
        imports=import_structure(world),
        substitution_share=scenario.imports.substitution_share,
        substitution_rate=min(1.0, rates.dt / scenario.imports.substitution_months),
        lines=lines,
        stock_factor=stock_factor,
        firm_ones=firm_ones,
        rationing=rationing,
        priority_rank=tuple(PRIORITY_CLASSES.index(name) for name in scenario.policy.priority_order),
        class_matrix=class_matrix,
        product_slot=product_slot,
    )


def _read_only(*values: object) -> None:
    """Mark the plan's own arrays read-only: a phase that writes into one fails at once."""
    for value in values:
        if isinstance(value, np.ndarray):
            value.setflags(write=False)


def _class_matrix(world: World, lines: InputLines) -> tuple[PairMatrix, np.ndarray]:
    """The class matrix and the product slots of priority rationing (see :class:`RunPlan`)."""
    n, net = world.n_firms, world.network
    m = net.supplier_of_pair.tocoo()
    rows = world.firm_class[net.pair_buyer[m.col]].astype(np.int64) * n + m.row
    class_links = sp.csr_matrix((m.data, (rows, m.col)), shape=(3 * n, net.n_pairs))
    del m, rows
    return lines.same_layout(class_links), world.firm_class.astype(np.int64) * n + np.arange(n)
