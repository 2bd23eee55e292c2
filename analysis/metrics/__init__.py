"""The measures of a run's growth: attainment, endogeneity, stability, inclusiveness, priorities.

- :func:`run_metrics`: a flat dictionary of scalar metrics of one run (what a Monte Carlo batch
  stores per run);
- :func:`analyze_run`: the sections of ``metrics.json`` for a run folder;
- :func:`analyze_store`: distributions over the runs of a Monte Carlo store;
- :func:`shock_free`: the paired scenario with the exogenous shocks off.

Each concept has its own module with its equations: :mod:`.attainment`, :mod:`.endogeneity`,
:mod:`.stability`, :mod:`.inclusiveness`, :mod:`.priorities` (the policy text's five priorities;
``PriorityTags.from_economy(economy)`` gives ``run_metrics`` the tags they need).
"""

from analysis.metrics.core import METRIC_KEYS, SECTIONS, evaluate, run_metrics
from analysis.metrics.pairing import paired_trajectories, seed_from_record, shock_free
from analysis.metrics.priorities import PriorityTags
from analysis.metrics.run_dir import analyze_run
from analysis.metrics.store import analyze_store, is_store

__all__ = [
    "METRIC_KEYS",
    "PriorityTags",
    "SECTIONS",
    "analyze_run",
    "analyze_store",
    "evaluate",
    "is_store",
    "paired_trajectories",
    "run_metrics",
    "seed_from_record",
    "shock_free",
]
