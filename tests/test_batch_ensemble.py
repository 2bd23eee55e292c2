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


def test_level_series_sums_output_by_binding_constraint():
    """Two cells: output 1 made bound by demand, output 3 by readiness; sums at every level."""
    frame = pd.DataFrame(
        {
            "month": [0, 0],
            "province": ["P1", "P2"],
            "sector": ["A", "A"],
            "output": [1.0, 3.0],
            "value_added": [0.5, 1.0],
            "output_bound_by_demand": [1.0, 0.0],
            "output_bound_by_readiness": [0.0, 3.0],
        }
    )
    series = level_series(frame).set_index(["level", "code"])
    assert series.loc[("national", "all"), "value_added"] == 1.5
    assert series.loc[("national", "all"), "output_bound_by_demand"] == 1.0
    assert series.loc[("sector", "A"), "output_bound_by_readiness"] == 3.0
    assert series.loc[("province", "P1"), "output_bound_by_readiness"] == 0.0
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
    z2 = 1.959963984540054**2  # Wilson interval of 2 of 4: centred on 1/2 by symmetry
    half = np.sqrt(z2 * (0.25 / 4 + z2 / 64)) / (1 + z2 / 4)
    assert (table["ci_low"], table["ci_high"]) == pytest.approx((0.5 - half, 0.5 + half))
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


def test_target_probabilities_judge_the_first_year_by_default():
    """Two runs over 24 months: run 0 grows 10% then 0% (CAGR 4.9%), run 1 grows 4% then 12% (CAGR 7.9%)."""
    rows = [
        {"scenario": "s", "run": r, "level": "national", "code": "all", "month": m, "value_added": v}
        for r, path in ((0, (100.0, 110.0, 110.0)), (1, (100.0, 104.0, 116.48)))
        for m, v in zip((0, 12, 24), path, strict=True)
    ]
    series = pd.DataFrame(rows)
    first = target_probabilities(series, {("national", "all"): 0.06}).iloc[0]
    assert first["probability"] == 0.5 and first["mean_growth"] == pytest.approx((0.10 + 0.04) / 2)
    second = target_probabilities(series, {("national", "all"): 0.06}, year=2).iloc[0]
    assert second["probability"] == 0.5 and second["mean_growth"] == pytest.approx((0.0 + 0.12) / 2)
    whole = target_probabilities(series, {("national", "all"): 0.06}, year=None).iloc[0]
    cagr = np.sqrt([1.1, 1.1648]) - 1  # 4.88% and 7.93%
    assert whole["mean_growth"] == pytest.approx(cagr.mean()) and whole["probability"] == 0.5
    with pytest.raises(ValueError, match="year 3"):
        growth_by_run(series, year=3)
