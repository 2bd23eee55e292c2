"""One shape for what a report shows: a run folder or one scenario of a batch store.

A batch store (``growthsim batch --out STORE``) holds many runs of each of its scenarios; a run
folder (``growthsim run --out DIR``) is a batch of one. Either is read into a :class:`Source`:

- ``series``: per run, the national, provincial and sectoral monthly series (the store's long
  form, :func:`analysis.montecarlo.series.level_series`);
- ``metrics``: one row per run, the metrics of :func:`analysis.metrics.run_metrics` (for a run
  folder computed here, with the shock-free pair rerun on the same seed unless ``pair=False``);
- ``cells``: per run and province x sector, value added at month 0, at the end of the headline
  year and at the last month; over months 1..T the output made under each binding constraint
  (``output_bound_by_*`` summed), potential output and the output lost to each constraint
  (``output_lost_to_*`` summed), when the cell cube is there (a run folder, or a store written with ``--detail
  province-sector``); else ``None``;
- ``targets``: the targets the scenario names (:func:`analysis.targets.targets_for`);
- the economy's provinces (population, region, English and Persian names), sectors and mining
  divisions;
- ``seeds``: each run's seed as text (``entropy/spawn key``), to pair runs of two sources that
  share seeds (common random numbers).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.metrics.attainment import headline_end
from sim.errors import InputError
from sim.scenario import Scenario, scenario_from_dict

HELD_BACK = ("inputs", "imports", "energy", "readiness")
"""Constraints that hold output back (a firm bound by demand makes what it planned)."""

NOT_A_SOURCE = "a run folder (growthsim run --out) or a batch store (growthsim batch --out)"


@dataclass
class Source:
    """Runs of one scenario, from a run folder or a batch store.

    Attributes:
        label: The scenario's name.
        kind: ``"run"`` (a run folder: one run) or ``"batch"`` (a store).
        path: The folder it was read from.
        scenario: The resolved scenario.
        series: ``run, level, code, month`` and value columns (one run for a run folder).
        metrics: One row per run: ``run``, the metrics, ``seed``.
        cells: ``run, province, sector, va_start, va_headline, va_end, output, potential,
            bound_<constraint>..., lost_<constraint>...`` or None.
        targets: The scenario's :class:`analysis.targets.TargetTable`.
        provinces: ``code`` index; ``name, name_fa, population, region``.
        sectors: ``code`` index; ``name, kind``.
        mining: Sector codes that are mining.
        paired: Whether the endogeneity split was computed (shock-free pairs run).
        failed: Runs of the scenario that failed (kept out of everything).
    """

    label: str
    kind: str
    path: Path
    scenario: Scenario
    series: pd.DataFrame
    metrics: pd.DataFrame
    cells: pd.DataFrame | None
    targets: object
    provinces: pd.DataFrame
    sectors: pd.DataFrame
    mining: list[str]
    paired: bool
    failed: int = 0

    @property
    def runs(self) -> int:
        """Number of runs."""
        return len(self.metrics)

    @property
    def months(self) -> float:
        """Length of the runs in months."""
        return float(self.series["month"].max() - self.series["month"].min())

    @property
    def seeds(self) -> pd.Series:
        """Seed text by run."""
        return self.metrics.set_index("run")["seed"]


def is_run_folder(path: Path) -> bool:
    """Whether ``path`` holds ``manifest.json`` and ``trajectories.parquet``."""
    return (path / "manifest.json").is_file() and (path / "trajectories.parquet").is_file()


def _manifest(path: Path) -> dict:
    try:
        return json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(path / "manifest.json", "JSON", f"valid JSON ({exc})") from None


def store_scenarios(path: Path) -> list[str]:
    """Scenario names of a store, in the order of its manifest."""
    return [str(s["key"]) for s in _manifest(path).get("scenarios", [])]


def load_source(path: str | Path, scenario: str | None = None, *, pair: bool = True) -> Source:
    """Read a run folder or one scenario of a batch store.

    Args:
        path: The folder.
        scenario: For a store, the scenario to read (default: its first).
        pair: For a run folder, rerun the shock-free pair (same seed) for the endogeneity split.

    Raises:
        InputError: If the folder is neither, or the scenario is not in the store.
    """
    from analysis.metrics.store import is_store

    path = Path(path)
    if not path.is_dir():
        raise InputError(path, "folder", NOT_A_SOURCE)
    if is_store(path):
        return _load_store(path, scenario)
    if is_run_folder(path):
        if scenario is not None:
            raise InputError(path, "scenario", "a batch store to choose a scenario from (this is a run folder)")
        return _load_run(path, pair)
    raise InputError(path, "manifest.json", NOT_A_SOURCE)


def _economy(scenario: Scenario) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    from sim.engine.run import world_for

    economy = world_for(scenario).economy
    provinces = economy.provinces.copy()
    provinces["code"] = provinces["code"].astype(str)
    if "name_fa" not in provinces.columns:
        provinces["name_fa"] = provinces["name"]
    if "region" not in provinces.columns:
        provinces["region"] = "all"
    sectors = economy.sectors[["code", "name", "kind"]].copy()
    sectors["code"] = sectors["code"].astype(str)
    mining = sectors.loc[sectors["kind"] == "mining", "code"].tolist()
    provinces = provinces.set_index("code")[["name", "name_fa", "population", "region"]]
    return provinces, sectors.set_index("code"), mining


def cell_summary(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Per province x sector of one run: value added, output made under and lost to each constraint.

    ``va_headline`` is value added at the end of the headline period (month 12, or the last month
    of a run under a year).

    ``bound_c = sum_{t >= 1} output_bound_by_c,t``: the output of months 1..T made by firms whose
    binding constraint was ``c``; ``lost_c = sum_{t >= 1} output_lost_to_c,t``: the output they
    lost to it (potential output, the least of planned output and installed capacity, minus
    output); ``output`` and ``potential`` are the sums over months 1..T.
    """
    first, last = trajectories["month"].min(), trajectories["month"].max()
    months = np.unique(trajectories["month"].to_numpy(float)) - float(first)
    head = first + headline_end(months)
    keys = ["province", "sector"]
    ends = trajectories[trajectories["month"].isin([first, head, last])]
    va = ends.pivot_table(index=keys, columns="month", values="value_added", aggfunc="sum", observed=True)
    out = pd.DataFrame({"va_start": va[first], "va_headline": va[head], "va_end": va[last]})
    later = trajectories[trajectories["month"] > first]
    sums = pd.DataFrame(
        {"province": later["province"], "sector": later["sector"], "output": later["output"].to_numpy()}
    )
    sums["potential"] = later["potential_output"].to_numpy()
    for name in HELD_BACK:
        sums[f"bound_{name}"] = later[f"output_bound_by_{name}"].to_numpy()
        sums[f"lost_{name}"] = later[f"output_lost_to_{name}"].to_numpy()
    return out.join(sums.groupby(keys, sort=True, observed=True).sum()).reset_index()


def _load_run(path: Path, pair: bool) -> Source:
    from analysis.metrics.run_dir import analyze_run, read_run
    from analysis.montecarlo.series import level_series
    from analysis.targets import targets_for

    trajectories, manifest, scenario = read_run(path)
    result = analyze_run(path, pair=pair)
    provinces, sectors, mining = _economy(scenario)
    series = level_series(trajectories)
    series.insert(0, "run", np.int64(0))
    metrics = pd.DataFrame([{"run": 0, **result["metrics"], "seed": seed_text(manifest.get("seed", 0))}])
    cells = cell_summary(trajectories)
    cells.insert(0, "run", np.int64(0))
    return Source(
        label=scenario.name,
        kind="run",
        path=path,
        scenario=scenario,
        series=series,
        metrics=metrics,
        cells=cells,
        targets=targets_for(scenario),
        provinces=provinces,
        sectors=sectors,
        mining=mining,
        paired=bool(result["run"]["paired"]),
    )


def seed_text(record: object) -> str:
    """A run's seed as text: ``entropy/spawn key`` (an int seed ``N`` is ``N/``)."""
    if isinstance(record, dict):
        return f"{int(record['entropy'])}/{','.join(str(int(k)) for k in record['spawn_key'])}"
    return f"{int(record)}/"


def _load_store(path: Path, name: str | None) -> Source:
    from analysis.montecarlo.runner import FORMAT
    from analysis.montecarlo.store import BatchStore
    from analysis.targets import targets_for

    manifest = _manifest(path)
    if manifest.get("format") != FORMAT:
        raise InputError(path / "manifest.json", "format", f"a store of format {FORMAT}: rerun growthsim batch")
    records = {str(s["key"]): s for s in manifest.get("scenarios", [])}
    if not records:
        raise InputError(path / "manifest.json", "scenarios", "at least one scenario")
    name = name if name is not None else next(iter(records))
    if name not in records:
        raise InputError(path / "manifest.json", "scenario", f"one of {', '.join(records)}, got '{name}'")
    record = records[name]
    scenario = scenario_from_dict(record["scenario"], source=record.get("file") or path / "manifest.json")
    store = BatchStore(path)
    metrics = store.read("metrics")
    metrics = metrics[metrics["scenario"].astype(str) == name].drop(columns="scenario").reset_index(drop=True)
    if metrics.empty:
        raise InputError(path / "metrics", name, "at least one successful run of the scenario")
    metrics["seed"] = [f"{int(e)}/{k}" for e, k in zip(metrics["seed_entropy"], metrics["seed_spawn_key"], strict=True)]
    series = store.read("series")
    series = series[series["scenario"].astype(str) == name].drop(columns="scenario").reset_index(drop=True)
    failures = store.read("failures", columns=["scenario", "run"], sort=False)
    failed = int((failures["scenario"].astype(str) == name).sum()) if not failures.empty else 0
    provinces, sectors, mining = _economy(scenario)
    settings = manifest.get("settings", {})
    return Source(
        label=name,
        kind="batch",
        path=path,
        scenario=scenario,
        series=series,
        metrics=metrics,
        cells=_store_cells(store, name),
        targets=targets_for(scenario),
        provinces=provinces,
        sectors=sectors,
        mining=mining,
        paired=bool(settings.get("paired", False)),
        failed=failed,
    )


def _store_cells(store, name: str) -> pd.DataFrame | None:
    """Cell summaries of every run of scenario ``name`` (None without the cube), part by part."""
    folder = store.root / "cells"
    if not folder.is_dir():
        return None
    committed = store.committed_parts()
    columns = ["run", "month", "province", "sector", "value_added", "output", "potential_output"]
    columns += [f"output_{kind}_{n}" for kind in ("bound_by", "lost_to") for n in HELD_BACK]
    frames = []
    for part in sorted(folder.glob("part-*.parquet")):
        if part.stem not in committed:
            continue
        cube = pd.read_parquet(part, columns=columns, filters=[("scenario", "==", name)])
        for run, rows in cube.groupby("run", sort=True):
            summary = cell_summary(rows)
            summary.insert(0, "run", np.int64(run))
            frames.append(summary)
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True).sort_values(["run", "province", "sector"], ignore_index=True)
