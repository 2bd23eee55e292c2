"""A demand shock: final demand moves by ``1 + change`` while active.

One shock kind: its ``[[shock]]`` table (:class:`DemandShock`), the compiler that multiplies its effect
into the :class:`~sim.shocks.schedule.ShockSchedule`, and its registry entry :data:`KIND`
(collected by :mod:`sim.shocks`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from sim.economy.cell_economy import Economy
from sim.shocks.schedule import ShockBase, ShockKind, ShockSchedule, active_steps

MAX_DEMAND_CHANGE = 100.0
"""Largest relative demand change (demand x101): beyond it a run overflows rather than informs."""


class DemandShock(ShockBase):
    """A relative change of final demand: ``f = f0 * (1 + change)`` while active.

    Attributes:
        change: Relative change, in (-1, 100] (e.g. 0.10 for +10%).
        channel: ``"domestic"``, ``"export"`` or ``"all"`` final demand.
    """

    kind: Literal["demand"]
    change: float = Field(gt=-1.0, le=MAX_DEMAND_CHANGE)
    channel: Literal["domestic", "export", "all"] = "all"


def compile_demand(shock: DemandShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    rows = active_steps(schedule.month, shock.start, shock.end)
    factor = 1.0 + shock.change
    if shock.channel in ("domestic", "all"):
        schedule.demand_domestic[np.ix_(rows, mask)] *= factor
    if shock.channel in ("export", "all"):
        schedule.demand_export[np.ix_(rows, mask)] *= factor


KIND = ShockKind(
    name="demand",
    spec=DemandShock,
    fields=lambda shock: (
        (("demand_domestic",) if shock.channel in ("domestic", "all") else ())
        + (("demand_export",) if shock.channel in ("export", "all") else ())
    ),
    compile=compile_demand,
)
