"""Every lever of ``[policy]`` changes the state it names, in the right direction, and no other cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import cells, scenario, sector, write_folder
from test_shocks import _series, import_economy
from typer.testing import CliRunner

import sim
from analysis.cli import app

NO_INVEST = {"investment_response": 0.0}


def idle_economy(tmp_path, name="idle"):
    """Two unlinked sectors R and S with idle capacity: peak 1.5, installed 2 (latent demand to the peak)."""
    return write_folder(
        tmp_path / name,
        sectors=[sector("R"), sector("S")],
        coefficients=[("S", "S", 0.0)],
        demand={("P1", "R"): 100.0, ("P1", "S"): 100.0},
        capacity={("P1", "R"): (2.0, 1.5), ("P1", "S"): (2.0, 1.5)},
    )


def test_recovery_support_speeds_recovery_of_named_cells_only(tmp_path):
    folder = idle_economy(tmp_path)
    operable = {}
    for factor in (1.0, 2.0, 4.0):
        policy = {"recovery_support": [{"sectors": ["R"], "factor": factor, "start": 1, "end": 12}]}
        res = sim.run(scenario(folder, horizon=12, policy=policy, parameters=NO_INVEST))
        operable[factor] = _series(res, "operable_capacity", "R", range(13))
        np.testing.assert_allclose(
            _series(res, "operable_capacity", "S", range(13)),
            _series(sim.run(scenario(folder, horizon=12, parameters=NO_INVEST)), "operable_capacity", "S", range(13)),
        )
    # Month 1: K_op = x0 + (1 - (1 - rho) ** factor) (K* - x0), K* = peak = 150.
    for factor, path in operable.items():
        assert path[1] == pytest.approx(100.0 + (1.0 - 0.975**factor) * 50.0, rel=1e-9)
    assert (operable[4.0][1:] > operable[2.0][1:]).all() and (operable[2.0][1:] > operable[1.0][1:]).all()


def guarantee_economy(tmp_path):
    return write_folder(
        tmp_path / "guar",
        sectors=[sector("G"), sector("H")],
        coefficients=[("H", "H", 0.0)],
        demand={("P1", "G"): 100.0, ("P1", "H"): 100.0},
    )


@pytest.mark.parametrize("share", [0.6, 0.8, 0.9])
def test_market_guarantee_floors_demand_at_its_share_of_normal_sales(tmp_path, share):
    folder = guarantee_economy(tmp_path)
    shock = [{"kind": "demand", "change": -0.5}]
    policy = {"market_guarantee": [{"sectors": ["G"], "share": share, "start": 2, "end": 4}]}
    res = sim.run(scenario(folder, horizon=6, shock=shock, policy=policy, parameters=NO_INVEST))
    g, h = _series(res, "output", "G", range(1, 7)), _series(res, "output", "H", range(1, 7))
    np.testing.assert_allclose(g, [50.0, 100 * share, 100 * share, 100 * share, 50.0, 50.0], rtol=1e-12)
    np.testing.assert_allclose(h, 50.0)


def test_market_guarantee_lifts_the_uncertainty_brake(tmp_path):
    folder = guarantee_economy(tmp_path)
    shock = [{"kind": "demand", "change": 0.5}]
    stoch = {"regime_start_high": True, "regime_exit": 0.0}
    params = {"gestation_months": 3, "uncertainty_brake": 0.8}
    built = {}
    for share in (0.0, 0.5, 1.0):
        policy = {"market_guarantee": [{"sectors": ["G"], "share": share}]}
        res = sim.run(scenario(folder, horizon=18, shock=shock, stochastic=stoch, policy=policy, parameters=params))
        cap = _series(res, "installed_capacity", "G", (0, 18))
        built[share] = cap[1] - cap[0]
        other = _series(res, "installed_capacity", "H", (0, 18))
        built.setdefault("H", other[1] - other[0])
        assert other[1] - other[0] == pytest.approx(built["H"], rel=1e-12)
    assert built[0.0] < built[0.5] < built[1.0]
    calm = sim.run(scenario(folder, horizon=18, shock=shock, parameters=params))
    cap = _series(calm, "installed_capacity", "G", (0, 18))
    assert built[1.0] == pytest.approx(cap[1] - cap[0], rel=1e-12)


def test_missing_link_project_adds_capacity_after_gestation_and_covers_imports(tmp_path):
    """U is a missing link; B needs 0.1 of imported U per unit (M_U = 10 a month). A plant of
    capacity 0.5 x U's output (30) = 15 covers all of it: r = min(1, 15 / 10) = 1."""
    shock = [{"kind": "import", "sectors": ["B"], "availability": 0.5}]
    project = {"missing_link_projects": [{"sector": "U", "province": "P1", "capacity": 0.5, "gestation_months": 3}]}
    without = sim.run(scenario(import_economy(tmp_path, True, name="a"), horizon=10, shock=shock))
    with_ = sim.run(scenario(import_economy(tmp_path, True, name="b"), horizon=10, shock=shock, policy=project))
    cap_with = _series(with_, "installed_capacity", "U", range(11))
    cap_without = _series(without, "installed_capacity", "U", range(11))
    np.testing.assert_allclose(cap_with[:4], cap_without[:4], rtol=1e-12)
    assert cap_with[4] - cap_without[4] == pytest.approx(15.0, rel=1e-9)
    x_with, x_without = _series(with_, "output", "B", range(1, 11)), _series(without, "output", "B", range(1, 11))
    np.testing.assert_allclose(x_without, 50.0, rtol=1e-9)
    np.testing.assert_allclose(x_with[:3], 50.0, rtol=1e-9)
    assert (x_with[4:] > 90.0).all()
    # The plant sells the imports it replaces: U's output rises by about M_U beyond the domestic use.
    assert cells(with_, 10, "output")["U"] > cells(without, 10, "output")["U"] + 8.0


@pytest.mark.parametrize("amount", [0.1, 0.2])
def test_investment_guidance_adds_capacity_and_output_where_directed(tmp_path, amount):
    folder = guarantee_economy(tmp_path)
    policy = {"investment_guidance": [{"sectors": ["G"], "amount": amount, "start": 2, "gestation_months": 4}]}
    res = sim.run(scenario(folder, horizon=24, policy=policy, parameters=NO_INVEST))
    cap = _series(res, "installed_capacity", "G", range(25))
    np.testing.assert_allclose(cap[:6], 100.0)
    assert cap[6] == pytest.approx(100.0 * (1 + amount), rel=1e-9)
    out = _series(res, "output", "G", range(25))
    np.testing.assert_allclose(out[:6], 100.0)
    assert out[-1] == pytest.approx(100.0 * (1 + amount), rel=1e-6)
    np.testing.assert_allclose(_series(res, "output", "H", range(25)), 100.0)


def rationing_economy(tmp_path):
    """Supplier S (short after a capacity loss) serves a needs buyer F and another buyer O equally."""
    return write_folder(
        tmp_path / "prio",
        sectors=[sector("S"), sector("F", needs="true"), sector("O")],
        coefficients=[("S", "F", 0.5), ("S", "O", 0.5)],
        demand={("P1", "S"): 0.0, ("P1", "F"): 100.0, ("P1", "O"): 100.0},
    )


def test_priority_rationing_serves_needs_first(tmp_path):
    folder = rationing_economy(tmp_path)
    shock = [{"kind": "capacity", "sectors": ["S"], "loss": 0.4}]
    runs = {}
    for rule in ("proportional", "priority"):
        res = sim.run(scenario(folder, horizon=12, shock=shock, policy={"rationing": rule}, parameters=NO_INVEST))
        runs[rule] = {s: _series(res, "output", s, range(1, 13)) for s in "FO"}
    np.testing.assert_allclose(runs["proportional"]["F"], runs["proportional"]["O"], rtol=1e-12)
    assert runs["priority"]["F"][-1] > runs["proportional"]["F"][-1] + 5.0
    assert runs["priority"]["O"][-1] < runs["proportional"]["O"][-1] - 5.0
    total = {rule: runs[rule]["F"][-1] + runs[rule]["O"][-1] for rule in runs}
    assert total["priority"] == pytest.approx(total["proportional"], rel=1e-6)  # S's output is shared, not lost
    order = {"rationing": "priority", "priority_order": ["other", "sensitive", "needs"]}
    res = sim.run(scenario(folder, horizon=12, shock=shock, policy=order, parameters=NO_INVEST))
    assert cells(res, 12, "output")["O"] > cells(res, 12, "output")["F"]


# --- targets ------------------------------------------------------------------------------------

TARGETS_SCENARIO = """
name = "t"
horizon_months = 12
[economy]
data = "default"
[policy]
targets = "{targets}"
"""


def _validate(tmp_path, targets, csv=None):
    if csv is not None:
        (tmp_path / "targets.csv").write_text(csv)
    path = tmp_path / "s.toml"
    path.write_text(TARGETS_SCENARIO.format(targets=targets))
    return CliRunner().invoke(app, ["validate", str(path)]), path


def test_user_targets_file_is_resolved_against_the_scenario(tmp_path):
    result, path = _validate(tmp_path, "targets.csv", "province,sector,target\nIR-23,10,0.08\n")
    assert result.exit_code == 0, result.output
    scen = sim.load_scenario(path)
    assert scen.targets_path == tmp_path / "targets.csv"
    assert pd.read_csv(scen.targets_path)["target"].tolist() == [0.08]
    assert sim.scenario_from_dict({}).targets_path is None


@pytest.mark.parametrize(
    ("targets", "csv", "message"),
    [
        ("nowhere.csv", None, "policy.targets: 'ministry' or an existing CSV file"),
        ("targets.csv", "province,sector,goal\nIR-23,10,0.08\n", "missing target"),
        ("targets.csv", "province,sector,target\nIR-99,10,0.08\n", "a province code"),
        ("targets.csv", "province,sector,target\nIR-23,99,0.08\n", "a sector code"),
        ("targets.csv", "province,sector,target\nIR-23,10,fast\n", "expected a number"),
    ],
)
def test_bad_targets_file_is_one_line_exit_2(tmp_path, targets, csv, message):
    result, _ = _validate(tmp_path, targets, csv)
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], result.output
