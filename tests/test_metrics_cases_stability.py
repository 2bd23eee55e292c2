"""Stability and endogeneity: asymmetric cases worked by hand (see tests/test_metrics_cases.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from trajectory_helpers import SPELLS, trajectories

from analysis.metrics import run_metrics
from analysis.metrics.endogeneity import endogeneity, persistence
from analysis.metrics.stability import moments, stability


def test_recovery_takes_the_longest_of_several_spells():
    metrics = stability(np.array(SPELLS))
    assert metrics["recovery_months"] == 5.0 and metrics["unrecovered"] == 1.0
    assert metrics["contractions"] == 3.0  # falls in month 2, months 7-8, months 13-14
    assert metrics["max_drawdown"] == pytest.approx(8 / 102, rel=1e-12)  # month 8
    # Reference months 1..14 sum to 4*100 + 101 + 9*102 = 1419; the path to 1379.5.
    assert metrics["output_lost"] == pytest.approx(39.5 / 1419, rel=1e-12)


def test_paired_reference_replaces_the_running_peak():
    # Shock-free path 100 + t: below 99% of it from month 2 to the end (13 months, open).
    reference = 100.0 + np.arange(15)
    metrics = stability(np.array(SPELLS), reference)
    assert metrics["recovery_months"] == 13.0 and metrics["unrecovered"] == 1.0
    assert metrics["output_lost"] == pytest.approx((1505 - 1379.5) / 1505, rel=1e-12)  # sum 101..114 = 1505


def test_stability_uses_whole_months_of_half_month_steps():
    # Two provinces share the national path 3:1; half-month rows carry a spike that must not count.
    paths = {("P1", "10"): {}, ("P2", "24"): {}}
    for month, v in enumerate(SPELLS):
        paths[("P1", "10")][month] = 0.75 * v
        paths[("P2", "24")][month] = 0.25 * v
        if month < len(SPELLS) - 1:
            paths[("P1", "10")][month + 0.5] = 500.0
            paths[("P2", "24")][month + 0.5] = 0.0
    flat = run_metrics(trajectories(paths))
    assert flat["recovery_months"] == 5.0 and flat["contractions"] == 3.0
    assert flat["max_drawdown"] == pytest.approx(8 / 102, rel=1e-12)
    assert flat["output_lost"] == pytest.approx(39.5 / 1419, rel=1e-12)


def test_moments_and_downside_of_a_skewed_path():
    # Monthly growth +1%, +1%, +1%, -3%: mean 0, m2 = 3e-4, m3 = -6e-6, m4 = 2.1e-7.
    values = 100 * np.cumprod([1.0, 1.01, 1.01, 1.01, 0.97])
    metrics = stability(values)
    assert metrics["volatility_monthly"] == pytest.approx(math.sqrt(3e-4), rel=1e-9)
    assert metrics["downside_semideviation"] == pytest.approx(0.015, rel=1e-9)  # sqrt(0.03^2 / 4)
    assert metrics["skewness"] == pytest.approx(-2 / math.sqrt(3), rel=1e-9)  # -6e-6 / (3e-4)^1.5
    assert metrics["kurtosis"] == pytest.approx(-2 / 3, rel=1e-9)  # 2.1e-7 / 9e-8 - 3
    assert moments(np.array([0.02]))[0] != moments(np.array([0.02]))[0]  # one value: NaN


def test_annual_volatility_of_year_on_year_growth():
    # V_0..V_11 = 100, V_12 = 110, V_13 = 105: year-on-year growth 10% then 5%: sd 2.5%.
    values = np.array([100.0] * 12 + [110.0, 105.0])
    assert stability(values)["volatility_annual"] == pytest.approx(0.025, rel=1e-9)


def test_stability_edges():
    from analysis.metrics.stability import output_lost, recovery

    # One month: no growth to measure; nothing lost, nothing to recover.
    metrics = stability(np.array([100.0]))
    assert np.isnan(metrics["volatility_monthly"]) and np.isnan(metrics["downside_semideviation"])
    assert metrics["max_drawdown"] == 0.0 and metrics["recovery_months"] == 0.0 and metrics["unrecovered"] == 0.0
    # A path touching the band (exactly 99% of its peak) is not below it.
    assert recovery(np.array([100.0, 99.0, 100.0]), np.array([100.0, 100.0, 100.0])) == (0.0, 0.0)
    # Two monthly rates d apart: skewness 0, excess kurtosis 1 - 3.
    skew, kurt = moments(np.array([0.01, 0.03]))
    assert skew == pytest.approx(0.0, abs=1e-9) and kurt == pytest.approx(-2.0, rel=1e-9)
    # Output lost in small units; a reference of nothing gives no share.
    assert output_lost(np.array([1.0, 0.1, 0.2]), np.array([1.0, 0.2, 0.2])) == pytest.approx(0.25, rel=1e-12)
    assert np.isnan(output_lost(np.array([0.0, 1.0]), np.array([0.0, 0.0])))


def test_persistence_takes_the_peak_before_the_last_year():
    # 30 months: the highest point up to month 30 - 12 = 18 is 130 (month 6); twelve months later
    # (month 18) the path stands at 112, so 12/30 of the gain is held. The later 140 is ignored.
    values = np.array([100.0] * 6 + [130.0] + [120.0] * 11 + [112.0] + [140.0] * 12)
    assert persistence(values) == pytest.approx(12 / 30, rel=1e-12)
    paths = {("P1", "10"): dict(enumerate(0.4 * values)), ("P2", "10"): dict(enumerate(0.6 * values))}
    assert run_metrics(trajectories(paths))["persistence"] == pytest.approx(0.4, rel=1e-12)


def test_reversal_counts_provinces_that_fall_below_their_start():
    # P1 dips 2% in month 2 (counts); P2 dips 0.5% and P3 0.5% (inside the band). The nation, at
    # 300 + 200 + 100 = 600, falls 6 + 1 + 0.5 = 7.5 (1.25%) in month 2: a reversal too.
    paths = {
        ("P1", "10"): {0: 300.0, 1: 300.0, 2: 294.0, 3: 310.0},
        ("P2", "24"): {0: 200.0, 1: 199.0, 2: 199.0, 3: 201.0},
        ("P3", "05"): {0: 100.0, 1: 101.0, 2: 99.5, 3: 103.0},
    }
    flat = run_metrics(trajectories(paths))
    assert flat["reversal_provinces"] == pytest.approx(1 / 3, rel=1e-12)
    assert flat["reversal"] == 1.0
    paths[("P1", "10")][2] = 298.0  # the nation now falls 3.5/600 (0.6%): no reversal, no province
    flat = run_metrics(trajectories(paths))
    assert flat["reversal"] == 0.0 and flat["reversal_provinces"] == 0.0


def _capacity_run(end: dict[tuple[str, str], float], order: list[int] | None = None) -> pd.DataFrame:
    """Value added 0.5 of output; month-0 output, peak and end output by cell (a new plant at 0)."""
    start = {("P1", "10"): (2.0, 3.0), ("P2", "24"): (0.5, 0.5), ("P2", "10"): (0.0, 0.0)}
    rows = []
    for (province, code), (x0, peak) in start.items():
        for month, x in ((0, x0), (12, end[(province, code)])):
            row = {"month": float(month), "province": province, "sector": code, "output": x, "value_added": 0.5 * x}
            row |= {"peak_output": peak, "installed_capacity": peak, "employment": 0.0}
            rows.append(row | {"output_bound_by_inputs": 0.0, "output_bound_by_imports": 0.0})
    frame = pd.DataFrame(rows)
    return frame.iloc[order] if order else frame


def test_growth_split_with_small_cells_and_a_new_plant():
    # P1/10: output 2 -> 3.8 in the pair with peak 3: idle 0.5 (2 -> 3), new 0.4 (3 -> 3.8).
    # P2/24: 0.5 -> 0.7 beyond its peak 0.5: new 0.1 (v = 0.5 though its output is below one).
    # P2/10 starts at nothing: no value-added share at month 0, so it adds to neither part.
    pair = _capacity_run({("P1", "10"): 3.8, ("P2", "24"): 0.7, ("P2", "10"): 0.3}, order=[5, 0, 3, 1, 4, 2])
    run = _capacity_run({("P1", "10"): 3.0, ("P2", "24"): 0.7, ("P2", "10"): 0.3})
    flat, detail = endogeneity(run, pair)
    parts = detail["components"]
    assert parts["idle_recovered"] == pytest.approx(0.5, rel=1e-12)
    assert parts["new_capacity"] == pytest.approx(0.5, rel=1e-12)
    assert parts["exogenous"] == pytest.approx(-0.4, rel=1e-12)  # run 3 against pair 3.8, v = 0.5
    assert parts["total"] == pytest.approx(0.5 * (3 + 0.7 + 0.3 - 2 - 0.5), rel=1e-12)
    assert detail["paired"] is True
    # Gross movement 0.5 + 0.5 + 0.4.
    assert flat["idle_recovered_share"] == pytest.approx(0.5 / 1.4, rel=1e-12)
    assert flat["new_capacity_share"] == pytest.approx(0.5 / 1.4, rel=1e-12)
    assert flat["exogenous_share"] == pytest.approx(-0.4 / 1.4, rel=1e-12)
    assert flat["endogenous_share"] == pytest.approx(1 / 1.4, rel=1e-12)
    # The pair against itself: gross movement exactly 1, all endogenous.
    flat, _ = endogeneity(pair, pair)
    assert flat["new_capacity_share"] == pytest.approx(0.5, rel=1e-12) and flat["endogenous_share"] == 1.0
    # Without a pair the exogenous part is unknown, not zero; the capacity split is the run's own
    # (rows out of order: P1/10 regains 2 -> 3, all idle; P2/24 0.1 new).
    flat, detail = endogeneity(run.iloc[[5, 0, 3, 1, 4, 2]])
    assert detail["components"]["idle_recovered"] == pytest.approx(0.5, rel=1e-12)
    assert detail["components"]["new_capacity"] == pytest.approx(0.1, rel=1e-12)
    assert np.isnan(detail["components"]["exogenous"]) and detail["paired"] is False
    assert np.isnan(flat["endogenous_share"])
    # Nothing moved at all: no shares.
    still = _capacity_run({("P1", "10"): 2.0, ("P2", "24"): 0.5, ("P2", "10"): 0.0})
    assert np.isnan(endogeneity(still, still)[0]["endogenous_share"])


def test_persistence_and_reversal_edges():
    assert np.isnan(persistence(np.full(12, 100.0)))  # not a year after any month
    assert np.isnan(persistence(np.array([100.0, 100.0, 90.0, 95.0]), k=2))  # no gain before the fall
    assert np.isnan(persistence(np.array([100.0, 1.0, 100.0 + 5e-8, 100.0]), k=1))  # gain below 1e-9 of V_0
    from analysis.metrics.endogeneity import reversed_below_start

    assert reversed_below_start(np.array([100.0, 98.0, 100.0]))  # the fall in month 1 counts
    assert not reversed_below_start(np.array([100.0, 99.0]))  # exactly on the band is not below it
