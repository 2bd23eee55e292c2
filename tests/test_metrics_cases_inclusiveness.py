"""Inclusiveness: asymmetric cases worked by hand (unequal populations, regions, lagging provinces)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from trajectory_helpers import trajectories

from analysis.metrics.inclusiveness import bottleneck_share, gini, inclusiveness, lagging, theil_split, theil_t


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


def test_inclusiveness_detail_and_inputs_in_any_order():
    # Population and regions given in another order than the provinces; P4 has no region.
    population = POPULATION.iloc[[2, 0, 3, 1]]
    regions = REGIONS.drop("P4").iloc[::-1]
    flat, detail = inclusiveness(_inclusive_run(), population, regions)
    rows = detail["provinces"].set_index("province")
    np.testing.assert_allclose(rows["va_per_head_start"], [1.0, 2.0, 4.0, 3.0], rtol=1e-12)
    np.testing.assert_allclose(rows["va_per_head_end"], [1.21, 2.205, 4.0, 3.4992], rtol=1e-12)
    np.testing.assert_allclose(rows["va_start"], [1.0, 2.0, 12.0, 3.0], rtol=1e-12)
    np.testing.assert_allclose(rows["va_end"], [1.21, 2.205, 12.0, 3.4992], rtol=1e-12)
    np.testing.assert_allclose(rows["growth"], [0.10, 0.05, 0.0, 0.08], rtol=1e-9, atol=1e-15)
    np.testing.assert_allclose(rows["jobs_created"], [4.0, 1.0, 3.0, -2.0], rtol=1e-12)
    assert detail["bottleneck_sectors"] == []
    # Three groups now: a = {P1, P2}, b = {P3}, unknown = {P4}.
    s, y1 = np.array([1, 1, 3, 1]) / 6, np.array([1.21, 2.205, 4.0, 3.4992])
    mu = float(s @ y1)
    means = {"a": ((1.21 + 2.205) / 2, 2 / 6), "b": (4.0, 3 / 6), "unknown": (3.4992, 1 / 6)}
    between = sum(share * m / mu * math.log(m / mu) for m, share in means.values())
    assert flat["theil_between"] == pytest.approx(between, rel=1e-12)


def test_inclusiveness_edges():
    assert theil_t(np.array([0.0, 2.0]), np.ones(2)) == pytest.approx(math.log(2), rel=1e-12)  # 0 ln 0 = 0
    from analysis.metrics.inclusiveness import beta_convergence

    start = np.array([0.1, 0.2, 0.4, 0.8])  # per-head values below one
    rate = 0.05 - 0.02 * np.log(start)
    assert beta_convergence(start, start * np.exp(rate), 12) == pytest.approx(-0.02, rel=1e-9)
    assert beta_convergence(start, start * np.exp(rate / 12), 1) == pytest.approx(-0.02, rel=1e-9)  # a month
    # A province with nothing at the start or the end is left out of the regression.
    with_zero = beta_convergence(np.append(start, [0.0, 0.3]), np.append(start * np.exp(rate), [0.5, 0.0]), 12)
    assert with_zero == pytest.approx(-0.02, rel=1e-9)
    assert np.isnan(beta_convergence(np.array([1.0, 0.0]), np.array([2.0, 1.0]), 12))  # one province left
    assert np.isnan(beta_convergence(start, start, 0))
    assert np.isnan(beta_convergence(np.ones(3), np.array([1.0, 2.0, 3.0]), 12))  # every start equal: no slope
    # ln e - ln 1 = 1: slope (ln 1.05 - ln 1.1) / 1.
    assert beta_convergence(np.array([1.0, np.e]), np.array([1.1, 1.05 * np.e]), 12) == pytest.approx(
        math.log(1.05) - math.log(1.1), rel=1e-9
    )


def _two_provinces(growth: tuple[float, float], jobs: tuple[float, float]) -> pd.DataFrame:
    paths = {("P1", "10"): {0: 10.0, 12: 10.0 * (1 + growth[0])}, ("P2", "10"): {0: 20.0, 12: 20.0 * (1 + growth[1])}}
    employment = {("P1", "10"): {0: 5.0, 12: 5.0 + jobs[0]}, ("P2", "10"): {0: 5.0, 12: 5.0 + jobs[1]}}
    return trajectories(paths, employment=employment)


def test_provincial_growth_spread_and_jobs_edges():
    population = pd.Series({"P1": 1.0, "P2": 1.0})
    flat, _ = inclusiveness(_two_provinces((0.5, -0.5), (0.3, 0.3)), population)
    assert np.isnan(flat["cv_provincial_growth"])  # mean growth zero
    assert flat["jobs_lagging_share"] == pytest.approx(0.5, rel=1e-12)  # 0.3 of 0.6 jobs, in P1
    flat, _ = inclusiveness(_two_provinces((0.5, 1.5), (2.0, -2.0)), population)
    assert flat["cv_provincial_growth"] == pytest.approx(0.5, rel=1e-12)  # sd 0.5 / mean 1.0
    assert np.isnan(flat["jobs_lagging_share"])  # no net jobs


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
    # Output held back, in output units (output is twice value added): 30% of P1/10's 200, 5% and
    # 8% of P1/24's 100, all of P2/05's 160 at month 0.
    inputs = {("P1", "10"): {1: 60.0, 2: 60.0}, ("P1", "24"): {1: 5.0, 2: 5.0}, ("P2", "05"): {0: 160.0}}
    imports = {("P1", "24"): {1: 8.0, 2: 8.0}, ("P2", "05"): {0: 160.0}}
    share, sectors = bottleneck_share(
        trajectories(paths, output_bound_by_inputs=inputs, output_bound_by_imports=imports)
    )
    assert share == pytest.approx(1 / 3, rel=1e-12) and sectors == ["24"]


def test_bottleneck_edges():
    # Two binding sectors listed in code order whatever the row order; exactly 10% does not bind;
    # outputs below one unit count as any other.
    paths = {("P1", code): {0: 0.5, 1: 0.5} for code in ("29", "24", "10")}
    inputs = {("P1", "29"): {1: 0.5}, ("P1", "24"): {1: 0.2}, ("P1", "10"): {1: 0.1}}
    share, sectors = bottleneck_share(trajectories(paths, output_bound_by_inputs=inputs))
    assert sectors == ["24", "29"] and share == pytest.approx(2 / 3, rel=1e-12)
    share, sectors = bottleneck_share(trajectories({("P1", "10"): {0: 1.0}}))  # month 0 only
    assert np.isnan(share) and sectors == []
