"""Attainment and endogeneity against hand-computed values on small trajectory tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.metrics import METRIC_KEYS, run_metrics
from analysis.metrics.attainment import attainment
from analysis.metrics.endogeneity import components, persistence, reversed_below_start, shares


def _cells(month, values):
    """Rows ``(province, sector, output, value_added, peak, installed)`` at one month."""
    return [
        {
            "month": month,
            "province": p,
            "sector": s,
            "output": x,
            "value_added": 0.5 * x,
            "peak_output": peak,
            "installed_capacity": installed,
            "employment": x / 10,
            "output_bound_by_inputs": 0.0,
            "output_bound_by_imports": 0.0,
        }
        for p, s, x, peak, installed in values
    ]


def _run(end_outputs):
    start = [("P1", "10", 200.0, 240.0, 300.0), ("P2", "10", 100.0, 100.0, 200.0), ("P1", "05", 100.0, 150.0, 150.0)]
    end = [(p, s, x1, peak, inst) for (p, s, _, peak, inst), x1 in zip(start, end_outputs, strict=True)]
    return pd.DataFrame(_cells(0, start) + _cells(24, end))


TARGETS = pd.DataFrame({"province": ["P1", "P2", "P1"], "sector": ["10", "10", "05"], "target": [0.1, 0.05, 0.02]})


def test_attainment_by_group():
    frame = _run([242.0, 110.25, 104.04])  # 10% a year, 5% a year, 2% a year over 24 months
    flat, detail = attainment(frame, TARGETS)
    assert flat["growth_mining"] == pytest.approx(0.02, abs=1e-12)
    assert flat["target_industry"] == pytest.approx((100 * 0.1 + 50 * 0.05) / 150, abs=1e-12)
    industry = (((242 + 110.25) / 300) ** 0.5) - 1
    assert flat["growth_industry"] == pytest.approx(industry, abs=1e-12)
    assert flat["target_national"] == pytest.approx((100 * 0.1 + 50 * 0.05 + 50 * 0.02) / 200, abs=1e-12)
    assert flat["reached_cells"] == 1.0 and flat["reached_provinces"] == 1.0
    # Every cell exactly on target, so every group grows at least at its weighted-mean target.
    assert flat["reached_national"] == 1.0 and flat["shortfall_national"] == 0.0
    provinces = detail["provinces"].set_index("province")
    assert provinces.loc["P2", "growth"] == pytest.approx(0.05, abs=1e-12)


def test_shortfall_and_attainment_ratio():
    frame = _run([220.5, 105.0, 100.0])  # P1/10 5% a year (1.1025 over two), P2 ~2.5%, mining flat
    flat, _ = attainment(frame, TARGETS)
    assert flat["growth_mining"] == pytest.approx(0.0, abs=1e-12)
    assert flat["reached_mining"] == 0.0 and flat["shortfall_mining"] == pytest.approx(0.02)
    assert flat["attainment_mining"] == 0.0
    assert flat["reached_cells"] == 0.0
    growth = ((220.5 + 105.0 + 100.0) / 400) ** 0.5 - 1
    assert flat["attainment_national"] == pytest.approx(growth / flat["target_national"], rel=1e-12)


def test_without_targets_attainment_is_nan_but_growth_is_known():
    flat = run_metrics(_run([242.0, 110.25, 104.04]))
    assert set(flat) == set(METRIC_KEYS)
    assert flat["growth_mining"] == pytest.approx(0.02)
    assert np.isnan(flat["attainment_national"]) and np.isnan(flat["endogenous_share"])


def test_growth_split_into_idle_new_and_exogenous():
    # Cell P1/10: x0 200, peak 240, installed 300, v 0.5. Pair reaches 260: 40 idle, 20 new.
    # P2/10: x0 100 = peak, pair 120: 20 new (all above the peak, below installed 200).
    # P1/05: pair 100 (flat). Run: 230, 110, 90 (shocks): exogenous 0.5 (430 - 480) = -25.
    pair = _run([260.0, 120.0, 100.0])
    run = _run([230.0, 110.0, 90.0])
    parts = components(run, pair)
    assert parts["idle_recovered"] == pytest.approx(0.5 * 40)
    assert parts["new_capacity"] == pytest.approx(0.5 * (20 + 20))
    assert parts["new_installed"] == pytest.approx(0.0)
    assert parts["exogenous"] == pytest.approx(-25.0)
    assert parts["total"] == pytest.approx(parts["idle_recovered"] + parts["new_capacity"] + parts["exogenous"])
    s = shares(parts)
    assert s["idle_recovered_share"] == pytest.approx(20 / 65)
    assert s["exogenous_share"] == pytest.approx(-25 / 65)
    assert s["endogenous_share"] == pytest.approx(40 / 65)
    flat = run_metrics(pair, paired=pair)
    assert flat["exogenous_share"] == 0.0 and flat["endogenous_share"] == 1.0


def test_capacity_beyond_installed_is_counted():
    pair = _run([330.0, 100.0, 100.0])  # P1/10 beyond its installed 300
    parts = components(pair, pair)
    assert parts["idle_recovered"] == pytest.approx(0.5 * 40)
    assert parts["new_capacity"] == pytest.approx(0.5 * 90)
    assert parts["new_installed"] == pytest.approx(0.5 * 30)


def test_persistence_and_reversal():
    assert persistence(np.array([100.0, 110.0, 120.0, 110.0, 110.0]), k=2) == pytest.approx(0.5)
    assert persistence(np.array([100.0, 101.0, 102.0, 103.0]), k=1) == 1.0
    assert persistence(np.array([100.0, 110.0, 90.0]), k=1) == 0.0
    assert np.isnan(persistence(np.array([100.0, 99.0, 98.0, 97.0]), k=1))
    assert reversed_below_start(np.array([100.0, 105.0, 98.9, 110.0]))
    assert not reversed_below_start(np.array([100.0, 99.5, 101.0]))  # within the 1% band
