"""Global sensitivity analysis of a scenario's parameters with SALib (Morris screening, Sobol indices).

Parameters are named by their dotted path in the scenario (``parameters.recovery_speed``,
``stochastic.productivity_sigma``, ``shock.0.change``) with bounds, in a small TOML file::

    outputs = ["growth_national", "volatility_monthly"]   # optional; keys of run_metrics

    [[parameter]]
    name = "parameters.recovery_speed"
    bounds = [0.01, 0.1]

Each sample point is the scenario with those values, run with the same ``replicates`` seeds
(``SeedSequence(seed).spawn(replicates)``, common random numbers across points) and summarised
by the mean of each output over the replicates.

- Morris (1991) elementary effects: ``EE_i = (y(x + Delta e_i) - y(x)) / Delta`` along ``N``
  one-at-a-time trajectories on a ``p``-level grid of the unit cube; ``mu*_i = mean |EE_i|``
  (Campolongo, Cariboni and Saltelli 2007) ranks the parameters, ``sigma_i`` flags interactions
  and non-linearity. Cost ``N (k + 1)`` runs x replicates.
- Sobol (2001) indices with Saltelli's (2010) estimators: first order
  ``S_i = V[E(Y | X_i)] / V(Y)`` and total ``S_Ti = E[V(Y | X_~i)] / V(Y)``.
  Cost ``N (k + 2)`` runs x replicates (``N`` a power of 2).

A parameter the model ignores has every elementary effect 0, so ``mu* = 0`` and ``S_T = 0``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictFloat,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

import sim
from analysis.montecarlo.executors import make_executor
from analysis.montecarlo.worker import metrics_available, one_thread, per_run_metrics, targets_of
from analysis.progress import progress_bar
from sim.errors import GrowthsimError, InputError
from sim.limits import check_limit
from sim.paths import check_file
from sim.scenario import Scenario

METHODS = ("morris", "sobol")
DEFAULT_OUTPUTS = ("growth_national", "volatility_monthly", "theil", "attainment_national")
MORRIS_LEVELS = 4
CHUNK = 8


class ParameterSpec(BaseModel):
    """One ``[[parameter]]`` of a sensitivity file: strict types (no coercion), finite bounds."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    name: StrictStr = Field(min_length=1)
    bounds: tuple[StrictFloat, StrictFloat]

    @field_validator("bounds")
    @classmethod
    def _ordered(cls, bounds: tuple[float, float]) -> tuple[float, float]:
        if not bounds[0] < bounds[1]:
            raise ValueError(f"bounds must be [low, high] with low < high, got {list(bounds)}")
        return bounds


class SensitivityFile(BaseModel):
    """A sensitivity parameter file."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    outputs: list[StrictStr] | None = None
    parameter: list[ParameterSpec] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> SensitivityFile:
        names = [p.name for p in self.parameter]
        if len(set(names)) != len(names):
            raise ValueError("each parameter name must appear once")
        return self


def load_parameter_file(path: str | Path) -> SensitivityFile:
    """Read and validate a sensitivity parameter file.

    Raises:
        InputError: Naming the file, the key and what was expected.
    """
    path = Path(path)
    check_file(path, "file", "an existing parameter file")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return SensitivityFile.model_validate(data)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(path, "TOML", f"valid TOML ({exc})") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(k) if not isinstance(k, int) else f"[{k}]" for k in error["loc"]).replace(".[", "[")
        message = "not a known key" if error["type"] == "extra_forbidden" else error["msg"]
        raise InputError(path, key or "file", message) from None


def _walk(data: dict, name: str) -> tuple[object, str | int]:
    """The container holding a dotted path's last key, and that key."""
    node: object = data
    parts = name.split(".")
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, list) else node[part]
    last = parts[-1]
    return node, (int(last) if isinstance(node, list) else last)


def scenario_value(scenario: Scenario, name: str) -> object:
    """The value at a dotted path of the scenario (``KeyError``/``IndexError``/``ValueError`` if none)."""
    node, key = _walk(scenario.model_dump(), name)
    return node[key]  # type: ignore[index]


def with_values(scenario: Scenario, names: Sequence[str], values: Sequence[float]) -> Scenario:
    """The scenario with the values set at the dotted paths (integers rounded), validated again."""
    data = scenario.model_dump()
    for name, value in zip(names, values, strict=True):
        node, key = _walk(data, name)
        node[key] = int(round(float(value))) if isinstance(node[key], int) else float(value)  # type: ignore[index]
    return Scenario.model_validate({**data, "path": scenario.path})


def check_parameters(scenario: Scenario, spec: SensitivityFile, source: str | Path) -> None:
    """Every name a numeric scenario value, every bound a value the scenario accepts.

    Raises:
        InputError: Naming the parameter and what was expected.
    """
    for i, p in enumerate(spec.parameter):
        try:
            value = scenario_value(scenario, p.name)
        except (KeyError, IndexError, ValueError, TypeError):
            expected = f"a dotted path into the scenario, got {p.name!r}"
            raise InputError(source, f"parameter[{i}].name", expected) from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError(source, f"parameter[{i}].name", f"a numeric scenario value, {p.name!r} is {value!r}")
        for bound in p.bounds:
            try:
                with_values(scenario, [p.name], [bound])
            except ValidationError as exc:
                raise InputError(
                    source, f"parameter[{i}].bounds", f"values the scenario accepts ({exc.errors()[0]['msg']})"
                ) from None


def problem_of(spec: SensitivityFile) -> dict:
    """SALib's problem dictionary."""
    return {
        "num_vars": len(spec.parameter),
        "names": [p.name for p in spec.parameter],
        "bounds": [list(p.bounds) for p in spec.parameter],
    }


def sample(problem: dict, method: str, samples: int, seed: int) -> np.ndarray:
    """The sample points: Morris trajectories or Saltelli's Sobol design (first and total order)."""
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=MORRIS_LEVELS, seed=seed)
    from SALib.sample import sobol

    return sobol.sample(problem, samples, calc_second_order=False, seed=seed)


@dataclass
class _Points:
    """A chunk of sample points to evaluate."""

    first: int
    scenarios: list[Scenario]
    seeds: list[np.random.SeedSequence]
    outputs: list[str]
    targets: pd.DataFrame | None


def _evaluate(points: _Points) -> tuple[int, np.ndarray, list[str]]:
    """Mean over the replicates of each output, per point; NaN and an error text if a run failed."""
    values = np.full((len(points.scenarios), len(points.outputs)), np.nan)
    errors = []
    with one_thread():
        _evaluate_into(points, values, errors)
    return points.first, values, errors


def _evaluate_into(points: _Points, values: np.ndarray, errors: list[str]) -> None:
    for row, scenario in enumerate(points.scenarios):
        runs = []
        try:
            for seed in points.seeds:
                trajectories = sim.run(scenario, seed).trajectories
                metrics = per_run_metrics(trajectories, scenario, targets=points.targets)
                runs.append([metrics[name] for name in points.outputs])
            values[row] = np.mean(runs, axis=0)
        except Exception as exc:  # recorded and reported, never silently dropped
            errors.append(f"point {points.first + row}: {type(exc).__name__}: {exc}")


def _indices(method: str, problem: dict, x: np.ndarray, y: np.ndarray, output: str, seed: int) -> pd.DataFrame:
    if method == "morris":
        from SALib.analyze import morris

        res = morris.analyze(problem, x, y, num_levels=MORRIS_LEVELS, seed=seed)
        frame = pd.DataFrame(
            {"mu": res["mu"], "mu_star": res["mu_star"], "sigma": res["sigma"], "mu_star_conf": res["mu_star_conf"]}
        )
        key = "mu_star"
    else:
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=False, seed=seed)
        frame = pd.DataFrame({"S1": res["S1"], "S1_conf": res["S1_conf"], "ST": res["ST"], "ST_conf": res["ST_conf"]})
        key = "ST"
    frame.insert(0, "parameter", problem["names"])
    frame.insert(0, "output", output)
    frame["rank"] = frame[key].rank(ascending=False, method="min").astype(int)
    return frame.sort_values("rank", kind="stable")


@dataclass
class SensitivityResult:
    """Indices and the evaluated sample.

    Attributes:
        method: ``"morris"`` or ``"sobol"``.
        indices: One row per output x parameter: Morris ``mu, mu_star, sigma, mu_star_conf`` or
            Sobol ``S1, S1_conf, ST, ST_conf``, and ``rank`` (1 = most influential, by ``mu_star``
            or ``ST``).
        samples: One row per sample point: the parameter values and the outputs.
        settings: Method, samples, seed, replicates, scenario name.
    """

    method: str
    indices: pd.DataFrame
    samples: pd.DataFrame
    settings: dict = field(default_factory=dict)


def sensitivity(
    scenario: Scenario | str | Path,
    parameters: SensitivityFile | str | Path,
    *,
    method: str = "morris",
    samples: int = 10,
    outputs: Sequence[str] | None = None,
    seed: int = 0,
    replicates: int = 1,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool | None = None,
) -> SensitivityResult:
    """Sensitivity indices of a scenario's outputs to its parameters.

    Args:
        scenario: The scenario (or its file).
        parameters: The parameter file (or its parsed form).
        method: ``"morris"`` (screening, ``samples`` trajectories) or ``"sobol"`` (``samples``
            a power of 2).
        samples: ``N`` of the method (see the module docstring for the cost).
        outputs: Keys of ``analysis.metrics.run_metrics`` (default: the file's ``outputs``, else
            national growth, monthly volatility, Theil and national attainment).
        seed: Seed of the sample design and master seed of the replicates.
        replicates: Seeds per point; outputs are averaged over them.
        workers: Local worker processes (1 = this process).
        scheduler: A Dask scheduler address.
        progress: Show a bar of the sample points done (default: on a terminal).

    Raises:
        InputError: On a bad scenario, parameter file, method or output name.
        GrowthsimError: If any run of the design failed (with the points and errors).
    """
    if not isinstance(scenario, Scenario):
        scenario = sim.load_scenario(scenario)
    source = parameters if not isinstance(parameters, SensitivityFile) else "parameters"
    spec = parameters if isinstance(parameters, SensitivityFile) else load_parameter_file(parameters)
    if method not in METHODS:
        raise InputError("sensitivity", "method", f"one of {', '.join(METHODS)}, got {method!r}")
    if method == "sobol" and (samples < 2 or samples & (samples - 1)):
        raise InputError("sensitivity", "samples", f"a power of 2 for Sobol (Saltelli's design), got {samples}")
    if replicates < 1 or samples < 1:
        raise InputError("sensitivity", "samples", "at least 1 sample and 1 replicate")
    k = len(spec.parameter)
    runs = samples * (k + 1 if method == "morris" else k + 2) * replicates  # the design's points x seeds
    check_limit("sensitivity", "--samples", "runs", runs, "runs (points of the design x replicates)")
    if not metrics_available():
        raise GrowthsimError("sensitivity needs analysis.metrics (per-run metrics), which is not installed")
    sim.world_for(scenario)
    check_parameters(scenario, spec, source)
    outputs = list(outputs or spec.outputs or DEFAULT_OUTPUTS)
    seeds = np.random.SeedSequence(seed).spawn(replicates)
    targets = targets_of(scenario)  # the plan's targets stay those of the base scenario at every point
    probe = per_run_metrics(sim.run(scenario, seeds[0]).trajectories, scenario, targets=targets)
    unknown = [name for name in outputs if name not in probe]
    if unknown:
        raise InputError(source, "outputs", f"keys of run_metrics ({', '.join(sorted(probe))}), got {unknown}")

    problem = problem_of(spec)
    x = sample(problem, method, samples, seed)
    names = problem["names"]
    points = [with_values(scenario, names, row) for row in x]
    chunks = [_Points(i, points[i : i + CHUNK], seeds, outputs, targets) for i in range(0, len(points), CHUNK)]
    y = np.full((len(points), len(outputs)), np.nan)
    errors: list[str] = []
    executor = make_executor(workers, scheduler)
    try:
        with progress_bar(len(points), f"{method} {scenario.name}", "point", progress) as bar:
            for first, values, errs in executor.map_unordered(_evaluate, chunks):
                y[first : first + len(values)] = values
                errors.extend(errs)
                bar.update(len(values))
    finally:
        executor.close()
    if errors:
        raise GrowthsimError(f"{len(errors)} of {len(points)} sample points failed; first: {errors[0]}")
    indices = pd.concat(
        [_indices(method, problem, x, y[:, k], out, seed) for k, out in enumerate(outputs)], ignore_index=True
    )
    table = pd.DataFrame(x, columns=names)
    for k, out in enumerate(outputs):
        table[out] = y[:, k]
    settings = {
        "scenario": scenario.name,
        "method": method,
        "samples": samples,
        "points": len(points),
        "seed": seed,
        "replicates": replicates,
        "parameters": [p.model_dump() for p in spec.parameter],
        "outputs": outputs,
    }
    return SensitivityResult(method=method, indices=indices, samples=table, settings=settings)
