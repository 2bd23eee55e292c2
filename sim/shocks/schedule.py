"""The shock schedule: per-step multipliers by cell (province x sector), and what a shock kind is.

Each shock kind (one module of :mod:`sim.shocks`) has a compiler that multiplies its effect into one field of the
:class:`ShockSchedule`; overlapping shocks multiply, except that the currency limit (``fx``) and
import cuts (``import``) are two caps on the same imports and combine as the lesser
(:func:`sim.shocks.compile_shocks`). Cells are flat, ``cell = sector * P +
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
from typing import Any

import numpy as np

from sim.economy.cell_economy import Economy
from sim.strict import Window

FIELDS_ORDER = ("demand_domestic", "demand_export", "capacity", "energy", "imports")
FIELDS = frozenset(FIELDS_ORDER)


class ShockBase(Window):
    """Fields shared by every shock.

    Attributes:
        sectors: Sector codes hit (default: all).
        provinces: Province codes hit (default: all).
        start: First month of the shock, 1-based.
        end: Last month, inclusive (``None``: permanent).
    """


Compiler = Callable[[Any, "ShockSchedule", np.ndarray, float, Economy], None]
"""``compile(shock, schedule, mask, dt, economy)``: multiply the shock's effect into the schedule's
fields over the cells of ``mask``, in place."""


@dataclass(frozen=True)
class ShockKind:
    """One entry of the shock registry (:data:`sim.shocks.KINDS`): a kind is this and nothing else.

    Attributes:
        name: The ``kind`` key of its ``[[shock]]`` tables.
        spec: Its table, a :class:`ShockBase` with ``kind: Literal[name]``.
        fields: The :class:`ShockSchedule` fields a shock of this kind multiplies.
        compile: Its compiler (:data:`Compiler`).
    """

    name: str
    spec: type[ShockBase]
    fields: Callable[[Any], tuple[str, ...]]
    compile: Compiler


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
        imports: Availability of imported inputs (the lesser of import cuts and the currency limit),
            (T + 1, C).
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
