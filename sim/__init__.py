"""growthsim's model layer: one run of the economy.

Layers (each imports only those above it): :mod:`sim.economy` (data, firms, network, world),
:mod:`sim.scenario` and :mod:`sim.shocks` (what to simulate), :mod:`sim.kernels` (arithmetic over
input lines and the supplier matrix), :mod:`sim.engine` (run plan, state, phases, record, run).
See ``docs/design.md``.

The public API: :func:`run` (the model as a pure function), :func:`load_scenario`,
:func:`load_economy`, :class:`GrowthModel` and :class:`Results`.
"""

from sim.economy.cell_economy import Economy, load_economy
from sim.economy.mrio import economy_from_pymrio
from sim.economy.world import World, build_world
from sim.engine.model import GrowthModel
from sim.engine.run import Results, run, world_for
from sim.errors import AccountingError, GrowthsimError, InputError
from sim.scenario import Scenario, load_scenario, scenario_from_dict

__all__ = [
    "AccountingError",
    "Economy",
    "GrowthModel",
    "GrowthsimError",
    "InputError",
    "Results",
    "Scenario",
    "World",
    "build_world",
    "economy_from_pymrio",
    "load_economy",
    "load_scenario",
    "run",
    "scenario_from_dict",
    "world_for",
]
