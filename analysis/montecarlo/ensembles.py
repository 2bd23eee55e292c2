"""A chunk of a batch as ensembles: its runs stepped together, their series and metrics taken together.

A chunk's seeds go in ensembles of at most ``chunk.ensemble`` runs (:func:`sim.run_ensemble`); an
ensemble's series (:func:`analysis.montecarlo.series.many_level_series`) and metrics
(:func:`analysis.metrics.many.many_metrics`) come from its record cube in a few array operations.
Every run's stored rows depend on its seed alone, not on the ensemble it ran in, so a batch
stores the same values whatever its ensemble size, chunk size, worker count or executor.

If an ensemble raises (a run broke an accounting check), its runs are run again one by one, so
the failure is recorded against the run that failed and the others are kept.

How many runs an ensemble holds by default: :func:`ensemble_size_for`, from the memory a run
of the scenario takes (:func:`bytes_per_run`).
"""

from __future__ import annotations

import math
import os
import traceback

import numpy as np
import pandas as pd

from analysis.montecarlo.seeds import RunSeed
from analysis.montecarlo.series import level_sums, many_level_series, text_column
from analysis.montecarlo.worker import (
    Chunk,
    ChunkResult,
    _metric_context,
    failure_table,
    metrics_available,
    shock_free_pair,
    targets_of,
)
from sim.errors import InputError
from sim.scenario import Scenario

MAX_ENSEMBLE = 64
"""Most runs in an automatic ensemble."""
PAIR_ARRAY_BYTES = 8 << 20
"""Largest (runs, pairs) array of an automatic ensemble (8 MiB: 12 runs of the default economy).
Above 32 MiB glibc maps every allocation afresh from the kernel, so each of a step's temporaries
page-faults anew: ``benchmarks/bench_ensemble.py`` measured ensembles of 64 runs of the default
economy (42 MB a pair array) at a quarter to four fifths of the speed of runs alone. Below that, a
step streams its (runs, pairs) arrays through memory once they outgrow the caches: measured in one
process on 2026-12-03 (CPU time a run, 60-month stochastic runs of the default economy, load 2-5),
ensembles alone of 4, 8, 16 and 32 runs took 288, 250, 270 and 268 ms a run, and batches of 64 runs
on one worker in ensembles of 8, 11 and 16 took 267, 252 and 276 ms a run (series, metrics and
store included, which cost a little more a run in smaller ensembles)."""
ENSEMBLE_MEMORY = 1 << 30
"""Memory an automatic ensemble may take (1 GiB, under the 2 GB an ensemble of the default
economy is to stay within)."""


def bytes_per_run(scenario: Scenario, detail: str = "summary", paired: bool = False) -> int:
    """Memory one run of an ensemble of ``scenario`` takes, in bytes (an upper estimate).

    The record cube ``columns x (steps + 1) x cells`` floats, twice (the cube and the tables taken
    from it), plus the state: about 40 firm arrays, 16 pair arrays (stocks, orders, deliveries,
    use and the step's temporaries) and the investment pipeline, by run; the paired run doubles it.
    """
    import sim
    from sim.engine.record import CELL_COLUMNS

    world = sim.world_for(scenario)
    p = scenario.parameters
    steps = p.steps(scenario.horizon_months)
    gestation = max(1, p.steps(p.gestation_months))
    record = len(CELL_COLUMNS) * (steps + 1) * world.n_cells * 8
    state = (40 + gestation) * world.n_firms * 8 + 16 * world.network.n_pairs * 8
    tables = record * (3 if detail == "province-sector" else 2)
    return (record + tables + state) * (2 if paired else 1)


def ensemble_size_for(
    scenario: Scenario, pending: int, workers: int, detail: str = "summary", paired: bool = False
) -> int:
    """Runs per ensemble: as many as fit :data:`ENSEMBLE_MEMORY`, with pair arrays of at most
    :data:`PAIR_ARRAY_BYTES`, at most :data:`MAX_ENSEMBLE`, and no more than an even share of the
    pending runs per worker (every worker gets work); then evened out over that share, so that a
    worker's runs go in equal ensembles (64 runs at most 12 a time: 5 ensembles of 11 and one of 9, not 5 of 12
    and 4 runs)."""
    import sim

    fit = max(1, ENSEMBLE_MEMORY // bytes_per_run(scenario, detail, paired))
    pairs = max(1, PAIR_ARRAY_BYTES // (8 * max(1, sim.world_for(scenario).network.n_pairs)))
    share = max(1, math.ceil(pending / max(1, workers)))
    size = int(min(MAX_ENSEMBLE, fit, pairs, share))
    return math.ceil(share / math.ceil(share / size))


def available_memory() -> int | None:
    """Memory available to new processes on this machine, in bytes (Linux ``MemAvailable``), or ``None``."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def check_ensemble_memory(
    scenarios: list[Scenario],
    ensemble: int,
    workers: int,
    detail: str = "summary",
    paired: bool = False,
    available: int | None = None,
) -> None:
    """Refuse an explicit ensemble size whose ensembles, one a worker, would not fit this machine's memory.

    ``workers`` ensembles of ``ensemble`` runs of the largest scenario (:func:`bytes_per_run`, an
    upper estimate) must fit the memory available now (:func:`available_memory`, or ``available``).
    Nothing is checked when the available memory is unknown.

    Raises:
        InputError: ``batch: ensemble: at most N runs ...`` (the CLI's exit 2).
    """
    available = available_memory() if available is None else available
    if available is None:
        return
    per_run = max(bytes_per_run(s, detail, paired) for s in scenarios)
    most = available // (per_run * max(1, workers))
    if ensemble > most:
        raise InputError(
            "batch",
            "ensemble",
            f"at most {most} run(s) an ensemble: {max(1, workers)} worker(s) x {ensemble} runs x "
            f"{per_run / 2**20:.0f} MB a run would exceed the {available / 2**30:.1f} GB of memory available, "
            f"got {ensemble}",
        )


def run_chunk_ensembles(chunk: Chunk) -> ChunkResult:
    """Run a chunk's seeds as ensembles; return its series, cells, metrics and failures."""
    result = ChunkResult(chunk.part, chunk.scenario_key, None, None, None, None)
    series, cells, metrics, failures = [], [], [], []
    size = max(1, chunk.ensemble)
    for first in range(0, len(chunk.seeds), size):
        group = chunk.seeds[first : first + size]
        try:
            parts = [_ensemble(chunk, group)]
        except Exception:  # a run broke: run them one by one to know which
            parts = []
            for seed in group:
                try:
                    parts.append(_ensemble(chunk, [seed]))
                except Exception as exc:  # a failed run is recorded, not fatal
                    failures.append(_failure(chunk, seed, exc))
                    result.failed.append(seed.run)
        for run_series, run_metrics, run_cells, done in parts:
            series.append(run_series)
            metrics.append(run_metrics)
            cells.extend(run_cells)
            result.done.extend(done)
    if series:
        result.series = pd.concat(series, ignore_index=True)
        result.metrics = pd.concat(metrics, ignore_index=True)
    if cells:
        result.cells = pd.concat(cells, ignore_index=True)
    if failures:
        result.failures = failure_table(failures)
    return result


def _ensemble(chunk: Chunk, group: list[RunSeed]) -> tuple[pd.DataFrame, pd.DataFrame, list[pd.DataFrame], list[int]]:
    """Series, metrics and (with the full cube) cells of the runs of ``group``, run as one ensemble."""
    import sim
    from analysis.metrics.many import RunCube

    scenario, key = chunk.scenario, chunk.scenario_key
    sequences = [seed.sequence() for seed in group]
    ensemble = sim.run_ensemble(scenario, sequences, progress=False)
    economy, dt = sim.world_for(scenario).economy, ensemble.recorder.dt
    runs = np.array([seed.run for seed in group], dtype=np.int64)
    steps = RunCube.of(ensemble.cube, dt, economy, whole_months=False)
    summed = level_sums(steps)  # the series' sums, and the metrics' sums over all cells and by group
    series = many_level_series(steps, summed)
    series["run"] = runs[series["run"].to_numpy()]
    series.insert(0, "scenario", text_column([key], np.zeros(len(series), dtype=np.int32)))
    metrics = pd.DataFrame(
        {
            "scenario": key,
            "run": runs,
            "seed_entropy": np.array([seed.entropy for seed in group], dtype=np.int64),
            "seed_spawn_key": [seed.key_text for seed in group],
        }
    )
    if metrics_available():
        from analysis.metrics.many import many_metrics

        paired = None
        if chunk.paired:
            pair = sim.run_ensemble(shock_free_pair(scenario), sequences, progress=False)
            paired = RunCube.of(pair.cube, dt, economy)
        values = many_metrics(
            RunCube.of(ensemble.cube, dt, economy).keep_sums(summed, steps.rows),
            targets=targets_of(scenario),
            paired=paired,
            **_metric_context(scenario),
        )
        metrics = pd.concat([metrics, values], axis=1)
    cells = []
    if chunk.detail == "province-sector":
        for r, run in enumerate(runs):
            frame = ensemble[r].trajectories.copy()
            frame.insert(0, "run", np.int64(run))
            frame.insert(0, "scenario", key)
            cells.append(frame)
    return series, metrics, cells, [int(r) for r in runs]


def _failure(chunk: Chunk, seed: RunSeed, exc: Exception) -> dict:
    return {
        "scenario": chunk.scenario_key,
        "run": seed.run,
        "seed_entropy": seed.entropy,
        "seed_spawn_key": seed.key_text,
        "error": f"{type(exc).__name__}: {exc}",
        "traceback": traceback.format_exc(limit=8),
    }
