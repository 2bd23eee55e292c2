"""Asymmetric cases for every metric, each worked by hand from its definition (docs/metrics.md).

Unequal value-added weights and populations, mixed cells (reached and missed, with and without a
target), several provinces, regions and sectors, several shortfall spells and rows at half months
(steps of half a month record every step; the metrics use whole months). The expected values
are the arithmetic of the comments, never a call to the code under test.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from trajectory_helpers import SPELLS, trajectories

from analysis.metrics import run_metrics
from analysis.metrics.attainment import attainment
from analysis.metrics.inclusiveness import inclusiveness

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
    paths = {cell: {0: a, 0.5: 1.0, 23.5: 1.0, 24: b} for cell, (a, b, _) in CELLS.items()}
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
    assert flat["path_growth_national"] == pytest.approx(0.985 ** (12 / 14) - 1, rel=1e-12)
    assert flat["reversal_provinces"] == 1.0
    growth = inclusiveness(frame)[1]["provinces"]["growth"]
    np.testing.assert_allclose(growth, 0.985 ** (12 / 14) - 1, rtol=1e-12)


def test_compound_annual_growth_edges():
    from analysis.metrics.series import cagr

    assert cagr(100.0, 101.0, 1) == pytest.approx(1.01**12 - 1, rel=1e-12)  # one month
    assert isinstance(cagr(100.0, 121.0, 24), float) and cagr(100.0, 121.0, 24) == pytest.approx(0.1, rel=1e-12)
    assert np.isnan(cagr(0.0, 5.0, 12))  # no start: no rate
    assert np.isnan(cagr(-1.0, 5.0, 12))
    assert np.isnan(cagr(100.0, 110.0, 0))  # no time
    np.testing.assert_allclose(cagr(np.array([100.0, 0.0]), np.array([110.0, 3.0]), 12), [0.1, np.nan])
