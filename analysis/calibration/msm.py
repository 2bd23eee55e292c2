"""The method of simulated moments over the episodes, resumable, on the batch executors.

Moments ``m(theta)``: for every episode ``e`` and year ``k``, the mean over ``R`` runs of the
simulated swing of national value added against the shock-free twin
(:mod:`analysis.history.episodes`); with ``[volatility]``, also the mean over its runs of the
standard deviation, autocorrelation and contraction share of annual growth and of the firms'
excess kurtosis and size slope (:mod:`analysis.calibration.volatility`). Recorded counterparts of
the growth statistics: their range over the chosen series of ``growth.csv`` (midpoint, and
half-range as standard error, at least ``floor`` points for the standard deviation and 0.05 for the
shares and the autocorrelation); of the firm statistics: the literature's value and error given in
the spec. Every evaluation uses the same seeds
``SeedSequence(seed).spawn(R)`` (common random numbers), so the criterion is a smooth function of
``theta`` and differences between evaluations are not noise. Empirical moments: the midpoint of the
recorded range of the swing (:func:`analysis.history.records.recorded_range`), with standard error
``max(floor, (high - low) / 2)``; moments whose record is missing are left out.

estimagic's ``estimate_msm`` minimises ``(m(theta) - m_emp)' W (m(theta) - m_emp)`` with the
diagonal weights ``W = diag(1 / se^2)`` over an optimagic derivative-free optimizer, then gives
standard errors and the sensitivity of each estimate to each moment (Honore, Jorgensen and de Paula
2020). Every evaluation is appended to ``evaluations.jsonl`` before it is used, so a killed fit run
again with the same spec and ``--out`` reuses every stored evaluation and the optimizer retraces its
path without simulating again (its path is deterministic given the same moments).
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.calibration.spec import CalibrationSpec
from analysis.calibration.volatility import firm_annual_output, firm_growth_moments, growth_moments
from analysis.history.episodes import pair_tasks, replay, run_pair
from analysis.history.records import Episode, episodes, growth_statistics, growth_table, recorded_range
from analysis.montecarlo.seeds import spawn_seeds
from sim.scenario import Scenario, load_scenario


@dataclass
class Moment:
    """One targeted moment: an episode's swing in one year, or a volatility moment.

    Attributes:
        name: ``<episode>:year<k>``, ``<episode>@<reading>:year<k>``, ``volatility:<statistic>`` or
            ``firms:<statistic>``.
        empirical: Recorded value (the midpoint of the recorded range, or the literature's).
        se: Its standard error.
        episode: The episode (``None`` for a volatility moment).
        year: The year of a swing (0 for a volatility moment).
        folder: Folder of the scenario file of this reading of the episode (``None``: the
            packaged one, or the folder the fit was given).
    """

    name: str
    empirical: float
    se: float
    episode: Episode | None = None
    year: int = 0
    folder: Path | None = None

    @property
    def run_key(self) -> str:
        """The runs this moment reads: the episode's, or one reading's of it."""
        if self.episode is None:
            return "volatility"
        return self.episode.name if self.folder is None else f"{self.episode.name}@{self.folder.name}"


def target_moments(spec: CalibrationSpec, history: Path | None = None) -> list[Moment]:
    """The moments a spec fits (episodes with at least one recorded measure per year)."""
    growth = growth_table(history)
    chosen = [e for e in episodes(history) if not spec.episodes or e.name in spec.episodes]
    moments = []
    readings = [(None, "")] + [(folder, f"@{folder.name}") for folder in spec.reading_folders()]
    for folder, tag in readings:
        for episode in chosen:
            if folder is not None and not (folder / episode.scenario).is_file():
                continue
            for year in range(1, spec.years + 1):
                low, high, count = recorded_range(episode, year, growth)
                if count:
                    mid, half = (low + high) / 2, max(spec.floor, (high - low) / 2)
                    moments.append(Moment(f"{episode.name}{tag}:year{year}", mid, half, episode, year, folder))
    if spec.volatility is not None:
        floors = {"sd": spec.floor, "autocorr": SHARE_FLOOR, "contraction_share": SHARE_FLOOR}
        stats_by_series = [growth_statistics(series, growth) for series in spec.volatility.series]
        for statistic, floor in floors.items():
            values = np.array([s[statistic] for s in stats_by_series], dtype=float)
            values = values[np.isfinite(values)]
            if values.size:
                low, high = float(values.min()), float(values.max())
                moments.append(Moment(f"volatility:{statistic}", (low + high) / 2, max(floor, (high - low) / 2)))
        for statistic in ("firm_kurtosis", "size_slope"):
            target = getattr(spec.volatility, statistic)
            if target is not None:
                moments.append(Moment(f"firms:{FIRM_KEYS[statistic]}", float(target[0]), float(target[1])))
    return moments


@dataclass
class Evaluator:
    """Simulated moments at a parameter vector, cached on disk and run on an executor.

    Attributes:
        spec: The calibration spec.
        moments: The targeted moments.
        store: ``evaluations.jsonl``; one JSON line per evaluation (params, moments, seconds).
        executor: Where the runs go (:mod:`analysis.montecarlo.executors`).
        scenario_dir: Folder of the episode scenarios.
        bar: A tqdm bar updated per evaluation (or ``None``).
    """

    spec: CalibrationSpec
    moments: list[Moment]
    store: Path
    executor: object
    scenario_dir: Path | None = None
    bar: object = None
    cache: dict = field(default_factory=dict)
    history: list = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.store.is_file():
            for line in self.store.read_text(encoding="utf-8").splitlines():
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue  # a line cut by a kill
                self.cache[self._key(record["params"])] = np.asarray(record["moments"], dtype=float)

    @property
    def names(self) -> list[str]:
        return list(self.spec.parameters)

    @staticmethod
    def _key(values) -> tuple:
        return tuple(float(f"{float(v):.12g}") for v in values)

    def simulate(self, theta: np.ndarray) -> np.ndarray:
        """Mean simulated swings at ``theta``, in the order of :attr:`moments`."""
        key = self._key(theta)
        reused = key in self.cache
        started = time.perf_counter()
        if not reused:
            self.cache[key] = self._run(dict(zip(self.names, map(float, theta), strict=True)))
            self._append(key, self.cache[key], time.perf_counter() - started)
        values = self.cache[key]
        self.history.append(
            {
                "evaluation": len(self.history) + 1,
                **dict(zip(self.names, key, strict=True)),
                "loss": self.loss(values),
                "reused": reused,
            }
        )
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix(loss=f"{self.loss(values):.3g}")
        return values

    def loss(self, values: np.ndarray) -> float:
        """``sum ((m - m_emp) / se)^2``: the criterion with diagonal weights."""
        emp = np.array([m.empirical for m in self.moments])
        se = np.array([m.se for m in self.moments])
        return float(np.sum(((values - emp) / se) ** 2))

    def _run(self, theta: dict) -> np.ndarray:
        model, stochastic, imports = split_parameters(theta)
        items: list[tuple] = []
        runs = {m.run_key: m for m in self.moments if m.episode is not None}
        for key, moment in runs.items():
            folder = moment.folder or self.scenario_dir
            replayed = replay(moment.episode, folder, model, self.spec.years)
            scenario = with_imports(replayed.scenario, imports)
            tasks = pair_tasks(scenario, self.spec.runs, self.spec.seed, self.spec.years, replayed.lead_years)
            items += [(key, t) for t in tasks]
        path = self.spec.volatility_scenario()
        if path is not None:
            scenario = with_imports(volatility_scenario(path, model, stochastic), imports)
            seeds = spawn_seeds(self.spec.seed, self.spec.volatility.runs)
            items += [("volatility", VolatilityTask(scenario, s.entropy, s.spawn_key)) for s in seeds]
        results = (
            map(_tagged_task, items) if self.executor is None else self.executor.map_unordered(_tagged_task, items)
        )
        sums: dict[str, np.ndarray] = {}
        counts: dict[str, int] = {}
        for name, values in results:
            sums[name] = sums.get(name, 0.0) + np.asarray(values, dtype=float)
            counts[name] = counts.get(name, 0) + 1
        means = {name: sums[name] / counts[name] for name in sums}
        out = []
        for m in self.moments:
            if m.episode is not None:
                out.append(means[m.run_key][m.year - 1])
            else:
                out.append(means["volatility"][VOLATILITY_ORDER.index(m.name)])
        return np.array(out)

    def _append(self, key: tuple, values: np.ndarray, seconds: float) -> None:
        record = {"params": list(key), "moments": [float(v) for v in values], "seconds": round(seconds, 3)}
        with self.store.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


SHARE_FLOOR = 0.05
FIRM_KEYS = {"firm_kurtosis": "excess_kurtosis", "size_slope": "size_slope"}
VOLATILITY_ORDER = (
    "volatility:sd",
    "volatility:autocorr",
    "volatility:contraction_share",
    "firms:excess_kurtosis",
    "firms:size_slope",
)


@dataclass(frozen=True)
class VolatilityTask:
    """One seed of the volatility scenario (picklable for the executors)."""

    scenario: Scenario
    entropy: int
    spawn_key: tuple[int, ...]


def run_volatility(task: VolatilityTask) -> np.ndarray:
    """The moments of :data:`VOLATILITY_ORDER` from one run of the volatility scenario."""
    import sim

    seed = np.random.SeedSequence(task.entropy, spawn_key=task.spawn_key)
    results = sim.run(task.scenario, seed, record_firms=True, progress=False)
    growth = growth_moments(results.national().to_numpy())
    firms = firm_growth_moments(firm_annual_output(results.firms))
    return np.array(
        [growth["sd"], growth["autocorr"], growth["contraction_share"], firms["excess_kurtosis"], firms["size_slope"]]
    )


def volatility_scenario(path: Path, model: dict, stochastic: dict) -> Scenario:
    """The volatility scenario with parameter and ``[stochastic]`` changes."""
    scenario = load_scenario(path)
    changes = {}
    if model:
        changes["parameters"] = {**scenario.parameters.model_dump(), **model}
    if stochastic:
        changes["stochastic"] = {**scenario.stochastic.model_dump(), **stochastic}
    return scenario.with_changes(**changes) if changes else scenario


def split_parameters(theta: dict) -> tuple[dict, dict, dict]:
    """``(model, stochastic, imports)``: fitted values by the scenario table they change."""
    tables: dict[str, dict] = {"": {}, "stochastic": {}, "imports": {}}
    for name, value in theta.items():
        table, key = name.split(".", 1) if "." in name else ("", name)
        tables[table][key] = value
    return tables[""], tables["stochastic"], tables["imports"]


def with_imports(scenario: Scenario, imports: dict) -> Scenario:
    """The scenario with ``[imports]`` changes (itself when there are none)."""
    if not imports:
        return scenario
    return scenario.with_changes(imports={**scenario.imports.model_dump(), **imports})


def _tagged_task(item: tuple) -> tuple:
    """``(owner, task)`` -> ``(owner, values)``: an episode pair's swings or a volatility run's moments."""
    owner, task = item
    if isinstance(task, VolatilityTask):
        return owner, run_volatility(task)
    return owner, run_pair(task)[1]


def moments_frame(moments: list[Moment], simulated: np.ndarray) -> pd.DataFrame:
    """Targeted and fitted moments side by side."""
    return pd.DataFrame(
        {
            "moment": [m.name for m in moments],
            "recorded_mid": [m.empirical for m in moments],
            "se": [m.se for m in moments],
            "simulated": simulated,
        }
    )
