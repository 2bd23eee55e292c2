"""Simulated episodes against their shock-free twins, with common random numbers.

Run ``i`` of an episode and run ``i`` of its twin (the same scenario without its scheduled
``[[shock]]`` tables; its ``[stochastic]`` random shocks, if any, stay, and draw the same numbers)
use the same seed,
``SeedSequence(seed).spawn(runs)[i]``, so their difference is the effect of the shocks alone.
With national value added ``V`` summed over year ``k`` (months ``12 (k - 1) + 1 .. 12 k``) and
``L_k = V_k(episode) / V_k(twin)``, the simulated swing in points is

- year 1: ``100 (L_1 - 1)``, the growth lost in the first year (both start from month 0 alike);
- year ``k > 1``: ``100 (L_k / L_{k-1} - 1)``, the episode's growth that year minus the twin's.

These are the simulated counterparts of the recorded swings of :mod:`analysis.history.records`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.montecarlo.seeds import spawn_seeds
from sim.scenario import Scenario, load_scenario

SCENARIO_DIR = Path(__file__).resolve().parent.parent.parent / "scenarios" / "history"


def annual_value_added(national: np.ndarray, years: int) -> np.ndarray:
    """Sums of a monthly national series (month 0 first) over years ``1..years``.

    Args:
        national: Values for months ``0..T``.
        years: Whole years wanted; needs ``T >= 12 years``.
    """
    national = np.asarray(national, dtype=float)
    if national.size < 12 * years + 1:
        raise ValueError(f"{years} years need {12 * years} months after month 0, got {national.size - 1}")
    return national[1 : 12 * years + 1].reshape(years, 12).sum(axis=1)


def swings_from_levels(episode: np.ndarray, twin: np.ndarray) -> np.ndarray:
    """Swings in points from yearly sums of an episode and its twin (see the module docstring)."""
    ratio = np.asarray(episode, float) / np.asarray(twin, float)
    previous = np.concatenate([[1.0], ratio[:-1]])
    return 100.0 * (ratio / previous - 1.0)


@dataclass(frozen=True)
class PairTask:
    """One seed of an episode and its twin (a picklable unit of work for the executors)."""

    scenario: Scenario
    run: int
    entropy: int
    spawn_key: tuple[int, ...]
    years: int


def run_pair(task: PairTask) -> tuple[int, np.ndarray]:
    """``(run, swings)``: one seed of an episode and its shock-free twin (module-level for workers)."""
    import sim

    seed = np.random.SeedSequence(task.entropy, spawn_key=task.spawn_key)
    shocked = sim.run(task.scenario, seed, progress=False).national().to_numpy()
    twin = twin_national(_twin_key(task.scenario), task.entropy, task.spawn_key)
    levels = annual_value_added(shocked, task.years), annual_value_added(twin, task.years)
    return task.run, swings_from_levels(*levels)


def _twin_key(scenario: Scenario) -> str:
    """The twin as JSON without its name, description and path: episodes that differ only in their
    shocks (the same economy, horizon, parameters and calendar) share one twin."""
    twin = twin_of(scenario).with_changes(name="shock-free twin", description="", path=None)
    return twin.model_dump_json()


@functools.lru_cache(maxsize=16)
def twin_national(key: str, entropy: int, spawn_key: tuple[int, ...]) -> np.ndarray:
    """National value added of a twin (by :func:`_twin_key`) and seed, computed once a process.

    A calibration evaluation replays several episodes on one parameter set; their twins are the
    same run, so the cache saves one run an episode after the first (read only: a copy is never
    needed as callers only sum it).
    """
    import sim

    twin = Scenario.model_validate_json(key)
    national = sim.run(twin, np.random.SeedSequence(entropy, spawn_key=spawn_key), progress=False).national()
    values = national.to_numpy().copy()
    values.flags.writeable = False
    return values


def twin_of(scenario: Scenario) -> Scenario:
    """The episode's shock-free twin: no ``[[shock]]``, everything else (random shocks too) the same."""
    return scenario.with_changes(shock=[], name=f"{scenario.name} (shock-free twin)")


def pair_tasks(scenario: Scenario, runs: int, seed: int, years: int) -> list[PairTask]:
    """The tasks of ``runs`` seeds of an episode (seeds as in a Monte Carlo batch)."""
    return [PairTask(scenario, s.run, s.entropy, s.spawn_key, years) for s in spawn_seeds(seed, runs)]


def simulate_swings(scenario: Scenario, runs: int = 8, seed: int = 0, years: int = 2, executor=None) -> pd.DataFrame:
    """Simulated swings of an episode, one row per run x year: ``run, year, swing``.

    Args:
        scenario: The episode's scenario (its horizon must cover ``years``).
        runs: Seeds.
        seed: Master seed.
        years: Years after the start.
        executor: An executor of :mod:`analysis.montecarlo.executors` (default: this process).
    """
    tasks = pair_tasks(scenario, runs, seed, years)
    results = executor.map_unordered(run_pair, tasks) if executor is not None else map(run_pair, tasks)
    rows = [(run, k + 1, float(v)) for run, swings in results for k, v in enumerate(swings)]
    return pd.DataFrame(rows, columns=["run", "year", "swing"]).sort_values(["year", "run"], ignore_index=True)


def band(swings: pd.DataFrame, quantiles: Sequence[float] = (0.05, 0.5, 0.95)) -> pd.DataFrame:
    """Median and 90% band of simulated swings by year: ``year, q0.05, q0.5, q0.95, runs``."""
    grouped = swings.groupby("year")["swing"]
    frame = grouped.quantile(list(quantiles)).unstack()
    frame.columns = [f"q{q:g}" for q in frame.columns]
    frame["runs"] = grouped.size()
    return frame.reset_index()


def episode_scenario(file_name: str, folder: Path | None = None, parameters: dict | None = None) -> Scenario:
    """Load an episode's scenario from ``scenarios/history`` (or ``folder``), with parameter changes."""
    scenario = load_scenario((folder or SCENARIO_DIR) / file_name)
    if parameters:
        merged = {**scenario.parameters.model_dump(), **parameters}
        scenario = scenario.with_changes(parameters=merged)
    return scenario
