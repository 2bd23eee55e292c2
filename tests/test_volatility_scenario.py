"""The packaged `scenarios/volatility.toml` against the record and the firm-level literature.

Seeds ``SeedSequence(2).spawn(4)``: neither fit used them (the fits ran on ``SeedSequence(0)``,
docs/validation.md checks ``SeedSequence(1)`` too). The bounds come from outside the code:

- the standard deviation of annual growth within the recorded range, 2.0-8.3 points (the mining
  production index ... industry-and-mining value added, `sim/data/history/growth.csv`);
- firm growth rates tent-shaped: excess kurtosis well above a normal's 0 (a Laplace has 3; Stanley
  et al. 1996, Bottazzi and Secchi 2006);
- volatility falling with size, a slope of log sd on log size between -0.3 and -0.1 (about -0.15
  to -0.2 in Stanley et al. 1996).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from analysis.calibration.msm import VOLATILITY_ORDER, VolatilityTask, run_volatility
from analysis.history.records import growth_statistics
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def moments() -> np.ndarray:
    scenario = load_scenario(ROOT / "scenarios" / "volatility.toml")
    seeds = np.random.SeedSequence(2).spawn(4)
    return np.array([run_volatility(VolatilityTask(scenario, s.entropy, tuple(s.spawn_key))) for s in seeds])


def test_the_recorded_range_is_the_one_quoted():
    sds = [
        growth_statistics(s)["sd"] for s in ("mining_excl_oil_gas_production_index", "industry_and_mining_value_added")
    ]
    assert min(sds) == pytest.approx(2.0, abs=0.05) and max(sds) == pytest.approx(8.3, abs=0.05)


def test_volatility_of_annual_growth_lies_in_the_recorded_range(moments):
    sd = moments[:, VOLATILITY_ORDER.index("volatility:sd")]
    assert 2.0 <= sd.mean() <= 8.3
    assert (sd > 1.0).all() and (sd < 12.0).all()  # no seed flat or explosive


def test_firm_growth_is_tent_shaped_and_its_volatility_falls_with_size(moments):
    kurtosis = moments[:, VOLATILITY_ORDER.index("firms:excess_kurtosis")]
    slope = moments[:, VOLATILITY_ORDER.index("firms:size_slope")]
    assert (kurtosis > 1.5).all()  # a normal gives 0
    assert ((slope > -0.3) & (slope < -0.1)).all()
