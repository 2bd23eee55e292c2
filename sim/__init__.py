"""growthsim's model layer: one run of the economy.

The public API: :func:`run` (the model as a pure function), :func:`load_scenario`,
:func:`load_economy`, :class:`GrowthModel` and :class:`Results`.
"""

from sim.economy import Economy, load_economy
from sim.economy_mrio import economy_from_pymrio
from sim.errors import AccountingError, GrowthsimError, InputError
from sim.model import GrowthModel
from sim.runner import Results, run, world_for
from sim.scenario import Scenario, load_scenario, scenario_from_dict
from sim.world import World, build_world

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
