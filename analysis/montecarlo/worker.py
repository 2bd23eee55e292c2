"""What a worker does with a chunk of runs: run each, reduce it to series and metrics, keep failures.

A chunk is a few runs of one scenario. Workers are long-lived processes (a local pool or Dask
workers), so ``sim.world_for`` builds the scenario's world once per process and every later run
in that process reuses it. A run that raises is caught here and returned as a failure row
(scenario, run, seed, error); the other runs of the chunk go on.
"""

from __future__ import annotations

import contextlib
import inspect
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.montecarlo.seeds import RunSeed
from analysis.montecarlo.series import level_series
from sim.scenario import Scenario

DETAILS = ("summary", "province-sector")
KEY_COLUMNS = ["scenario", "run"]
SEED_COLUMNS = ["seed_entropy", "seed_spawn_key"]
FAILURE_COLUMNS = [*KEY_COLUMNS, *SEED_COLUMNS, "error", "traceback"]


@dataclass
class Chunk:
    """A unit of work: some runs of one scenario.

    Attributes:
        part: Name of the store part the results go to (``part-...``).
        scenario_key: The scenario's key in the batch.
        scenario: The scenario.
        seeds: The runs' seeds.
        detail: ``"summary"`` (series and metrics) or ``"province-sector"`` (also the full cube).
        model: The model function ``(scenario, seed) -> sim.Results``; ``None`` means ``sim.run``.
            It must be importable by name in the workers (a module-level function).
        paired: Also run each seed's shock-free pair (for the endogeneity metrics).
        ensemble: Runs stepped together (:func:`sim.run_ensemble`) when ``model`` is ``None``;
            the chunk's seeds go in ensembles of at most this many (:mod:`analysis.montecarlo.ensembles`).
    """

    part: str
    scenario_key: str
    scenario: Scenario
    seeds: list[RunSeed]
    detail: str = "summary"
    model: Callable | None = None
    paired: bool = False
    ensemble: int = 1


@dataclass
class ChunkResult:
    """What came back from a chunk: tables ready to store, and counts."""

    part: str
    scenario_key: str
    series: pd.DataFrame | None
    cells: pd.DataFrame | None
    metrics: pd.DataFrame | None
    failures: pd.DataFrame | None
    done: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def metrics_available() -> bool:
    """Whether :mod:`analysis.metrics` (per-run metrics) can be imported."""
    try:
        from analysis.metrics import run_metrics  # noqa: F401
    except ImportError:
        return False
    return True


_TARGETS: dict[str, pd.DataFrame | None] = {}


def targets_of(scenario: Scenario) -> pd.DataFrame | None:
    """The scenario's growth targets (``province, sector, target``), once per process.

    ``analysis.targets.targets_for(scenario)``: the ministry's method, or the user's table the
    scenario names; ``None`` when :mod:`analysis.targets` is not installed.
    """
    key = f"{scenario.path}|{scenario.model_dump_json()}"
    if key not in _TARGETS:
        try:
            from analysis.targets import targets_for
        except ImportError:
            return None
        if len(_TARGETS) >= 16:
            _TARGETS.clear()
        _TARGETS[key] = targets_for(scenario).target_frame()
    return _TARGETS[key]


_CONTEXTS: dict[str, dict] = {}


def _metric_context(scenario: Scenario) -> dict:
    """Per-scenario inputs of ``run_metrics``, from the (cached) world of the scenario, once per process
    (a new dict of the same, unmodified, values at every call: an ensemble's metrics took 4-5 ms to
    make them again)."""
    import sim
    from analysis.metrics.priorities import PriorityTags

    key = f"{scenario.path}|{scenario.model_dump_json()}"
    if key not in _CONTEXTS:
        economy = sim.world_for(scenario).economy
        provinces = economy.provinces
        codes = provinces["code"].astype(str)
        if len(_CONTEXTS) >= 16:
            _CONTEXTS.clear()
        _CONTEXTS[key] = {
            "population": pd.Series(provinces["population"].to_numpy(float), index=codes, name="population"),
            "regions": pd.Series(provinces["region"].astype(str).to_numpy(), index=codes, name="region"),
            "mining": [str(c) for c in economy.sectors.loc[economy.sectors["kind"] == "mining", "code"]],
            "tags": PriorityTags.from_economy(economy),
        }
    return dict(_CONTEXTS[key])


def per_run_metrics(
    trajectories: pd.DataFrame,
    scenario: Scenario,
    *,
    paired: pd.DataFrame | None = None,
    targets: pd.DataFrame | None | str = "scenario",
) -> dict[str, float]:
    """The run's scalar metrics: the single call site of ``analysis.metrics.run_metrics``.

    Args:
        trajectories: The run's trajectories.
        scenario: Its scenario (economy for population, regions and mining sectors).
        paired: Trajectories of the run's shock-free pair (same seed), for endogeneity.
        targets: Growth targets; ``"scenario"`` (default) uses :func:`targets_of`.

    Returns:
        ``{metric: value}``; empty when :mod:`analysis.metrics` is not installed (the store's
        manifest then says ``"metrics": "unavailable"``).
    """
    try:
        from analysis.metrics import run_metrics
    except ImportError:
        return {}
    context = _metric_context(scenario)
    for key in ("mining", "tags"):
        if key not in inspect.signature(run_metrics).parameters:
            context.pop(key)
    if isinstance(targets, str):
        targets = targets_of(scenario)
    return dict(run_metrics(trajectories, targets=targets, paired=paired, **context))


def shock_free_pair(scenario: Scenario) -> Scenario:
    """The scenario with its exogenous shocks off (``analysis.metrics.shock_free``)."""
    from analysis.metrics import shock_free

    return shock_free(scenario)


def _tag(frame: pd.DataFrame, scenario_key: str, run: int) -> pd.DataFrame:
    frame.insert(0, "run", np.int64(run))
    frame.insert(0, "scenario", scenario_key)
    return frame


def one_thread():
    """Limit BLAS/OpenMP thread pools to one thread while a chunk runs (when threadpoolctl is there).

    Parallelism comes from running many runs at once; a BLAS pool per worker would only
    oversubscribe the cores.
    """
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=1)


def run_chunk(chunk: Chunk) -> ChunkResult:
    """Run every seed of a chunk; return its series, cells, metrics and failures.

    Exceptions raised by a run (the model or its metrics) are caught and recorded with the
    run's seed and the error; they never stop the chunk.
    """
    with one_thread():
        return _run_chunk(chunk)


def _run_chunk(chunk: Chunk) -> ChunkResult:
    import sim

    if chunk.model is None:
        from analysis.montecarlo.ensembles import run_chunk_ensembles

        return run_chunk_ensembles(chunk)
    model = chunk.model or sim.run
    series, cells, metrics, failures = [], [], [], []
    result = ChunkResult(chunk.part, chunk.scenario_key, None, None, None, None)
    for seed in chunk.seeds:
        seed_columns = {"seed_entropy": seed.entropy, "seed_spawn_key": seed.key_text}
        try:
            results = model(chunk.scenario, seed.sequence())
            trajectories = results.trajectories
            run_series = _tag(level_series(trajectories), chunk.scenario_key, seed.run)
            pair = model(shock_free_pair(chunk.scenario), seed.sequence()).trajectories if chunk.paired else None
            values = per_run_metrics(trajectories, chunk.scenario, paired=pair)
        except Exception as exc:  # a failed run is recorded, not fatal
            failures.append(
                {
                    "scenario": chunk.scenario_key,
                    "run": seed.run,
                    **seed_columns,
                    "error": f"{type(exc).__name__}: {exc}",
                    "traceback": traceback.format_exc(limit=8),
                }
            )
            result.failed.append(seed.run)
            continue
        series.append(run_series)
        metrics.append({"scenario": chunk.scenario_key, "run": seed.run, **seed_columns, **values})
        if chunk.detail == "province-sector":
            cells.append(_tag(trajectories.copy(), chunk.scenario_key, seed.run))
        result.done.append(seed.run)
    if series:
        result.series = pd.concat(series, ignore_index=True)
        result.metrics = pd.DataFrame(metrics)
        result.metrics["run"] = result.metrics["run"].astype(np.int64)
        result.metrics["seed_entropy"] = result.metrics["seed_entropy"].astype(np.int64)
    if cells:
        result.cells = pd.concat(cells, ignore_index=True)
    if failures:
        result.failures = failure_table(failures)
    return result


def failure_table(failures: list) -> pd.DataFrame:
    """Failed runs as a table of :data:`FAILURE_COLUMNS`, ``run`` and ``seed_entropy`` as int64."""
    table = pd.DataFrame(failures, columns=FAILURE_COLUMNS)
    table["run"] = table["run"].astype(np.int64)
    table["seed_entropy"] = table["seed_entropy"].astype(np.int64)
    return table
