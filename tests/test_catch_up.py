"""Catch-up after supply cuts (sim/engine/catch_up.py), worked by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest
from helpers import scenario, sector, write_folder
from hypothesis import given, settings
from hypothesis import strategies as st

import sim
from sim.engine.catch_up import catch_up_output, update_backlog


def test_catch_up_output_is_the_backlog_within_the_overtime_share():
    # Backlogs 3, 1, 0 against capacities 10, 10, 40 with 25% overtime: min(B / dt, 0.25 K).
    backlog, capacity = np.array([3.0, 1.0, 0.0]), np.array([10.0, 10.0, 40.0])
    np.testing.assert_allclose(catch_up_output(backlog, capacity, 0.25, 1.0), [2.5, 1.0, 0.0])
    # Half-month steps: a backlog of 1 can be made at a rate of 2 a month within the step.
    np.testing.assert_allclose(catch_up_output(backlog, capacity, 0.25, 0.5), [2.5, 2.0, 0.0])


def test_backlog_grows_by_the_shortfall_and_shrinks_by_catch_up_then_lapses():
    # Firm 1 makes 6 of a regular 10: the shortfall 4 joins an empty backlog. Firm 2 has 4 waiting
    # and makes 12.5 of a regular 10: 2.5 worked off, the remaining 1.5 kept at exp(-1 / 2).
    backlog = update_backlog(np.array([0.0, 4.0]), np.array([10.0, 10.0]), np.array([6.0, 12.5]), 2.0, 1.0)
    np.testing.assert_allclose(backlog, [4.0, 1.5 * math.exp(-0.5)])
    # The same month in half-month steps: half the shortfall (2) joins, half the catch-up (1.25) is
    # worked off and the rest kept at exp(-0.5 / 2); a third firm works off more than it has waiting.
    half = update_backlog(
        np.array([0.0, 4.0, 1.0]), np.array([10.0, 10.0, 10.0]), np.array([6.0, 12.5, 14.0]), 2.0, 0.5
    )
    np.testing.assert_allclose(half, [2.0, 2.75 * math.exp(-0.25), 0.0])


@given(
    st.lists(st.tuples(st.floats(0.0, 100.0), st.floats(0.0, 1.0), st.floats(0.0, 0.5)), min_size=1, max_size=30),
    st.floats(0.2, 24.0),
)
@settings(max_examples=60, deadline=None)
def test_a_firm_never_makes_up_more_than_it_lost(months, backlog_months):
    # Any sequence of regular plans, energy availabilities and overtime shares: what is made
    # beyond the regular plan never exceeds the shortfalls before it, and the backlog stays >= 0.
    backlog, lost, made = np.zeros(1), 0.0, 0.0
    for regular, energy, share in months:
        extra = catch_up_output(backlog, np.array([regular]), share, 1.0)
        output = np.minimum(regular + extra, (regular + extra) * energy)
        lost += max(0.0, regular - float(output[0]))
        made += max(0.0, float(output[0]) - regular)
        backlog = update_backlog(backlog, np.array([regular]), output, backlog_months, 1.0)
        assert backlog[0] >= 0.0
        assert made <= lost + 1e-9


def _one_firm(tmp_path, catch_up_share):
    # One firm with no inputs: output 100, operable capacity 100 (no recovery, no investment) and
    # latent demand 50 it cannot serve, so it runs at its capacity. Energy at 0.5 in month 2.
    folder = write_folder(
        tmp_path / "firm",
        [sector("A")],
        [("A", "A", 0.0, False)],
        {("P1", "A"): 100.0},
        capacity={("P1", "A"): (2.0, 1.5)},
        firms={("P1", "A"): 1},
    )
    parameters = {
        "recovery_speed": 0.0,
        "investment_response": 0.0,
        "catch_up_share": catch_up_share,
        "backlog_months": 2.0,
    }
    shock = [{"kind": "energy", "start": 2, "end": 2, "availability": 0.5}]
    frame = sim.run(scenario(folder, horizon=5, parameters=parameters, shock=shock)).trajectories
    return frame.set_index("month")["output"].loc[[1.0, 2.0, 3.0, 4.0, 5.0]].to_numpy()


def test_a_month_at_half_power_is_made_up_with_overtime_afterwards(tmp_path):
    # Month 2 makes 50 of 100: backlog 50. Month 3: overtime 25 (a quarter of capacity) makes 125;
    # the 25 left lapses to 25 exp(-1/2). Month 4 makes that up (115.16); month 5 is back to 100.
    output = _one_firm(tmp_path, 0.25)
    np.testing.assert_allclose(output, [100.0, 50.0, 125.0, 100.0 + 25.0 * math.exp(-0.5), 100.0], rtol=1e-9)


def test_without_catch_up_the_month_is_lost(tmp_path):
    np.testing.assert_allclose(_one_firm(tmp_path, 0.0), [100.0, 50.0, 100.0, 100.0, 100.0], rtol=1e-9)


def test_catch_up_share_is_checked(tmp_path):
    from pydantic import ValidationError

    from sim.scenario.parameters import ModelParameters

    with pytest.raises(ValidationError):
        ModelParameters(catch_up_share=1.5)
    with pytest.raises(ValidationError):
        ModelParameters(backlog_months=0.0)
