"""growthsim's model layer: one run of the economy.

Layers (each imports only those above it): :mod:`sim.economy` (data, firms, network, world),
:mod:`sim.scenario` and :mod:`sim.shocks` (what to simulate), :mod:`sim.kernels` (arithmetic over
input lines and the supplier matrix), :mod:`sim.engine` (run plan, state, phases, record, run).
See ``docs/design.md``.

The public API: :func:`run` (the model as a pure function), :func:`run_ensemble` (many seeds at
once, each run equal to :func:`run`), :func:`load_scenario`, :func:`load_economy`,
:class:`GrowthModel` and :class:`Results`.

The names are imported on first use (PEP 562), so ``import sim.errors`` (what the command line
needs to start) does not load numpy, pandas and Mesa.
"""

from __future__ import annotations

import importlib

# Public name -> the module that defines it.
_EXPORTS = {
    "AccountingError": "sim.errors",
    "GrowthsimError": "sim.errors",
    "InputError": "sim.errors",
    "Economy": "sim.economy.cell_economy",
    "load_economy": "sim.economy.cell_economy",
    "economy_from_pymrio": "sim.economy.mrio",
    "World": "sim.economy.world",
    "build_world": "sim.economy.world",
    "EnsembleResults": "sim.engine.ensemble",
    "run_ensemble": "sim.engine.ensemble",
    "GrowthModel": "sim.engine.model",
    "Results": "sim.engine.run",
    "run": "sim.engine.run",
    "world_for": "sim.engine.run",
    "Scenario": "sim.scenario",
    "load_scenario": "sim.scenario",
    "scenario_from_dict": "sim.scenario",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sim' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
