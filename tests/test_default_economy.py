"""The packaged default economy and its round trip through ``economy export``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import sector, write_folder
from typer.testing import CliRunner

import sim
from analysis.cli import app


@pytest.fixture(scope="module")
def economy():
    return sim.load_economy("default")


def test_sizes(economy):
    assert economy.n_provinces == 31
    assert economy.n_sectors == 28
    assert economy.firm_counts.sum() == 13_126
    assert int(economy.is_mining.sum()) == 4
    assert economy.sector_codes[:5] == ["05", "07", "08", "09", "10"]
    assert economy.province_codes[0] == "IR-00" and economy.province_codes[-1] == "IR-30"


def test_firms_follow_establishment_counts(economy):
    np.testing.assert_array_equal(economy.firm_counts.sum(axis=1), economy.provinces["establishments"].astype(int))


def test_population_is_the_2016_census(economy):
    assert economy.provinces["population"].sum() == 79_926_270
    assert economy.provinces.set_index("code").loc["IR-23", "name_fa"] == "تهران"


def test_accounts_leave_value_added(economy):
    va = economy.value_added_share
    assert np.all(va > 0.1) and np.all(va < 0.6)
    assert max(abs(np.linalg.eigvals(economy.a))) < 1


def test_peak_is_the_history_maximum_with_downturns(economy):
    has = economy.firm_counts > 0
    np.testing.assert_allclose(economy.peak_ratio[has], economy.history.max(axis=2)[has])
    assert np.all(economy.installed_ratio[has] >= economy.peak_ratio[has])
    months = economy.history_months
    assert months[0] == "2011-04" and months[-1] == "2021-03" and len(months) == 120
    weights = economy.final_demand[:, :, None]
    national = (economy.history * weights).sum(axis=(0, 1))
    year = lambda y: national[[i for i, m in enumerate(months) if m.startswith(y)]].mean()  # noqa: E731
    assert year("2012") < year("2011") and year("2013") < year("2011")  # the 2012 downturn
    assert year("2019") < year("2017")  # the 2018-2019 downturn


def test_user_folder_round_trips_through_export(tmp_path):
    folder = write_folder(
        tmp_path / "mine",
        sectors=[sector("A", import_share=0.1), sector("B", kind="mining", import_share=0.05, export_share=0.4)],
        coefficients=[("A", "B", 0.2, True), ("B", "A", 0.3, False)],
        demand={("P1", "A"): 10.0, ("P1", "B"): 5.0, ("P2", "A"): 3.0},
        provinces=[
            {"code": "P1", "name": "One", "population": 10, "lat": 35.0, "lon": 51.0},
            {"code": "P2", "name": "Two", "population": 5, "lat": 31.0, "lon": 49.0},
        ],
        capacity={("P1", "A"): (1.5, 1.2), ("P1", "B"): (1.0, 1.0), ("P2", "A"): (2.0, 1.1)},
        firms={("P1", "A"): 3, ("P1", "B"): 2, ("P2", "A"): 4},
    )
    scenario = tmp_path / "s.toml"
    scenario.write_text('name = "mine"\n[economy]\ndata = "mine"\n')
    out = tmp_path / "exported"
    result = CliRunner().invoke(app, ["economy", "export", str(scenario), "--out", str(out)])
    assert result.exit_code == 0, result.output
    original, again = sim.load_economy(folder), sim.load_economy(out)
    for name in ("a", "critical", "imported", "final_demand", "firm_counts", "installed_ratio", "peak_ratio"):
        np.testing.assert_array_equal(getattr(original, name), getattr(again, name), err_msg=name)
    pd.testing.assert_frame_equal(original.sectors, again.sectors)
    for name in ("network.graphml", "firms_initial.csv", "cells.csv"):
        assert (out / name).is_file()
    cells = pd.read_csv(out / "cells.csv")
    assert cells["firms"].sum() == 9


def test_describe_reports_the_economy():
    result = CliRunner().invoke(app, ["economy", "describe"])
    assert result.exit_code == 0, result.output
    assert "firms: 13,126" in result.output
    assert "provinces: 31   sectors: 28 (4 mining, 24 manufacturing)" in result.output
    assert "Leontief residual" in result.output
