"""The executable specification (tests/oracle/reference.py, object per firm) against the vectorised engine.

Both are built from the same world and seed and stepped side by side on a small economy
(2 provinces x 5 sectors x 3 firms a cell) with critical and half-critical inputs, imported
inputs of every kind (substitutable critical and soft, binding, a missing link), idle capacity and
latent demand. The scenarios are scenario files (TOML) that switch on every shock kind (demand,
capacity, import, fx, seasonal energy), every random shock (productivity noise, correlated
shocks, outages, the uncertainty regime) and every lever (priority rationing, recovery support,
market guarantees, missing-link projects, guided investment, export development); every firm and pair quantity must
agree to 1e-9 every step, and each run must show the features it switches on at work.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import sector, write_folder
from oracle.reference import ReferenceModel

import sim
from sim.engine.state import LIMIT_DEMAND, LIMIT_ENERGY, LIMIT_IMPORTS, LIMIT_INPUTS, LIMIT_READINESS

PROVINCES = [
    {"code": "P1", "name": "One", "population": 10, "lat": 35.0, "lon": 51.0},
    {"code": "P2", "name": "Two", "population": 20, "lat": 32.0, "lon": 48.0},
]
SECTORS = "ABCDE"
FIRM_FIELDS = (
    "output",
    "reliability",
    "planned",
    "desired",
    "potential",
    "demand",
    "final_demand",
    "delivered",
    "unmet",
    "latent_served",
    "finished_stock",
    "backlog",
    "installed",
    "operable",
    "capacity_factor",
    "energy",
    "import_availability",
    "productivity",
    "expected_demand",
    "idle_months",
    "peak",
    "employment",
    "limit",
    "new_latent",
)
PAIR_FIELDS = {"stock": "stock", "orders": "orders", "received": "received", "used": "used", "coef_now": "pair_coef"}

PARAMETERS = """
[parameters]
step_months = {step_months}
erosion_after_months = 2.0
erosion_threshold = 0.7
gestation_months = 2.0
maintenance_utilisation = 0.5
investment_response = 0.2
"""

SHOCKS_AND_NOISE = """
name = "shocks_and_noise"
horizon_months = 18
[economy]
data = "{data}"
[[shock]]
kind = "capacity"
sectors = ["B"]
provinces = ["P1"]
start = 2
end = 4
loss = 0.9
[[shock]]
kind = "capacity"
sectors = ["D"]
start = 3
end = 5
loss = 0.5
recovery_months = 4
[[shock]]
kind = "demand"
sectors = ["C"]
start = 6
change = 0.4
[[shock]]
kind = "demand"
sectors = ["A"]
start = 2
end = 9
change = -0.2
channel = "export"
[stochastic]
productivity_sigma = 0.05
productivity_rho = 0.8
[policy]
rationing = "{rationing}"
priority_order = ["sensitive", "needs", "other"]
[[policy.export_development]]      # A's export cut floored at 0.9 in months 3-8; access and learning
sectors = ["A", "C"]
provinces = ["P1"]
start = 3
end = 8
demand_growth = 0.8
ceiling = 1.3
guarantee = 0.9
learning_rate = 0.2
"""

IMPORTS_ENERGY_AND_BUILDING = """
name = "imports_energy_and_building"
horizon_months = 20
first_calendar_month = 5          # months 3-4 are July-August, month 8 December
[economy]
data = "{data}"
[[shock]]
kind = "import"
sectors = ["A", "B", "C"]
start = 3
end = 14
availability = 0.6
[[shock]]
kind = "fx"
provinces = ["P2"]
start = 4
end = 12
path = [1.3, 1.8, 2.4]
pass_through = 0.8
working_capital = 1.2
[[shock]]
kind = "energy"
carrier = "electricity"
energy_intensive_only = true
season = [7, 8]
availability = 0.6
[[shock]]
kind = "energy"
carrier = "gas"
sectors = ["C"]
provinces = ["P1"]
start = 5
season = [12]
availability = 0.7
[[shock]]
kind = "capacity"
sectors = ["B"]
provinces = ["P1"]
start = 2
end = 4
loss = 0.6
recovery_months = 3
[imports]
substitution_share = 0.6
substitution_months = 4
[policy]
rationing = "{rationing}"
[[policy.recovery_support]]
sectors = ["A", "C"]
factor = 3
start = 2
end = 15
[[policy.missing_link_projects]]
sector = "E"
province = "P2"
capacity = 0.5
start = 2
gestation_months = 4
[[policy.missing_link_projects]]   # covers all imports of D (r = 1) from month 8
sector = "D"
province = "P1"
capacity = 0.3
start = 6
gestation_months = 2
[[policy.investment_guidance]]
sectors = ["B"]
provinces = ["P2"]
amount = 0.2
start = 3
gestation_months = 5
"""

RANDOM_SHOCKS_AND_GUARANTEES = """
name = "random_shocks_and_guarantees"
horizon_months = 18
[economy]
data = "{data}"
[[shock]]
kind = "demand"
sectors = ["C"]
start = 3
end = 12
change = -0.3
channel = "domestic"
[[shock]]
kind = "capacity"
sectors = ["D"]
start = 2
end = 6
loss = 0.5
recovery_months = 3
[[shock]]
kind = "import"
sectors = ["A"]
start = 4
availability = 0.7
[stochastic]
productivity_sigma = 0.04
productivity_rho = 0.8
correlated_sigma = 0.03
correlated_rho = 0.6
correlated_by = "{correlated_by}"
outage_rate = 0.15
outage_months = 2
outage_loss = 0.7
regime_enter = 0.3
regime_exit = 0.3
regime_start_high = true
regime_volatility = 2.5
[policy]
rationing = "{rationing}"
priority_order = ["needs", "other", "sensitive"]
[[policy.market_guarantee]]
sectors = ["C"]
share = 0.9
start = 2
[[policy.market_guarantee]]
sectors = ["B"]
provinces = ["P2"]
share = 0.5
start = 5
end = 12
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """Five sectors in two provinces.

    Inputs: B's from D and A's from D are half-critical. Imports: B imports good A (critical,
    substitutable), A imports D (half-critical, substitutable) and E (not bought at home:
    binding), C imports D (critical, substitutable) and E (a missing link: binding). D is
    energy-intensive; A makes people's needs, B sensitive products. Idle capacity in A, C and E.
    """
    return write_folder(
        tmp_path_factory.mktemp("ref"),
        sectors=[
            sector("A", import_share=0.1, labour_per_output=0.5, export_share=0.2, needs="true"),
            sector("B", import_share=0.05, labour_per_output=0.3, sensitive="true", inventory_months=2.0),
            sector("C", import_share=0.05, labour_per_output=0.2),
            sector("D", kind="mining", labour_per_output=0.4, export_share=0.5, energy_intensive="true"),
            sector("E", labour_per_output=0.3, missing_link="true"),
        ],
        coefficients=[
            ("A", "B", 0.2, True, 0.03),
            ("D", "B", 0.15, False),
            ("B", "C", 0.3),
            ("C", "A", 0.1),
            ("D", "A", 0.2, False, 0.05),
            ("E", "A", 0.0, True, 0.04),
            ("A", "A", 0.05),
            ("D", "C", 0.1, True, 0.04),
            ("E", "C", 0.05, True, 0.01),
            ("D", "E", 0.1),
        ],
        demand={(p, s): 10.0 + 3 * i for i, (p, s) in enumerate((p, s) for p in ("P1", "P2") for s in SECTORS)},
        provinces=PROVINCES,
        capacity={
            ("P1", "A"): (1.5, 1.3),
            ("P2", "C"): (1.4, 1.2),
            ("P1", "B"): (1.1, 1.0),
            ("P2", "E"): (1.3, 1.1),
        },
        firms={(p, s): 3 for p in ("P1", "P2") for s in SECTORS},
    )


def _scenario(tmp_path, text: str, step_months: float = 1.0, **fill: str) -> sim.Scenario:
    """Write the scenario file and load it (the way a user switches the features on)."""
    path = tmp_path / "scenario.toml"
    path.write_text(text.format(**fill) + PARAMETERS.format(step_months=step_months), encoding="utf-8")
    return sim.load_scenario(path)


def _close(mine: np.ndarray, theirs: np.ndarray, what: str) -> None:
    scale = max(1.0, float(np.abs(theirs).max(initial=0.0)))
    np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9 * scale, err_msg=what)


def _compare(engine: sim.GrowthModel, reference: ReferenceModel, step: int) -> None:
    state = engine.state
    for name in FIRM_FIELDS:
        _close(reference.firm_values(name), getattr(state, name).astype(float), f"step {step}: {name}")
    cell = engine.world.firms.cell
    _close(reference.firm_values("substitution"), state.substitution[cell], f"step {step}: substitution")
    _close(np.array([f.pipeline for f in reference.firms]).T, state.pipeline, f"step {step}: pipeline")
    assert reference.high == state.random.high, f"step {step}: regime"
    for mine, theirs in PAIR_FIELDS.items():
        _close(reference.line_values(mine), getattr(state, theirs), f"step {step}: {mine}")
    _close(reference.cells[step], engine.recorder.cells[step], f"step {step}: cell records")


def _run_side_by_side(sc: sim.Scenario) -> dict[str, object]:
    """Step both models; return what the run went through (so a test can check it was not idle)."""
    world = sim.world_for(sc)
    engine = sim.GrowthModel(sc, world, seed=11, agents=False)
    reference = ReferenceModel(sc, world, seed=11)
    seen = {"limits": set(), "min_fill": 1.0, "max_substitution": 0.0, "high": set(), "outage": False}
    seen["guarantee_top_up"] = 0.0
    cell = world.firms.cell
    try:
        _compare(engine, reference, 0)
        for step in range(1, engine.n_steps + 1):
            engine.step()
            reference.step()
            _compare(engine, reference, step)
            s = engine.state
            seen["limits"] |= set(np.unique(s.limit).tolist())
            with np.errstate(divide="ignore", invalid="ignore"):
                fill = np.where(s.orders > 0, s.received / s.orders, 1.0)
            seen["min_fill"] = min(seen["min_fill"], float(fill.min()))
            seen["max_substitution"] = max(seen["max_substitution"], float(s.substitution.max()))
            seen["high"].add(s.random.high)
            seen["outage"] |= bool((s.random.outage_left > 0).any())
            if s.route_share.size:  # orders moved off the drawn suppliers' base shares (sim.engine.reroute)
                moved = float(np.abs(s.route_share - world.network.route_base).max())
                seen["rerouted"] = max(seen.get("rerouted", 0.0), moved)
            schedule = engine.plan.schedule
            shocked = world.final_domestic * schedule.demand_domestic[step][cell]
            shocked += world.final_export * schedule.demand_export[step][cell]
            top_up = float((s.final_demand - shocked).max())
            seen["guarantee_top_up"] = max(seen["guarantee_top_up"], top_up)
            exported = world.final_export * schedule.demand_export[step][cell]
            export_demand = s.final_demand - world.final_domestic * schedule.demand_domestic[step][cell]
            lift = np.divide(export_demand, exported, out=np.ones(cell.size), where=exported > 0)
            seen["export_lift"] = max(seen.get("export_lift", 1.0), float(lift.max()))
            learned = float((s.productivity / np.exp(s.log_productivity)).max())
            seen["learning"] = max(seen.get("learning", 1.0), learned)
        seen["installed"] = engine.state.installed / world.installed0
        seen["productivity_spread"] = float(np.ptp(engine.state.productivity))
    finally:
        engine.release()
        reference.release()
    return seen


@pytest.mark.parametrize("rationing", ["proportional", "priority"])
@pytest.mark.parametrize("step_months", [1.0, 0.5])
def test_reference_matches_engine(folder, tmp_path, rationing, step_months):
    """Capacity and demand shocks with productivity noise, at monthly and half-month steps."""
    sc = _scenario(tmp_path, SHOCKS_AND_NOISE, step_months, data=folder, rationing=rationing)
    seen = _run_side_by_side(sc)
    # The run exercised rationing and both demand- and capacity-bound firms (not a steady state).
    assert seen["min_fill"] < 0.95
    assert {LIMIT_DEMAND, LIMIT_READINESS} <= seen["limits"]
    assert seen["export_lift"] > 1.2  # export development: the guarantee over A's export cut, market access
    assert seen["learning"] > 1.05  # and learning by exporting
    assert seen["rerouted"] > 0.05  # buyers moved orders between suppliers


@pytest.mark.parametrize("rationing", ["proportional", "priority"])
def test_reference_matches_engine_under_imports_energy_and_building(folder, tmp_path, rationing):
    """Import and fx cuts with substitution, seasonal energy cuts, recovery support, plants built by policy."""
    sc = _scenario(tmp_path, IMPORTS_ENERGY_AND_BUILDING, data=folder, rationing=rationing)
    seen = _run_side_by_side(sc)
    assert {LIMIT_ENERGY, LIMIT_IMPORTS} <= seen["limits"]
    assert seen["max_substitution"] > 0.3  # buyers moved imports to domestic suppliers
    e_p2 = (sim.world_for(sc).firms.cell == 4 * 2 + 1).nonzero()[0]
    assert seen["installed"][e_p2].min() > 1.3  # the missing-link plant arrived in E, P2


@pytest.mark.parametrize("rationing", ["proportional", "priority"])
@pytest.mark.parametrize("correlated_by", ["province", "sector", "nation"])
def test_reference_matches_engine_under_random_shocks_and_guarantees(folder, tmp_path, rationing, correlated_by):
    """Noise, correlated shocks, outages and the uncertainty regime; market guarantees."""
    text = RANDOM_SHOCKS_AND_GUARANTEES
    sc = _scenario(tmp_path, text, data=folder, rationing=rationing, correlated_by=correlated_by)
    seen = _run_side_by_side(sc)
    assert seen["high"] == {True, False}  # the regime switched
    assert seen["outage"]
    assert seen["rerouted"] > 0.05
    assert seen["guarantee_top_up"] > 1.0  # the state bought what demand lacked
    assert seen["productivity_spread"] > 0.02
    assert {LIMIT_INPUTS, LIMIT_IMPORTS} & seen["limits"]
