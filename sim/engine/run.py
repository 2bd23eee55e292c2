"""``run(scenario, seed) -> Results``: the model as a pure function, and its outputs on disk."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import mesa
import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from sim.economy.cell_economy import load_economy
from sim.economy.checks import check_network_size, check_pipeline_size, check_supplier_reach
from sim.economy.world import World, WorldParameters, build_world
from sim.engine import cube
from sim.engine.model import GrowthModel
from sim.errors import InputError
from sim.paths import check_dir, check_output_dir
from sim.scenario import Scenario, load_scenario

# The files of a run folder (``Results.write``): a folder holding any of them holds a run.
RUN_FILES = ("trajectories.parquet", "firms.parquet", "manifest.json")


@lru_cache(maxsize=1)
def package_version() -> str:
    """growthsim's installed version (looked up once a process)."""
    try:
        return version("growthsim")
    except PackageNotFoundError:
        return "0+unknown"


@lru_cache(maxsize=8)
def _cached_world(data_dir: str, seed: int, params: WorldParameters) -> World:
    economy = load_economy(data_dir)
    check_network_size(data_dir, economy.a, economy.firm_counts, params.max_suppliers)
    check_supplier_reach(data_dir, economy, params.distance_scale_km)
    return build_world(economy, params, seed=seed)


def world_for(scenario: Scenario) -> World:
    """The built world of a scenario's economy, cached by data folder, seed and world parameters.

    The key holds the whole of :class:`~sim.economy.world.WorldParameters` (a frozen model, hashed
    by all its fields), the only parameters :func:`~sim.economy.world.build_world` reads. The world
    is read-only during a run, so runs of one process share it.
    """
    params = WorldParameters.of(scenario.parameters)
    data_dir = scenario.data_dir
    check_dir(data_dir, "[economy] data", "an existing data folder")  # a symlink loop, a file, nothing
    world = _cached_world(os.path.realpath(data_dir), scenario.economy.seed, params)
    scenario.check_against(world.economy)
    dynamics = scenario.parameters
    gestation_steps = max(1, dynamics.steps(dynamics.gestation_months))
    check_pipeline_size(scenario.path or scenario.name, gestation_steps, world.n_firms)
    return world


@dataclass
class Results:
    """What one run produced.

    Attributes:
        scenario: The resolved scenario.
        seed: The run's seed (an int, or the entropy and spawn key of a SeedSequence).
        trajectories: One row per month x province x sector.
        firms: Firm-level monthly rows, if asked for.
        wall_time: Seconds spent (build excluded when the world was cached).
        manifest: Provenance (scenario, seed, versions, git commit, wall time).
    """

    scenario: Scenario
    seed: object
    trajectories: pd.DataFrame
    firms: pd.DataFrame | None = None
    wall_time: float = 0.0
    manifest: dict = field(default_factory=dict)

    def national(self, column: str = "value_added") -> pd.Series:
        """A column summed over provinces and sectors, by month."""
        return self.trajectories.groupby("month")[column].sum()

    def by_province(self, column: str = "value_added") -> pd.DataFrame:
        """A column summed over sectors: one row per month, one column per province code.

        Shares and means (``output_bound_by_*``, ``*_availability``, ``productivity``) are not sums:
        take them from :meth:`to_xarray` instead.
        """
        return cube.summed(self.trajectories, column, "province")

    def by_sector(self, column: str = "value_added") -> pd.DataFrame:
        """A column summed over provinces: one row per month, one column per sector code."""
        return cube.summed(self.trajectories, column, "sector")

    def to_xarray(self):
        """The trajectories as an ``xarray.Dataset`` with dimensions month x province x sector.

        One data variable per column of the trajectories, each with its unit in ``attrs``;
        coordinates carry province and sector names, regions and calendar months. See
        :func:`sim.engine.cube.to_dataset`.
        """
        return cube.to_dataset(self.trajectories, self.scenario, world_for(self.scenario).economy)

    def write(self, out: str | Path, *, overwrite: bool = False) -> Path:
        """Write ``trajectories.parquet``, ``firms.parquet`` (if any) and ``manifest.json``.

        Files are written to a temporary folder beside ``out`` and moved in place, so an
        interrupted write leaves nothing half-written. A folder that already holds a run's files
        (:data:`RUN_FILES`) is refused unless ``overwrite``; then the earlier run's files that this
        run does not write (a ``firms.parquet`` of a run with firm rows) are removed, so the folder
        never mixes two runs.

        Raises:
            InputError: If ``out`` holds an earlier run and ``overwrite`` is false, or is a file.
        """
        out = Path(out)
        earlier = check_run_folder(out, overwrite)
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
        try:
            self.trajectories.to_parquet(tmp / "trajectories.parquet", index=False)
            if self.firms is not None:
                self.firms.to_parquet(tmp / "firms.parquet", index=False)
            (tmp / "manifest.json").write_text(json.dumps(self.manifest, indent=2, default=str), encoding="utf-8")
            out.mkdir(exist_ok=True)
            written = {item.name for item in tmp.iterdir()}
            for name in earlier:
                if name not in written:
                    (out / name).unlink()
            for item in tmp.iterdir():
                os.replace(item, out / item.name)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        return out


def check_run_folder(out: Path, overwrite: bool) -> list[str]:
    """The run files already in ``out`` (see :meth:`Results.write`).

    Raises:
        InputError: If ``out`` is a file, or holds an earlier run and ``overwrite`` is false.
    """
    check_output_dir(out)
    earlier = [name for name in RUN_FILES if (out / name).exists()]
    if earlier and not overwrite:
        raise InputError(out, "--out", "a new folder: it holds an earlier run; pass --overwrite to replace it")
    return earlier


def seed_record(seed: int | np.random.SeedSequence) -> object:
    """A JSON-able record of a seed."""
    if isinstance(seed, np.random.SeedSequence):
        return {"entropy": int(seed.entropy), "spawn_key": list(seed.spawn_key)}
    return int(seed)


@lru_cache(maxsize=1)
def git_commit() -> str | None:
    """The commit of the code's repository (looked up once a process: a batch does not spawn git per run)."""
    try:
        root = Path(__file__).resolve().parent.parent
        out = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        return out.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def manifest(scenario: Scenario, seed: object, wall_time: float) -> dict:
    """Provenance of a run."""
    return {
        "scenario": scenario.model_dump(mode="json"),
        "scenario_file": str(Path(scenario.path).resolve()) if scenario.path else None,
        "seed": seed_record(seed),
        "growthsim": package_version(),
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "pandas": pd.__version__,
        "platform": platform.platform(),
        "wall_time_seconds": round(wall_time, 4),
    }


def run(
    scenario: Scenario | str | Path,
    seed: int | np.random.SeedSequence = 0,
    *,
    record_firms: bool = False,
    progress: bool | None = None,
    agents: bool = False,
) -> Results:
    """Run one scenario with one seed.

    Args:
        scenario: A scenario, or the path of a scenario file.
        seed: Seed of the run's generator.
        record_firms: Keep firm-level monthly rows.
        progress: Show a progress bar (default: on a terminal, for long runs).
        agents: Also create the Mesa agent views (not needed for results).

    Returns:
        The run's results.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    started = time.perf_counter()
    world = world_for(scenario)
    model = GrowthModel(scenario, world, seed, agents=agents, record_firms=record_firms)
    if progress is None:
        progress = sys.stderr.isatty() and model.n_steps * world.n_firms > 5_000_000
    try:
        with tqdm(total=model.n_steps, desc=scenario.name, unit="month", disable=not progress, leave=False) as bar:
            while not model.finished:
                model.step()
                bar.update(1)
    finally:
        model.release()
    wall = time.perf_counter() - started
    return Results(
        scenario=scenario,
        seed=seed_record(seed),
        trajectories=model.recorder.trajectories(copy=False),
        firms=model.recorder.firm_table(),
        wall_time=wall,
        manifest=manifest(scenario, seed, wall),
    )
