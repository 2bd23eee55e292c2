"""On the default economy: a shock scenario is less stable, less on target and less endogenous.

The scenario library (combined_stress and the others) is built elsewhere; this test writes a short
shock scenario inline. The full comparison on the library is a documented run (docs/metrics.md).
"""

from __future__ import annotations

import pytest

import sim
from analysis.metrics import run_metrics, shock_free
from analysis.targets import targets_for
from sim.scenario import scenario_from_dict

SHOCKED = {
    "name": "short_stress",
    "horizon_months": 36,
    "shock": [
        {"kind": "demand", "start": 7, "end": 18, "change": -0.15},
        {"kind": "capacity", "sectors": ["19", "20", "24"], "start": 10, "end": 15, "loss": 0.4, "recovery_months": 6},
    ],
    "stochastic": {"productivity_sigma": 0.01},
}


@pytest.fixture(scope="module")
def compared():
    shocked = scenario_from_dict(SHOCKED)
    baseline = shock_free(shocked)
    assert baseline.shock == [] and baseline.stochastic.productivity_sigma == 0.01
    economy = sim.world_for(shocked).economy.provinces.set_index("code")
    base_run = sim.run(baseline, 11).trajectories
    shock_run = sim.run(shocked, 11).trajectories
    inputs = {
        "targets": targets_for(shocked).target_frame(),
        "population": economy["population"],
        "regions": economy["region"],
        "paired": base_run,
    }
    return run_metrics(base_run, **inputs), run_metrics(shock_run, **inputs)


def test_shocks_lower_stability(compared):
    base, shock = compared
    assert shock["volatility_monthly"] > 2 * base["volatility_monthly"]
    assert shock["volatility_annual"] > 2 * base["volatility_annual"]
    assert shock["max_drawdown"] > base["max_drawdown"] + 0.01
    assert shock["output_lost"] > 0 and base["output_lost"] == 0
    assert shock["recovery_months"] > 0 and base["recovery_months"] == 0


def test_shocks_lower_attainment(compared):
    base, shock = compared
    assert shock["target_national"] == base["target_national"]
    assert shock["attainment_national"] < base["attainment_national"]
    assert shock["growth_national"] < base["growth_national"]


def test_baseline_growth_is_more_endogenous(compared):
    base, shock = compared
    # The pair of the baseline is itself (common random numbers): nothing is exogenous.
    assert base["endogenous_share"] == 1.0 and base["exogenous_share"] == 0.0
    assert shock["exogenous_share"] < 0
    assert shock["endogenous_share"] < base["endogenous_share"]
    # Baseline growth is idle capacity coming back, as the ministry's method expects.
    assert base["idle_recovered_share"] > 0.8
