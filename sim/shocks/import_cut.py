"""An import cut: buyers get ``availability`` of the imported inputs they need while active.

One shock kind: its ``[[shock]]`` table (:class:`ImportShock`), the compiler that multiplies its effect
into the :class:`~sim.shocks.schedule.ShockSchedule`, and its registry entry :data:`KIND`
(collected by :mod:`sim.shocks`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from sim.economy.cell_economy import Economy
from sim.shocks.schedule import ShockBase, ShockKind, ShockSchedule, active_steps


class ImportShock(ShockBase):
    """Availability of imported inputs to the buyers in ``sectors`` x ``provinces``.

    Attributes:
        availability: Share of the imported inputs the buyers need that they can get, in [0, 1].
            How the shortfall binds (fully for missing links, partly replaced by domestic
            suppliers otherwise) is :mod:`sim.engine.imports`.
    """

    kind: Literal["import"]
    availability: float = Field(ge=0.0, le=1.0)


def compile_import_cut(
    shock: ImportShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy
) -> None:
    """Imported inputs available to the buyers: ``alpha = availability`` while active."""
    rows = active_steps(schedule.month, shock.start, shock.end)
    schedule.imports[np.ix_(rows, mask)] *= shock.availability


KIND = ShockKind(
    name="import",
    spec=ImportShock,
    fields=lambda shock: ("imports",),
    compile=compile_import_cut,
)
