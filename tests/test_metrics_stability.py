"""Stability metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.metrics.stability import (
    annual_growth,
    contractions,
    downside_semideviation,
    max_drawdown,
    moments,
    monthly_growth,
    output_lost,
    recovery,
    stability,
    std,
)

DROP = np.array([100.0] * 5 + [80.0, 85.0, 90.0, 95.0, 99.5, 100.0])


def test_constant_path_has_no_volatility():
    metrics = stability(np.full(37, 250.0))
    for key in ("volatility_monthly", "volatility_annual", "downside_semideviation", "max_drawdown"):
        assert metrics[key] == 0.0
    assert metrics["contractions"] == 0 and metrics["recovery_months"] == 0 and metrics["output_lost"] == 0
    assert np.isnan(metrics["skewness"]) and np.isnan(metrics["kurtosis"])


def test_steady_growth_has_no_volatility():
    path = 100 * 1.01 ** np.arange(40)
    metrics = stability(path)
    assert metrics["volatility_monthly"] < 1e-14 and metrics["volatility_annual"] < 1e-14
    assert metrics["max_drawdown"] == 0.0 and metrics["contractions"] == 0


def test_one_drop_has_known_drawdown_and_recovery():
    metrics = stability(DROP)
    assert metrics["max_drawdown"] == pytest.approx(0.2, abs=1e-12)
    # Below 99 from month 5; back within 1% (99.5 >= 99) at month 9.
    assert metrics["recovery_months"] == 4 and metrics["unrecovered"] == 0
    assert metrics["contractions"] == 1
    # Lost 20 + 15 + 10 + 5 + 0.5 of a reference of 100 a month over months 1..10.
    assert metrics["output_lost"] == pytest.approx(50.5 / 1000, abs=1e-12)


def test_alternating_growth_moments():
    path = np.array([100.0, 110.0, 99.0, 108.9])  # growth +10%, -10%, +10%
    rates = monthly_growth(path)
    np.testing.assert_allclose(rates, [0.1, -0.1, 0.1], atol=1e-12)
    assert std(rates) == pytest.approx(np.sqrt(0.08 / 9), rel=1e-9)  # deviations 1/15, -2/15, 1/15
    assert downside_semideviation(rates) == pytest.approx(np.sqrt((0.4 / 3) ** 2 / 3), rel=1e-9)
    skew, kurt = moments(rates)
    # A two-point distribution with p = 2/3: skew (1 - 2p)/sqrt(p(1-p)), excess kurtosis (1 - 6p(1-p))/(p(1-p)) - 0.
    assert skew == pytest.approx(-1 / np.sqrt(2), rel=1e-9)
    assert kurt == pytest.approx(-1.5, rel=1e-9)


def test_annual_growth_is_year_on_year():
    path = np.concatenate([np.full(12, 100.0), np.full(13, 110.0)])
    np.testing.assert_allclose(annual_growth(path), [0.1] * 12 + [0.0], atol=1e-12)
    assert annual_growth(np.ones(12)).size == 0


def test_recovery_against_a_paired_path():
    reference = 100 * 1.01 ** np.arange(12)
    run = reference.copy()
    run[3:6] *= 0.95  # 5% below the shock-free path for three months
    months, open_end = recovery(run, reference)
    assert months == 3 and open_end == 0
    assert output_lost(run, reference) == pytest.approx(0.05 * reference[3:6].sum() / reference[1:].sum(), rel=1e-12)
    metrics = stability(run, reference)
    assert metrics["recovery_months"] == 3


def test_unrecovered_drop_counts_to_the_end():
    path = np.array([100.0, 100.0, 90.0, 91.0, 92.0])
    months, open_end = recovery(path, np.maximum.accumulate(path))
    assert months == 3 and open_end == 1.0


def test_contraction_spells_and_drawdown():
    path = np.array([10.0, 9.0, 8.0, 9.0, 12.0, 11.0, 6.0, 7.0])
    assert contractions(path) == 2
    assert max_drawdown(path) == pytest.approx(0.5)
