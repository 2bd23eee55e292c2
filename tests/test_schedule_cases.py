"""The shock schedule's layout, worked by hand: the month and calendar month of each step (whole
and half-month steps, a run starting in October), the read-only ones of untouched fields, and
the flat cell mask ``cell = sector * P + province`` over three sectors and two provinces.

These pin what :mod:`sim.shocks.schedule` promises in its docstrings; the mutation run of
``sim/shocks/schedule.py`` (docs/testing.md) found each of them unguarded.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scenario, sector, write_folder

import sim
from sim.shocks import ShockSchedule, active_steps, cell_mask, compile_shocks


def test_months_and_calendar_of_whole_month_steps():
    schedule = ShockSchedule.neutral(3, 2, 1.0)
    # Step t falls in month t; the calendar starts in January by default; row 0 is calendar month 0.
    assert schedule.month.tolist() == [0, 1, 2, 3]
    assert schedule.calendar.tolist() == [0, 1, 2, 3]
    assert schedule.calendar.dtype.kind == "i"


def test_months_and_calendar_of_half_month_steps_starting_in_october():
    schedule = ShockSchedule.neutral(6, 1, 0.5, first_calendar_month=10)
    # Step t is in month ceil(t / 2): 0, 1, 1, 2, 2, 3, 3; month m in calendar (10 - 1 + m - 1) mod 12 + 1.
    assert schedule.month.tolist() == [0, 1, 1, 2, 2, 3, 3]
    assert schedule.calendar.tolist() == [0, 10, 10, 11, 11, 12, 12]
    wrapped = ShockSchedule.neutral(4, 1, 1.0, first_calendar_month=11)
    assert wrapped.calendar.tolist() == [0, 11, 12, 1, 2]


def test_untouched_fields_are_read_only_ones_and_touched_ones_writable():
    schedule = ShockSchedule.neutral(4, 3, 1.0, shocked=frozenset({"energy"}))
    assert schedule.shocked == frozenset({"energy"})
    for name in ("demand_domestic", "demand_export", "capacity", "imports"):
        field = getattr(schedule, name)
        assert field.shape == (5, 3) and field.dtype == np.float64
        assert (field == 1.0).all()
        assert not field.flags.writeable  # a broadcast view, not a copy
    assert schedule.energy.shape == (5, 3) and schedule.energy.flags.writeable
    assert (schedule.energy == 1.0).all()
    every = ShockSchedule.neutral(2, 1, 1.0)
    assert every.shocked == frozenset({"demand_domestic", "demand_export", "capacity", "energy", "imports"})


@pytest.fixture(scope="module")
def economy(tmp_path_factory):
    # Sectors A, B, C; provinces P1, P2: cells A/P1=0, A/P2=1, B/P1=2, B/P2=3, C/P1=4, C/P2=5.
    provinces = [{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 30}]
    demand = {(p, s): 10.0 for p in ("P1", "P2") for s in ("A", "B", "C")}
    folder = write_folder(
        tmp_path_factory.mktemp("mask"),
        [sector("A"), sector("B"), sector("C")],
        [("A", "A", 0.0)],
        demand,
        provinces=provinces,
    )
    return sim.load_economy(folder), folder


def test_cell_mask_is_sector_major(economy):
    eco, _ = economy
    assert cell_mask(eco, None, None).tolist() == [True] * 6
    assert cell_mask(eco, ["B"], None).tolist() == [False, False, True, True, False, False]
    assert cell_mask(eco, None, ["P2"]).tolist() == [False, True, False, True, False, True]
    assert cell_mask(eco, ["A", "C"], ["P1"]).tolist() == [True, False, False, False, True, False]


def test_a_provincial_shock_hits_its_province_in_every_sector(economy):
    _, folder = economy
    shocks = [
        {"kind": "capacity", "provinces": ["P2"], "loss": 0.5, "start": 2, "end": 2, "recovery_months": 0},
        {"kind": "energy", "sectors": ["C"], "provinces": ["P1"], "availability": 0.25, "start": 1, "end": 3},
    ]
    case = scenario(folder, horizon=3, shock=shocks)
    schedule = compile_shocks(case, sim.load_economy(folder), 3, 1.0)
    np.testing.assert_array_equal(schedule.capacity[2], [1.0, 0.5, 1.0, 0.5, 1.0, 0.5])
    np.testing.assert_array_equal(schedule.capacity[1], np.ones(6))
    np.testing.assert_array_equal(schedule.energy[1:, 4], [0.25, 0.25, 0.25])
    np.testing.assert_array_equal(np.delete(schedule.energy, 4, axis=1), np.ones((4, 5)))


def test_active_steps_are_inclusive_and_open_ended():
    month = np.array([0, 1, 1, 2, 2, 3])
    assert active_steps(month, 1, 2).tolist() == [False, True, True, True, True, False]
    assert active_steps(month, 2, None).tolist() == [False, False, False, True, True, True]
