"""Target tables: a user's own table, a built world, an economy without industry, edges.

The economy is the one of tests/test_targets_cases.py (three provinces, industry A and mining M).
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from helpers import scenario, sector, write_folder
from test_targets_cases import DEMAND, PROVINCES

import sim
from analysis.targets import (
    cell_base,
    input_headroom,
    load_targets,
    ministry_targets,
    targets_for,
    targets_source,
    user_targets,
    weighted_mean,
)
from sim.errors import InputError

PEAKS = {("P1", "A"): 1.5, ("P2", "A"): 1.1, ("P3", "A"): 1.3, ("P1", "M"): 1.2, ("P2", "M"): 1.0}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    sectors = [sector("A", other_inputs_share=0.6), sector("M", kind="mining", other_inputs_share=0.4)]
    capacity = {cell: (2.0, peak) for cell, peak in PEAKS.items()}
    firms = {**dict.fromkeys(DEMAND, 2), ("P3", "M"): 0}
    root = tmp_path_factory.mktemp("targets_table")
    return write_folder(
        root / "econ", sectors, [("A", "A", 0.0, False)], DEMAND, provinces=PROVINCES, capacity=capacity, firms=firms
    )


def _user_file(tmp_path: Path) -> Path:
    # The user's means are 4.5% for industry ((40 * 0.12 + 120 * 0.02) / 160) and 4% for mining.
    # P2's target, (120 * 0.02 + 12 * 0.04) / 132, is below 0.75 of its share of the plan,
    # (120 * 0.045 + 12 * 0.04) / 132: flagged. P3/A has no row: no target, not judged.
    path = tmp_path / "mine.csv"
    path.write_text("province,sector,target\nP1,A,0.12\nP2,A,0.02\nP1,M,0.04\nP2,M,0.04\n")
    return path


def test_a_users_table_is_judged_against_its_own_means(folder, tmp_path):
    path = _user_file(tmp_path)
    table = user_targets(sim.world_for(scenario(folder)), path)
    cells = table.cells.set_index(["province", "sector"]).loc[list(DEMAND)]
    np.testing.assert_allclose(cells["idle_ratio"], [0.5, 0.1, 0.3, 0.2, 0.0], rtol=1e-12, atol=1e-15)
    unknown = cells[["recoverable_ratio", "project_ratio", "carried_growth"]]
    assert unknown.isna().all().all() and (unknown.dtypes == "float64").all()
    assert np.isnan(cells.loc[("P3", "A"), "target"])
    # Industry's mean over the cells with a target: (40 * 0.12 + 120 * 0.02) / 160 = 4.5%.
    assert table.national.loc["industry", "target"] == pytest.approx(7.2 / 160, rel=1e-12)
    provinces = table.provinces.set_index("province")
    assert provinces.loc["P2", "share"] == pytest.approx((120 * 0.045 + 12 * 0.04) / 132, rel=1e-12)
    assert table.needs_investment == ["P2"]
    assert table.source == str(path) and table.horizon_months == 0 and table.scale == {}


def test_targets_for_follows_the_scenarios_choice(folder, tmp_path):
    path = _user_file(tmp_path)
    chosen = targets_for(scenario(folder, policy={"targets": str(path)}))
    assert chosen.source == str(path)
    frame = chosen.target_frame()
    assert frame.columns.tolist() == ["province", "sector", "target"]
    assert frame.set_index(["province", "sector"]).loc[("P1", "A"), "target"] == 0.12
    ministry = targets_for(scenario(folder, horizon=24), horizon_months=12)
    assert ministry.source == "ministry" and ministry.horizon_months == 12


def test_user_table_errors_name_the_file_and_the_row(folder, tmp_path):
    world = sim.world_for(scenario(folder))
    for text, message in (
        (
            "province,sector,target\nP1,A,0.1\nP9,A,0.05\n",
            "row 2, column 'province': a province code listed in provinces.csv, got 'P9'",
        ),
        ("province,sector,target\nP1,Q,0.05\n", "row 1, column 'sector': a sector code listed in sectors.csv, got 'Q'"),
    ):
        path = tmp_path / "bad.csv"
        path.write_text(text)
        with pytest.raises(InputError) as info:
            user_targets(world, path)
        assert str(info.value) == f"{path}: {message}"
    path = tmp_path / "minus.csv"
    path.write_text("province,sector,target\nP1,A,-1\n")
    with pytest.raises(InputError) as info:
        load_targets(path)
    assert str(info.value) == f"{path}: row 1, column 'target': a number above -1 (an annual rate), got -1"


def test_a_built_world_gets_default_parameters_and_no_projects(folder):
    table = ministry_targets(sim.world_for(scenario(folder, horizon=24, parameters={"recovery_speed": 1.0})))
    assert table.horizon_months == 12 and (table.cells["project_ratio"] == 0).all()
    # Default recovery speed 0.025 over 12 months: tau = 1 - 0.975^12, on P1/A's idle ratio 0.5.
    p1 = table.cells.set_index(["province", "sector"]).loc[("P1", "A"), "recoverable_ratio"]
    assert p1 == pytest.approx((1 - 0.975**12) * 0.5, rel=1e-12)
    with pytest.raises(TypeError, match="expected a World or a Scenario, got str"):
        ministry_targets("scenario.toml")


def test_horizon_edges(folder):
    assert ministry_targets(scenario(folder), horizon_months=1).horizon_months == 1
    with pytest.raises(ValueError, match="horizon_months must be positive, got 0"):
        ministry_targets(scenario(folder), horizon_months=0)


def test_no_idle_capacity_and_a_mining_only_economy(tmp_path):
    flat = {("P2", "M"): 50.0, ("P3", "M"): 20.0}
    mines = write_folder(
        tmp_path / "mines", [sector("M", kind="mining")], [("M", "M", 0.0, False)], flat, PROVINCES[::2]
    )
    table = ministry_targets(scenario(mines))
    np.testing.assert_allclose(table.cells["target"], 0.05)  # no idle capacity: every cell the mean
    assert np.isnan(table.scale["mining"]) and "industry" not in table.scale
    # Every province's target equals its share exactly: at low_share 1 none is below it.
    assert ministry_targets(scenario(mines), low_share=1.0).needs_investment == []


def test_weighted_mean_and_headroom(folder):
    assert weighted_mean(np.array([1.0, np.nan, 3.0]), np.array([1.0, 1.0, 2.0])) == pytest.approx(7 / 3)
    assert weighted_mean(np.array([1.0, 3.0]), np.array([0.25, 0.25])) == pytest.approx(2.0)
    assert np.isnan(weighted_mean(np.array([1.0]), np.array([np.nan])))
    world = sim.world_for(scenario(folder))
    columns = ["province", "sector", "kind", "output", "value_added", "peak", "installed"]
    assert cell_base(world).columns.tolist() == columns
    headroom = input_headroom(world)
    assert headroom.name == "input_headroom" and np.isinf(headroom).all()  # no critical inputs


def test_where_a_users_file_is_found(tmp_path):
    def stand_in(path):
        return SimpleNamespace(policy=SimpleNamespace(targets="mine.csv"), path=path)

    assert targets_source(stand_in(str(tmp_path / "s.toml"))) == tmp_path / "mine.csv"
    assert targets_source(stand_in(None)) == Path("mine.csv")
    assert targets_source(stand_in(str(tmp_path / "gone" / "s.toml"))) == Path("mine.csv")
