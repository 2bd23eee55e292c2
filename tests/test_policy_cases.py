"""The compiled ``[policy]`` (:func:`sim.engine.policy.compile_policy`) step by step, worked by hand.

Economy: sectors U (a missing link), B, N in provinces P1, P2, no domestic inputs, so each cell's
month-0 output is its final demand; cells are ``sector * P + province``:

    cell      0 U/P1  1 U/P2  2 B/P1  3 B/P2  4 N/P1  5 N/P2
    x0          10      30     100     200      50      50

B imports 0.1 of good U per unit of output: ``M_U = 0.1 * 300 = 30`` a month, ``M_B = M_N = 0``.
Steps are half months over 5 months (11 rows): step ``t`` is in month ``ceil(t / 2)``,

    step   0  1  2  3  4  5  6  7  8  9  10
    month  0  1  1  2  2  3  3  4  4  5   5
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import scenario, sector, write_folder

import sim
from sim.engine.policy import arrival_step, compile_policy
from sim.shocks import ShockSchedule

MONTH = [0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
HALF = {"step_months": 0.5}


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    provinces = [{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 30}]
    demand = {
        ("P1", "U"): 10.0,
        ("P2", "U"): 30.0,
        ("P1", "B"): 100.0,
        ("P2", "B"): 200.0,
        ("P1", "N"): 50.0,
        ("P2", "N"): 50.0,
    }
    return write_folder(
        tmp_path_factory.mktemp("policy"),
        [sector("U", missing_link="true"), sector("B", import_share=0.1), sector("N")],
        [("U", "B", 0.0, True, 0.1)],
        demand,
        provinces=provinces,
    )


def _compiled(folder, policy):
    case = scenario(folder, horizon=5, policy=policy, parameters=HALF)
    world = sim.world_for(case)
    month = ShockSchedule.neutral(10, 0, 0.5, shocked=frozenset()).month
    assert month.tolist() == MONTH
    return compile_policy(case, world, month)


def test_no_lever_no_array(folder):
    out = _compiled(folder, {})
    for name in ("recovery", "guarantee", "new_capacity", "new_latent", "import_cover"):
        assert getattr(out, name) is None
    assert out.export_access is None and out.export_floor is None and out.learning is None


def test_arrival_is_the_first_step_of_the_due_month():
    month = np.array(MONTH)
    assert arrival_step(month, 1, 1.5) == 5  # due 2.5: month 3 starts at step 5
    assert arrival_step(month, 2, 1.0) == 5  # due exactly 3
    assert arrival_step(month, 1, 0.0) == 1  # due at month 1: step 1
    assert arrival_step(month, 5, 0.0) == 9  # due exactly at the horizon
    assert arrival_step(month, 5, 0.5) is None  # after it
    assert arrival_step(np.array([0, 1, 2]), 0, 0.0) == 1  # row 0 is the initial state, never an arrival


def test_overlapping_recovery_support_multiplies(folder):
    levers = [
        {"sectors": ["B"], "provinces": ["P2"], "factor": 2.0, "start": 2, "end": 3},
        {"factor": 3.0, "start": 3},
    ]
    recovery = _compiled(folder, {"recovery_support": levers}).recovery
    expected = np.ones((11, 6))
    expected[3:7, 3] *= 2.0  # months 2-3
    expected[5:, :] *= 3.0  # months 3-5
    np.testing.assert_array_equal(recovery, expected)


def test_overlapping_guarantees_take_the_larger_share(folder):
    levers = [
        {"sectors": ["N"], "provinces": ["P1"], "share": 0.7, "start": 1, "end": 2},
        {"share": 0.4, "start": 2},
        {"sectors": ["N"], "provinces": ["P1"], "share": 0.1, "start": 1, "end": 1},
    ]
    guarantee = _compiled(folder, {"market_guarantee": levers}).guarantee
    expected = np.zeros((11, 6))
    expected[3:, :] = 0.4  # months 2-5
    expected[1:5, 4] = 0.7  # months 1-2, N/P1
    np.testing.assert_array_equal(guarantee, expected)


def test_projects_and_guided_investment_arrive_with_their_market(folder):
    policy = {
        "investment_guidance": [
            # Due 2.5 -> step 5: 0.2 x0 of B/P2 and N/P2 (40 and 10).
            {"sectors": ["N", "B"], "provinces": ["P2"], "amount": 0.2, "start": 1, "gestation_months": 1.5},
            # Due 3 -> step 5 too: 0.1 x0 of every cell, on top.
            {"amount": 0.1, "start": 3, "gestation_months": 0.0},
            # Due 5.5, after the horizon: nothing.
            {"amount": 0.5, "start": 5, "gestation_months": 0.5},
        ],
        "missing_link_projects": [
            # Listed first but due later (3.5 -> step 7): capacity 0.5 X_U = 20, market what is left of M_U.
            {"sector": "U", "province": "P2", "capacity": 0.5, "start": 1, "gestation_months": 2.5},
            # Due 3 -> step 5: capacity 0.375 X_U = 15, market min(15, 30) = 15.
            {"sector": "U", "province": "P1", "capacity": 0.375, "start": 2, "gestation_months": 1.0},
            # Due after the horizon: nothing, and no market taken.
            {"sector": "U", "province": "P1", "capacity": 1.0, "start": 4, "gestation_months": 2.0},
        ],
    }
    out = _compiled(folder, policy)
    guided = np.array([1.0, 3.0, 10.0, 60.0, 5.0, 15.0])  # 0.1 x0, plus 0.2 x0 on B/P2 and N/P2
    capacity, latent = np.zeros((11, 6)), np.zeros((11, 6))
    capacity[5] = latent[5] = guided
    capacity[5, 0] += 15.0
    latent[5, 0] += 15.0
    capacity[7, 1] = 20.0
    latent[7, 1] = 15.0  # only 30 - 15 of U's imports are left to take
    np.testing.assert_allclose(out.new_capacity, capacity, rtol=1e-12)
    np.testing.assert_allclose(out.new_latent, latent, rtol=1e-12)
    # Share of M_U made at home: 15 / 30 from step 5, min(1, 35 / 30) from step 7; no imports of B, N.
    cover = np.zeros((11, 3))
    cover[5:7, 0] = 0.5
    cover[7:, 0] = 1.0
    np.testing.assert_allclose(out.import_cover, cover, rtol=1e-12)


def test_later_projects_take_the_market_the_earlier_ones_left(folder):
    projects = [
        {"sector": "U", "province": "P2", "capacity": 0.25, "start": 1, "gestation_months": 1.0},  # 10 at step 3
        {"sector": "U", "province": "P2", "capacity": 0.25, "start": 1, "gestation_months": 1.0},  # 10 more
        {"sector": "U", "province": "P1", "capacity": 0.25, "start": 4, "gestation_months": 0.0},  # 10 at step 7
        {"sector": "U", "province": "P1", "capacity": 0.125, "start": 5, "gestation_months": 0.0},  # 5 at step 9
    ]
    out = _compiled(folder, {"missing_link_projects": projects})
    # Markets: 10 + 10 of M_U = 30 at step 3, the last 10 at step 7, none left at step 9.
    assert out.new_capacity[3, 1] == pytest.approx(20.0) and out.new_latent[3, 1] == pytest.approx(20.0)
    assert out.new_capacity[7, 0] == pytest.approx(10.0) and out.new_latent[7, 0] == pytest.approx(10.0)
    assert out.new_capacity[9, 0] == pytest.approx(5.0) and out.new_latent[9, 0] == 0.0
    assert out.new_capacity.sum() == pytest.approx(35.0) and out.new_latent.sum() == pytest.approx(30.0)
    np.testing.assert_allclose(out.import_cover[:, 0], [0, 0, 0] + [2 / 3] * 4 + [1.0] * 4, rtol=1e-12)
    assert out.recovery is None and out.guarantee is None


def test_export_development_arrays_only_where_a_lever_moves_them(folder):
    # Learning only: no access, no floor; 10%/yr on B in both provinces, months acted min(m, 5).
    out = _compiled(folder, {"export_development": [{"sectors": ["B"], "learning_rate": 0.1}]})
    assert out.export_access is None and out.export_floor is None
    acted = np.array(MONTH, float)
    np.testing.assert_allclose(out.learning[:, 2], 1.1 ** (acted / 12), rtol=1e-12)
    np.testing.assert_allclose(out.learning[:, 3], 1.1 ** (acted / 12), rtol=1e-12)
    np.testing.assert_array_equal(out.learning[:, [0, 1, 4, 5]], 1.0)
    # Access and a guarantee on B/P2 over months 2-4: acted 0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 3.
    lever = {"sectors": ["B"], "provinces": ["P2"], "demand_growth": 0.2, "guarantee": 0.5, "start": 2, "end": 4}
    out = _compiled(folder, {"export_development": [lever]})
    assert out.learning is None
    acted = np.array([0, 0, 0, 1, 1, 2, 2, 3, 3, 3, 3], float)
    np.testing.assert_allclose(out.export_access[:, 3], 1.2 ** (acted / 12), rtol=1e-12)
    np.testing.assert_array_equal(np.delete(out.export_access, 3, axis=1), 1.0)
    np.testing.assert_array_equal(out.export_floor[:, 3], [0, 0, 0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0, 0])
    np.testing.assert_array_equal(np.delete(out.export_floor, 3, axis=1), 0.0)


def test_a_lever_without_sectors_names_the_scenario_file(folder, tmp_path):
    # No sector of this economy is tagged complex_export, so the lever must name its sectors. The
    # world is built for a valid scenario of the same economy (world_for would refuse this one
    # first): compile_policy itself must name the file.
    path = tmp_path / "exports.toml"
    path.write_text(
        f'name = "named"\nhorizon_months = 5\n[economy]\ndata = "{folder}"\n'
        "[[policy.export_development]]\ndemand_growth = 0.1\n"
    )
    case = sim.load_scenario(path)
    world = sim.world_for(scenario(folder, horizon=5))
    month = ShockSchedule.neutral(5, 0, 1.0, shocked=frozenset()).month
    with pytest.raises(sim.InputError) as error:
        compile_policy(case, world, month)
    assert str(error.value).startswith(f"{path}: policy.export_development[0].sectors:")


@pytest.mark.parametrize("scale", [1.0, 0.01])
def test_guided_investment_where_the_last_cell_has_no_firms(tmp_path, scale):
    # N/P2, the last flat cell, has no demand and so no firms; values in any unit (0.01: M_U = 0.3).
    provinces = [{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 30}]
    demand = {("P1", "U"): 10.0, ("P2", "U"): 30.0, ("P1", "B"): 100.0, ("P2", "B"): 200.0, ("P1", "N"): 50.0}
    folder = write_folder(
        tmp_path / "sparse",
        [sector("U", missing_link="true"), sector("B", import_share=0.1), sector("N")],
        [("U", "B", 0.0, True, 0.1)],
        {cell: scale * value for cell, value in demand.items()},
        provinces=provinces,
        firms={cell: 1 for cell in demand} | {("P2", "N"): 0},
    )
    policy = {
        "investment_guidance": [{"amount": 0.5, "start": 1, "gestation_months": 0.0}],
        "missing_link_projects": [
            {"sector": "U", "province": "P1", "capacity": 0.5, "start": 1, "gestation_months": 1},
            {"sector": "N", "province": "P1", "capacity": 0.1, "start": 1, "gestation_months": 1},  # N imports nothing
        ],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no 0/0 or x/0 warning for goods without imports
        out = _compiled(folder, policy)
    # Step 1 (month 1): half of each cell's x0; step 3 (month 2): the plant, 0.5 X_U = 20, covering 20 / 30.
    np.testing.assert_allclose(out.new_capacity[1] / scale, [5.0, 15.0, 50.0, 100.0, 25.0, 0.0], rtol=1e-12)
    assert out.new_capacity[3, 0] / scale == pytest.approx(20.0) and out.new_latent[3, 0] / scale == pytest.approx(20.0)
    np.testing.assert_allclose(out.import_cover[:, 0], [0, 0, 0] + [2 / 3] * 8, rtol=1e-12)
    assert out.new_capacity[3, 4] / scale == pytest.approx(5.0) and out.new_latent[3, 4] == 0.0
    np.testing.assert_array_equal(out.import_cover[:, 1:], 0.0)
