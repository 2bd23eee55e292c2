"""Attainment at its edges, worked by hand: zero, negative and missing targets on the path, a new
plant starting from nothing, small values, a table missing a year's end, several rows per cell,
unused categories, and what the detail tables carry.

The mutation run of ``analysis/metrics/attainment.py`` (docs/testing.md) found each of these
unguarded. Value added is given at a few months and is linear in between (every whole month is
a row), so the year ends (months 12, 24) are recorded unless a case leaves them out.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.metrics.attainment import attainment, group_target


def _frame(cells: dict[tuple[str, str], dict[int, float]], months: list[int] | None = None) -> pd.DataFrame:
    """Rows for every month in ``months`` (default 0..last) with value added interpolated linearly."""
    last = max(max(path) for path in cells.values())
    rows = []
    for month in months if months is not None else range(last + 1):
        for (province, sector), path in cells.items():
            points = sorted(path)
            va = float(np.interp(month, points, [path[m] for m in points]))
            rows.append({"month": float(month), "province": province, "sector": sector, "value_added": va})
    return pd.DataFrame(rows)


def _targets(values: dict[tuple[str, str], float]) -> pd.DataFrame:
    return pd.DataFrame([{"province": p, "sector": s, "target": t} for (p, s), t in values.items()])


def test_group_target_is_a_weighted_mean_over_a_positive_weight():
    cells = pd.DataFrame({"va0": [300.0, 100.0, 60.0], "target": [0.08, 0.05, np.nan]})
    assert group_target(cells) == pytest.approx((24 + 5) / 400, rel=1e-12)  # the cell without a target is left out
    # Value added at month 0 summing to -6 (a loss-making cell outweighs the other): no weighted mean.
    assert np.isnan(group_target(pd.DataFrame({"va0": [-10.0, 4.0], "target": [0.05, 0.1]})))
    assert np.isnan(group_target(pd.DataFrame({"va0": [5.0], "target": [np.nan]})))


def test_a_group_losing_value_at_month_zero_is_not_judged():
    # P1/10 has value added -10 at month 0 (-12 at 12), P1/20 has 4 (5 at 12): the nation's weight is -6.
    frame = _frame({("P1", "10"): {0: -10.0, 12: -12.0}, ("P1", "20"): {0: 4.0, 12: 5.0}})
    flat, _ = attainment(frame, _targets({("P1", "10"): 0.05, ("P1", "20"): 0.1}))
    assert np.isnan(flat["target_national"])
    assert np.isnan(flat["reached_cells"])


# Industry P1/10 grows 10% a year (100, 110, 121) against a zero target; mining P1/05 is flat at 50.
GROWING_AND_FLAT = {("P1", "10"): {0: 100.0, 12: 110.0, 24: 121.0}, ("P1", "05"): {0: 50.0, 24: 50.0}}


def test_path_against_a_zero_target_and_for_a_group_without_targets():
    flat, detail = attainment(_frame(GROWING_AND_FLAT), _targets({("P1", "10"): 0.0}), mining=["05"])
    # Zero target: growth over it is no ratio, but 1.21 >= (1 + 0)^2 is reached.
    assert flat["path_growth_industry"] == pytest.approx(0.1, rel=1e-12)
    assert np.isnan(flat["path_attainment_industry"]) and flat["path_reached_industry"] == 1.0
    assert np.isnan(flat["attainment_industry"]) and flat["reached_industry"] == 1.0
    # Mining has no target: its path is measured (0% a year) but not judged.
    assert flat["path_growth_mining"] == 0.0
    assert np.isnan(flat["path_attainment_mining"]) and np.isnan(flat["path_reached_mining"])
    # The nation (150 -> 171) is judged against the only target, 0.
    assert flat["target_national"] == 0.0 and flat["path_reached_national"] == 1.0
    for k, year in enumerate(detail["by_year"], start=1):
        path = year["path"]["industry"]
        assert path["growth"] == pytest.approx(1.1**k - 1, rel=1e-12)
        assert path["target"] == 0.0 and np.isnan(path["attainment"])


def test_path_against_a_negative_target_and_exactly_on_a_zero_one():
    targets = _targets({("P1", "10"): -0.02, ("P1", "05"): 0.0})
    flat, _ = attainment(_frame(GROWING_AND_FLAT), targets, mining=["05"])
    # Industry: a negative target gives no ratio; 1.21 >= 0.98^2 is reached.
    assert np.isnan(flat["path_attainment_industry"]) and flat["path_reached_industry"] == 1.0
    # Mining: 50 -> 50 against (1 + 0)^2 = 1, exactly on the target path, counts as reached.
    assert flat["path_reached_mining"] == 1.0 and flat["reached_mining"] == 1.0
    assert np.isnan(flat["path_attainment_mining"])


def test_a_new_plant_from_nothing_and_small_values():
    # Mining P1/05 starts at 0 (a plant coming on stream): 0, 10, 15. P2/10 is small: 0.5, 0.6, 0.72.
    cells = {
        ("P1", "10"): {0: 100.0, 12: 110.0, 24: 121.0},
        ("P1", "05"): {0: 0.0, 12: 10.0, 24: 15.0},
        ("P2", "10"): {0: 0.5, 12: 0.6, 24: 0.72},
    }
    targets = _targets({("P1", "10"): 0.05, ("P1", "05"): 0.05, ("P2", "10"): 0.05})
    _, detail = attainment(_frame(cells), targets, mining=["05"])
    first, second = detail["by_year"]
    assert np.isnan(first["mining"]["growth"])  # from nothing: no rate
    assert second["mining"]["growth"] == pytest.approx(0.5, rel=1e-12)  # 10 -> 15
    assert np.isnan(first["path"]["mining"]["growth"]) and np.isnan(second["path"]["mining"]["growth"])
    assert first["provinces"]["P2"]["growth"] == pytest.approx(0.2, rel=1e-12)  # 0.5 -> 0.6
    assert second["path"]["industry"]["growth"] == pytest.approx(121.72 / 100.5 - 1, rel=1e-12)


def test_years_whose_ends_are_not_recorded_are_left_out():
    # Recorded months 0, 12, 30, 36, 48 (no 24): years 2 (12-24) and 3 (24-36) cannot be judged.
    frame = _frame({("P1", "10"): {0: 100.0, 12: 110.0, 36: 130.0, 48: 143.0}}, months=[0, 12, 30, 36, 48])
    _, detail = attainment(frame, _targets({("P1", "10"): 0.1}))
    assert [item["year"] for item in detail["by_year"]] == [1, 4]
    fourth = detail["by_year"][1]
    assert fourth["months"] == [36, 48]
    assert fourth["nation"]["growth"] == pytest.approx(0.1, rel=1e-12) and fourth["nation"]["reached"] == 1.0
    assert fourth["path"]["nation"]["growth"] == pytest.approx(0.43, rel=1e-12)
    assert fourth["path"]["nation"]["target"] == pytest.approx(1.1**4 - 1, rel=1e-12)


def test_rows_of_one_cell_and_month_add_up():
    # P1/10 is recorded as one row at month 0 (100) and as two firms' rows at month 12 (60 + 52).
    frame = pd.DataFrame(
        [
            {"month": 0.0, "province": "P1", "sector": "10", "value_added": 100.0},
            {"month": 12.0, "province": "P1", "sector": "10", "value_added": 60.0},
            {"month": 12.0, "province": "P1", "sector": "10", "value_added": 52.0},
        ]
    )
    flat, _ = attainment(frame, _targets({("P1", "10"): 0.1}))
    assert flat["growth_national"] == pytest.approx(0.12, rel=1e-12) and flat["reached_national"] == 1.0


def test_unused_categories_add_no_province_or_cell():
    frame = _frame({("P1", "10"): {0: 100.0, 12: 108.0}, ("P2", "24"): {0: 50.0, 12: 56.0}})
    frame["province"] = pd.Categorical(frame["province"], categories=["P1", "P2", "P9"])
    frame["sector"] = pd.Categorical(frame["sector"], categories=["05", "10", "24"])
    flat, detail = attainment(frame, _targets({("P1", "10"): 0.1, ("P2", "24"): 0.1}))
    assert detail["provinces"]["province"].astype(str).tolist() == ["P1", "P2"]
    assert len(detail["cells"]) == 2
    assert flat["reached_provinces"] == 0.5  # P1 8% < 10%, P2 12% >= 10%
    assert flat["reached_cells"] == pytest.approx(50 / 150, rel=1e-12)


def test_detail_carries_the_headline_months_and_path_growth():
    cells = {("P1", "10"): {0: 300.0, 12: 330.0, 24: 363.0}, ("P2", "10"): {0: 50.0, 30: 60.0}}
    _, detail = attainment(_frame(cells), _targets({("P1", "10"): 0.08}))
    assert detail["headline"]["months"] == [0.0, 12.0]
    by_cell = detail["cells"].set_index(["province", "sector"])["path_growth"]
    # Over the 30 months: P1/10 300 -> 363 (flat after month 24), P2/10 50 -> 60.
    assert by_cell[("P1", "10")] == pytest.approx((363.0 / 300.0) ** (12 / 30) - 1, rel=1e-12)
    assert by_cell[("P2", "10")] == pytest.approx(1.2 ** (12 / 30) - 1, rel=1e-12)
    provinces = detail["provinces"].set_index("province")["path_growth"]
    assert provinces["P2"] == pytest.approx(1.2 ** (12 / 30) - 1, rel=1e-12)
    short = _frame({("P1", "10"): {0: 100.0, 6: 103.0}})
    assert attainment(short, None)[1]["headline"]["months"] == [0.0, 6.0]
