"""Simulated episodes against their shock-free twins, with common random numbers.

Run ``i`` of an episode and run ``i`` of its twin (the same scenario without its scheduled
``[[shock]]`` tables; its ``[stochastic]`` random shocks, if any, stay, and draw the same numbers)
use the same seed,
``SeedSequence(seed).spawn(runs)[i]``, so their difference is the effect of the shocks alone.
With national value added ``V`` summed over year ``k`` (months ``12 (k - 1) + 1 .. 12 k``) and
``L_k = V_k(episode) / V_k(twin)``, the simulated swing in points is

- year 1: ``100 (L_1 - 1)``, the growth lost in the first year (both start from month 0 alike);
- year ``k > 1``: ``100 (L_k / L_{k-1} - 1)``, the episode's growth that year minus the twin's.

These are the simulated counterparts of the recorded swings of :mod:`analysis.history.records`,
which subtract the growth of the year before: the formulas above take that year as shock-free.
Where the record holds shocks of the years an episode is judged over (the year before, or a
later year), the episode is *replayed with them* (:func:`replay`): another episode whose year 1
is one of those years lends the shocks of its first twelve months, in their calendar place. If
the year before is such a year, the run starts a year earlier (year 0, ``lead_years = 1``) and,
with ``L_0`` that year's ratio,

- year ``k >= 1``: ``100 (L_k / L_{k-1} - L_0)``, the episode's growth that year minus the twin's,
  minus the same difference in the year before, as the record measures it (``L_0 = 1`` gives the
  formulas above).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.history.records import Episode
from analysis.montecarlo.seeds import spawn_seeds
from sim.scenario import Scenario, load_scenario
from sim.shocks.schedule import ShockBase

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


def swings_from_levels(episode: np.ndarray, twin: np.ndarray, lead_years: int = 0) -> np.ndarray:
    """Swings in points from yearly sums of an episode and its twin (see the module docstring).

    Args:
        episode: Yearly sums of the episode, year 0 first if ``lead_years`` is 1.
        twin: The twin's, alike.
        lead_years: 1 if the first sum is the year before the episode (year 0), else 0.

    Returns:
        One swing a year from year 1: ``100 (L_k / L_{k-1} - L_0)`` with ``L = episode / twin``,
        ``L_0 = 1`` without a year 0.
    """
    if lead_years not in (0, 1):
        raise ValueError(f"lead_years must be 0 or 1, got {lead_years}")
    ratio = np.asarray(episode, float) / np.asarray(twin, float)
    base = ratio[0] if lead_years else 1.0
    years = ratio[lead_years:]
    previous = np.concatenate([[base], years[:-1]])
    return 100.0 * (years / previous - base)


@dataclass(frozen=True)
class PairTask:
    """One seed of an episode and its twin (a picklable unit of work for the executors)."""

    scenario: Scenario
    run: int
    entropy: int
    spawn_key: tuple[int, ...]
    years: int
    lead_years: int = 0


def run_pair(task: PairTask) -> tuple[int, np.ndarray]:
    """``(run, swings)``: one seed of an episode and its shock-free twin (module-level for workers)."""
    import sim

    seed = np.random.SeedSequence(task.entropy, spawn_key=task.spawn_key)
    shocked = sim.run(task.scenario, seed, progress=False).national().to_numpy()
    twin = twin_national(_twin_key(task.scenario), task.entropy, task.spawn_key)
    years = task.years + task.lead_years
    levels = annual_value_added(shocked, years), annual_value_added(twin, years)
    return task.run, swings_from_levels(*levels, lead_years=task.lead_years)


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


def pair_tasks(scenario: Scenario, runs: int, seed: int, years: int, lead_years: int = 0) -> list[PairTask]:
    """The tasks of ``runs`` seeds of an episode (seeds as in a Monte Carlo batch)."""
    return [PairTask(scenario, s.run, s.entropy, s.spawn_key, years, lead_years) for s in spawn_seeds(seed, runs)]


def simulate_swings(
    scenario: Scenario, runs: int = 8, seed: int = 0, years: int = 2, executor=None, lead_years: int = 0
) -> pd.DataFrame:
    """Simulated swings of an episode, one row per run x year: ``run, year, swing``.

    Args:
        scenario: The episode's scenario (its horizon must cover ``years``).
        runs: Seeds.
        seed: Master seed.
        years: Years after the start.
        executor: An executor of :mod:`analysis.montecarlo.executors` (default: this process).
        lead_years: 1 if the scenario's first year is the year before the episode (:func:`replay`).
    """
    tasks = pair_tasks(scenario, runs, seed, years, lead_years)
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


@dataclass(frozen=True)
class Replay:
    """An episode as replayed against the record (:func:`replay`).

    Attributes:
        scenario: The episode's scenario with the recorded shocks of the other episodes it lends
            from, starting ``lead_years`` before the episode.
        lead_years: 1 if the run starts with the year before the episode (year 0), else 0.
        lenders: Names of the episodes whose shocks it carries, in calendar order.
    """

    scenario: Scenario
    lead_years: int
    lenders: tuple[str, ...]


def replay(
    episode: Episode,
    folder: Path | None = None,
    parameters: dict | None = None,
    years: int = 2,
    catalogue: Sequence[Episode] | None = None,
    path: Path | None = None,
) -> Replay:
    """An episode's scenario with every recorded shock of the years it is judged over.

    The record judges year ``k`` of an episode with first year ``y`` by ``g(y + k - 1) - g(y - 1)``,
    so the years ``y - 1 .. y + years - 1`` count. Another episode of ``catalogue`` whose first
    year ``z`` is one of them lends the shocks of its first twelve months (those starting in months
    1-12, ending at month 12 at the latest), moved by ``12 (z - y + lead_years)`` months; the
    episode's own shocks move by ``12 lead_years``, where ``lead_years`` is 1 if one of them is the
    year before (``z = y - 1``). The horizon grows by ``12 lead_years``; lent shocks starting after
    it are left out. A lender's file is read from ``folder`` if it is there, else from
    ``scenarios/history``; only its ``[[shock]]`` tables are used, and its
    ``first_calendar_month`` must be the episode's. A file whose horizon is shorter than the
    ``years`` judged runs on to their end (``12 years`` months): the swings need every month of
    them, and past its shocks the file asks for nothing else.

    Args:
        episode: The episode replayed.
        folder: Folder of the episode files (default: ``scenarios/history``).
        parameters: Parameter changes (as :func:`episode_scenario`).
        years: Years the episode is judged over.
        catalogue: The episodes (default: the packaged ``episodes.csv``).
        path: The episode's own file, if not ``folder / episode.scenario`` (a reading of it under
            another name, :mod:`analysis.history.files`).

    Raises:
        InputError: A lender's file is missing or starts in another calendar month.
    """
    from analysis.history.records import episodes as packaged_episodes
    from sim.errors import InputError

    own = path if path is not None else (folder or SCENARIO_DIR) / episode.scenario
    scenario = episode_scenario(own.name, own.parent, parameters)
    if scenario.horizon_months < 12 * years:
        scenario = scenario.with_changes(horizon_months=12 * years)
    span = range(episode.first_year - 1, episode.first_year + years)
    lenders = sorted(
        (e for e in (catalogue if catalogue is not None else packaged_episodes()) if e.name != episode.name),
        key=lambda e: e.first_year,
    )
    lenders = [e for e in lenders if e.first_year in span]
    if not lenders:
        return Replay(scenario, 0, ())
    lead = int(any(e.first_year == episode.first_year - 1 for e in lenders))
    horizon = scenario.horizon_months + 12 * lead
    shocks = [_moved(shock, 12 * lead) for shock in scenario.shock]
    for lender in lenders:
        lender_file = (folder or SCENARIO_DIR) / lender.scenario
        lender_file = lender_file if lender_file.is_file() else SCENARIO_DIR / lender.scenario
        if not lender_file.is_file():
            raise InputError(lender_file, "episodes.csv", f"the scenario file of episode {lender.name}")
        lent = load_scenario(lender_file)
        if lent.first_calendar_month != scenario.first_calendar_month:
            raise InputError(
                lender_file,
                "first_calendar_month",
                f"{scenario.first_calendar_month}, as in {own.name} (its shocks are replayed there)",
            )
        offset = 12 * (lender.first_year - episode.first_year + lead)
        for shock in lent.shock:
            if shock.start > 12 or shock.start + offset > horizon:
                continue
            end = 12 if shock.end is None else min(shock.end, 12)
            shocks.append(_moved(shock.model_copy(update={"end": end}), offset))
    moved = scenario.with_changes(horizon_months=horizon, shock=[s.model_dump() for s in shocks])
    return Replay(moved, lead, tuple(e.name for e in lenders))


def _moved(shock: ShockBase, months: int) -> ShockBase:
    """A shock moved ``months`` later (``start + months``, ``end + months``)."""
    end = None if shock.end is None else shock.end + months
    return shock.model_copy(update={"start": shock.start + months, "end": end})
