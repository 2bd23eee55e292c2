"""Asymmetric cases for every metric, each worked by hand from its definition (docs/metrics.md).

Unequal value-added weights and populations, mixed cells (reached and missed, with and without a
target), several provinces, regions and sectors, several shortfall spells and rows at half months
(steps of half a month record every step; the metrics use whole months). The expected values
are the arithmetic of the comments, never a call to the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.metrics import run_metrics
from analysis.metrics.attainment import attainment
from analysis.metrics.endogeneity import endogeneity, persistence
from analysis.metrics.inclusiveness import bottleneck_share, gini, inclusiveness, lagging, theil_split, theil_t
from analysis.metrics.stability import moments, stability

COLUMNS = ("peak_output", "installed_capacity", "employment", "limited_by_inputs", "limited_by_imports")


def trajectories(paths: dict[tuple[str, str], dict[float, float]], **columns) -> pd.DataFrame:
    """Rows ``month x province x sector`` with value added from ``paths`` (output twice it).

    ``columns`` maps a column to ``{(province, sector): {month: value}}`` (default 0, and for
    ``peak_output``/``installed_capacity`` the month-0 output).
    """
    rows = []
    for (province, code), path in paths.items():
        for month, va in path.items():
            row = {"month": float(month), "province": province, "sector": code, "output": 2 * va, "value_added": va}
            for name in COLUMNS:
                default = 2 * path[min(path)] if name in ("peak_output", "installed_capacity") else 0.0
                row[name] = columns.get(name, {}).get((province, code), {}).get(month, default)
            rows.append(row)
    return pd.DataFrame(rows)


# Attainment over 24 months. Value added at month 0 and 24 and the cell's target:
#   P1/10 300 -> 363     (10%/yr), target 8%    reached
#   P1/05 100 -> 100     (0%),     target 5%    missed    (mining)
#   P2/10  50 -> 55.125  (5%/yr),  target 6%    missed
#   P2/24 150 -> 178.215 (9%/yr),  target 8.5%  reached
#   P3/07  40 -> 41.616  (2%/yr),  target 1%    reached   (mining)
#   P3/10  60 -> 60      (0%),     no target    not judged
CELLS = {
    ("P1", "10"): (300.0, 363.0, 0.08),
    ("P1", "05"): (100.0, 100.0, 0.05),
    ("P2", "10"): (50.0, 55.125, 0.06),
    ("P2", "24"): (150.0, 178.215, 0.085),
    ("P3", "07"): (40.0, 41.616, 0.01),
    ("P3", "10"): (60.0, 60.0, None),
}


def _attainment_run() -> tuple[pd.DataFrame, pd.DataFrame]:
    # Half-month rows hold nonsense that must be dropped (value added 1): only whole months count.
    paths = {cell: {0: a, 0.5: 1.0, 12: (a + b) / 2, 23.5: 1.0, 24: b} for cell, (a, b, _) in CELLS.items()}
    targets = pd.DataFrame(
        [{"province": p, "sector": s, "target": t} for (p, s), (_, _, t) in CELLS.items() if t is not None]
    )
    return trajectories(paths), targets


def test_attainment_weights_cells_by_value_added_and_skips_cells_without_targets():
    frame, targets = _attainment_run()
    flat = run_metrics(frame, targets=targets)
    # Nation: all six cells grow, 700 -> 797.956; target over the five judged cells (640).
    assert flat["growth_national"] == pytest.approx((797.956 / 700) ** 0.5 - 1, rel=1e-12)
    assert flat["target_national"] == pytest.approx(45.15 / 640, rel=1e-12)  # 24 + 5 + 3 + 12.75 + 0.4
    # Industry: 560 -> 656.34; target over P1/10, P2/10, P2/24 only (500), not P3/10's 60.
    assert flat["growth_industry"] == pytest.approx((656.34 / 560) ** 0.5 - 1, rel=1e-12)
    assert flat["target_industry"] == pytest.approx(39.75 / 500, rel=1e-12)
    assert flat["reached_industry"] == 1.0 and flat["shortfall_industry"] == 0.0
    # Mining: 140 -> 141.616, target 5.4 / 140.
    mining_growth, mining_target = (141.616 / 140) ** 0.5 - 1, 5.4 / 140
    assert flat["growth_mining"] == pytest.approx(mining_growth, rel=1e-12)
    assert flat["target_mining"] == pytest.approx(mining_target, rel=1e-12)
    assert flat["attainment_mining"] == pytest.approx(mining_growth / mining_target, rel=1e-12)
    assert flat["reached_mining"] == 0.0
    assert flat["shortfall_mining"] == pytest.approx(mining_target - mining_growth, rel=1e-12)
    # Cells reaching their targets hold 300 + 150 + 40 of the 640 judged (a count would give 3/5).
    assert flat["reached_cells"] == pytest.approx(490 / 640, rel=1e-12)
    # P1 400 -> 463 (7.59%) vs 29/400 = 7.25%: reached; P2 200 -> 233.34 (8.01%) vs 15.75/200 =
    # 7.875%: reached; P3 100 -> 101.616 (0.80%) vs 1% (its judged cell only): missed.
    assert flat["reached_provinces"] == pytest.approx(2 / 3, rel=1e-12)


def test_attainment_of_provinces_in_detail():
    frame, targets = _attainment_run()
    # Rows and targets in any order.
    frame, targets = frame.iloc[::-1], targets.iloc[[3, 0, 4, 2, 1]]
    _, detail = attainment(frame, targets)
    assert detail["groups"]["national"]["target"] == pytest.approx(45.15 / 640, rel=1e-12)
    provinces = detail["provinces"].set_index("province")
    assert provinces.loc["P3", "target"] == pytest.approx(0.01, rel=1e-12)
    assert provinces.loc["P2", "growth"] == pytest.approx((233.34 / 200) ** 0.5 - 1, rel=1e-12)
    assert provinces.loc["P1", "attainment"] == pytest.approx(((463 / 400) ** 0.5 - 1) / 0.0725, rel=1e-12)
    assert list(provinces["reached"]) == [1.0, 1.0, 0.0]
    cells = detail["cells"].set_index(["province", "sector"])
    assert cells.loc[("P2", "10"), "growth"] == pytest.approx(0.05, rel=1e-9)
    assert np.isnan(cells.loc[("P3", "10"), "reached"])


def test_same_metrics_in_other_units():
    # Value added in thousands (every weight below one): the rates and shares do not change.
    frame, targets = _attainment_run()
    small = frame.assign(value_added=frame["value_added"] / 1000, output=frame["output"] / 1000)
    flat = run_metrics(small, targets=targets)
    assert flat["target_national"] == pytest.approx(45.15 / 640, rel=1e-12)
    assert flat["reached_cells"] == pytest.approx(490 / 640, rel=1e-12)


def test_a_zero_target_met_exactly_and_a_group_without_targets():
    # P1/05 and P3/10 do not grow: with zero targets they reach them, attainment 0/0 is NaN.
    flat_paths = {("P1", "05"): {0: 10.0, 24: 10.0}, ("P3", "10"): {0: 30.0, 24: 30.0}}
    zero = pd.DataFrame({"province": ["P1", "P3"], "sector": ["05", "10"], "target": [0.0, 0.0]})
    flat = run_metrics(trajectories(flat_paths), targets=zero)
    assert flat["reached_national"] == 1.0 and flat["reached_cells"] == 1.0 and flat["shortfall_national"] == 0.0
    assert np.isnan(flat["attainment_national"]) and np.isnan(flat["attainment_mining"])
    # Targets for mining only: industry's growth is known, its target and verdicts are not.
    flat = run_metrics(trajectories(flat_paths), targets=zero.iloc[:1])
    assert flat["growth_industry"] == 0.0 and np.isnan(flat["target_industry"])
    assert np.isnan(flat["reached_industry"]) and np.isnan(flat["shortfall_industry"])


def test_custom_mining_codes_and_a_negative_target():
    frame, targets = _attainment_run()
    flat = run_metrics(frame, targets=targets.assign(target=-0.01), mining=["10"])
    # Mining is now sector 10: P1/10, P2/10, P3/10: 410 -> 478.125.
    assert flat["growth_mining"] == pytest.approx((478.125 / 410) ** 0.5 - 1, rel=1e-12)
    assert flat["target_mining"] == pytest.approx(-0.01, rel=1e-12)
    assert np.isnan(flat["attainment_mining"])  # growth / target is meaningless below zero
    assert flat["reached_mining"] == 1.0 and flat["shortfall_mining"] == 0.0


# A national path with three spells more than 1% below its running peak:
#   month  0    1    2   3   4     5    6    7   8   9   10  11  12     13   14
#   V      100  100  97  98  99.5  101  102  95  94  96  98  99  101.5  100  98.5
#   peak   100  100  100 100 100   101  102  102 ...                          102
# Spells: months 2-3 (2 months), 7-11 (5 months), 13-14 (open at the end: 2 months).
SPELLS = [100, 100, 97, 98, 99.5, 101, 102, 95, 94, 96, 98, 99, 101.5, 100, 98.5]


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


def test_gini_and_theil_weight_by_population():
    values, population = np.array([1.0, 2.0, 4.0]), np.array([3.0, 1.0, 1.0])
    # Shares .6, .2, .2; mean 1.8; sum_ij s_i s_j |y_i - y_j| = 2 (.12 + .36 + .08) = 1.12.
    assert gini(values, population) == pytest.approx(1.12 / 3.6, rel=1e-12)  # 14/45, unweighted 2/7
    theil = 0.6 / 1.8 * math.log(1 / 1.8) + 0.2 * 2 / 1.8 * math.log(2 / 1.8) + 0.2 * 4 / 1.8 * math.log(4 / 1.8)
    assert theil_t(values, population) == pytest.approx(theil, rel=1e-12)
    # Regions {1, 2} (population 4, mean 1.25) and {4} (population 1, mean 4).
    between = 0.8 * 1.25 / 1.8 * math.log(1.25 / 1.8) + 0.2 * 4 / 1.8 * math.log(4 / 1.8)
    theil_a = 0.75 / 1.25 * math.log(1 / 1.25) + 0.25 * 2 / 1.25 * math.log(2 / 1.25)
    got_between, got_within = theil_split(values, population, np.array(["a", "a", "b"]))
    assert got_between == pytest.approx(between, rel=1e-12)
    assert got_within == pytest.approx(0.8 * 1.25 / 1.8 * theil_a, rel=1e-12)
    assert got_between + got_within == pytest.approx(theil, rel=1e-12)


def test_lagging_provinces_hold_at_most_half_the_population():
    # Poorest first: P1 (1), P2 (2), P4 (3), P3 (4) with populations 1, 1, 1, 3: 1/6, 2/6, 3/6.
    mask = lagging(np.array([1.0, 2.0, 4.0, 3.0]), np.array([1.0, 1.0, 3.0, 1.0]))
    assert mask.tolist() == [True, True, False, True]


# Four provinces in two regions over 24 months (value added per head at month 0: 1, 2, 4, 3):
#   P1 pop 1, region a:  1 -> 1.21     (10%/yr), jobs +4
#   P2 pop 1, region a:  2 -> 2.205    (5%/yr),  jobs +1
#   P3 pop 3, region b: 12 -> 12       (0%),     jobs +3
#   P4 pop 1, region b:  3 -> 3.4992   (8%/yr),  jobs -2
PROVINCES = {"P1": (1.0, 1.21, 4.0), "P2": (2.0, 2.205, 1.0), "P3": (12.0, 12.0, 3.0), "P4": (3.0, 3.4992, -2.0)}
POPULATION = pd.Series({"P1": 1.0, "P2": 1.0, "P3": 3.0, "P4": 1.0})
REGIONS = pd.Series({"P1": "a", "P2": "a", "P3": "b", "P4": "b"})


def _inclusive_run() -> pd.DataFrame:
    paths, jobs = {}, {}
    for province, (va0, va1, created) in PROVINCES.items():
        # Two sectors per province, 1:3, so sums over sectors matter.
        for code, share in (("10", 0.25), ("24", 0.75)):
            paths[(province, code)] = {0: share * va0, 12: share * va0, 24: share * va1}
            jobs[(province, code)] = {0: 10 * share, 12: 10 * share, 24: share * (10 + created)}
    return trajectories(paths, employment=jobs)


def test_inclusiveness_over_provinces_and_regions():
    flat, detail = inclusiveness(_inclusive_run(), POPULATION, REGIONS)
    y1 = np.array([1.21, 2.205, 4.0, 3.4992])
    s = np.array([1, 1, 3, 1]) / 6
    mu = float(s @ y1)
    theil = sum(si * yi / mu * math.log(yi / mu) for si, yi in zip(s, y1, strict=True))
    assert flat["theil"] == pytest.approx(theil, rel=1e-12)
    pairs = sum(si * sj * abs(yi - yj) for si, yi in zip(s, y1, strict=True) for sj, yj in zip(s, y1, strict=True))
    assert flat["gini"] == pytest.approx(pairs / (2 * mu), rel=1e-12)
    mu_a, mu_b = (1.21 + 2.205) / 2, (3 * 4 + 3.4992) / 4
    between = 2 / 6 * mu_a / mu * math.log(mu_a / mu) + 4 / 6 * mu_b / mu * math.log(mu_b / mu)
    assert flat["theil_between"] == pytest.approx(between, rel=1e-12)
    assert flat["theil_between"] + flat["theil_within"] == pytest.approx(theil, rel=1e-12)
    y0 = np.array([1.0, 2.0, 4.0, 3.0])
    mu0 = float(s @ y0)  # 14 / 6
    theil0 = sum(si * yi / mu0 * math.log(yi / mu0) for si, yi in zip(s, y0, strict=True))
    assert flat["theil_start"] == pytest.approx(theil0, rel=1e-12)
    # Growth 10%, 5%, 0%, 8%: mean 5.75%, deviations 4.25, -0.75, -5.75, 2.25 (points).
    assert flat["cv_provincial_growth"] == pytest.approx(math.sqrt(0.00141875) / 0.0575, rel=1e-9)
    # beta: OLS of (ln 1.1, ln 1.05, 0, ln 1.08) on (ln 1, ln 2, ln 4, ln 3).
    x = np.log([1.0, 2.0, 4.0, 3.0])
    y = np.log([1.1, 1.05, 1.0, 1.08])
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    assert flat["beta_convergence"] == pytest.approx(slope, rel=1e-9)
    # Jobs: +6 in all; lagging P1, P2, P4 (half the population) hold 4 + 1 - 2 = 3.
    assert flat["jobs_created"] == pytest.approx(6.0, rel=1e-12)
    assert flat["jobs_lagging_share"] == pytest.approx(0.5, rel=1e-12)
    assert detail["provinces"]["lagging"].tolist() == [True, True, False, True]


def test_bottlenecks_weigh_firms_by_output_and_skip_month_zero():
    # Sector 10: 30% held back in P1 (output 200) and none in P2 (output 600): 60/800 = 7.5%, not
    # binding (the unweighted mean, 15%, would be). Sector 24: 5% by inputs + 8% by imports = 13%:
    # binding. Sector 05: held back entirely at month 0 only, which is the initial state.
    paths = {
        ("P1", "10"): {0: 100.0, 1: 100.0, 2: 100.0},
        ("P2", "10"): {0: 300.0, 1: 300.0, 2: 300.0},
        ("P1", "24"): {0: 50.0, 1: 50.0, 2: 50.0},
        ("P2", "05"): {0: 80.0, 1: 80.0, 2: 80.0},
    }
    inputs = {("P1", "10"): {1: 0.3, 2: 0.3}, ("P1", "24"): {1: 0.05, 2: 0.05}, ("P2", "05"): {0: 1.0}}
    imports = {("P1", "24"): {1: 0.08, 2: 0.08}, ("P2", "05"): {0: 1.0}}
    share, sectors = bottleneck_share(trajectories(paths, limited_by_inputs=inputs, limited_by_imports=imports))
    assert share == pytest.approx(1 / 3, rel=1e-12) and sectors == ["24"]


def test_rows_in_any_order_and_a_window_not_starting_at_month_zero():
    # The spells path from month 6 on, rows shuffled: the metrics sort by month and line cells up.
    paths = {("P1", "10"): {}, ("P2", "24"): {}}
    for month, v in enumerate(SPELLS):
        paths[("P1", "10")][month + 6] = 0.75 * v
        paths[("P2", "24")][month + 6] = 0.25 * v
    frame = trajectories(paths).sample(frac=1.0, random_state=np.random.default_rng(5).integers(1 << 30))
    flat = run_metrics(frame)
    assert flat["recovery_months"] == 5.0 and flat["contractions"] == 3.0
    assert flat["max_drawdown"] == pytest.approx(8 / 102, rel=1e-12)
    # Growth over the 14 months from month 6 to month 20: 98.5 / 100.
    assert flat["growth_national"] == pytest.approx(0.985 ** (12 / 14) - 1, rel=1e-12)
    assert flat["reversal_provinces"] == 1.0


def test_compound_annual_growth_edges():
    from analysis.metrics.series import cagr

    assert cagr(100.0, 101.0, 1) == pytest.approx(1.01**12 - 1, rel=1e-12)  # one month
    assert isinstance(cagr(100.0, 121.0, 24), float) and cagr(100.0, 121.0, 24) == pytest.approx(0.1, rel=1e-12)
    assert np.isnan(cagr(0.0, 5.0, 12))  # no start: no rate
    assert np.isnan(cagr(-1.0, 5.0, 12))
    assert np.isnan(cagr(100.0, 110.0, 0))  # no time
    np.testing.assert_allclose(cagr(np.array([100.0, 0.0]), np.array([110.0, 3.0]), 12), [0.1, np.nan])


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


def _capacity_run(end: dict[tuple[str, str], float], order: list[int] | None = None) -> pd.DataFrame:
    """Value added 0.5 of output; month-0 output, peak and end output by cell (a new plant at 0)."""
    start = {("P1", "10"): (2.0, 3.0), ("P2", "24"): (0.5, 0.5), ("P2", "10"): (0.0, 0.0)}
    rows = []
    for (province, code), (x0, peak) in start.items():
        for month, x in ((0, x0), (12, end[(province, code)])):
            row = {"month": float(month), "province": province, "sector": code, "output": x, "value_added": 0.5 * x}
            row |= {"peak_output": peak, "installed_capacity": peak, "employment": 0.0}
            rows.append(row | {"limited_by_inputs": 0.0, "limited_by_imports": 0.0})
    frame = pd.DataFrame(rows)
    return frame.iloc[order] if order else frame


def test_growth_split_with_small_cells_and_a_new_plant():
    # P1/10: output 2 -> 4 in the pair with peak 3: idle 0.5 (2 -> 3), new 0.5 (3 -> 4).
    # P2/24: 0.5 -> 0.5 (v = 0.5 though its output is below one). P2/10 starts at nothing: no
    # value-added share at month 0, so it adds to neither part (its 0.25 is in the total only).
    pair = _capacity_run({("P1", "10"): 4.0, ("P2", "24"): 0.5, ("P2", "10"): 0.5}, order=[5, 0, 3, 1, 4, 2])
    run = _capacity_run({("P1", "10"): 3.0, ("P2", "24"): 0.5, ("P2", "10"): 0.5})
    flat, detail = endogeneity(run, pair)
    parts = detail["components"]
    assert parts["idle_recovered"] == pytest.approx(0.5, rel=1e-12)
    assert parts["new_capacity"] == pytest.approx(0.5, rel=1e-12)
    assert parts["exogenous"] == pytest.approx(-0.5, rel=1e-12)  # run 3 against pair 4, v = 0.5
    assert parts["total"] == pytest.approx(0.5 * (3 + 0.5 + 0.5 - 2 - 0.5), rel=1e-12)
    assert detail["paired"] is True
    # Gross movement 0.5 + 0.5 + 0.5.
    assert flat["idle_recovered_share"] == pytest.approx(1 / 3, rel=1e-12)
    assert flat["new_capacity_share"] == pytest.approx(1 / 3, rel=1e-12)
    assert flat["exogenous_share"] == pytest.approx(-1 / 3, rel=1e-12)
    assert flat["endogenous_share"] == pytest.approx(2 / 3, rel=1e-12)
    # The pair against itself: gross movement exactly 1, all endogenous.
    flat, _ = endogeneity(pair, pair)
    assert flat["new_capacity_share"] == pytest.approx(0.5, rel=1e-12) and flat["endogenous_share"] == 1.0
    # Without a pair the exogenous part is unknown, not zero.
    flat, detail = endogeneity(run)
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
