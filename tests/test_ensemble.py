"""Ensembles (sim.run_ensemble) equal runs alone (sim.run), bit for bit, run by run."""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from helpers import scenario, sector, write_folder

import sim
from sim.engine.ensemble import EnsembleModel, run_generator
from sim.kernels import fused
from sim.scenario import scenario_from_dict

SEEDS = np.random.SeedSequence(20261202).spawn(3)


def library(name: str, horizon: int | None = None, **changes) -> sim.Scenario:
    """A library scenario, optionally shortened (the shocks that matter start early)."""
    data = tomllib.loads(Path(f"scenarios/{name}.toml").read_text(encoding="utf-8"))
    if horizon is not None:  # shorter: shocks and levers cut at the horizon
        data["horizon_months"] = horizon
        levers = [v for lever in data.get("policy", {}).values() if isinstance(lever, list) for v in lever]
        for table in [*data.get("shock", []), *(v for v in levers if isinstance(v, dict))]:
            if table.get("end") is not None:
                table["end"] = min(table["end"], horizon)
            if table.get("start", 0) > horizon:
                table["start"] = horizon
    data.update(changes)
    return scenario_from_dict(data, source=f"scenarios/{name}.toml")


def assert_runs_equal(sc: sim.Scenario, seeds) -> sim.EnsembleResults:
    ensemble = sim.run_ensemble(sc, seeds)
    assert len(ensemble) == len(seeds)
    for r, seed in enumerate(seeds):
        alone = sim.run(sc, seed).trajectories
        together = ensemble[r].trajectories
        pd.testing.assert_frame_equal(together, alone, check_exact=True)
    return ensemble


@pytest.mark.parametrize(
    ("name", "horizon"),
    [
        ("combined_stress", 30),  # imports, fx, energy seasons, every random part, regime switching
        ("priority_rationing", 30),  # the class products and the priority fill
        ("market_guarantees", 24),  # guarantees and the uncertainty brake run by run
        ("guided_investment", 30),  # capacity and markets built by policy
        ("missing_links_closed", 30),  # import cover by projects
    ],
)
def test_library_scenarios_equal_runs_alone(name, horizon):
    assert_runs_equal(library(name, horizon), SEEDS)


def test_numpy_rules_of_an_ensemble_equal_runs_alone(monkeypatch):
    """Without the compiled loops (sim/kernels/fused.py off) the phases' numpy rules on (R, P) arrays."""
    monkeypatch.setattr(fused, "USE_NUMBA", False)
    assert_runs_equal(library("combined_stress", 30), SEEDS)


def test_full_horizon_stochastic_run_equals_run_alone():
    sc = library("baseline")
    sc = scenario_from_dict(
        {**sc.model_dump(mode="json", exclude={"path"}), "stochastic": {"productivity_sigma": 0.02}},
        source="noise",
    )
    ensemble = assert_runs_equal(sc, SEEDS[:2])
    paths = ensemble.national()
    assert paths.shape == (61, 2)
    assert not np.allclose(paths[0], paths[1])  # different seeds, different paths


def _small(tmp_path, firms_per_cell: int):
    folder = write_folder(
        tmp_path / f"eco{firms_per_cell}",
        [sector("A"), sector("B", import_share=0.1), sector("C")],
        [("A", "B", 0.3, True), ("B", "C", 0.2, False), ("C", "A", 0.1, True), ("A", "C", 0.15, False)],
        {("P1", "A"): 10.0, ("P1", "B"): 6.0, ("P1", "C"): 8.0, ("P2", "A"): 4.0, ("P2", "C"): 3.0},
        provinces=[{"code": "P1", "name": "One", "population": 1000}, {"code": "P2", "name": "Two", "population": 500}],
        capacity={
            ("P1", "A"): (1.5, 1.3),
            ("P1", "B"): (1.4, 1.2),
            ("P1", "C"): (1.6, 1.1),
            ("P2", "A"): (1.5, 1.4),
            ("P2", "C"): (1.3, 1.2),
        },
        firms={cell: firms_per_cell for cell in [("P1", "A"), ("P1", "B"), ("P1", "C"), ("P2", "A"), ("P2", "C")]},
    )
    return folder


def test_long_run_half_steps_one_firm_a_cell(tmp_path):
    """Beyond the 10-year window (ring buffer), half-month steps, one firm a cell (the recorder's other branch)."""
    sc = scenario(
        _small(tmp_path, 1),
        horizon=130,
        parameters={"step_months": 0.5},
        stochastic={"productivity_sigma": 0.05, "outage_rate": 0.1, "regime_enter": 0.2, "regime_exit": 0.3},
        shock=[{"kind": "capacity", "sectors": ["A"], "start": 2, "end": 5, "loss": 0.4, "recovery_months": 6}],
    )
    assert_runs_equal(sc, SEEDS)


def test_many_firms_a_cell_with_correlated_shocks_by_sector(tmp_path):
    sc = scenario(
        _small(tmp_path, 12),
        horizon=40,
        stochastic={"correlated_sigma": 0.03, "correlated_by": "sector", "regime_start_high": True, "regime_exit": 0.1},
        shock=[{"kind": "import", "start": 3, "end": 20, "availability": 0.7}],
        policy={"rationing": "priority", "priority_order": ["other", "needs", "sensitive"]},
    )
    assert_runs_equal(sc, SEEDS)


def test_one_run_ensemble_and_the_same_seed_twice():
    sc = library("combined_stress", 12)
    ensemble = sim.run_ensemble(sc, [5, 5, 6])
    first, second, third = (r.trajectories for r in ensemble.split())
    pd.testing.assert_frame_equal(first, second, check_exact=True)
    assert not first["output"].equals(third["output"])
    assert ensemble[1].seed == 5 and ensemble[-1].seed == 6
    assert ensemble[0].manifest["ensemble"] == {
        "runs": 3,
        "run": 0,
        "wall_time_seconds": ensemble[0].manifest["ensemble"]["wall_time_seconds"],
    }
    single = sim.run_ensemble(sc, [7])
    pd.testing.assert_frame_equal(single[0].trajectories, sim.run(sc, 7).trajectories, check_exact=True)


def test_stacked_trajectories_and_national_paths():
    sc = library("combined_stress", 6)
    ensemble = sim.run_ensemble(sc, SEEDS[:2])
    stacked = ensemble.trajectories()
    assert list(stacked.columns[:4]) == ["run", "month", "province", "sector"]
    for r in range(2):
        part = stacked[stacked["run"] == r].drop(columns="run").reset_index(drop=True)
        pd.testing.assert_frame_equal(part, ensemble[r].trajectories, check_exact=True)
        # The national path is the sum of the run's cells (independent of the cube's layout).
        by_month = ensemble[r].trajectories.groupby("month")["value_added"].sum()
        np.testing.assert_allclose(ensemble.national()[r].to_numpy(), by_month.to_numpy(), rtol=1e-12)


def test_generators_continue_where_mesa_left_them():
    """``GrowthModel``'s generator and ``run_generator`` give the same next draws."""
    sc = library("baseline", 1)
    model = sim.GrowthModel(sc, sim.world_for(sc), seed=11, agents=False)
    model.release()
    assert model.rng.random() == run_generator(11).random()


def test_ensemble_needs_seeds():
    sc = library("baseline", 1)
    with pytest.raises(ValueError, match="at least one seed"):
        EnsembleModel(sc, sim.world_for(sc), [])
    with pytest.raises(IndexError):
        sim.run_ensemble(sc, [1])[1]


def test_readme_example_runs():
    """The README's ``run_ensemble`` example, as written (its scenario shortened to 3 months)."""
    import re

    text = Path("README.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "run_ensemble" in b)
    short = library("combined_stress", 3)
    scope = {"sim": sim}
    exec(block.replace('"scenarios/combined_stress.toml"', "short"), {**scope, "short": short}, scope)
    pd.testing.assert_frame_equal(scope["ensemble"][2].trajectories, sim.run(short, 2).trajectories, check_exact=True)
    assert scope["ensemble"].national("value_added").shape == (4, 4) and len(scope["runs"]) == 4


@pytest.mark.parametrize("compiled", [True, False], ids=["numba", "numpy"])
@pytest.mark.parametrize("rationing", ["proportional", "priority"])
def test_rerouting_run_by_run(tmp_path, rationing, compiled, monkeypatch):
    """Random outages move each run's orders at its own times (sim/engine/reroute_runs.py): runs
    start re-routing at different steps, one goes back to its base shares while others stay off
    them, and every run equals its run alone at every step; with the compiled loops of ensembles
    (sim/kernels/fused.py, routes.py) and with the numpy rules they replace."""
    monkeypatch.setattr(fused, "USE_NUMBA", compiled)
    sc = scenario(
        _small(tmp_path, 4),
        horizon=36,
        stochastic={"outage_rate": 0.02, "outage_loss": 0.8, "outage_months": 2},
        policy={"rationing": rationing},
    )
    world = sim.world_for(sc)
    assert world.network.route_of_pair.nnz > world.network.n_pairs  # standby links to move orders to
    together = EnsembleModel(sc, world, SEEDS)
    alone = [sim.GrowthModel(sc, world, seed, agents=False) for seed in SEEDS]
    off_base, started = [], []
    try:
        while together.running:
            together.step()
            for r, model in enumerate(alone):
                model.step()
                for name in ("output", "orders", "received", "stock", "reliability"):
                    np.testing.assert_array_equal(getattr(together.state, name)[r], getattr(model.state, name))
            off_base.append(set(together.state.routing.off_base))
            started.append({r for r, routing in enumerate(together.state.routing.runs) if routing is not None})
    finally:
        for model in alone:
            model.release()
    runs = set(range(len(SEEDS)))
    assert any(set() < now < runs for now in off_base)  # some runs re-routed, others not
    assert any(before < now for before, now in itertools.pairwise(started))  # a run started later
    assert any(before - now for before, now in itertools.pairwise(off_base))  # a run back at base


def _stock_check_error(compiled: bool, monkeypatch) -> str:
    from sim.engine.phases import inventories
    from sim.errors import AccountingError

    monkeypatch.setattr(fused, "USE_NUMBA", compiled)
    sc = library("baseline", 3)
    model = EnsembleModel(sc, sim.world_for(sc), SEEDS[:2])
    model.step()
    state = model.state
    state.received[1, 7] = -1e9  # run 1's line 7 falls far below zero, its line 9 to NaN
    state.received[1, 9] = np.nan
    with pytest.raises(AccountingError) as failed:
        inventories(state, model.plan, None)
    assert failed.value.phase == "inventories" and failed.value.firm == int(model.plan.lines.buyer[7])
    return str(failed.value)


def test_a_stock_that_fails_its_check_raises_the_numpy_rules_error(monkeypatch):
    """The compiled stock update (sim.kernels.fused.orders) checks the stocks as the numpy rule does."""
    message = _stock_check_error(True, monkeypatch)
    assert message == _stock_check_error(False, monkeypatch)
    assert "(pair 7)" in message and "stock = np.float64(-9999" in message
