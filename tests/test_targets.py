"""The ministry's targets: one test per rule, on small economies and on the default economy."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from helpers import scenario, sector, write_folder
from typer.testing import CliRunner

from analysis.cli import app
from analysis.targets import (
    load_targets,
    ministry_targets,
    targets_source,
    user_targets,
    weighted_mean,
)
from sim.engine.run import world_for
from sim.errors import InputError
from sim.scenario import scenario_from_dict

PROVINCES = [
    {"code": "P1", "name": "One", "population": 1000},
    {"code": "P2", "name": "Two", "population": 2000},
    {"code": "P3", "name": "Three", "population": 1500},
]


@pytest.fixture(scope="module")
def default_table():
    return ministry_targets(scenario_from_dict({"name": "t", "horizon_months": 60}))


def test_default_targets_average_ministry_rates(default_table):
    cells = default_table.cells
    for kind, mean in (("industry", 0.082), ("mining", 0.05)):
        rows = cells[cells["kind"] == kind]
        assert abs(weighted_mean(rows["target"], rows["value_added"]) - mean) < 1e-6
    assert len(cells) == 765


def test_means_are_settable():
    table = ministry_targets(scenario_from_dict({"name": "t"}), industry=0.10, mining=0.03, horizon_months=12)
    cells = table.cells
    for kind, mean in (("industry", 0.10), ("mining", 0.03)):
        rows = cells[cells["kind"] == kind]
        assert abs(weighted_mean(rows["target"], rows["value_added"]) - mean) < 1e-9


def test_low_idle_provinces_are_flagged_on_default_economy(default_table):
    provinces = default_table.provinces.set_index("province")
    flagged = default_table.needs_investment
    assert flagged, "the default economy has provinces with little idle capacity"
    national_idle = default_table.national.loc["nation", "idle_ratio"]
    for code in flagged:
        row = provinces.loc[code]
        assert row["target"] < 0.75 * row["share"]
        assert row["idle_ratio"] < national_idle
    unflagged = provinces.drop(index=flagged)
    assert (unflagged["target"] >= 0.75 * unflagged["share"]).all()
    # The least idle capacity nationally is among the flagged, unless national projects carry it
    # (the default economy's projects.csv: Khuzestan's refinery and petrochemical programmes).
    least = provinces["idle_ratio"].idxmin()
    projects = default_table.cells.groupby("province")["project_ratio"].max()
    assert least in flagged or projects[least] > 0


def _three_provinces(tmp_path, peaks, installed=2.0):
    sectors = [sector("A")]
    demand = {(p["code"], "A"): 100.0 for p in PROVINCES}
    capacity = {(p["code"], "A"): (installed, peak) for p, peak in zip(PROVINCES, peaks, strict=True)}
    folder = write_folder(
        tmp_path / "econ", sectors, [("A", "A", 0.1, False)], demand, provinces=PROVINCES, capacity=capacity
    )
    return folder


def test_idle_ratio_is_peak_over_output_minus_one(tmp_path):
    folder = _three_provinces(tmp_path, (1.02, 1.3, 1.5))
    table = ministry_targets(scenario(folder, horizon=12))
    np.testing.assert_allclose(table.cells["idle_ratio"], [0.02, 0.3, 0.5], atol=1e-12)


def test_recoverable_share_follows_recovery_speed(tmp_path):
    folder = _three_provinces(tmp_path, (1.02, 1.3, 1.5))
    for horizon, speed in ((12, 0.025), (36, 0.05)):
        table = ministry_targets(scenario(folder, horizon=horizon, parameters={"recovery_speed": speed}))
        tau = 1 - (1 - speed) ** horizon
        np.testing.assert_allclose(table.cells["recoverable_ratio"], tau * np.array([0.02, 0.3, 0.5]), rtol=1e-12)
        carried = (1 + tau * np.array([0.02, 0.3, 0.5])) ** (12 / horizon) - 1
        np.testing.assert_allclose(table.cells["carried_growth"], carried, rtol=1e-12)


def test_latent_demand_share_scales_recoverable(tmp_path):
    folder = _three_provinces(tmp_path, (1.02, 1.3, 1.5))
    full = ministry_targets(scenario(folder, horizon=12))
    half = ministry_targets(scenario(folder, horizon=12, parameters={"latent_demand_share": 0.5}))
    np.testing.assert_allclose(half.cells["recoverable_ratio"], 0.5 * full.cells["recoverable_ratio"], rtol=1e-12)


def test_critical_supplier_without_headroom_limits_recovery(tmp_path):
    sectors = [sector("A"), sector("B")]
    demand = {("P1", "A"): 50.0, ("P1", "B"): 100.0}

    def table(installed_a):
        capacity = {("P1", "A"): (installed_a, 1.0), ("P1", "B"): (2.0, 1.4)}
        folder = write_folder(tmp_path / f"e{installed_a}", sectors, [("A", "B", 0.2, True)], demand, capacity=capacity)
        return ministry_targets(scenario(folder, horizon=24)).cells.set_index("sector")

    tau = 1 - 0.975**24
    assert table(1.0).loc["B", "recoverable_ratio"] == pytest.approx(0.0, abs=1e-12)
    assert table(1.1).loc["B", "recoverable_ratio"] == pytest.approx(tau * 0.1, rel=1e-9)
    assert table(3.0).loc["B", "recoverable_ratio"] == pytest.approx(tau * 0.4, rel=1e-9)


def test_provinces_with_little_idle_capacity_need_investment(tmp_path):
    folder = _three_provinces(tmp_path, (1.02, 1.3, 1.3))
    table = ministry_targets(scenario(folder, horizon=12))
    assert table.needs_investment == ["P1"]
    # Mean preserved, ranks follow idle capacity.
    assert weighted_mean(table.cells["target"], table.cells["value_added"]) == pytest.approx(0.082, abs=1e-12)
    assert table.national.loc["industry", "target"] == pytest.approx(0.082, abs=1e-12)


def test_no_idle_capacity_gives_every_cell_the_mean(tmp_path):
    folder = _three_provinces(tmp_path, (1.0, 1.0, 1.0))
    table = ministry_targets(scenario(folder, horizon=12))
    np.testing.assert_allclose(table.cells["target"], 0.082)


def test_load_targets_reads_a_user_table(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("province,sector,target\nP1,A,0.05\nP2,A,0.1\n")
    table = load_targets(path)
    assert table.to_dict("list") == {"province": ["P1", "P2"], "sector": ["A", "A"], "target": [0.05, 0.1]}
    world = world_for(scenario(_three_provinces(tmp_path, (1.1, 1.2, 1.3)), horizon=12))
    user = user_targets(world, path)
    assert user.cells["target"].iloc[:2].tolist() == [0.05, 0.1]
    assert np.isnan(user.cells["target"].iloc[2])


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("province,sector\nP1,A\n", "column 'target'"),
        ("province,sector,target\nP1,A,fast\n", "row 1, column 'target'"),
        ("province,sector,target\nP1,A,-1.5\n", "row 1, column 'target'"),
        ("province,sector,target\nP1,A,-1\n", "row 1, column 'target'"),
        ("province,sector,target\nP1,A,0.1\nP1,A,0.2\n", "row 2"),
        ("province,sector,target\n ,A,0.1\n", "row 1, column 'province'"),
    ],
)
def test_load_targets_errors_name_the_row(tmp_path, text, key):
    path = tmp_path / "t.csv"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert info.value.key.startswith(key)


def test_user_targets_reject_unknown_codes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("province,sector,target\nP9,A,0.05\n")
    world = world_for(scenario(_three_provinces(tmp_path, (1.1, 1.2, 1.3)), horizon=12))
    with pytest.raises(InputError, match="row 1, column 'province'"):
        user_targets(world, path)


def test_scenario_choice_of_targets(tmp_path):
    plain = scenario_from_dict({"name": "t"})
    assert targets_source(plain) == "ministry"
    stand_in = SimpleNamespace(policy=SimpleNamespace(targets="mine.csv"), path=str(tmp_path / "s.toml"))
    assert targets_source(stand_in) == tmp_path / "mine.csv"


def test_targets_command_writes_the_cell_table(tmp_path):
    folder = _three_provinces(tmp_path, (1.02, 1.3, 1.3))
    path = tmp_path / "s.toml"
    path.write_text(f'name = "s"\nhorizon_months = 12\n[economy]\ndata = "{folder.name}"\n')
    out = tmp_path / "targets.csv"
    result = CliRunner().invoke(app, ["targets", str(path), "--out", str(out)])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(out, dtype={"sector": str})
    assert {"province", "sector", "idle_ratio", "recoverable_ratio", "target"} <= set(table.columns)
    assert "need new fixed investment): P1" in result.output
