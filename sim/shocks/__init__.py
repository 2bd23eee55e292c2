"""Scheduled shocks: the registry of shock kinds, and the compiler of a scenario's ``[[shock]]`` tables.

A kind is one module here holding its table (a :class:`~sim.shocks.schedule.ShockBase`), its
compiler and its :class:`~sim.shocks.schedule.ShockKind` entry; :data:`KINDS` lists them, and
everything else (the scenario's ``Shock`` union, the kind names in error messages, which schedule
fields a run touches) is derived from it. Adding a kind: write its module, add it to
:data:`KINDS`, test its compiler (``tests/test_shocks.py``), document its keys in
``docs/scenarios.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Union

import numpy as np
from pydantic import Field

from sim.economy.cell_economy import Economy
from sim.shocks import capacity, demand, energy, fx, import_cut
from sim.shocks.capacity import CapacityShock
from sim.shocks.demand import DemandShock
from sim.shocks.energy import EnergyShock
from sim.shocks.fx import FxShock, fx_import_share
from sim.shocks.import_cut import ImportShock
from sim.shocks.import_stock import buffered_availability
from sim.shocks.schedule import FIELDS, ShockBase, ShockKind, ShockSchedule, active_steps, cell_mask

if TYPE_CHECKING:  # the scenario holds the shocks: a runtime import would be circular
    from sim.scenario import Scenario

KINDS: dict[str, ShockKind] = {
    kind.name: kind for kind in (demand.KIND, capacity.KIND, import_cut.KIND, energy.KIND, fx.KIND)
}
"""The shock kinds by name, in the order of the scenario's union."""

SHOCK_KINDS = tuple(KINDS)
IMPORTS_ONLY = frozenset({"imports"})
"""The one field an fx shock writes: its schedule of what firms can pay for is kept apart."""
Shock = Annotated[Union[tuple(kind.spec for kind in KINDS.values())], Field(discriminator="kind")]  # noqa: UP007
"""A ``[[shock]]`` table: one of the kinds' tables, chosen by its ``kind`` key."""

__all__ = [
    "FIELDS",
    "KINDS",
    "SHOCK_KINDS",
    "CapacityShock",
    "DemandShock",
    "EnergyShock",
    "FxShock",
    "ImportShock",
    "Shock",
    "ShockBase",
    "ShockKind",
    "ShockSchedule",
    "active_steps",
    "cell_mask",
    "compile_shocks",
    "fields_of",
    "fx_import_share",
]


def fields_of(shock: ShockBase) -> tuple[str, ...]:
    """The :class:`ShockSchedule` fields a shock multiplies."""
    return KINDS[shock.kind].fields(shock)


def compile_shocks(scenario: Scenario, economy: Economy, n_steps: int, dt: float) -> ShockSchedule:
    """Turn a scenario's ``[[shock]]`` tables into per-step multipliers by cell.

    Args:
        scenario: The scenario (its ``shock`` tables and ``first_calendar_month``).
        economy: Its economy (for the cell layout and the ``energy_intensive`` tag).
        n_steps: Steps in the run.
        dt: Step length in months.

    Returns:
        The schedule; overlapping shocks multiply, except fx and import shocks, which combine as
        the lesser of the two products (what firms can pay for, what arrives). Import availability
        is then what firms can use, their stocks of imported inputs bridging a shortfall
        (:func:`sim.shocks.import_stock.buffered_availability`).
    """
    n_cells = economy.n_provinces * economy.n_sectors
    shocked = frozenset(name for shock in scenario.shock for name in fields_of(shock))
    schedule = ShockSchedule.neutral(n_steps, n_cells, dt, scenario.first_calendar_month, shocked)
    # What firms can pay for (fx shocks) is a second cap on the imports that arrive (import
    # shocks), not a further cut of them: the two combine as the lesser, each kind multiplying
    # within itself.
    affordable = None
    for shock in scenario.shock:
        target = schedule
        if shock.kind == "fx":  # pass-through and working capital default to the behavioural parameters
            shock = shock.with_parameters(scenario.parameters)
            if affordable is None:
                affordable = ShockSchedule.neutral(n_steps, n_cells, dt, scenario.first_calendar_month, IMPORTS_ONLY)
            target = affordable
        mask = cell_mask(economy, shock.sectors, shock.provinces)
        KINDS[shock.kind].compile(shock, target, mask, dt, economy)
    if affordable is not None:
        np.minimum(schedule.imports, affordable.imports, out=schedule.imports)
    if "imports" in shocked:
        held = np.repeat(economy.sectors["inventory_months"].to_numpy(float), economy.n_provinces)
        restore = scenario.parameters.inventory_restore_months
        schedule.imports[:] = buffered_availability(schedule.imports, held, dt, restore)
    return schedule
