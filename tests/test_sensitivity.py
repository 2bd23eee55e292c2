"""Sensitivity analysis: parameter files, scenario paths, and an ignored parameter ranked last."""

from __future__ import annotations

import numpy as np
import pytest
from batch_helpers import small_economy, write_scenario

import sim
from analysis.montecarlo.worker import per_run_metrics
from analysis.sensitivity import sensitivity, with_values
from sim.errors import InputError

OUTPUTS = ["growth_national", "volatility_monthly"]
PARAMS = """
outputs = ["growth_national", "volatility_monthly"]

[[parameter]]
name = "parameters.recovery_speed"
bounds = [0.01, 0.2]

[[parameter]]
name = "parameters.firing_speed"
bounds = [0.05, 0.5]

[[parameter]]
name = "stochastic.productivity_sigma"
bounds = [0.0, 0.05]
"""


@pytest.fixture(scope="module")
def toy(tmp_path_factory):
    root = tmp_path_factory.mktemp("sensitivity")
    scenario = write_scenario(root / "toy.toml", small_economy(root / "economy"), "toy", horizon=24)
    params = root / "params.toml"
    params.write_text(PARAMS, encoding="utf-8")
    return sim.load_scenario(scenario), params


def test_firing_speed_is_inert_in_the_toy_scenario(toy):
    """Check the premise: output only rises here (idle capacity comes back), so firing never binds."""
    scenario, _ = toy
    no_noise = with_values(scenario, ["stochastic.productivity_sigma"], [0.0])
    low, high = (with_values(no_noise, ["parameters.firing_speed"], [v]) for v in (0.05, 0.5))
    runs = [sim.run(s, 1).trajectories for s in (low, high)]
    national = runs[0].groupby("month")["output"].sum()
    assert (np.diff(national.to_numpy()) >= -1e-9 * national.max()).all() and national.iloc[-1] > national.iloc[0]
    a, b = (per_run_metrics(t, scenario) for t in runs)
    assert all(a[k] == b[k] for k in OUTPUTS)


@pytest.mark.parametrize(("method", "samples", "index"), [("morris", 6, "mu_star"), ("sobol", 8, "ST")])
def test_an_ignored_parameter_ranks_last_with_index_near_zero(toy, method, samples, index):
    scenario, params = toy
    result = sensitivity(scenario, params, method=method, samples=samples, seed=3, workers=1)
    for output in OUTPUTS:
        table = result.indices[result.indices["output"] == output].set_index("parameter")
        largest = table[index].abs().max()
        assert largest > 0
        assert table.loc["parameters.firing_speed", index] == pytest.approx(0.0, abs=1e-9 * largest)
        assert table.loc["parameters.firing_speed", "rank"] == 3
    growth = result.indices.query("output == 'growth_national'").set_index("parameter")
    assert growth.loc["parameters.recovery_speed", "rank"] == 1, "recovery speed drives the recovery of idle capacity"
    points = {"morris": samples * 4, "sobol": samples * 5}[method]
    assert len(result.samples) == points and result.settings["points"] == points


def test_parameters_are_set_by_dotted_path(toy):
    scenario, _ = toy
    shocked = scenario.with_changes(shock=[{"kind": "demand", "start": 2, "change": -0.1}])
    changed = with_values(shocked, ["shock.0.change", "parameters.max_suppliers", "horizon_months"], [-0.4, 2.6, 13.2])
    assert changed.shock[0].change == -0.4
    assert changed.parameters.max_suppliers == 3 and changed.horizon_months == 13
    assert changed.path == scenario.path


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ('[[parameter]]\nname = "parameters.no_such"\nbounds = [0, 1]\n', "parameter[0].name"),
        ('[[parameter]]\nname = "name"\nbounds = [0, 1]\n', "parameter[0].name"),
        ('[[parameter]]\nname = "parameters.recovery_speed"\nbounds = [0.2, 0.1]\n', "parameter[0].bounds"),
        ('[[parameter]]\nname = "parameters.recovery_speed"\nbounds = [0.1, 1.5]\n', "parameter[0].bounds"),
        ('[[parameter]]\nname = "parameters.recovery_speed"\nbound = [0.1, 0.2]\n', "parameter[0].bound"),
        (
            'outputs = ["no_such_metric"]\n[[parameter]]\nname = "parameters.recovery_speed"\nbounds = [0.1, 0.2]\n',
            "outputs",
        ),
    ],
)
def test_bad_parameter_files_name_the_key(toy, tmp_path, text, key):
    scenario, _ = toy
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        sensitivity(scenario, path, samples=2, workers=1)
    assert info.value.key.startswith(key)
