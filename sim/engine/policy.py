"""The ministry's levers of ``[policy]``, compiled into per-step arrays by cell.

What each lever changes (cells are province x sector; a cell's quantity is spread over its firms
by their size weights, which sum to one in a cell):

- ``rationing`` / ``priority_order``: how a short supplier shares its output
  (:func:`sim.engine.phases.delivery.delivery`).
- ``recovery_support``: the recovery speed of operable capacity of the covered cells,
  ``rho' = 1 - (1 - rho) ** factor`` while active (about ``factor * rho``; financing of repairs,
  working capital and staff).
- ``market_guarantee``: the state buys what is missing of ``share`` of each covered firm's
  month-0 sales, so its demand never falls below ``share * x0`` (a top-up of domestic final
  demand ``max(0, share x0 - D)``); the same share of the uncertainty brake on its investment is
  lifted: ``brake_k = b * high * (1 - share_k)``.
- ``missing_link_projects``: after gestation, cell (province, sector ``j``) gains installed and
  operable capacity ``C = capacity * X_j`` (``X_j`` the sector's national month-0 output), plus
  the market it takes from imports: latent demand ``min(C, M_j - already substituted)``, with
  ``M_j = sum_s m[j, s] X_s`` the nation's month-0 imports of good ``j``. Buyers of ``j`` then
  get a share ``r_j = min(1, sum C_j / M_j)`` of their imports of ``j`` at home whatever the
  import cut (:mod:`sim.engine.imports`). The new plant's own limits (inputs, energy) show in its
  cell's output, not in ``r_j``.
- ``investment_guidance``: after gestation, each covered cell gains installed and operable
  capacity ``amount * x0_cell`` and latent demand of the same size: guided investment goes where
  planners have found a market (people's needs, import substitutes, exports) for it, which is the
  policy's premise; new capacity without demand would stand idle.
- ``export_development``: market access, an export credit guarantee and learning by exporting
  for complex-export sectors (:mod:`sim.engine.export_development`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.economy.world import World
from sim.engine.export_development import compile_export_development
from sim.scenario import Scenario
from sim.shocks import active_steps, cell_mask


@dataclass
class PolicySchedule:
    """Levers by step and cell; ``None`` where a lever is not used.

    Attributes:
        recovery: Multiplier (exponent) of the recovery speed, (T + 1, C).
        guarantee: Guaranteed share of month-0 sales, (T + 1, C).
        new_capacity: Installed capacity arriving in each step, per month, (T + 1, C).
        new_latent: Latent demand arriving in each step, per month, (T + 1, C).
        import_cover: Share of the nation's imports of each good made at home, (T + 1, J).
        export_access: Multiplier of export demand from market access, (T + 1, C).
        export_floor: Least export-demand shock multiplier under a credit guarantee, (T + 1, C).
        learning: Productivity multiplier from learning by exporting, (T + 1, C).
    """

    recovery: np.ndarray | None = None
    guarantee: np.ndarray | None = None
    new_capacity: np.ndarray | None = None
    new_latent: np.ndarray | None = None
    import_cover: np.ndarray | None = None
    export_access: np.ndarray | None = None
    export_floor: np.ndarray | None = None
    learning: np.ndarray | None = None


def arrival_step(month: np.ndarray, start: int, gestation_months: float) -> int | None:
    """First step whose month is at least ``start + gestation`` (``None``: after the horizon)."""
    due = start + gestation_months
    hits = np.flatnonzero(month >= due - 1e-9)
    hits = hits[hits > 0]
    return int(hits[0]) if hits.size else None


def compile_policy(scenario: Scenario, world: World, month: np.ndarray) -> PolicySchedule:
    """Turn ``[policy]`` into per-step arrays.

    Args:
        scenario: The scenario.
        world: The built world (month-0 outputs, imports).
        month: Month of each step, (T + 1,).

    Returns:
        The schedule.
    """
    policy, economy = scenario.policy, world.economy
    n_rows, n_cells = month.size, world.n_cells
    out = PolicySchedule()
    cell_x0 = np.bincount(world.firms.cell, weights=world.output0, minlength=n_cells)
    if policy.recovery_support:
        out.recovery = np.ones((n_rows, n_cells))
        for lever in policy.recovery_support:
            rows = active_steps(month, lever.start, lever.end)
            cells = cell_mask(economy, lever.sectors, lever.provinces)
            out.recovery[np.ix_(rows, cells)] *= lever.factor
    if policy.market_guarantee:
        out.guarantee = np.zeros((n_rows, n_cells))
        for lever in policy.market_guarantee:
            rows = active_steps(month, lever.start, lever.end)
            cells = cell_mask(economy, lever.sectors, lever.provinces)
            block = out.guarantee[np.ix_(rows, cells)]
            out.guarantee[np.ix_(rows, cells)] = np.maximum(block, lever.share)
    if policy.investment_guidance or policy.missing_link_projects:
        out.new_capacity = np.zeros((n_rows, n_cells))
        out.new_latent = np.zeros((n_rows, n_cells))
    for lever in policy.investment_guidance:
        step = arrival_step(month, lever.start, lever.gestation_months)
        if step is not None:
            added = lever.amount * cell_x0 * cell_mask(economy, lever.sectors, lever.provinces)
            out.new_capacity[step] += added
            out.new_latent[step] += added
    if policy.missing_link_projects:
        _projects(scenario, world, month, cell_x0, out)
    if policy.export_development:
        source = scenario.path or scenario.name
        access, floor, learning = compile_export_development(policy.export_development, economy, month, source)
        out.export_access = None if (access == 1.0).all() else access
        out.export_floor = None if (floor == 0.0).all() else floor
        out.learning = None if (learning == 1.0).all() else learning
    return out


def _projects(scenario: Scenario, world: World, month: np.ndarray, cell_x0: np.ndarray, out: PolicySchedule) -> None:
    economy = world.economy
    n_p, n_s = economy.n_provinces, economy.n_sectors
    sector_x0 = cell_x0.reshape(n_s, n_p).sum(axis=1)
    imports = economy.imported @ sector_x0  # M_j = sum_s m[j, s] X_s
    built = np.zeros((month.size, n_s))
    substituted = np.zeros(n_s)
    for lever in sorted(scenario.policy.missing_link_projects, key=lambda p: p.start + p.gestation_months):
        step = arrival_step(month, lever.start, lever.gestation_months)
        if step is None:
            continue
        j = economy.sector_codes.index(lever.sector)
        cell = j * n_p + economy.province_codes.index(lever.province)
        capacity = lever.capacity * sector_x0[j]
        market = min(capacity, max(0.0, imports[j] - substituted[j]))
        substituted[j] += market
        out.new_capacity[step, cell] += capacity
        out.new_latent[step, cell] += market
        built[step:, j] += capacity
    with np.errstate(divide="ignore", invalid="ignore"):
        out.import_cover = np.where(imports > 0, np.minimum(1.0, built / imports), 0.0)
