"""Attainment year by year and along the compounded target path, against hand-worked values.

Three cells, value added at months 0, 12, 24 and 30 (linear in between; only those months count):

    P1/10 (industry, target 10%): 100, 112, 117.6, 120
    P2/10 (industry, target  5%):  50,  51,  56.1,  60
    P1/05 (mining,   target  2%):  50, 49.5, 49.5,  50

Group targets (value added at month 0 as weights): nation (10 + 2.5 + 1) / 200 = 6.75%, industry
12.5 / 150 = 8.333%, mining 2%, P1 11 / 150 = 7.333%, P2 5%.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from analysis.metrics.attainment import attainment

ENDS = (0, 12, 24, 30)
CELLS = {
    ("P1", "10"): (100.0, 112.0, 117.6, 120.0),
    ("P2", "10"): (50.0, 51.0, 56.1, 60.0),
    ("P1", "05"): (50.0, 49.5, 49.5, 50.0),
}
TARGETS = pd.DataFrame({"province": ["P1", "P2", "P1"], "sector": ["10", "10", "05"], "target": [0.10, 0.05, 0.02]})


def _frame(cells=CELLS, months=30):
    rows = []
    for month in range(months + 1):
        for (p, s), values in cells.items():
            va = float(np.interp(month, ENDS, values))
            rows.append({"month": month, "province": p, "sector": s, "value_added": va, "output": 2 * va})
    return pd.DataFrame(rows)


@pytest.fixture
def judged():
    # Function scope on purpose: mutmut 3 runs on a mutant only the tests during which the mutated
    # function was called, and a module-scoped fixture's call counts for its first test alone.
    return attainment(_frame(), TARGETS, mining=["05"])


def test_headline_is_the_first_year(judged):
    flat, detail = judged
    assert detail["headline"]["period"] == "year 1"
    assert flat["target_national"] == pytest.approx(0.0675)
    assert flat["growth_national"] == pytest.approx(12.5 / 200)  # 200 -> 212.5
    assert flat["attainment_national"] == pytest.approx(0.0625 / 0.0675)
    assert flat["reached_national"] == 0.0 and flat["shortfall_national"] == pytest.approx(0.005)
    assert flat["growth_industry"] == pytest.approx(13 / 150)  # 150 -> 163, above 8.333%
    assert flat["reached_industry"] == 1.0 and flat["attainment_industry"] == pytest.approx(1.04)
    assert flat["growth_mining"] == pytest.approx(-0.01)
    assert flat["attainment_mining"] == pytest.approx(-0.5) and flat["shortfall_mining"] == pytest.approx(0.03)
    # P1 150 -> 161.5 (7.67% >= 7.33%), P2 2% < 5%; of the cells only P1/10 (12% >= 10%), half of month 0's VA.
    assert flat["reached_provinces"] == 0.5
    assert flat["reached_cells"] == pytest.approx(0.5)


def test_each_year_against_the_annual_target(judged):
    years = judged[1]["by_year"]
    assert [item["year"] for item in years] == [1, 2]  # month 30 ends no third year
    second = years[1]
    assert second["months"] == [12, 24]
    assert second["nation"]["growth"] == pytest.approx(10.7 / 212.5)  # 212.5 -> 223.2
    assert second["nation"]["target"] == pytest.approx(0.0675)
    assert second["mining"]["growth"] == pytest.approx(0.0)
    assert second["industry"]["growth"] == pytest.approx((117.6 + 56.1) / 163 - 1)
    assert second["provinces"]["P2"]["growth"] == pytest.approx(0.1)  # 51 -> 56.1
    assert second["provinces"]["P2"]["reached"] == 1.0
    assert second["provinces"]["P1"]["target"] == pytest.approx(11 / 150)
    assert years[0]["provinces"]["P1"]["attainment"] == pytest.approx(11.5 / 11)


def test_path_against_the_compounded_target(judged):
    flat, detail = judged
    path = detail["by_year"][1]["path"]["nation"]
    assert path["growth"] == pytest.approx(0.116)  # 223.2 / 200 - 1
    assert path["target"] == pytest.approx(1.0675**2 - 1)
    assert path["attainment"] == pytest.approx(0.116 / 0.13955625)
    # Over the 30 months: 200 -> 230 against 1.0675^2.5; industry 150 -> 180 against (1 + 1/12)^2.5.
    assert flat["path_growth_national"] == pytest.approx(1.15**0.4 - 1)
    assert flat["path_attainment_national"] == pytest.approx(0.15 / (1.0675**2.5 - 1))
    assert flat["path_reached_national"] == 0.0
    assert flat["path_attainment_industry"] == pytest.approx(0.2 / ((13 / 12) ** 2.5 - 1))
    assert flat["path_reached_mining"] == 0.0  # flat over the run against a positive target


def test_a_run_under_a_year_is_judged_over_its_length():
    short = {cell: (v[0], v[0] * 1.03, v[0] * 1.03, v[0] * 1.03) for cell, v in CELLS.items()}
    flat, detail = attainment(_frame(short, months=6), TARGETS, mining=["05"])
    # 3% gained linearly by month 12 is 1.5% by month 6; annualised 1.015^2 - 1.
    assert flat["growth_national"] == pytest.approx(1.015**2 - 1)
    assert detail["by_year"] == []
    assert "annualised" in detail["headline"]["period"]


def test_by_year_is_consistent_with_a_real_run(tmp_path):
    from typer.testing import CliRunner

    from analysis.cli import app

    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "two_years"\nhorizon_months = 24\n[economy]\ndata = "default"\n')
    out = tmp_path / "run"
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(scenario), "--out", str(out)]).exit_code == 0
    result = runner.invoke(app, ["analyze", str(out), "--no-pair"])
    assert result.exit_code == 0, result.output
    metrics = json.loads((out / "metrics.json").read_text())
    national = pd.read_parquet(out / "trajectories.parquet").groupby("month")["value_added"].sum()
    years = metrics["attainment"]["by_year"]
    assert [item["year"] for item in years] == [1, 2]
    for item in years:
        k = item["year"]
        assert item["nation"]["growth"] == pytest.approx(national[12 * k] / national[12 * (k - 1)] - 1, rel=1e-12)
        assert item["path"]["nation"]["growth"] == pytest.approx(national[12 * k] / national[0] - 1, rel=1e-12)
    assert metrics["attainment"]["growth_national"] == pytest.approx(years[0]["nation"]["growth"], rel=1e-12)
    assert "year 1" in result.output


def test_targets_say_which_horizon_they_are_for():
    from typer.testing import CliRunner

    from analysis.cli import app

    runner = CliRunner()
    default = runner.invoke(app, ["targets"])
    short = runner.invoke(app, ["targets", "--horizon", "12"])
    assert default.exit_code == 0 and short.exit_code == 0, default.output + short.output
    for result, months in ((default, 60), (short, 12)):
        assert "the targets are annual growth rates of value added" in result.output
        assert f"idle capacity that can come back within {months} months" in result.output
        assert "nation" in result.output and "+7.84%" in result.output  # the national mean is the same
