"""Scheduled shocks, compiled into per-step multipliers by cell (province x sector).

Each shock kind has a compiler that multiplies its effect into one field of the
:class:`ShockSchedule`; overlapping shocks multiply. Cells are flat, ``cell = sector * P +
province``; step ``t`` (1-based) falls in month ``ceil(t * dt)``, and month ``m`` in calendar month
``(first_calendar_month - 1 + m - 1) mod 12 + 1``.

=========  ==================  ==========================================================
kind       field               multiplier while active
=========  ==================  ==========================================================
demand     demand_domestic,    ``1 + change`` (by ``channel``)
           demand_export
capacity   capacity            ``1 - loss``, back linearly over ``recovery_months``
import     imports             ``availability``
energy     energy              ``availability`` (only in ``season`` calendar months, if set)
fx         imports             ``min(1, working_capital / (1 + pass_through (e_t - 1)))``
=========  ==================  ==========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from sim.economy import Economy
from sim.scenario import CapacityShock, DemandShock, EnergyShock, FxShock, ImportShock, Scenario

FIELDS_ORDER = ("demand_domestic", "demand_export", "capacity", "energy", "imports")
FIELDS = frozenset(FIELDS_ORDER)


def fields_of(shock: DemandShock | CapacityShock | ImportShock | EnergyShock | FxShock) -> tuple[str, ...]:
    """The :class:`ShockSchedule` fields a shock multiplies (see the table above)."""
    if shock.kind == "demand":
        domestic = ("demand_domestic",) if shock.channel in ("domestic", "all") else ()
        return domestic + (("demand_export",) if shock.channel in ("export", "all") else ())
    return {"capacity": ("capacity",), "import": ("imports",), "energy": ("energy",), "fx": ("imports",)}[shock.kind]


@dataclass
class ShockSchedule:
    """Multipliers by step and cell; row 0 is the initial state (all ones).

    A field no shock touches is not allocated: it is a read-only view of one row of ones
    broadcast over the steps (``schedule.capacity[t]`` still reads as ones), and its name is
    absent from ``shocked``, so a step can skip it.

    Attributes:
        demand_domestic: Multiplier of domestic final (and latent) demand, (T + 1, C).
        demand_export: Multiplier of export final demand, (T + 1, C).
        capacity: Share of installed capacity available, (T + 1, C).
        energy: Energy availability, (T + 1, C).
        imports: Availability of imported inputs (import cuts times the currency limit), (T + 1, C).
        month: Month of each step, (T + 1,).
        calendar: Calendar month (1..12) of each step, (T + 1,); 0 for row 0.
        shocked: Names of the fields some shock touches (writable arrays); the others are ones.
    """

    demand_domestic: np.ndarray
    demand_export: np.ndarray
    capacity: np.ndarray
    energy: np.ndarray
    imports: np.ndarray
    month: np.ndarray
    calendar: np.ndarray
    shocked: frozenset[str] = FIELDS

    @classmethod
    def neutral(
        cls,
        n_steps: int,
        n_cells: int,
        dt: float,
        first_calendar_month: int = 1,
        shocked: frozenset[str] = FIELDS,
    ) -> ShockSchedule:
        """All multipliers one; the fields in ``shocked`` writable, the others read-only views."""
        month = np.ceil(np.arange(n_steps + 1) * dt - 1e-9).astype(np.int64)
        calendar = np.where(month > 0, (first_calendar_month - 1 + month - 1) % 12 + 1, 0)
        constant = np.broadcast_to(np.ones(n_cells), (n_steps + 1, n_cells))
        fields = {name: np.ones((n_steps + 1, n_cells)) if name in shocked else constant for name in FIELDS_ORDER}
        return cls(**fields, month=month, calendar=calendar, shocked=frozenset(shocked))


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


def _demand(shock: DemandShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    rows = active_steps(schedule.month, shock.start, shock.end)
    factor = 1.0 + shock.change
    if shock.channel in ("domestic", "all"):
        schedule.demand_domestic[np.ix_(rows, mask)] *= factor
    if shock.channel in ("export", "all"):
        schedule.demand_export[np.ix_(rows, mask)] *= factor


def _capacity(shock: CapacityShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
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


def _import(shock: ImportShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    """Imported inputs available to the buyers: ``alpha = availability`` while active."""
    rows = active_steps(schedule.month, shock.start, shock.end)
    schedule.imports[np.ix_(rows, mask)] *= shock.availability


def _energy(shock: EnergyShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    """Energy available: ``availability`` while active and, with a season, in its calendar months only."""
    rows = active_steps(schedule.month, shock.start, shock.end)
    if shock.season is not None:
        rows &= np.isin(schedule.calendar, shock.season)
    if shock.energy_intensive_only:
        intensive = np.repeat(economy.tag("energy_intensive"), economy.n_provinces)  # flat cell = s * P + p
        mask = mask & intensive
    schedule.energy[np.ix_(rows, mask)] *= shock.availability


def fx_import_share(shock: FxShock, month: np.ndarray) -> np.ndarray:
    """Share of imported inputs firms can pay for in each step (1 where the shock is not active).

    ``e_t = path[min(m - start, len(path) - 1)]``, ``p_t = 1 + pass_through (e_t - 1)``,
    share ``= min(1, working_capital / p_t)``.
    """
    rows = active_steps(month, shock.start, shock.end)
    path = np.asarray(shock.path, dtype=float)
    rate = np.ones(month.size)
    rate[rows] = path[np.clip(month[rows] - shock.start, 0, path.size - 1)]
    price = 1.0 + shock.pass_through * (rate - 1.0)
    return np.where(rows, np.minimum(1.0, shock.working_capital / price), 1.0)


def _fx(shock: FxShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    """Imported inputs affordable under the working-capital limit (see :func:`fx_import_share`)."""
    schedule.imports[:, mask] *= fx_import_share(shock, schedule.month)[:, None]


COMPILERS: dict[str, Callable] = {
    "demand": _demand,
    "capacity": _capacity,
    "import": _import,
    "energy": _energy,
    "fx": _fx,
}


def compile_shocks(scenario: Scenario, economy: Economy, n_steps: int, dt: float) -> ShockSchedule:
    """Turn a scenario's ``[[shock]]`` tables into per-step multipliers by cell.

    Args:
        scenario: The scenario.
        economy: Its economy (for the cell layout and the ``energy_intensive`` tag).
        n_steps: Steps in the run.
        dt: Step length in months.

    Returns:
        The schedule; overlapping shocks multiply.
    """
    n_cells = economy.n_provinces * economy.n_sectors
    shocked = frozenset(name for shock in scenario.shock for name in fields_of(shock))
    schedule = ShockSchedule.neutral(n_steps, n_cells, dt, scenario.first_calendar_month, shocked)
    for shock in scenario.shock:
        mask = cell_mask(economy, shock.sectors, shock.provinces)
        COMPILERS[shock.kind](shock, schedule, mask, dt, economy)
    return schedule
