"""``growthsim analyze`` on a run folder (with its shock-free pair) and on a Monte Carlo store."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import sector, write_folder
from typer.testing import CliRunner

import sim
from analysis.cli import app
from analysis.metrics import METRIC_KEYS, analyze_run, analyze_store
from analysis.targets import targets_for

SCENARIO = """
name = "small_shock"
horizon_months = 24
[economy]
data = "econ"
[[shock]]
kind = "demand"
start = 4
change = -0.3
[stochastic]
productivity_sigma = 0.01
"""


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("analyze")
    provinces = [
        {"code": "P1", "name": "One", "population": 1000, "region": "north"},
        {"code": "P2", "name": "Two", "population": 3000, "region": "south"},
    ]
    demand = {("P1", "A"): 100.0, ("P2", "A"): 50.0, ("P1", "B"): 80.0, ("P2", "B"): 120.0}
    capacity = {cell: (2.0, 1.3) for cell in demand}
    write_folder(
        root / "econ",
        [sector("A"), sector("B", kind="mining")],
        [("A", "B", 0.2, True), ("B", "A", 0.1, False)],
        demand,
        provinces=provinces,
        capacity=capacity,
        firms=dict.fromkeys(demand, 3),
    )
    path = root / "s.toml"
    path.write_text(SCENARIO)
    out = root / "run"
    result = CliRunner().invoke(app, ["run", str(path), "--seed", "5", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return path, out


def test_analyze_writes_sections_and_summary(run_folder):
    path, out = run_folder
    result = CliRunner().invoke(app, ["analyze", str(out)])
    assert result.exit_code == 0, result.output
    data = json.loads((out / "metrics.json").read_text())
    assert {"attainment", "endogeneity", "stability", "inclusiveness"} <= set(data)
    assert (out / "summary.txt").read_text() in result.output
    assert set(data["metrics"]) == set(METRIC_KEYS)
    # The command's numbers, worked from the run folder and its shock-free pair by their definitions.
    scenario = sim.load_scenario(path)
    run = pd.read_parquet(out / "trajectories.parquet")
    pair = sim.run(scenario.with_changes(shock=[]), 5).trajectories
    metrics = data["metrics"]
    va = run.pivot_table(index="month", columns=["province", "sector"], values="value_added", aggfunc="sum")
    national = va.sum(axis=1)
    # The headline is the first year; the path is the whole run, annualised.
    assert metrics["growth_national"] == pytest.approx(national[12] / national[0] - 1, rel=1e-12)
    assert metrics["path_growth_national"] == pytest.approx((national[24] / national[0]) ** 0.5 - 1, rel=1e-12)
    mining = va.xs("B", level="sector", axis=1).sum(axis=1)  # the economy's mining sector
    assert metrics["growth_mining"] == pytest.approx(mining[12] / mining[0] - 1, rel=1e-12)
    targets = targets_for(scenario).target_frame().set_index(["province", "sector"])["target"]
    weights = va.loc[0]
    expected_target = (weights * targets.reindex(weights.index)).sum() / weights.sum()
    assert metrics["target_national"] == pytest.approx(expected_target, rel=1e-12)
    assert metrics["max_drawdown"] == pytest.approx((1 - national / national.cummax()).max(), rel=1e-12)
    paired_national = pair.groupby("month")["value_added"].sum()
    parts = data["endogeneity"]["components"]
    assert parts["exogenous"] == pytest.approx(national[24] - paired_national[24], rel=1e-12)
    assert parts["total"] == pytest.approx(national[24] - national[0], rel=1e-12)
    gross = abs(parts["idle_recovered"]) + abs(parts["new_capacity"]) + abs(parts["exogenous"])
    assert metrics["exogenous_share"] == pytest.approx(parts["exogenous"] / gross, rel=1e-12)
    # Theil T over the two provinces, value added per head at month 24, populations 1000 and 3000.
    per_head = va.loc[24].groupby(level="province").sum() / pd.Series({"P1": 1000.0, "P2": 3000.0})
    shares = pd.Series({"P1": 0.25, "P2": 0.75})
    mu = (shares * per_head).sum()
    theil = (shares * per_head / mu * np.log(per_head / mu)).sum()
    assert metrics["theil"] == pytest.approx(theil, rel=1e-12)
    assert metrics["theil_between"] == pytest.approx(theil, rel=1e-12) and metrics["theil_within"] == 0.0
    assert data["endogeneity"]["endogenous_share"] < 1.0
    assert data["run"]["paired"] is True and data["run"]["seed"] == 5


def test_analyze_without_pair(run_folder):
    _, out = run_folder
    data = analyze_run(out, pair=False)
    assert np.isnan(data["endogeneity"]["endogenous_share"]) and np.isnan(data["metrics"]["exogenous_share"])
    assert data["run"]["paired"] is False
    assert data["stability"]["reference"] == "running peak"


def test_analyze_rejects_a_folder_that_is_not_a_run(tmp_path):
    result = CliRunner().invoke(app, ["analyze", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.strip().startswith("error: ") and "manifest.json" in result.output
    assert not (tmp_path / "metrics.json").exists()


def _store(tmp_path, n=40):
    store = tmp_path / "store"
    (store / "metrics").mkdir(parents=True)
    (store / "manifest.json").write_text(json.dumps({"kind": "batch", "scenarios": ["base", "stress"]}))
    rows = []
    for name, shift in (("base", 0.0), ("stress", -0.01)):
        for run in range(n):
            row = dict.fromkeys(METRIC_KEYS, np.nan)
            row.update(
                scenario=name,
                run=run,
                seed=1000 + run,
                error=None,
                growth_national=0.03 + 0.001 * run + shift,
                reached_national=float(run % 4 == 0) if name == "base" else 0.0,
                volatility_annual=0.01 - shift,
            )
            rows.append(row)
    rows.append({**dict.fromkeys(METRIC_KEYS, np.nan), "scenario": "stress", "run": n, "seed": 0, "error": "boom"})
    frame = pd.DataFrame(rows)
    frame.iloc[: n + 5].to_parquet(store / "metrics" / "part-00000.parquet")
    frame.iloc[n + 5 :].to_parquet(store / "metrics" / "part-00001.parquet")
    return store


def test_store_distributions_and_probabilities(tmp_path):
    store = _store(tmp_path)
    result = analyze_store(store)
    base = result["scenarios"]["base"]
    growth = 0.03 + 0.001 * np.arange(40)
    stats = base["attainment"]["growth_national"]
    assert stats["mean"] == pytest.approx(growth.mean()) and stats["std"] == pytest.approx(growth.std(ddof=1))
    assert stats["q05"] == pytest.approx(np.quantile(growth, 0.05)) and stats["q95"] == pytest.approx(
        np.quantile(growth, 0.95)
    )
    assert stats["n"] == 40
    assert base["probability"]["national"]["p"] == pytest.approx(0.25)
    z2 = 1.959963984540054**2  # Wilson interval of 10 of 40, written out
    centre, half = (0.25 + z2 / 80) / (1 + z2 / 40), np.sqrt(z2 * (0.25 * 0.75 / 40 + z2 / 6400)) / (1 + z2 / 40)
    assert base["probability"]["national"]["low"] == pytest.approx(centre - half)
    assert base["probability"]["national"]["high"] == pytest.approx(centre + half)
    stress = result["scenarios"]["stress"]
    assert stress["runs"] == 41 and stress["failed"] == 1 and stress["probability"]["national"]["p"] == 0.0
    diff = result["comparison"]["stress"]["growth_national"]
    assert diff["mean"] == pytest.approx(-0.01) and diff["std"] == pytest.approx(0.0, abs=1e-12)
    assert base["endogeneity"]["endogenous_share"]["n"] == 0


def test_analyze_command_on_a_store(tmp_path):
    store = _store(tmp_path)
    result = CliRunner().invoke(app, ["analyze", str(store)])
    assert result.exit_code == 0, result.output
    data = json.loads((store / "metrics_summary.json").read_text())
    assert data["scenarios"]["base"]["probability"]["national"]["p"] == pytest.approx(0.25)
    assert "P(reach the target in year 1) = 25% (95% interval 14-40%, 10 of 40 runs)" in result.output
