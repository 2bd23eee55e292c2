"""Monte Carlo batches: seeds, workers, a resumable Parquet store, and ensemble statistics.

One concept a module:

- :mod:`~analysis.montecarlo.seeds`: ``SeedSequence(S).spawn(N)``, shared by every scenario;
- :mod:`~analysis.montecarlo.series`: a run's national, provincial and sectoral series;
- :mod:`~analysis.montecarlo.worker`: what a worker does with a chunk of runs;
- :mod:`~analysis.montecarlo.executors`: this process, a local pool, or a Dask cluster;
- :mod:`~analysis.montecarlo.store`: the store on disk, written atomically part by part;
- :mod:`~analysis.montecarlo.runner`: :func:`run_batch` and :func:`load_batch`;
- :mod:`~analysis.montecarlo.ensemble`: quantile bands, target probabilities, metric distributions.
"""

from analysis.montecarlo.ensemble import (
    growth_by_run,
    metric_distributions,
    paired_differences,
    quantile_bands,
    target_probabilities,
)
from analysis.montecarlo.runner import Batch, BatchSummary, load_batch, run_batch
from analysis.montecarlo.seeds import RunSeed, spawn_seeds
from analysis.montecarlo.store import BatchStore

__all__ = [
    "Batch",
    "BatchStore",
    "BatchSummary",
    "RunSeed",
    "growth_by_run",
    "load_batch",
    "metric_distributions",
    "paired_differences",
    "quantile_bands",
    "run_batch",
    "spawn_seeds",
    "target_probabilities",
]
