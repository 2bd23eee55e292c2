"""Targets for one year of the run alone (``year=K``, ``growthsim targets --year K``).

Expected values are worked by hand from the rule: the level reached by month ``m`` is
``l(m) = lambda (1 - q^m) min(i, h) + pi(m)`` (``q = 1 - recovery_speed``), year ``k`` averages
it over its twelve months (``A(0) = 0``), and year ``K`` grows by ``(1 + A(K)) / (1 + A(K-1)) - 1``.
Sums of ``1 - q^m`` use the closed form of the geometric series, not a loop over months.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import scenario, sector, write_folder
from typer.testing import CliRunner

from analysis.cli import app
from analysis.targets import ministry_targets, year_growth

PROVINCES = [
    {"code": "P1", "name": "One", "population": 1000},
    {"code": "P2", "name": "Two", "population": 2000},
    {"code": "P3", "name": "Three", "population": 1500},
]
IDLE = np.array([0.02, 0.3, 0.5])


def _recovered_sum(q: float, first: int, last: int) -> float:
    """``sum_{m=first}^{last} (1 - q^m)`` in closed form."""
    n = last - first + 1
    return n - q**first * (1 - q**n) / (1 - q)


def _folder(tmp_path, peaks, projects=None):
    demand = {(p["code"], "A"): 100.0 for p in PROVINCES}
    capacity = {(p["code"], "A"): (2.0, peak) for p, peak in zip(PROVINCES, peaks, strict=True)}
    folder = write_folder(
        tmp_path / "econ", [sector("A")], [("A", "A", 0.1, False)], demand, provinces=PROVINCES, capacity=capacity
    )
    if projects is not None:
        history = [
            {"province": p["code"], "sector": "A", "month": month, "output_index": value}
            for p, peak in zip(PROVINCES, peaks, strict=True)
            for month, value in (("2021-02", peak), ("2021-03", 1.0))
        ]
        pd.DataFrame(history).to_csv(folder / "output_history.csv", index=False)
        columns = ["province", "sector", "project", "start", "complete", "capacity_growth", "national_share", "counted"]
        pd.DataFrame(projects, columns=columns).to_csv(folder / "projects.csv", index=False)
    return folder


def test_year_growth_of_given_levels():
    levels = np.full((24, 2), 0.1)
    levels[18:, 1] = 0.4  # the second cell steps up in months 19-24
    np.testing.assert_allclose(year_growth(levels[:12], 1), [0.1, 0.1])
    np.testing.assert_allclose(year_growth(levels, 2), [0.0, 1.25 / 1.1 - 1])
    with pytest.raises(ValueError, match="months 1..24"):
        year_growth(levels[:20], 2)


@pytest.mark.parametrize("speed", [0.025, 0.1])
def test_idle_capacity_and_guided_investment_by_year(tmp_path, speed):
    """Guided investment of 0.2 in P2 due in month 18 (start 2 + gestation 16): 7 of year 2's months."""
    folder = _folder(tmp_path, tuple(1 + IDLE))
    policy = {"investment_guidance": [{"provinces": ["P2"], "amount": 0.2, "start": 2, "gestation_months": 16}]}
    q = 1 - speed
    year1 = IDLE * _recovered_sum(q, 1, 12) / 12
    year2 = IDLE * _recovered_sum(q, 13, 24) / 12
    guided = np.array([0.0, 0.2 * 7 / 12, 0.0])
    run = scenario(folder, horizon=60, policy=policy, parameters={"recovery_speed": speed})
    first = ministry_targets(run, year=1).cells
    np.testing.assert_allclose(first["carried_growth"], year1, rtol=1e-12)
    np.testing.assert_allclose(first["project_ratio"], 0.0, atol=1e-15)
    second = ministry_targets(run, year=2)
    np.testing.assert_allclose(second.cells["recoverable_ratio"], year2, rtol=1e-12)
    np.testing.assert_allclose(second.cells["project_ratio"], guided, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(second.cells["carried_growth"], (1 + year2 + guided) / (1 + year1) - 1, rtol=1e-12)
    assert second.year == 2 and second.horizon_months == 24
    cells = second.cells
    assert (cells["value_added"] * cells["target"]).sum() / cells["value_added"].sum() == pytest.approx(0.082)


def test_national_project_arriving_across_the_new_year(tmp_path):
    """+30% of P1's capacity arriving evenly over 2022-01..2022-06 (months 10-15 of a run from 2021-04):
    by month m, (m - 9) / 6 of it; year 1 holds months 10-12 (1/6 + 2/6 + 3/6 = 1 month's worth),
    year 2 months 13, 14 (4/6 + 5/6) and then all of it for ten months (11.5 months' worth)."""
    rows = [["P1", "A", "plant", "2022-01", "2022-06", "0.3", "", "true"]]
    folder = _folder(tmp_path, (1.0, 1.0, 1.0), projects=rows)
    run = scenario(folder, horizon=60)
    year1, year2 = 0.3 * 1 / 12, 0.3 * 11.5 / 12
    first = ministry_targets(run, year=1).cells
    second = ministry_targets(run, year=2).cells
    np.testing.assert_allclose(first["carried_growth"], [year1, 0, 0], atol=1e-15)
    np.testing.assert_allclose(second["project_ratio"], [year2, 0, 0], atol=1e-15)
    np.testing.assert_allclose(second["carried_growth"], [(1 + year2) / (1 + year1) - 1, 0, 0], atol=1e-15)


def test_year_and_horizon_together_are_refused(tmp_path):
    run = scenario(_folder(tmp_path, (1.1, 1.2, 1.3)), horizon=24)
    with pytest.raises(ValueError, match="not both"):
        ministry_targets(run, year=2, horizon_months=24)
    with pytest.raises(ValueError, match="at least 1"):
        ministry_targets(run, year=0)
    result = CliRunner().invoke(app, ["targets", "--year", "2", "--horizon", "24"])
    assert result.exit_code == 2
    assert "--year" in result.output and "not both" in result.output


def test_targets_command_for_one_year():
    result = CliRunner().invoke(app, ["targets", "--year", "2"])
    assert result.exit_code == 0, result.output
    assert "growth of year 2 of the run alone (--year)" in result.output
