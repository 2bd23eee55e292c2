"""The rolling 10-year peak of sim/engine/record.py over a run longer than its 120-month window."""

from __future__ import annotations

import numpy as np
from helpers import cells, scenario, sector, write_folder

import sim

# Capacity follows expected demand within one month, nothing is invested, no hysteresis.
QUICK = {
    "recovery_speed": 1.0,
    "expectation_smoothing": 1.0,
    "investment_response": 0.0,
    "erosion_after_months": 1000.0,
}


def test_rolling_peak_keeps_a_spike_for_exactly_120_months(tmp_path):
    """One firm, no inputs, demand 100 a month, installed capacity 200, peak 100 (no idle capacity).

    Demand rises to 150 in months 2-3. In month 2 output stays at 100 (operable capacity is 100;
    it moves to 150 after the month); in month 3 it is 150; from month 4 on, 100 again. By hand:
    the pre-run history holds the peak at 100 for months 1..119 and drops out at month 120; the
    simulated window ``t-119..t`` holds month 3's 150 up to month 122. So the peak is 100 in
    months 0-2, 150 in months 3-122 (month 3 counts its own output) and 100 from month 123.
    """
    folder = write_folder(
        tmp_path / "one",
        sectors=[sector("A")],
        coefficients=[],
        demand={("P1", "A"): 100.0},
        capacity={("P1", "A"): (2.0, 1.0)},
    )
    shock = [{"kind": "demand", "start": 2, "end": 3, "change": 0.5}]
    res = sim.run(scenario(folder, horizon=130, shock=shock, parameters=QUICK))
    output = np.array([cells(res, m, "output")["A"] for m in range(131)])
    peak = np.array([cells(res, m, "peak_output")["A"] for m in range(131)])
    expected_output = np.full(131, 100.0)
    expected_output[3] = 150.0
    np.testing.assert_allclose(output, expected_output, rtol=1e-12)
    expected_peak = np.full(131, 100.0)
    expected_peak[3:123] = 150.0
    np.testing.assert_allclose(peak, expected_peak, rtol=1e-12)
    idle = np.array([cells(res, m, "idle_capacity")["A"] for m in range(131)])
    np.testing.assert_allclose(idle, expected_peak - expected_output, atol=1e-9)


def test_rolling_peak_is_the_window_maximum_of_noisy_firms(tmp_path):
    """Firm by firm, the peak is ``max(pre-run part, max of the last 120 months' outputs)``.

    Productivity noise moves every firm's output each month and demand falls for good in month 20,
    so the highest months leave the window by month 140; the recorded peak must equal the
    maximum computed directly from the recorded outputs (the pre-run history, flat at
    ``peak_ratio * x0`` without an ``output_history.csv``, leaves the window at month 120).
    """
    folder = write_folder(
        tmp_path / "two",
        sectors=[sector("A"), sector("B")],
        coefficients=[("A", "B", 0.2)],
        demand={("P1", "A"): 50.0, ("P1", "B"): 80.0},
        capacity={("P1", "A"): (1.5, 1.1), ("P1", "B"): (1.5, 1.2)},
        firms={("P1", "A"): 4, ("P1", "B"): 5},
    )
    noise = {"productivity_sigma": 0.08, "productivity_rho": 0.5}
    slump = [{"kind": "demand", "start": 20, "change": -0.3}]
    sc = scenario(folder, horizon=150, shock=slump, stochastic=noise)
    res = sim.run(sc, seed=3, record_firms=True)
    firms = res.firms.sort_values(["month", "firm"])
    n = firms["firm"].nunique()
    output = firms["output"].to_numpy().reshape(151, n)
    peak = firms["peak_output"].to_numpy().reshape(151, n)
    world = sim.world_for(sc)
    for t in range(1, 151):
        pre = world.peak0 if t < 120 else np.zeros(n)
        window = output[max(1, t - 119) : t + 1].max(axis=0)
        np.testing.assert_allclose(peak[t], np.maximum(pre, window), rtol=1e-12, err_msg=f"month {t}")
    assert (peak[150] < output[1:].max(axis=0)).any()  # some firm's highest month left the window


def test_trajectories_own_their_data_unless_asked_to_share(tmp_path):
    """A table taken mid-run does not change as the model steps on, nor when another is edited."""
    folder = write_folder(
        tmp_path / "one", sectors=[sector("A")], coefficients=[], demand={("P1", "A"): 100.0}
    )  # one firm in the only cell: the case where sharing the recorder's buffer is possible
    sc = scenario(folder, horizon=3, shock=[{"kind": "demand", "start": 2, "change": 0.5}])
    model = sim.GrowthModel(sc, sim.world_for(sc), seed=0, agents=False)
    model.step()
    early = model.recorder.trajectories()
    while model.running:
        model.step()
    late, shared = model.recorder.trajectories(), model.recorder.trajectories(copy=False)
    np.testing.assert_array_equal(early["final_demand"].to_numpy()[2:], 0.0)  # months 2-3 not yet run
    assert late["final_demand"].iloc[3] == 150.0
    late.loc[0, "output"] = -1.0
    assert shared["output"].iloc[0] == 100.0
    assert np.shares_memory(shared["output"].to_numpy(), model.recorder.store)
    model.release()
