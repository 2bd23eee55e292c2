"""Asymmetric engine cases worked by hand: recovery with half-month steps, and the cell layout of
energy-intensive cuts over several provinces and sectors (flat cell = sector * P + province)."""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scenario, sector, write_folder

import sim


@pytest.mark.parametrize("step_months", [1.0, 0.5, 0.25])
def test_idle_capacity_recovers_at_its_monthly_speed_whatever_the_step(tmp_path, step_months):
    # One firm: output 100, peak 150 (latent demand 50), installed 200. Operable capacity closes
    # 10% of its gap to the peak a month: 150 - 50 * 0.9^m at month m, however the month is cut.
    folder = write_folder(
        tmp_path / "recover",
        [sector("A")],
        [("A", "A", 0.0, False)],
        {("P1", "A"): 100.0},
        capacity={("P1", "A"): (2.0, 1.5)},
        firms={("P1", "A"): 1},
    )
    parameters = {"recovery_speed": 0.1, "step_months": step_months, "investment_response": 0.0}
    frame = sim.run(scenario(folder, horizon=3, parameters=parameters)).trajectories
    operable = frame.set_index("month")["operable_capacity"]
    np.testing.assert_allclose(operable.loc[[1.0, 2.0, 3.0]], [105.0, 109.5, 113.55], rtol=1e-9)


def test_energy_intensive_cut_hits_those_sectors_in_every_province(tmp_path):
    # Three sectors (only the middle one energy-intensive) in two provinces of unequal size.
    sectors = [sector("A"), sector("H", energy_intensive="true"), sector("C")]
    provinces = [{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 30}]
    demand = {
        (p, s): d
        for p, scale in (("P1", 1.0), ("P2", 3.0))
        for s, d in (("A", 10.0 * scale), ("H", 20.0 * scale), ("C", 5.0 * scale))
    }
    folder = write_folder(tmp_path / "energy", sectors, [("A", "A", 0.0)], demand, provinces=provinces)
    shock = [{"kind": "energy", "energy_intensive_only": True, "availability": 0.4}]
    frame = sim.run(scenario(folder, horizon=1, shock=shock)).trajectories
    month1 = frame[frame["month"] == 1].set_index(["province", "sector"])["energy_availability"]
    expected = {(p, s): 0.4 if s == "H" else 1.0 for p in ("P1", "P2") for s in ("A", "H", "C")}
    assert month1.to_dict() == pytest.approx(expected)


def test_energy_cuts_end_and_overlapping_cuts_multiply(tmp_path):
    folder = write_folder(
        tmp_path / "cuts", [sector("H", energy_intensive="true")], [("H", "H", 0.0)], {("P1", "H"): 10.0}
    )
    shock = [
        {"kind": "energy", "start": 2, "end": 3, "availability": 0.5},
        {"kind": "energy", "carrier": "gas", "start": 3, "end": 4, "availability": 0.8},
    ]
    frame = sim.run(scenario(folder, horizon=5, shock=shock)).trajectories.set_index("month")
    # Month 2: 0.5; month 3: both, 0.5 * 0.8; month 4: the gas cut alone; month 5: over.
    np.testing.assert_allclose(frame.loc[[1.0, 2.0, 3.0, 4.0, 5.0], "energy_availability"], [1, 0.5, 0.4, 0.8, 1])
