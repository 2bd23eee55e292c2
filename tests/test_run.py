"""One run end to end: outputs on disk, provenance, and the baseline's behaviour."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from helpers import cells, scenario, sector, write_folder
from typer.testing import CliRunner

import sim
from analysis.cli import app
from sim.engine.record import CELL_COLUMNS

REQUIRED = [
    "month", "province", "sector", "output", "value_added", "installed_capacity", "operable_capacity",
    "peak_output", "idle_capacity", "employment", "final_demand", "unmet_demand",
]  # fmt: skip


@pytest.fixture(scope="module")
def baseline():
    return sim.run(sim.load_scenario("scenarios/baseline.toml"), seed=0)


def test_run_writes_trajectories_firms_and_manifest(tmp_path):
    out = tmp_path / "run"
    sc = tmp_path / "short.toml"
    sc.write_text('name = "short"\nhorizon_months = 3\n[economy]\ndata = "default"\n')
    result = CliRunner().invoke(app, ["run", str(sc), "--seed", "5", "--out", str(out), "--firms"])
    assert result.exit_code == 0, result.output
    traj = pd.read_parquet(out / "trajectories.parquet")
    assert set(REQUIRED) <= set(traj.columns)
    assert sorted(traj["month"].unique()) == [0, 1, 2, 3]
    assert len(traj) == 4 * 765
    firms = pd.read_parquet(out / "firms.parquet")
    assert len(firms) == 4 * 13_126
    # Firm rows add up to the cell rows.
    by_cell = firms.groupby(["month", "province", "sector"])["output"].sum()
    np.testing.assert_allclose(
        by_cell.to_numpy(), traj.set_index(["month", "province", "sector"])["output"].loc[by_cell.index]
    )
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["seed"] == 5
    assert manifest["scenario"]["name"] == "short" and manifest["scenario"]["horizon_months"] == 3
    for key in ("growthsim", "python", "numpy", "mesa", "wall_time_seconds", "git_commit"):
        assert key in manifest
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".run-")]  # no temp left behind


def test_run_without_out_prints_growth_table(tmp_path):
    sc = tmp_path / "short.toml"
    sc.write_text('name = "short"\nhorizon_months = 12\n[economy]\ndata = "default"\n')
    result = CliRunner().invoke(app, ["run", str(sc)])
    assert result.exit_code == 0, result.output
    assert "nation" in result.output and "IR-23 Tehran" in result.output and "growth/yr" in result.output


def test_baseline_recovers_idle_capacity_gradually(baseline):
    national = baseline.trajectories.groupby("month")[list(CELL_COLUMNS)].sum()
    output, idle = national["output"], national["idle_capacity"]
    assert output.iloc[-1] > 1.1 * output.iloc[0]  # output rises toward the peaks
    assert idle.iloc[-1] < 0.5 * idle.iloc[0]  # idle capacity is brought back into use
    monthly = output.pct_change().dropna()
    assert monthly.max() < 0.02  # gradually: no month jumps by 2% or more
    assert (monthly > -1e-3).mean() > 0.95
    assert (output <= national["peak_output"] * (1 + 1e-9)).all()
    values = baseline.trajectories.select_dtypes("number").to_numpy()
    assert np.isfinite(values).all() and (values >= -1e-9).all()  # nothing negative, no NaN
    employment = national["employment"]
    assert employment.iloc[-1] > employment.iloc[0]


def test_output_is_split_by_binding_constraint_and_lost_output_is_attributed(baseline):
    t = baseline.trajectories
    made = t[[c for c in t.columns if c.startswith("output_bound_by_")]].sum(axis=1)
    np.testing.assert_allclose(made, t["output"], rtol=1e-12)
    lost = t[[c for c in t.columns if c.startswith("output_lost_to_")]]
    assert (lost.to_numpy() >= 0).all()
    # Potential minus actual is all attributed, but for firms meeting their plan within 1e-9.
    gap = t["potential_output"] - t["output"]
    np.testing.assert_allclose(lost.sum(axis=1), gap, rtol=1e-9, atol=1e-9 * t["output"].max())


def test_mesa_agents_are_views_of_the_arrays():
    sc = sim.load_scenario("scenarios/baseline.toml").with_changes(horizon_months=2)
    model = sim.GrowthModel(sc, sim.world_for(sc), seed=0, agents=True)
    model.step()
    firms = model.agents.select(agent_type=sim.engine.model.FirmAgent)
    assert len(firms) == 13_126
    assert firms.agg("output", sum) == pytest.approx(model.state.output.sum(), rel=1e-12)
    tehran = model.agents.select(lambda a: isinstance(a, sim.engine.model.ProvinceAgent) and a.code == "IR-23")
    assert tehran.agg("output", sum) == pytest.approx(firms.select(lambda f: f.province == "IR-23").agg("output", sum))
    model.release()


def test_priority_rationing_serves_needs_first(tmp_path):
    """Under priority rationing a short supplier fills the people's-needs buyer first."""
    folder = write_folder(
        tmp_path / "prio",
        sectors=[sector("S"), sector("N", needs="true"), sector("O")],
        coefficients=[("S", "N", 0.5), ("S", "O", 0.5)],
        demand={("P1", "N"): 60.0, ("P1", "O"): 40.0, ("P1", "S"): 0.0},
    )
    shock = [{"kind": "capacity", "sectors": ["S"], "loss": 0.2}]
    runs = {
        mode: sim.run(scenario(folder, horizon=1, shock=shock, policy={"rationing": mode}))
        for mode in ("proportional", "priority")
    }

    def received(results):
        stock0, stock1 = cells(results, 0, "input_stock"), cells(results, 1, "input_stock")
        return (stock1 - stock0 + 0.5 * cells(results, 1, "output"))[["N", "O"]].to_numpy()

    np.testing.assert_allclose(received(runs["proportional"]), [24.0, 16.0])  # 40 of 50 ordered, pro rata
    np.testing.assert_allclose(received(runs["priority"]), [30.0, 10.0])  # needs in full, the rest after


def test_accounting_violation_names_phase_and_firm():
    """A broken state (a negative stock) raises AccountingError naming the phase and the firm."""
    sc = sim.load_scenario("scenarios/baseline.toml").with_changes(horizon_months=2)
    model = sim.GrowthModel(sc, sim.world_for(sc), seed=0, agents=False)
    pair = 10
    firm = int(model.world.network.pair_buyer[pair])
    model.state.stock[pair] = -1e6
    with pytest.raises(sim.AccountingError) as error:
        model.step()
    assert error.value.phase in ("production", "inventories")
    assert error.value.firm == firm
    assert f"firm {firm}" in str(error.value)
    model.release()


def test_priority_does_not_serve_latent_demand_first(tmp_path):
    """A needs-class buyer's orders for winning back latent demand are served last.

    N (people's needs) has idle capacity (peak 3x) and recovers it at once; in month 3 its order
    of 46.67 serves current demand for a third (c = 20/60) and latent demand for the rest. O
    (sensitive) orders 30 for current demand. The supplier makes 40 of the 76.67 ordered: every
    order first gets the floor f = 0.5 * 40 / 76.67; of the remaining 20, N's current part takes
    what it still lacks, O's order comes next, N's latent part last (it keeps the floor). Were
    N's whole order in the needs class, it would take all 20 and O would keep only the floor.
    """
    folder = write_folder(
        tmp_path / "latent",
        sectors=[sector("S"), sector("N", needs="true"), sector("O", sensitive="true")],
        coefficients=[("S", "N", 0.5), ("S", "O", 0.5)],
        demand={("P1", "N"): 20.0, ("P1", "O"): 60.0, ("P1", "S"): 0.0},
        capacity={("P1", "N"): (3.0, 3.0), ("P1", "O"): (1.0, 1.0), ("P1", "S"): (1.0, 1.0)},
    )
    sc = scenario(folder, horizon=3, policy={"rationing": "priority"}, parameters={"recovery_speed": 1.0})
    model = sim.GrowthModel(sc, sim.world_for(sc), seed=0, agents=False)
    for _ in range(3):
        orders, current = model.state.orders.copy(), model.state.current_share.copy()
        model.step()
    (order_n, order_o), c = orders, current[1]
    np.testing.assert_allclose([order_n, order_o, c], [46.0 + 2.0 / 3.0, 30.0, 1.0 / 3.0], rtol=1e-12)
    f = 0.5 * 40.0 / (order_n + order_o)
    remaining = 40.0 - f * (order_n + order_o)
    n_current = min(remaining, (1 - f) * c * order_n)  # needs: N's current part, in full here
    o_extra = min(remaining - n_current, (1 - f) * order_o)  # sensitive: O
    expected_n = c * order_n * (f + n_current / (c * order_n)) + (1 - c) * order_n * f
    expected_o = order_o * (f + o_extra / order_o)
    np.testing.assert_allclose(model.state.received, [expected_n, expected_o], rtol=1e-12)
    assert model.state.received[1] > 2.0 * f * order_o  # O gets well above the floor it would keep
    model.release()


def test_run_out_refuses_an_earlier_run_unless_overwrite(tmp_path):
    sc = tmp_path / "short.toml"
    sc.write_text('name = "short"\nhorizon_months = 2\n[economy]\ndata = "default"\n')
    out = tmp_path / "run"
    runner = CliRunner()
    assert runner.invoke(app, ["run", str(sc), "--seed", "1", "--out", str(out), "--firms"]).exit_code == 0
    before = (out / "manifest.json").read_text()
    refused = runner.invoke(app, ["run", str(sc), "--seed", "2", "--out", str(out)])
    assert refused.exit_code == 2
    assert refused.output.strip().splitlines() == [
        f"error: {out}: --out: a new folder: it holds an earlier run; pass --overwrite to replace it"
    ]
    assert (out / "manifest.json").read_text() == before  # untouched
    # --overwrite replaces the run and removes the earlier run's firm rows, which this run does not write.
    done = runner.invoke(app, ["run", str(sc), "--seed", "2", "--out", str(out), "--overwrite"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json", "trajectories.parquet"]
    assert json.loads((out / "manifest.json").read_text())["seed"] == 2
    # A file where the folder should be: one line, exit 2.
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = runner.invoke(app, ["run", str(sc), "--out", str(afile)])
    assert result.exit_code == 2
    assert (
        result.output.strip()
        == f"error: {afile}: --out: a folder to write into (new or existing), got an existing file"
    )
