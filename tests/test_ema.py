"""The EMA Workbench adapter: experiments through ema_workbench equal direct runs."""

from __future__ import annotations

import ema_workbench  # in the dev extra, so these tests run in CI
import numpy as np
import pytest
from batch_helpers import small_economy, write_scenario

import sim
from analysis.montecarlo.worker import per_run_metrics, targets_of
from analysis.sensitivity import with_values

OUTCOMES = ["growth_national", "volatility_monthly"]


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("ema")
    return sim.load_scenario(write_scenario(root / "toy.toml", small_economy(root / "economy"), "toy", horizon=24))


def test_experiments_equal_direct_runs_and_growth_rises_with_recovery_speed(toy):
    from analysis.ema import ema_model

    model = ema_model(toy, {"parameters.recovery_speed": (0.01, 0.2)}, outcomes=OUTCOMES, seed=4)
    with ema_workbench.SequentialEvaluator(model) as evaluator:
        experiments, outcomes = ema_workbench.perform_experiments(model, scenarios=5, evaluator=evaluator)
    speeds = experiments["parameters.recovery_speed"].to_numpy()
    assert len(speeds) == 5 and outcomes["national_value_added"].shape == (5, 25)
    for i in (0, 3):
        scenario = with_values(toy, ["parameters.recovery_speed"], [speeds[i]])
        direct = sim.run(scenario, np.random.SeedSequence(4, spawn_key=(0,))).trajectories
        expected = per_run_metrics(direct, scenario, targets=targets_of(toy))
        for name in OUTCOMES:
            assert outcomes[name][i] == expected[name]
        np.testing.assert_array_equal(outcomes["national_value_added"][i], direct.groupby("month")["value_added"].sum())
    order = np.argsort(speeds)
    assert np.all(np.diff(outcomes["growth_national"][order]) > 0), "faster recovery of idle capacity, faster growth"


def test_replications_share_seeds_across_experiments(toy):
    from analysis.ema import ema_model

    model = ema_model(toy, {"parameters.firing_speed": (0.05, 0.5)}, outcomes=OUTCOMES, replications=3)
    with ema_workbench.SequentialEvaluator(model) as evaluator:
        _, outcomes = ema_workbench.perform_experiments(model, scenarios=3, evaluator=evaluator)
    growth = np.asarray(outcomes["growth_national_by_run"])
    assert growth.shape == (3, 3)
    # firing_speed does not move output here, so with common seeds every experiment is identical,
    # while the replications (different seeds) differ.
    np.testing.assert_array_equal(growth[0], growth[1])
    np.testing.assert_array_equal(growth[0], growth[2])
    assert len(set(growth[0])) == 3
