"""The validation cases of the model (hand-derived expected values), each built through a data folder and a scenario."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import cells, scenario, sector, write_folder

import sim

LEONTIEF_A = [("A", "A", 0.2), ("A", "B", 0.3), ("B", "A", 0.4), ("B", "B", 0.1)]


@pytest.fixture
def leontief(tmp_path):
    """Validation case 2's economy: A = [[0.2, 0.3], [0.4, 0.1]], f = (100, 50), ample capacity."""
    return write_folder(
        tmp_path / "leontief",
        sectors=[sector("A"), sector("B")],
        coefficients=LEONTIEF_A,
        demand={("P1", "A"): 100.0, ("P1", "B"): 50.0},
        capacity={("P1", "A"): (2.0, 1.0), ("P1", "B"): (2.0, 1.0)},
    )


def _numeric(frame):
    return frame.drop(columns=["month", "province", "sector"]).to_numpy()


@pytest.mark.parametrize("inventory_months", [1.0, 2.0, 3.0])
def test_case1_no_shock_is_an_equilibrium_for_ten_years(tmp_path, inventory_months):
    """Case 1: with no shock and no idle capacity, nothing moves in 120 months (drift < 1e-9)."""
    folder = write_folder(
        tmp_path / "steady",
        sectors=[sector(c, inventory_months=inventory_months, labour_per_output=0.1) for c in "ABC"],
        coefficients=[("A", "B", 0.3), ("B", "C", 0.2), ("C", "A", 0.1), ("A", "A", 0.1), ("B", "A", 0.2, False)],
        demand={(p, s): 10.0 + i for i, (p, s) in enumerate((p, s) for p in ("P1", "P2") for s in "ABC")},
        provinces=[
            {"code": "P1", "name": "One", "population": 10, "lat": 35.0, "lon": 51.0},
            {"code": "P2", "name": "Two", "population": 20, "lat": 32.0, "lon": 48.0},
        ],
        firms={(p, s): 7 for p in ("P1", "P2") for s in "ABC"},
    )
    results = sim.run(scenario(folder, horizon=120))
    frame = results.trajectories
    start = _numeric(frame[frame["month"] == 0])
    scale = np.maximum(np.abs(start), 1.0)
    for month in (1, 12, 60, 120):
        drift = np.abs(_numeric(frame[frame["month"] == month]) - start) / scale
        assert drift.max() < 1e-9, f"month {month}: relative drift {drift.max():.2e}"


def test_case1_default_economy_without_idle_capacity_is_steady(tmp_path):
    """Case 1 on the full default network (13,126 firms), idle capacity removed."""
    from sim.economy.export import write_economy

    economy = sim.load_economy("default")
    economy.installed_ratio[:] = 1.0
    economy.peak_ratio[:] = 1.0
    economy.history = None
    folder = write_economy(economy, tmp_path / "flat")
    (folder / "output_history.csv").unlink(missing_ok=True)
    results = sim.run(scenario(folder, horizon=120))
    frame = results.trajectories
    start = _numeric(frame[frame["month"] == 0])
    end = _numeric(frame[frame["month"] == 120])
    assert (np.abs(end - start) / np.maximum(np.abs(start), 1.0)).max() < 1e-9


def test_case2_leontief_multiplier(leontief):
    """Case 2: output (175, 133.33); +10 on sector A's final demand converges to (190, 140)."""
    steady = sim.run(scenario(leontief, horizon=1))
    np.testing.assert_allclose(cells(steady, 0, "output")[["A", "B"]], [175.0, 400.0 / 3.0], rtol=1e-12)
    shocked = sim.run(
        scenario(
            leontief,
            horizon=240,
            shock=[{"kind": "demand", "sectors": ["A"], "change": 0.10}],
            parameters={"recovery_speed": 0.5},
        )
    )
    np.testing.assert_allclose(cells(shocked, 240, "output")[["A", "B"]], [190.0, 140.0], rtol=1e-6)


def test_case3_proportional_rationing(tmp_path):
    """Case 3: orders (30, 50, 20) against output 80 deliver (24, 40, 16)."""
    folder = write_folder(
        tmp_path / "ration",
        sectors=[sector(c) for c in ("S", "B1", "B2", "B3")],
        coefficients=[("S", "B1", 0.5), ("S", "B2", 0.5), ("S", "B3", 0.5)],
        demand={("P1", "B1"): 60.0, ("P1", "B2"): 100.0, ("P1", "B3"): 40.0, ("P1", "S"): 0.0},
        firms={("P1", c): 1 for c in ("S", "B1", "B2", "B3")},
    )
    results = sim.run(scenario(folder, horizon=1, shock=[{"kind": "capacity", "sectors": ["S"], "loss": 0.2}]))
    assert cells(results, 1, "output")["S"] == pytest.approx(80.0)
    buyers = ["B1", "B2", "B3"]
    stock0, stock1 = cells(results, 0, "input_stock")[buyers], cells(results, 1, "input_stock")[buyers]
    used = 0.5 * cells(results, 1, "output")[buyers]
    received = stock1 - stock0 + used
    np.testing.assert_allclose(received.to_numpy(), [24.0, 40.0, 16.0], rtol=1e-12)


@pytest.mark.parametrize("inventory_months", [1.0, 2.0])
def test_case4_strict_complementarity_and_buffering(tmp_path, inventory_months):
    """Case 4: halve a critical input with no substitute; output holds while the stock lasts.

    The buyer holds ``(n + 1)`` months of use at the start of a month; receiving half its use, the
    stock falls by half a month of use each month, so full output lasts ``2n + 1`` months (the
    working month plus a buffer of n months drained at half speed), then output is half.
    """
    folder = write_folder(
        tmp_path / "buffer",
        sectors=[sector("U"), sector("B", inventory_months=inventory_months)],
        coefficients=[("U", "B", 0.5, True)],
        demand={("P1", "B"): 100.0, ("P1", "U"): 0.0},
    )
    horizon = 24
    shock = [{"kind": "capacity", "sectors": ["U"], "loss": 0.5}]
    no_new_capacity = {"investment_response": 0.0}
    results = sim.run(scenario(folder, horizon=horizon, shock=shock, parameters=no_new_capacity))
    output = np.array([cells(results, m, "output")["B"] for m in range(1, horizon + 1)])
    held = int(2 * inventory_months + 1)
    np.testing.assert_allclose(output[:held], 100.0, rtol=1e-12)
    np.testing.assert_allclose(output[held + 1 :], 50.0, rtol=1e-9)
    assert output[held] < 100.0


@pytest.mark.parametrize("tau", [2.0, 3.0, 6.0])
def test_case5_inventory_gap_closes_geometrically(tmp_path, tau):
    """Case 5: after a permanent fall in the buyer's output, its stock gap closes as gap0 (1 - 1/tau)^t."""
    folder = write_folder(
        tmp_path / "gap",
        sectors=[sector("U"), sector("B")],
        coefficients=[("U", "B", 0.5)],
        demand={("P1", "B"): 100.0, ("P1", "U"): 0.0},
    )
    sc = scenario(
        folder,
        horizon=20,
        shock=[{"kind": "demand", "sectors": ["B"], "change": -0.2}],
        parameters={"inventory_restore_months": tau},
    )
    results = sim.run(sc)
    target = 2 * 0.5 * 80.0  # (n + 1) months of use at the new output
    gaps = np.array([target - cells(results, m, "input_stock")["B"] for m in range(1, 21)])
    expected = gaps[0] * (1 - 1 / tau) ** np.arange(20)
    np.testing.assert_allclose(gaps, expected, rtol=1e-9, atol=1e-12)
    assert abs(gaps[0]) > 1.0


def test_case7_same_seed_same_results(leontief):
    """Case 7: the same seed gives identical results; another seed differs (noise on)."""
    sc = scenario(leontief, horizon=36, stochastic={"productivity_sigma": 0.05})
    a, b = sim.run(sc, seed=11), sim.run(sc, seed=11)
    c = sim.run(sc, seed=12)
    assert a.trajectories.equals(b.trajectories)
    assert not a.trajectories.equals(c.trajectories)
