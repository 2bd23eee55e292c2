"""The object-per-firm reference (benchmarks/reference.py) against the vectorised engine.

Both are built from the same world, schedule and seed and stepped side by side on a small
economy (2 provinces x 4 sectors x 3 firms a cell) with critical and half-critical inputs,
idle capacity and latent demand, demand and capacity shocks, productivity noise, erosion,
investment and depreciation; every firm and pair quantity must agree to 1e-9 every step.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scenario, sector, write_folder

import sim
from benchmarks.reference import ReferenceModel

PROVINCES = [
    {"code": "P1", "name": "One", "population": 10, "lat": 35.0, "lon": 51.0},
    {"code": "P2", "name": "Two", "population": 20, "lat": 32.0, "lon": 48.0},
]
SECTORS = "ABCD"
FIRM_FIELDS = {
    "output": "output",
    "planned": "planned",
    "desired": "desired",
    "demand": "demand",
    "unmet": "unmet",
    "latent_served": "latent_served",
    "finished_stock": "finished_stock",
    "installed": "installed",
    "operable": "operable",
    "productivity": "productivity",
    "expected_demand": "expected_demand",
    "idle_months": "idle_months",
    "peak": "peak",
    "employment": "employment",
    "limit": "limit",
}
PAIR_FIELDS = ("stock", "orders", "received", "used")


@pytest.fixture
def folder(tmp_path):
    """Four sectors in two provinces; B's input from D is half-critical; idle capacity in A and C."""
    return write_folder(
        tmp_path / "ref",
        sectors=[
            sector("A", import_share=0.1, labour_per_output=0.5, export_share=0.2, needs="true"),
            sector("B", labour_per_output=0.3, sensitive="true", inventory_months=2.0),
            sector("C", import_share=0.05, labour_per_output=0.2),
            sector("D", kind="mining", labour_per_output=0.4, export_share=0.5),
        ],
        coefficients=[
            ("A", "B", 0.2),
            ("D", "B", 0.15, False),
            ("B", "C", 0.3),
            ("C", "A", 0.1),
            ("D", "A", 0.2, False),
            ("A", "A", 0.05),
            ("D", "C", 0.1),
        ],
        demand={(p, s): 10.0 + 3 * i for i, (p, s) in enumerate((p, s) for p in ("P1", "P2") for s in SECTORS)},
        provinces=PROVINCES,
        capacity={("P1", "A"): (1.5, 1.3), ("P2", "C"): (1.4, 1.2), ("P1", "B"): (1.1, 1.0)},
        firms={(p, s): 3 for p in ("P1", "P2") for s in SECTORS},
    )


def _scenario(folder, rationing: str, step_months: float):
    return scenario(
        folder,
        horizon=18,
        shock=[
            {"kind": "capacity", "sectors": ["B"], "provinces": ["P1"], "start": 2, "end": 4, "loss": 0.9},
            {"kind": "capacity", "sectors": ["D"], "start": 3, "end": 5, "loss": 0.5, "recovery_months": 4},
            {"kind": "demand", "sectors": ["C"], "start": 6, "change": 0.4},
            {"kind": "demand", "sectors": ["A"], "start": 2, "end": 9, "change": -0.2, "channel": "export"},
        ],
        stochastic={"productivity_sigma": 0.05, "productivity_rho": 0.8},
        policy={"rationing": rationing, "priority_order": ["sensitive", "needs", "other"]},
        parameters={
            "step_months": step_months,
            "erosion_after_months": 2.0,
            "erosion_threshold": 0.7,
            "gestation_months": 2.0,
            "maintenance_utilisation": 0.5,
            "investment_response": 0.2,
        },
    )


def _compare(engine: sim.GrowthModel, reference: ReferenceModel, step: int) -> None:
    state = engine.state
    for attr, name in FIRM_FIELDS.items():
        mine, theirs = reference.firm_values(attr), getattr(state, name).astype(float)
        scale = max(1.0, float(np.abs(theirs).max()))
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9 * scale, err_msg=f"step {step}: {attr}")
    cells, theirs = reference.cells[step], engine.recorder.cells[step]
    np.testing.assert_allclose(cells, theirs, rtol=0, atol=1e-9 * max(1.0, float(np.abs(theirs).max())))
    for name in PAIR_FIELDS:
        mine, theirs = reference.line_values(name), getattr(state, name)
        scale = max(1.0, float(np.abs(theirs).max()))
        np.testing.assert_allclose(mine, theirs, rtol=0, atol=1e-9 * scale, err_msg=f"step {step}: {name}")


def _run_side_by_side(sc, edit_schedule=None) -> tuple[set[int], float]:
    world = sim.world_for(sc)
    engine = sim.GrowthModel(sc, world, seed=11, agents=False)
    if edit_schedule is not None:
        edit_schedule(engine.context.schedule)
    reference = ReferenceModel(sc, world, seed=11, schedule=engine.context.schedule)
    limits: set[int] = set()
    min_fill = 1.0
    try:
        for step in range(1, engine.n_steps + 1):
            engine.step()
            reference.step()
            _compare(engine, reference, step)
            limits |= set(np.unique(engine.state.limit).tolist())
            with np.errstate(divide="ignore", invalid="ignore"):
                fill = np.where(engine.state.orders > 0, engine.state.received / engine.state.orders, 1.0)
            min_fill = min(min_fill, float(fill.min()))
    finally:
        engine.release()
        reference.release()
    return limits, min_fill


@pytest.mark.parametrize("rationing", ["proportional", "priority"])
@pytest.mark.parametrize("step_months", [1.0, 0.5])
def test_reference_matches_engine(folder, rationing, step_months):
    """Every firm and pair quantity agrees to 1e-9 at every step, whatever the shuffle order."""
    limits, min_fill = _run_side_by_side(_scenario(folder, rationing, step_months))
    # The run exercised rationing and both demand- and capacity-bound firms (not a steady state).
    assert min_fill < 0.95
    assert {0, 1} <= limits


def test_reference_matches_engine_under_energy_and_import_cuts(folder):
    """Energy and import availability (compiled by the shocks issue) bind the same way in both.

    The scenario format of this branch has no energy or import shock yet, so the shared compiled
    schedule is edited directly: energy at 60% for sector C in steps 3..6, imports at 50% for
    sector A in steps 4..8.
    """
    economy = sim.load_economy(folder)
    n_p = economy.n_provinces

    def edit(schedule):
        c_cells = [2 * n_p + p for p in range(n_p)]
        a_cells = [0 * n_p + p for p in range(n_p)]
        schedule.energy[3:7, c_cells] = 0.6
        schedule.imports[4:9, a_cells] = 0.5

    limits, _ = _run_side_by_side(_scenario(folder, "proportional", 1.0), edit)
    assert {2, 4} <= limits  # energy- and import-bound firms occurred
