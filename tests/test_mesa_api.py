"""The Mesa interface: GrowthModel from a path with overrides, its DataCollector, mesa.batch_run,
agents by type, and the labelled views of a run (by province, by sector, the xarray cube)."""

from __future__ import annotations

import mesa
import numpy as np
import pytest
from helpers import sector, write_folder

import sim
from sim.economy.calendar import month_labels
from sim.engine.model import FirmAgent, ProvinceAgent

PROVINCES = [
    {"code": "IR-23", "name": "Tehran", "population": 1000, "region": "Centre"},
    {"code": "IR-10", "name": "Isfahan", "population": 500, "region": "Centre"},
]


@pytest.fixture(scope="module")
def scenario_file(tmp_path_factory):
    """Two provinces, two sectors (Isfahan has no firms in sector 29), idle capacity to recover; 8 months."""
    tmp = tmp_path_factory.mktemp("mesa_api")
    folder = write_folder(
        tmp / "econ",
        sectors=[sector("24", labour_per_output=0.01), sector("29", kind="mining")],
        coefficients=[("24", "29", 0.3)],
        demand={("IR-23", "24"): 50.0, ("IR-23", "29"): 100.0, ("IR-10", "24"): 80.0},
        provinces=PROVINCES,
        capacity={("IR-23", "24"): (1.5, 1.3), ("IR-23", "29"): (1.5, 1.2), ("IR-10", "24"): (1.5, 1.4)},
        firms={("IR-23", "24"): 3, ("IR-23", "29"): 2, ("IR-10", "24"): 4, ("IR-10", "29"): 0},
    )
    path = tmp / "small.toml"
    path.write_text(f'name = "small"\nhorizon_months = 8\n[economy]\ndata = "{folder}"\n', encoding="utf-8")
    return path


def test_growth_model_from_a_path_collects_what_run_records(scenario_file):
    model = sim.GrowthModel(scenario_file, seed=3)
    while model.running:
        model.step()
    frame = model.datacollector.get_model_vars_dataframe()
    results = sim.run(scenario_file, seed=3)
    assert len(frame) == 9  # month 0 and after each of 8 steps; the call past the horizon adds none
    assert frame["month"].tolist() == list(range(9))
    for column in ("output", "value_added", "idle_capacity", "employment", "unmet_demand"):
        np.testing.assert_allclose(frame[column].to_numpy(), results.national(column).to_numpy(), rtol=1e-13)
    assert frame["idle_capacity"].iloc[-1] < frame["idle_capacity"].iloc[0]


def test_parameter_overrides_are_checked_like_a_scenario_file(scenario_file):
    model = sim.GrowthModel(scenario_file, seed=0, agents=False, recovery_speed=0.1)
    assert model.scenario.parameters.recovery_speed == 0.1
    with pytest.raises(sim.InputError, match="no_such_parameter"):
        sim.GrowthModel(scenario_file, no_such_parameter=1.0)
    with pytest.raises(sim.InputError, match="recovery_speed"):
        sim.GrowthModel(scenario_file, recovery_speed=-1.0)
    with pytest.raises(TypeError, match="seed=... by name"):
        sim.GrowthModel(scenario_file, 5)


def test_batch_run_sweeps_seeds_and_parameters(scenario_file):
    rows = mesa.batch_run(
        sim.GrowthModel,
        {"scenario": str(scenario_file), "seed": [1, 2], "recovery_speed": [0.0, 0.1], "agents": False},
        display_progress=False,
    )
    assert len(rows) == 4
    month0 = sim.run(scenario_file, seed=1).national("output").iloc[0]
    for row in rows:
        assert row["Step"] == 8 and row["month"] == 8.0  # the last row is the last month
        if row["recovery_speed"] == 0.0:
            # Nothing recovers and nothing is shocked: the month-0 equilibrium holds.
            assert row["output"] == pytest.approx(month0, rel=1e-9)
        else:
            assert row["output"] > month0 * 1.01
    # batch_run's row equals the pure run of the same scenario, seed and parameter.
    fast = next(r for r in rows if r["seed"] == 2 and r["recovery_speed"] == 0.1)
    scenario = sim.load_scenario(scenario_file)
    changed = scenario.model_copy(update={"parameters": scenario.parameters.model_copy(update={"recovery_speed": 0.1})})
    assert fast["value_added"] == pytest.approx(sim.run(changed, seed=2).national("value_added").iloc[-1], rel=1e-13)


def test_agents_by_type_and_opt_in_agent_reporters(scenario_file):
    model = sim.GrowthModel(scenario_file, seed=0, agent_reporters=True)
    firms, provinces = model.agents_by_type[FirmAgent], model.agents_by_type[ProvinceAgent]
    assert len(firms) == 9 and len(provinces) == 2
    assert sorted({a.province for a in firms}) == ["IR-10", "IR-23"]
    model.step()
    assert firms.agg("output", sum) == pytest.approx(model.datacollector.model_vars["output"][-1], rel=1e-12)
    agents = model.datacollector.get_agent_vars_dataframe()
    assert len(agents) == 2 * 11  # every agent at month 0 and month 1
    last = agents.xs(1, level="Step")
    assert (last["kind"] == "firm").sum() == 9 and last.loc[last["kind"] == "province", "sector"].isna().all()
    by_kind = last.groupby("kind")["output"].sum()
    assert by_kind["firm"] == pytest.approx(by_kind["province"], rel=1e-12)
    with pytest.raises(TypeError, match="needs agents"):
        sim.GrowthModel(scenario_file, agents=False, agent_reporters=True)


def test_by_province_by_sector_and_the_cube_match_firm_rows(scenario_file):
    results = sim.run(scenario_file, seed=4, record_firms=True)
    firms = results.firms
    by_hand = firms.groupby(["month", "province"], observed=True)["output"].sum().unstack()
    province = results.by_province("output")
    assert list(province.columns) == ["IR-23", "IR-10"]
    np.testing.assert_allclose(province[["IR-23", "IR-10"]].to_numpy(), by_hand[["IR-23", "IR-10"]].to_numpy())
    sector_table = results.by_sector("employment")
    by_sector = firms.groupby(["month", "sector"], observed=True)["employment"].sum().unstack()
    np.testing.assert_allclose(sector_table[["24", "29"]].to_numpy(), by_sector[["24", "29"]].to_numpy())
    with pytest.raises(KeyError, match="share or mean"):
        results.by_province("output_bound_by_demand")

    cube = results.to_xarray()
    assert dict(cube.sizes) == {"month": 9, "province": 2, "sector": 2}
    cell = firms[(firms["province"] == "IR-10") & (firms["sector"] == "24")].groupby("month")["output"].sum()
    np.testing.assert_allclose(cube["output"].sel(province="IR-10", sector="24").to_numpy(), cell.to_numpy())
    # Isfahan has no firms in 29: zero output, no share of it limited by anything.
    assert (cube["output"].sel(province="IR-10", sector="29") == 0).all()
    assert cube["output_bound_by_demand"].sel(province="IR-10", sector="29").isnull().all()
    assert cube["province_name"].sel(province="IR-10").item() == "Isfahan"
    assert cube["sector_kind"].sel(sector="29").item() == "mining"
    assert cube["output"].attrs["units"] == "billion rials a month at base prices"
    assert cube["employment"].attrs["units"] == "workers"
    # No dated history: month 1 is April (the default first calendar month) of year 1.
    assert cube["calendar_month"].to_numpy().tolist()[:3] == ["Mar y0", "Apr y1", "May y1"]


def test_month_labels_by_hand():
    history = ["2021-01", "2021-02", "2021-03"]
    assert month_labels([0, 1, 10, 13], history, 4) == ["Mar 2021", "Apr 2021", "Jan 2022", "Apr 2022"]
    assert month_labels([0, 1, 12, 13], [], 1) == ["Dec y0", "Jan y1", "Dec y1", "Jan y2"]
