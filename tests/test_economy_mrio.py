"""An economy from a pymrio IOSystem reproduces the table's national sector outputs."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import sim
from analysis.cli import app
from sim.economy.export import write_economy
from sim.economy.mrio import DEFAULT_PEAK_RATIO, economy_from_pymrio
from sim.economy.world import build_world
from sim.scenario.parameters import ModelParameters

pymrio = pytest.importorskip("pymrio", reason="pymrio is the optional 'mrio' extra")


def test_pymrio_test_system_round_trip(tmp_path):
    io = pymrio.load_test()
    io.calc_all()
    with pytest.warns(UserWarning, match="taken as manufacturing"):
        economy = economy_from_pymrio(io, mining=["mining"], foreign_regions=["reg6"])
    assert economy.n_provinces == 5 and economy.n_sectors == 8
    folder = write_economy(economy, tmp_path / "mrio")
    loaded = sim.load_economy(folder)  # passes every data-folder check
    world = build_world(loaded, ModelParameters(), seed=0)
    national = np.bincount(world.firms.sector, weights=world.output0, minlength=loaded.n_sectors)
    domestic = io.x.loc[[r for r in io.get_regions() if r != "reg6"]].groupby(level=1).sum()
    expected = domestic.reindex(loaded.sector_codes).to_numpy().ravel() / 12.0
    np.testing.assert_allclose(national, expected, rtol=1e-9)


def test_unknown_mining_sector_is_an_input_error():
    io = pymrio.load_test()
    io.calc_all()
    with pytest.raises(sim.InputError, match="sector names of the table"):
        economy_from_pymrio(io, mining=["coal"])


def _io():
    io = pymrio.load_test()
    io.calc_all()
    return io


def test_classification_keeps_other_sectors_out_of_the_economy_and_its_targets():
    io = _io()
    with pytest.warns(UserWarning, match="left out of the economy and its targets.*electricity") as caught:
        economy = economy_from_pymrio(
            io, mining=["mining"], manufacturing=["food", "manufactoring"], foreign_regions=["reg6"]
        )
    assert economy.sector_codes == ["food", "mining", "manufactoring"]
    assert economy.sectors.set_index("code")["kind"].to_dict() == {
        "food": "manufacturing",
        "mining": "mining",
        "manufactoring": "manufacturing",
    }
    # Supplies of the left-out sectors are other inputs: value added stays what the accounts say.
    assert (economy.value_added_share > 0).all() and (economy.sectors["other_inputs_share"] > 0).all()
    messages = " ".join(str(w.message) for w in caught)
    assert "no output history" in messages and "coordinates unknown" in messages
    # Without manufacturing=, every non-mining sector is manufacturing, and that is said.
    with pytest.warns(UserWarning, match="every sector not in mining is taken as manufacturing"):
        economy_from_pymrio(io, mining=["mining"])


def test_population_from_the_table_coordinates_given():
    io = _io()
    coordinates = {f"reg{i}": (30.0 + i, 50.0 + i) for i in range(1, 6)}
    with pytest.warns(UserWarning) as caught:
        economy = economy_from_pymrio(
            io, mining=["mining"], manufacturing=["food"], foreign_regions=["reg6"], coordinates=coordinates
        )
    provinces = economy.provinces.set_index("code")
    assert provinces.loc["reg2", "population"] == float(io.population["reg2"].iloc[0])
    assert (provinces.loc["reg3", "lat"], provinces.loc["reg3", "lon"]) == (33.0, 53.0)
    messages = " ".join(str(w.message) for w in caught)
    assert "population unknown" not in messages and "coordinates unknown" not in messages


def test_idle_capacity_from_a_history_or_the_stated_default():
    io = _io()
    regions = [f"reg{i}" for i in range(1, 6)]
    index = pd.MultiIndex.from_product([regions, ["food", "mining"]])
    # 12 periods: only the last 10 count. A peak of 150 in period 3 of 12 is outside the window.
    rows = np.tile([150.0, *([100.0] * 11)], (len(index), 1))
    rows[0, 5] = 130.0  # reg1 food: peak 130 in the window, last 100 -> 1.3
    rows[3, -1] = 80.0  # reg2 mining: last 80, window max 100 -> 1.25
    history = pd.DataFrame(rows, index=index)
    with pytest.warns(UserWarning):
        economy = economy_from_pymrio(
            io,
            mining=["mining"],
            manufacturing=["food", "manufactoring"],
            foreign_regions=["reg6"],
            output_history=history,
        )
    peak = pd.DataFrame(economy.peak_ratio, index=regions, columns=economy.sector_codes)
    assert peak.loc["reg1", "food"] == pytest.approx(1.3)
    assert peak.loc["reg2", "mining"] == pytest.approx(1.25)
    assert peak.loc["reg3", "food"] == pytest.approx(1.0)  # the old peak of 150 is more than 10 periods back
    assert (peak["manufactoring"] == DEFAULT_PEAK_RATIO).all()  # no history there: the stated default
    assert (economy.installed_ratio >= economy.peak_ratio).all()


def test_an_imported_economy_runs_with_growth_and_prints_no_nan(tmp_path):
    io = _io()
    with pytest.warns(UserWarning):
        economy = economy_from_pymrio(
            io, mining=["mining"], manufacturing=["food", "manufactoring"], foreign_regions=["reg6"]
        )
    for name in ("a", "final_demand", "installed_ratio", "peak_ratio"):
        assert np.isfinite(getattr(economy, name)).all()
    assert np.isfinite(economy.provinces[["population", "lat", "lon"]].to_numpy(float)).all()
    folder = write_economy(economy, tmp_path / "mrio")
    scenario = tmp_path / "mrio.toml"
    scenario.write_text(f'name = "mrio"\nhorizon_months = 24\n[economy]\ndata = "{folder}"\n', encoding="utf-8")
    result = CliRunner().invoke(app, ["targets", str(scenario)])
    assert result.exit_code == 0, result.output
    assert "nan" not in result.output.lower()
    national = sim.run(scenario, seed=0).national("value_added")
    assert national.iloc[-1] > national.iloc[0] * 1.01  # idle capacity comes back: the run is not flat
