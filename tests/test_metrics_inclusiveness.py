"""Inclusiveness metrics against hand-computed values."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from analysis.metrics.inclusiveness import (
    beta_convergence,
    bottleneck_share,
    gini,
    inclusiveness,
    theil_split,
    theil_t,
    weighted_mean,
)

LOSSES = np.array([0.02, 0.05, 0.20])
WEIGHTS = np.array([0.5, 0.3, 0.2])


def test_weighted_mean_and_theil_of_the_issue_example():
    assert weighted_mean(LOSSES, WEIGHTS) == pytest.approx(0.065, abs=1e-12)
    assert theil_t(LOSSES, WEIGHTS) == pytest.approx(0.4498, abs=5e-5)
    # Weights need not sum to one.
    assert theil_t(LOSSES, 10 * WEIGHTS) == pytest.approx(theil_t(LOSSES, WEIGHTS), rel=1e-12)


def test_equal_values_are_perfectly_equal():
    assert theil_t(np.full(4, 3.0), np.array([1, 2, 3, 4])) == pytest.approx(0.0, abs=1e-15)
    assert gini(np.full(4, 3.0), np.array([1, 2, 3, 4])) == 0.0


def test_theil_split_adds_up_and_between_is_zero_for_equal_region_means():
    values, weights = np.array([1.0, 3.0, 2.0, 5.0]), np.array([1.0, 2.0, 1.0, 1.5])
    groups = np.array(["a", "a", "b", "b"])
    between, within = theil_split(values, weights, groups)
    assert between + within == pytest.approx(theil_t(values, weights), rel=1e-12)
    between, within = theil_split(np.array([1.0, 3.0, 3.0, 1.0]), np.ones(4), groups)
    assert between == pytest.approx(0.0, abs=1e-15)
    assert within == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5), rel=1e-12)  # T of (1, 3)


def test_gini_of_two_halves():
    # Two equal populations with 1 and 3: sum s_i s_j |y_i - y_j| = 2 * 0.25 * 2 = 1, mu = 2.
    assert gini(np.array([1.0, 3.0]), np.array([5.0, 5.0])) == pytest.approx(0.25, abs=1e-12)
    # All in one of n equal groups: G = 1 - 1/n.
    assert gini(np.array([0.0, 0.0, 0.0, 4.0]), np.ones(4)) == pytest.approx(0.75, abs=1e-12)


def test_beta_convergence_recovers_the_slope():
    start = np.array([1.0, 2.0, 4.0, 8.0])
    rate = 0.05 - 0.02 * np.log(start)  # annual log growth
    end = start * np.exp(rate * 3)  # three years
    assert beta_convergence(start, end, months=36) == pytest.approx(-0.02, rel=1e-9)


def _frame(limited_inputs=0.0):
    rows = []
    for month, scale in ((0, 1.0), (12, 1.0)):
        for province, va, jobs in (("P1", 100.0, 10.0), ("P2", 300.0, 30.0)):
            growth = 1.21 if province == "P1" else 1.1
            factor = growth if month == 12 else 1.0
            rows.append(
                {
                    "month": month,
                    "province": province,
                    "sector": "10",
                    "output": 2 * va * factor * scale,
                    "value_added": va * factor,
                    "employment": jobs + (5.0 if month == 12 and province == "P1" else 0.0),
                    "output_bound_by_inputs": limited_inputs * 2 * va * factor * scale if month else 0.0,
                    "output_bound_by_imports": 0.0,
                }
            )
    return pd.DataFrame(rows)


def test_inclusiveness_of_a_small_run():
    population = pd.Series({"P1": 100.0, "P2": 100.0})
    regions = pd.Series({"P1": "north", "P2": "south"})
    flat, detail = inclusiveness(_frame(), population, regions)
    y1 = np.array([121.0, 330.0]) / 100.0
    mu = y1.mean()  # equal populations
    theil = 0.5 * (1.21 / mu) * math.log(1.21 / mu) + 0.5 * (3.3 / mu) * math.log(3.3 / mu)
    assert flat["theil"] == pytest.approx(theil, rel=1e-12)
    assert flat["theil_between"] == pytest.approx(flat["theil"], rel=1e-12) and flat["theil_within"] == 0
    assert flat["theil_start"] == pytest.approx(0.25 * math.log(0.5) + 0.75 * math.log(1.5), rel=1e-12)
    assert flat["theil"] < flat["theil_start"]  # the poorer province grew faster
    assert flat["beta_convergence"] < 0
    assert flat["cv_provincial_growth"] == pytest.approx(0.055 / 0.155, rel=1e-9)  # sd of (21%, 10%) / mean
    assert flat["jobs_created"] == 5.0 and flat["jobs_lagging_share"] == 1.0
    assert flat["bottleneck_share"] == 0.0
    assert list(detail["provinces"]["province"]) == ["P1", "P2"]


def test_without_population_per_head_measures_are_nan():
    flat, _ = inclusiveness(_frame())
    assert np.isnan(flat["theil"]) and np.isnan(flat["gini"]) and flat["jobs_created"] == 5.0


def test_bottleneck_share_counts_value_chains_held_by_inputs():
    frame = _frame(limited_inputs=0.5)
    share, sectors = bottleneck_share(frame)
    assert share == 1.0 and sectors == ["10"]
    share, sectors = bottleneck_share(_frame(limited_inputs=0.05))
    assert share == 0.0 and sectors == []


def test_theil_of_one_unit_holding_everything_is_ln_n():
    # Theil (1967): T = ln N when one of N equal-weight units holds all the income; here N = 4 and 7.
    assert theil_t(np.array([0.0, 0.0, 0.0, 4.0]), np.ones(4)) == pytest.approx(np.log(4), rel=1e-12)
    assert theil_t(np.r_[np.zeros(6), 2.5], np.ones(7)) == pytest.approx(np.log(7), rel=1e-12)


def test_gini_against_the_lorenz_curve_trapezoids():
    # Incomes 1..5 of five equal groups. Lorenz curve points (k/5, L_k), L = (1, 3, 6, 10, 15) / 15;
    # Brown's formula G = 1 - sum (X_k - X_k-1)(Y_k + Y_k-1) = 1 - (1/5)(1 + 4 + 9 + 16 + 25)/15 = 4/15.
    assert gini(np.arange(1.0, 6.0), np.ones(5)) == pytest.approx(4 / 15, abs=1e-12)
    # Unequal weights, asymmetric: populations (1, 3) with incomes per head (4, 1): income shares (4/7, 3/7).
    # Lorenz points (0.75, 3/7), (1, 1) after sorting by income: G = 1 - [0.75 (3/7) + 0.25 (3/7 + 1)] = 9/28.
    assert gini(np.array([4.0, 1.0]), np.array([1.0, 3.0])) == pytest.approx(9 / 28, abs=1e-12)
