"""Use growthsim from the EMA Workbench (``pip install 'growthsim[ema]'``, ema_workbench 2.5.x).

The EMA Workbench (Kwakkel 2017, *Environmental Modelling & Software* 96) treats a model as a
function of keyword arguments returning outcomes. :class:`GrowthsimFunction` is that function for
a scenario: keyword arguments are the scenario's parameters by dotted path
(``parameters.recovery_speed``, ``shock.0.change``, ...) plus ``run``, the index of the run's
seed (``SeedSequence(seed).spawn(...)[run]``, the same seed as run ``run`` of a Monte Carlo batch);
outcomes are the scalar metrics of :func:`analysis.metrics.run_metrics` and, as arrays, national
monthly series. :func:`ema_model` wraps it in an ``ema_workbench.Model`` (one seed) or
``ReplicatorModel`` (``replications`` seeds, the same for every experiment: common random numbers)
with uncertainties for the parameters you name::

    from ema_workbench import SequentialEvaluator, perform_experiments
    from analysis.ema import ema_model

    model = ema_model("scenarios/baseline.toml",
                      {"parameters.recovery_speed": (0.01, 0.1), "parameters.investment_response": (0.0, 0.1)},
                      outcomes=["growth_national", "volatility_monthly"])
    with SequentialEvaluator(model) as evaluator:
        experiments, outcomes = perform_experiments(model, scenarios=50, evaluator=evaluator)

The function object pickles (a scenario and settings), so EMA's ``MultiprocessingEvaluator`` works.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

import sim
from analysis.montecarlo.worker import per_run_metrics, targets_of
from analysis.sensitivity import SensitivityFile, load_parameter_file, scenario_value, with_values
from sim.errors import InputError
from sim.scenario import Scenario

DEFAULT_OUTCOMES = ("growth_national", "volatility_monthly", "theil", "attainment_national")
DEFAULT_SERIES = ("value_added",)
MODEL_NAME = "growthsim"


class GrowthsimFunction:
    """A scenario as a function of its parameters, for the EMA Workbench.

    Args:
        scenario: The base scenario (or its file).
        outcomes: Scalar metrics to return (keys of ``run_metrics``).
        series: Columns returned as national monthly arrays, named ``national_<column>``.
        seed: Master seed; keyword ``run`` picks the child ``SeedSequence(seed, spawn_key=(run,))``.

    Calling it with ``run=i`` and parameter values (by dotted path) returns
    ``{outcome: float, "national_<column>": array}``. Growth targets are the base scenario's for
    every experiment (a plan's targets do not move with the uncertainties).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        outcomes: Sequence[str] = DEFAULT_OUTCOMES,
        series: Sequence[str] = DEFAULT_SERIES,
        seed: int = 0,
    ) -> None:
        self.scenario = scenario if isinstance(scenario, Scenario) else sim.load_scenario(scenario)
        self.outcomes = list(outcomes)
        self.series = list(series)
        self.seed = int(seed)
        self.targets = targets_of(self.scenario)

    def __call__(self, run: int = 0, **values: float) -> dict:
        names = list(values)
        scenario = with_values(self.scenario, names, [values[n] for n in names]) if names else self.scenario
        seq = np.random.SeedSequence(self.seed, spawn_key=(int(run),))
        trajectories = sim.run(scenario, seq).trajectories
        metrics = per_run_metrics(trajectories, scenario, targets=self.targets)
        out: dict = {name: float(metrics[name]) for name in self.outcomes}
        by_month = trajectories.groupby("month", sort=True)
        for column in self.series:
            out[f"national_{column}"] = by_month[column].sum().to_numpy()
        return out


def ema_model(
    scenario: Scenario | str | Path,
    uncertainties: Mapping[str, tuple[float, float]] | SensitivityFile | str | Path,
    *,
    outcomes: Sequence[str] = DEFAULT_OUTCOMES,
    series: Sequence[str] = DEFAULT_SERIES,
    seed: int = 0,
    replications: int = 1,
):
    """An ``ema_workbench`` model of a scenario.

    Args:
        scenario: The base scenario (or its file).
        uncertainties: ``{dotted path: (low, high)}``, or a sensitivity parameter file (or its
            parsed form). Integer scenario values become ``IntegerParameter``, the rest
            ``RealParameter``.
        outcomes: Scalar metrics, as ``ScalarOutcome``.
        series: National monthly series, as ``ArrayOutcome`` named ``national_<column>``.
        seed: Master seed of the runs.
        replications: Seeds per experiment; more than 1 gives a ``ReplicatorModel`` whose
            replications are runs ``0..replications-1`` (the same for every experiment), and every
            outcome then has one value (or series) per replication: metric ``m`` becomes the
            ``ArrayOutcome`` ``m_by_run``.

    Returns:
        An ``ema_workbench.Model`` or ``ReplicatorModel``.

    Raises:
        ImportError: If ema_workbench is not installed.
        InputError: If a name is not a numeric value of the scenario.
    """
    from ema_workbench import (
        ArrayOutcome,
        Constant,
        IntegerParameter,
        Model,
        RealParameter,
        ReplicatorModel,
        ScalarOutcome,
    )

    function = GrowthsimFunction(scenario, outcomes, series, seed)
    if isinstance(uncertainties, str | Path):
        uncertainties = load_parameter_file(uncertainties)
    if isinstance(uncertainties, SensitivityFile):
        uncertainties = {p.name: p.bounds for p in uncertainties.parameter}
    params = []
    for name, (low, high) in uncertainties.items():
        try:
            value = scenario_value(function.scenario, name)
        except (KeyError, IndexError, ValueError, TypeError):
            raise InputError("ema", name, "a dotted path to a numeric value of the scenario") from None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InputError("ema", name, f"a numeric value of the scenario, got {value!r}")
        kind = IntegerParameter if isinstance(value, int) else RealParameter
        params.append(
            kind(name, int(low) if kind is IntegerParameter else low, int(high) if kind is IntegerParameter else high)
        )
    if replications > 1:
        model = ReplicatorModel(MODEL_NAME, function=function)
        model.replications = [{"run": i} for i in range(replications)]
    else:
        model = Model(MODEL_NAME, function=function)
        model.constants = [Constant("run", 0)]
    model.uncertainties = params
    if replications > 1:  # one value per replication; EMA keeps one outcome class per name
        scalars = [ArrayOutcome(f"{name}_by_run", variable_name=name) for name in outcomes]
    else:
        scalars = [ScalarOutcome(name) for name in outcomes]
    model.outcomes = scalars + [ArrayOutcome(f"national_{c}") for c in series]
    return model
