"""Scheduled shocks, compiled into per-step multipliers by cell (province x sector).

Each shock kind has a compiler that multiplies its effect into one field of the
:class:`ShockSchedule`. Cells are flat, ``cell = sector * P + province``; step ``t`` (1-based)
falls in month ``ceil(t * dt)``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.economy import Economy
from sim.scenario import CapacityShock, DemandShock, Scenario


@dataclass
class ShockSchedule:
    """Multipliers by step and cell; row 0 is the initial state (all ones).

    Attributes:
        demand_domestic: Multiplier of domestic final (and latent) demand, (T + 1, C).
        demand_export: Multiplier of export final demand, (T + 1, C).
        capacity: Share of installed capacity available, (T + 1, C).
        energy: Energy availability, (T + 1, C).
        imports: Availability of imported inputs, (T + 1, C).
        month: Month of each step, (T + 1,).
    """

    demand_domestic: np.ndarray
    demand_export: np.ndarray
    capacity: np.ndarray
    energy: np.ndarray
    imports: np.ndarray
    month: np.ndarray

    @classmethod
    def neutral(cls, n_steps: int, n_cells: int, dt: float) -> ShockSchedule:
        ones = np.ones((n_steps + 1, n_cells))
        month = np.ceil(np.arange(n_steps + 1) * dt - 1e-9).astype(np.int64)
        return cls(ones.copy(), ones.copy(), ones.copy(), ones.copy(), ones.copy(), month)


def cell_mask(economy: Economy, sectors: list[str] | None, provinces: list[str] | None) -> np.ndarray:
    """Flat boolean mask of the cells a shock covers (``None`` means all)."""
    s_mask = np.ones(economy.n_sectors, dtype=bool)
    p_mask = np.ones(economy.n_provinces, dtype=bool)
    if sectors is not None:
        s_mask = np.isin(economy.sector_codes, sectors)
    if provinces is not None:
        p_mask = np.isin(economy.province_codes, provinces)
    return (s_mask[:, None] & p_mask[None, :]).reshape(-1)


def active_steps(month: np.ndarray, start: int, end: int | None) -> np.ndarray:
    """Steps whose month lies in ``[start, end]`` (``end=None``: to the horizon)."""
    last = np.iinfo(np.int64).max if end is None else end
    return (month >= start) & (month <= last)


def _demand(shock: DemandShock, schedule: ShockSchedule, mask: np.ndarray, dt: float) -> None:
    rows = active_steps(schedule.month, shock.start, shock.end)
    factor = 1.0 + shock.change
    if shock.channel in ("domestic", "all"):
        schedule.demand_domestic[np.ix_(rows, mask)] *= factor
    if shock.channel in ("export", "all"):
        schedule.demand_export[np.ix_(rows, mask)] *= factor


def _capacity(shock: CapacityShock, schedule: ShockSchedule, mask: np.ndarray, dt: float) -> None:
    """Capacity available: ``1 - loss`` while active, then back linearly over the recovery time."""
    month = schedule.month
    factor = np.ones(month.size)
    factor[active_steps(month, shock.start, shock.end)] = 1.0 - shock.loss
    if shock.end is not None and shock.recovery_months > 0:
        after = month > shock.end
        steps_after = np.arange(month.size) - np.searchsorted(month, shock.end, side="right") + 1
        progress = np.clip(steps_after * dt / shock.recovery_months, 0.0, 1.0)
        factor[after] = 1.0 - shock.loss * (1.0 - progress[after])
    factor[0] = 1.0
    schedule.capacity[:, mask] *= factor[:, None]


COMPILERS: dict[str, Callable] = {"demand": _demand, "capacity": _capacity}


def compile_shocks(scenario: Scenario, economy: Economy, n_steps: int, dt: float) -> ShockSchedule:
    """Turn a scenario's ``[[shock]]`` tables into per-step multipliers by cell.

    Args:
        scenario: The scenario.
        economy: Its economy (for the cell layout).
        n_steps: Steps in the run.
        dt: Step length in months.

    Returns:
        The schedule; overlapping shocks multiply.
    """
    schedule = ShockSchedule.neutral(n_steps, economy.n_provinces * economy.n_sectors, dt)
    for shock in scenario.shock:
        mask = cell_mask(economy, shock.sectors, shock.provinces)
        COMPILERS[shock.kind](shock, schedule, mask, dt)
    return schedule
