"""A capacity shock: ``1 - loss`` of installed capacity while active, back linearly over ``recovery_months``.

One shock kind: its ``[[shock]]`` table (:class:`CapacityShock`), the compiler that multiplies its effect
into the :class:`~sim.shocks.schedule.ShockSchedule`, and its registry entry :data:`KIND`
(collected by :mod:`sim.shocks`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from sim.economy.cell_economy import Economy
from sim.shocks.schedule import ShockBase, ShockKind, ShockSchedule, active_steps
from sim.strict import Months


class CapacityShock(ShockBase):
    """Loss of a fraction of installed capacity while active, then recovery.

    Attributes:
        loss: Fraction of installed capacity lost, in [0, 1].
        recovery_months: Months over which the lost capacity comes back (linearly) after
            ``end``; 0 means at once (at most 1200).
    """

    kind: Literal["capacity"]
    loss: float = Field(ge=0.0, le=1.0)
    recovery_months: Months = 0.0


def compile_capacity(
    shock: CapacityShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy
) -> None:
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


KIND = ShockKind(
    name="capacity",
    spec=CapacityShock,
    fields=lambda shock: ("capacity",),
    compile=compile_capacity,
)
