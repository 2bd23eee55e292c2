"""An energy cut: ``availability`` of electricity or gas while active (in its season, if set).

One shock kind: its ``[[shock]]`` table (:class:`EnergyShock`), the compiler that multiplies its effect
into the :class:`~sim.shocks.schedule.ShockSchedule`, and its registry entry :data:`KIND`
(collected by :mod:`sim.shocks`).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field, model_validator

from sim.economy.cell_economy import Economy
from sim.shocks.schedule import ShockBase, ShockKind, ShockSchedule, active_steps


class EnergyShock(ShockBase):
    """Electricity or gas availability to the firms in ``sectors`` x ``provinces``.

    Attributes:
        availability: Share of normal energy supply available, in [0, 1]; operable capacity is
            multiplied by it.
        carrier: ``"electricity"`` or ``"gas"`` (a label: both act the same way).
        season: Months of the calendar year (1..12) in which the cut applies, each year between
            ``start`` and ``end``; ``None``: every month. The calendar month of simulated month
            1 is ``Scenario.first_calendar_month``.
        energy_intensive_only: Restrict the cut to the sectors tagged ``energy_intensive``
            (among ``sectors``).
    """

    kind: Literal["energy"]
    availability: float = Field(ge=0.0, le=1.0)
    carrier: Literal["electricity", "gas"] = "electricity"
    season: list[Annotated[int, Field(ge=1, le=12)]] | None = Field(None, min_length=1)
    energy_intensive_only: bool = False

    @model_validator(mode="after")
    def _season_unique(self) -> EnergyShock:
        if self.season is not None and len(set(self.season)) != len(self.season):
            raise ValueError(f"season must list each month once, got {self.season}")
        return self


def compile_energy(shock: EnergyShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    """Energy available: ``availability`` while active and, with a season, in its calendar months only."""
    rows = active_steps(schedule.month, shock.start, shock.end)
    if shock.season is not None:
        rows &= np.isin(schedule.calendar, shock.season)
    if shock.energy_intensive_only:
        intensive = np.repeat(economy.tag("energy_intensive"), economy.n_provinces)  # flat cell = s * P + p
        mask = mask & intensive
    schedule.energy[np.ix_(rows, mask)] *= shock.availability


KIND = ShockKind(
    name="energy",
    spec=EnergyShock,
    fields=lambda shock: ("energy",),
    compile=compile_energy,
)
