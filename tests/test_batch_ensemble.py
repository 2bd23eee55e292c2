"""Ensemble statistics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.montecarlo import (
    growth_by_run,
    metric_distributions,
    paired_differences,
    quantile_bands,
    target_probabilities,
)
from analysis.montecarlo.series import level_series


def _series(paths: dict[tuple[str, int], list[float]], level: str = "national", code: str = "all") -> pd.DataFrame:
    rows = [
        {"scenario": s, "run": r, "level": level, "code": code, "month": m, "value_added": v}
        for (s, r), values in paths.items()
        for m, v in zip((0, 6, 12), values, strict=True)
    ]
    return pd.DataFrame(rows)


def test_level_series_weights_constraint_shares_by_output():
    """Two cells: output 1 limited by demand, output 3 by readiness -> 25% / 75% nationally."""
    frame = pd.DataFrame(
        {
            "month": [0, 0],
            "province": ["P1", "P2"],
            "sector": ["A", "A"],
            "output": [1.0, 3.0],
            "value_added": [0.5, 1.0],
            "limited_by_demand": [1.0, 0.0],
            "limited_by_readiness": [0.0, 1.0],
        }
    )
    series = level_series(frame).set_index(["level", "code"])
    assert series.loc[("national", "all"), "value_added"] == 1.5
    assert series.loc[("national", "all"), "limited_by_demand"] == 0.25
    assert series.loc[("sector", "A"), "limited_by_readiness"] == 0.75
    assert series.loc[("province", "P2"), "output"] == 3.0


def test_quantile_bands_are_the_quantiles_over_runs():
    paths = {("s", r): [100.0, 100.0 + r, 100.0 + 2 * r] for r in range(5)}  # r = 0..4
    bands = quantile_bands(_series(paths), quantiles=(0.25, 0.5, 0.75))
    at12 = bands.loc[("s", "national", "all", 12)]
    assert at12["q0.5"] == 104.0 and at12["q0.25"] == 102.0 and at12["q0.75"] == 106.0
    assert at12["mean"] == 104.0 and at12["runs"] == 5
    relative = quantile_bands(_series(paths), quantiles=(0.5,), relative=True)
    assert relative.loc[("s", "national", "all", 0), "q0.5"] == 1.0
    assert relative.loc[("s", "national", "all", 12), "q0.5"] == pytest.approx(1.04)


def test_growth_and_target_probabilities_by_hand():
    """Over 12 months growth is end/start - 1: 0%, 5%, 10%, 15%; target 8.2% is reached by 2 of 4."""
    paths = {("s", r): [100.0, 100.0, 100.0 * (1 + 0.05 * r)] for r in range(4)}
    growth = growth_by_run(_series(paths))
    np.testing.assert_allclose(growth.sort_values("run")["growth"], [0.0, 0.05, 0.10, 0.15], atol=1e-12)
    table = target_probabilities(_series(paths), {("national", "all"): 0.082}).iloc[0]
    assert table["probability"] == 0.5 and table["runs"] == 4
    assert table["std_error"] == pytest.approx(np.sqrt(0.25 / 4))
    assert table["expected_shortfall"] == pytest.approx((0.082 + 0.032) / 4)
    assert table["mean_growth"] == pytest.approx(0.075)


def test_growth_is_annualised_over_the_horizon():
    rows = [
        {"scenario": "s", "run": 0, "level": "national", "code": "all", "month": m, "value_added": v}
        for m, v in ((0, 100.0), (24, 121.0))
    ]
    assert growth_by_run(pd.DataFrame(rows))["growth"].iloc[0] == pytest.approx(0.10)


def test_metric_distributions_and_paired_differences():
    metrics = pd.DataFrame(
        {
            "scenario": ["a"] * 3 + ["b"] * 3,
            "run": [0, 1, 2] * 2,
            "seed_entropy": [0] * 6,
            "seed_spawn_key": ["0", "1", "2"] * 2,
            "growth": [0.01, 0.02, 0.03, 0.02, 0.04, 0.03],
        }
    )
    dist = metric_distributions(metrics, quantiles=(0.5,))
    assert dist.loc[("a", "growth"), "mean"] == pytest.approx(0.02)
    assert dist.loc[("a", "growth"), "std"] == pytest.approx(0.01)
    assert dist.loc[("b", "growth"), "q0.5"] == pytest.approx(0.03) and dist.loc[("b", "growth"), "runs"] == 3
    assert list(dist.index.get_level_values("metric").unique()) == ["growth"], "seed columns are not metrics"
    diff = paired_differences(metrics, "a", "b")
    np.testing.assert_allclose(diff["growth"], [0.01, 0.02, 0.0])
