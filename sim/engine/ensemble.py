"""Ensembles: R runs of one scenario on one economy, stepped together in one set of arrays.

A run's state is firm arrays (N,) and pair arrays (P,). An ensemble gives each of them a leading
run axis, (R, N) and (R, P), and steps all runs with the same code as a run alone: one run plan
(:func:`sim.engine.plan.compile`: shock and policy schedules, input lines, matrices) for the whole
ensemble, and the same :func:`sim.engine.step.advance`, whose phases (:mod:`sim.engine.phases`)
and input-line kernels (:mod:`sim.kernels`) take firm and line arrays along their last axis,
whatever leads it. So a rule changed in a phase holds for ensembles as it is written, and every
numpy call does the work of R runs; what follows from the scenario alone (the world, the plan,
the import coefficients of each step) is built and computed once for the ensemble. What differs
between runs is drawn run by run: run ``r`` has its own generator from its own seed
(:func:`run_generator`), draws from it in the order a run alone does
(:func:`sim.engine.stochastic.draw`), and its uncertainty regime is its own.

**Equal to runs alone.** Run ``r`` of ``run_ensemble(scenario, seeds)`` equals
``sim.run(scenario, seeds[r])`` bit for bit, trajectories included: every operation of a step is
elementwise, a minimum, or a sum over one run's own terms in the same order as a run alone
(sparse products for all runs in one pass over the links, each entry summed in scipy's order,
:mod:`sim.kernels.spmm`; sums by cell as ``reduceat`` along the run's own axis, the constraint
shares as ``bincount``, :mod:`sim.kernels.segments`).
``tests/test_ensemble.py`` checks it on library scenarios, stochastic ones and priority
rationing among them.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.economy.world import World
from sim.engine import plan as run_plan
from sim.engine.record import CELL_COLUMNS, Recorder
from sim.engine.run import Results, manifest, seed_record, world_for
from sim.engine.state import State
from sim.engine.step import advance
from sim.engine.stochastic import StochasticState, correlated_groups
from sim.scenario import Scenario, load_scenario

Seed = int | np.random.SeedSequence


def run_generator(seed: Seed) -> np.random.Generator:
    """The generator of a run with ``seed``, in the state in which :class:`sim.GrowthModel` steps with it.

    ``GrowthModel`` hands ``default_rng(seed)`` to ``mesa.Model``, which (Mesa 3.3) seeds its
    standard-library ``random`` with one draw ``rng.integers(2**31 - 1)`` from it; the ensemble
    makes the same draw, so its runs continue from the same point of their streams.
    """
    rng = np.random.default_rng(seed)
    rng.integers(np.iinfo(np.int32).max)
    return rng


class EnsembleModel:
    """R runs of one scenario on one world, stepped together.

    Args:
        scenario: The validated scenario.
        world: Its built world.
        seeds: One seed a run.
    """

    def __init__(self, scenario: Scenario, world: World, seeds: Sequence[Seed]) -> None:
        if len(seeds) < 1:
            raise ValueError("an ensemble needs at least one seed")
        self.scenario = scenario
        self.world = world
        self.seeds = list(seeds)
        self.runs = len(self.seeds)
        self.rngs = [run_generator(seed) for seed in self.seeds]
        self.plan = run_plan.compile(scenario, world)
        self.n_steps = self.plan.n_steps
        rates = self.plan.rates
        _, groups = correlated_groups(scenario.stochastic.correlated_by, world)
        random = StochasticState.initial(scenario.stochastic, world.n_firms, groups)
        alone = State.initial(world, rates.dt, rates.gestation_steps, random, imports_vary=self.plan.imports_vary)
        self.state = alone.for_runs(self.runs, self.rngs)
        self.recorder = Recorder(world, self.n_steps, rates.dt, runs=self.runs)
        self.recorder.record(self.state)
        self.running = self.n_steps > 0

    def step(self) -> None:
        """One step of every run (:func:`sim.engine.step.advance`), then the records."""
        if self.state.step >= self.n_steps:
            self.running = False
            return
        advance(self.state, self.plan)
        self.recorder.update_peak(self.state)
        self.recorder.record(self.state)
        if self.state.step >= self.n_steps:
            self.running = False


@dataclass
class EnsembleResults:
    """What an ensemble produced: one record a run, splittable into :class:`sim.Results`.

    Attributes:
        scenario: The resolved scenario.
        seeds: The runs' seeds, in order.
        cube: Records, (R, columns, steps + 1, cells): ``cube[r, CELL_COLUMNS.index(c), t, cell]``.
        recorder: The recorder that holds the cube (it builds each run's trajectories table).
        wall_time: Seconds spent on the whole ensemble (build excluded when the world was cached).
    """

    scenario: Scenario
    seeds: list[Seed]
    cube: np.ndarray
    recorder: Recorder = field(repr=False)
    wall_time: float = 0.0

    def __len__(self) -> int:
        return len(self.seeds)

    def __getitem__(self, run: int) -> Results:
        """Run ``run`` as the :class:`sim.Results` that ``sim.run(scenario, seeds[run])`` returns."""
        if not -len(self) <= run < len(self):
            raise IndexError(f"run {run} of an ensemble of {len(self)}")
        run = run % len(self)
        seed = self.seeds[run]
        wall = self.wall_time / len(self)
        info = manifest(self.scenario, seed, wall)
        info["ensemble"] = {"runs": len(self), "run": run, "wall_time_seconds": round(self.wall_time, 4)}
        return Results(
            scenario=self.scenario,
            seed=seed_record(seed),
            trajectories=self.recorder.trajectories(copy=False, run=run),
            wall_time=wall,
            manifest=info,
        )

    def __iter__(self) -> Iterator[Results]:
        return (self[r] for r in range(len(self)))

    def split(self) -> list[Results]:
        """Every run as its own :class:`sim.Results`."""
        return list(self)

    def trajectories(self) -> pd.DataFrame:
        """Every run's trajectories in one table, with a leading ``run`` column (0..R-1)."""
        frames = [self.recorder.trajectories(copy=True, run=r) for r in range(len(self))]
        for r, frame in enumerate(frames):
            frame.insert(0, "run", np.int64(r))
        return pd.concat(frames, ignore_index=True)

    def national(self, column: str = "value_added") -> pd.DataFrame:
        """A column summed over provinces and sectors: months (rows) x runs (columns)."""
        values = self.cube[:, CELL_COLUMNS.index(column)].sum(axis=-1)
        months = np.arange(values.shape[1]) * self.recorder.dt
        return pd.DataFrame(
            values.T, index=pd.Index(months, name="month"), columns=pd.RangeIndex(len(self), name="run")
        )


def run_ensemble(
    scenario: Scenario | str | Path,
    seeds: Sequence[Seed],
    *,
    progress: bool | None = None,
) -> EnsembleResults:
    """Run one scenario with several seeds at once (see the module docstring).

    Args:
        scenario: A scenario, or the path of a scenario file.
        seeds: One seed a run (ints or ``numpy.random.SeedSequence``); run ``r`` equals
            ``sim.run(scenario, seeds[r])``.
        progress: Show a progress bar (default: on a terminal, for long ensembles).

    Returns:
        The ensemble's results; ``results[r]`` (or ``results.split()``) gives each run's
        :class:`sim.Results`.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    started = time.perf_counter()
    world = world_for(scenario)
    model = EnsembleModel(scenario, world, seeds)
    if progress is None:
        progress = sys.stderr.isatty() and model.n_steps * world.n_firms * model.runs > 5_000_000
    with tqdm(total=model.n_steps, desc=scenario.name, unit="month", disable=not progress, leave=False) as bar:
        while model.running:
            model.step()
            bar.update(1)
    wall = time.perf_counter() - started
    return EnsembleResults(
        scenario=scenario,
        seeds=list(seeds),
        cube=model.recorder.store,
        recorder=model.recorder,
        wall_time=wall,
    )
