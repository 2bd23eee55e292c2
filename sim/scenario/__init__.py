"""Scenario specs: what to simulate, as validated tables (the layer between a TOML file and a run).

- :mod:`sim.scenario.scenario_file`: :class:`Scenario`, reading and validating a TOML file;
- :mod:`sim.scenario.parameters`: ``[parameters]``, behavioural parameters (world ones included);
- :mod:`sim.scenario.policy`: ``[policy]`` levers and ``[imports]`` substitution (the export
  development lever in :mod:`sim.scenario.export_development`);
- :mod:`sim.scenario.stochastic`: ``[stochastic]`` random shocks;
- the ``[[shock]]`` tables live with their compilers, one module per kind, in :mod:`sim.shocks`.
"""

from sim.scenario.export_development import ExportDevelopment
from sim.scenario.parameters import ModelParameters
from sim.scenario.policy import (
    POLICY_TABLES,
    PRIORITY_CLASSES,
    ImportSpec,
    InvestmentGuidance,
    MarketGuarantee,
    MissingLinkProject,
    PolicySpec,
    RecoverySupport,
)
from sim.scenario.scenario_file import (
    TARGET_COLUMNS,
    TARGET_COLUMNS_SPEC,
    EconomySpec,
    Scenario,
    load_scenario,
    scenario_from_dict,
)
from sim.scenario.stochastic import StochasticSpec
from sim.shocks import SHOCK_KINDS, CapacityShock, DemandShock, EnergyShock, FxShock, ImportShock, Shock, ShockBase

__all__ = [
    "POLICY_TABLES",
    "PRIORITY_CLASSES",
    "SHOCK_KINDS",
    "TARGET_COLUMNS",
    "TARGET_COLUMNS_SPEC",
    "CapacityShock",
    "DemandShock",
    "EconomySpec",
    "EnergyShock",
    "ExportDevelopment",
    "FxShock",
    "ImportShock",
    "ImportSpec",
    "InvestmentGuidance",
    "MarketGuarantee",
    "MissingLinkProject",
    "ModelParameters",
    "PolicySpec",
    "RecoverySupport",
    "Scenario",
    "Shock",
    "ShockBase",
    "StochasticSpec",
    "load_scenario",
    "scenario_from_dict",
]
