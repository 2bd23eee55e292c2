"""The shock-free pair of a run: same scenario, same seed, exogenous shocks off.

Common random numbers (Glasserman and Yao 1992): the pair draws from a generator seeded like the
run, so the difference between the two is the effect of the exogenous shocks, not of different
luck. Switched off: every scheduled ``[[shock]]`` and every ``[stochastic]`` setting except the
idiosyncratic productivity noise (``productivity_*``), which is returned to its default (off)
value; so aggregate, correlated and outage shocks added to ``[stochastic]`` are off in the pair
while the firms' own productivity draws are shared. Policy levers stay as they are: they are
endogenous (the ministry's choice).
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Scenario

KEEP_STOCHASTIC_PREFIX = "productivity_"


def shock_free(scenario: Scenario) -> Scenario:
    """The scenario with its exogenous shocks switched off (see the module docstring)."""
    stochastic = {
        key: value for key, value in scenario.stochastic.model_dump().items() if key.startswith(KEEP_STOCHASTIC_PREFIX)
    }
    return scenario.with_changes(shock=[], stochastic=stochastic, name=f"{scenario.name} (shock-free pair)")


def seed_from_record(record: object) -> int | np.random.SeedSequence:
    """Rebuild a run's seed from its manifest record (an int or ``{entropy, spawn_key}``)."""
    if isinstance(record, dict):
        return np.random.SeedSequence(int(record["entropy"]), spawn_key=tuple(int(k) for k in record["spawn_key"]))
    return int(record)


def paired_trajectories(scenario: Scenario, seed: int | np.random.SeedSequence):
    """Trajectories of the shock-free pair of ``scenario`` run with ``seed``."""
    import sim

    return sim.run(shock_free(scenario), seed, progress=False).trajectories
