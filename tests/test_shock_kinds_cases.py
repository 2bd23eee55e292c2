"""Each shock kind compiled step by step (:func:`sim.shocks.compile_shocks`), worked by hand with
half-month steps over three sectors (A, B, C) and two provinces (P1, P2).

Cells are ``sector * P + province``: A/P1=0, A/P2=1, B/P1=2, B/P2=3, C/P1=4, C/P2=5. Twelve
half-month steps over six months: step ``t`` is in month ``ceil(t / 2)`` and ends at ``t / 2``
months::

    step   0  1  2  3  4  5  6  7  8  9  10 11 12
    month  0  1  1  2  2  3  3  4  4  5  5  6  6
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from helpers import scenario, sector, write_folder

import sim
from sim.shocks import compile_shocks, fx_import_share
from sim.shocks.fx import FxShock
from sim.shocks.import_stock import buffered_availability


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    provinces = [{"code": "P1", "name": "One", "population": 10}, {"code": "P2", "name": "Two", "population": 30}]
    demand = {(p, s): 10.0 for p in ("P1", "P2") for s in ("A", "B", "C")}
    return write_folder(
        tmp_path_factory.mktemp("kinds"),
        # No stocks of imported inputs (inventory_months 0): the schedule's import availability is
        # what firms can buy, unbuffered (sim/shocks/import_stock.py; tests/test_import_stock.py).
        [sector(code, inventory_months=0.0) for code in ("A", "B", "C")],
        [("A", "A", 0.0)],
        demand,
        provinces=provinces,
    )


def _compiled(folder, shocks, **parameters):
    case = scenario(folder, horizon=6, shock=shocks, parameters={"step_months": 0.5, **parameters})
    return compile_shocks(case, sim.load_economy(folder), 12, 0.5)


def test_capacity_loss_and_linear_recovery_in_half_months(folder):
    shocks = [
        # B/P2 loses 40% in months 2-3, back over 2 months: at t/2 months it has recovered
        # (t/2 - 3) / 2 of the loss, so 0.7, 0.8, 0.9, 1 at steps 7-10.
        {
            "kind": "capacity",
            "sectors": ["B"],
            "provinces": ["P2"],
            "loss": 0.4,
            "start": 2,
            "end": 3,
            "recovery_months": 2,
        },
        # A permanent 10% loss of C from month 5: no end, no recovery.
        {"kind": "capacity", "sectors": ["C"], "loss": 0.1, "start": 5, "recovery_months": 3},
        # A 50% loss of B/P2 in month 4 alone, at once back: it multiplies the first one's recovery.
        {"kind": "capacity", "sectors": ["B"], "provinces": ["P2"], "loss": 0.5, "start": 4, "end": 4},
    ]
    schedule = _compiled(folder, shocks)
    assert schedule.shocked == frozenset({"capacity"})
    b2 = [1, 1, 1, 0.6, 0.6, 0.6, 0.6, 0.7 * 0.5, 0.8 * 0.5, 0.9, 1, 1, 1]
    np.testing.assert_allclose(schedule.capacity[:, 3], b2, rtol=1e-12)
    for cell in (4, 5):
        np.testing.assert_allclose(schedule.capacity[:, cell], [1] * 9 + [0.9] * 4, rtol=1e-12)
    np.testing.assert_array_equal(schedule.capacity[:, [0, 1, 2]], 1.0)


def test_capacity_recovery_longer_than_the_run_and_a_shock_from_month_one(folder):
    shocks = [
        # All cells lose 20% in month 1 and recover over 10 months: 0.2 (t/2 - 1) / 10 back by step t.
        {"kind": "capacity", "loss": 0.2, "start": 1, "end": 1, "recovery_months": 10},
    ]
    capacity = _compiled(folder, shocks).capacity[:, 0]
    t = np.arange(13)
    expected = np.where(t <= 2, 0.8, 0.8 + 0.2 * (t / 2 - 1) / 10)
    expected[0] = 1.0  # row 0 is the state before the shock
    np.testing.assert_allclose(capacity, expected, rtol=1e-12)


def test_demand_shocks_by_channel(folder):
    shocks = [
        {"kind": "demand", "channel": "export", "sectors": ["A"], "change": -0.2, "start": 1, "end": 2},
        {"kind": "demand", "channel": "domestic", "provinces": ["P1"], "change": 0.5, "start": 2},
        {"kind": "demand", "sectors": ["C"], "change": 0.1, "start": 3, "end": 3},  # both channels
        {"kind": "demand", "channel": "export", "sectors": ["C"], "provinces": ["P2"], "change": 1.0, "start": 3},
    ]
    schedule = _compiled(folder, shocks)
    assert schedule.shocked == frozenset({"demand_domestic", "demand_export"})
    domestic, export = schedule.demand_domestic, schedule.demand_export
    np.testing.assert_allclose(export[:, 0], [1] + [0.8] * 4 + [1] * 8)  # A/P1, months 1-2
    np.testing.assert_allclose(export[:, 5], [1] * 5 + [2.2] * 2 + [2] * 6)  # C/P2: 1.1 x 2 in month 3, then 2
    np.testing.assert_allclose(export[:, 4], [1] * 5 + [1.1] * 2 + [1] * 6)  # C/P1: month 3
    np.testing.assert_allclose(domestic[:, 0], [1] * 3 + [1.5] * 10)  # A/P1 from month 2
    np.testing.assert_allclose(domestic[:, 4], [1] * 3 + [1.5] * 2 + [1.65] * 2 + [1.5] * 6)  # C/P1, both
    np.testing.assert_allclose(domestic[:, 3], 1.0)  # B/P2: none
    only_export = _compiled(folder, shocks[:1])
    assert only_export.shocked == frozenset({"demand_export"})
    assert not only_export.demand_domestic.flags.writeable


def test_currency_limit_and_import_cuts_combine_as_the_lesser_in_any_order(folder):
    shocks = [
        # An import cut to half for B and C in P2 in months 3-4, before the currency shock.
        {"kind": "import", "sectors": ["B", "C"], "provinces": ["P2"], "availability": 0.5, "start": 3, "end": 4},
        # A small cut of B/P2 in month 2 (steps 3-4): 0.98, looser than the currency limit at step 3.
        {"kind": "import", "sectors": ["B"], "provinces": ["P2"], "availability": 0.98, "start": 2, "end": 2},
        # e = 1.5, 2, 3 in months 2, 3, 4 and 3 again in month 5; p = 1 + 0.5 (e - 1) = 1.25, 1.5, 2, 2
        # (1 before and after). With adjustment_months 1 working capital catches up in one step:
        # W_t = 1.2 p_{t-1}, so the share min(1, W_t / p_t) bites only in the first step of each
        # rise: 1.2 / 1.25 = 0.96 at step 3, 1.8 / 2 = 0.9 at step 7 (1.5 / 1.5 = 1 at step 5).
        {
            "kind": "fx",
            "sectors": ["B"],
            "path": [1.5, 2.0, 3.0],
            "pass_through": 0.5,
            "working_capital": 1.2,
            "adjustment_months": 1.0,
            "start": 2,
            "end": 5,
        },
        # A second cut to half for B/P1 from month 4, after it.
        {"kind": "import", "sectors": ["B"], "provinces": ["P1"], "availability": 0.5, "start": 4},
    ]
    schedule = _compiled(folder, shocks)
    assert schedule.shocked == frozenset({"imports"})
    # What firms can pay for and what arrives are two caps on one flow: the lesser binds (at step
    # 7 the half cut, not 0.9 x 0.5), while import cuts multiply among themselves (0.98, then 0.5).
    # B/P1: fx [.., 0.96 at 3, 0.9 at 7], cut 0.5 from step 7.
    b_p1 = [1, 1, 1, 0.96, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]
    np.testing.assert_allclose(schedule.imports[:, 2], b_p1, rtol=1e-12)
    # B/P2: cuts 0.98 at steps 3-4 and 0.5 at steps 5-8; fx tighter only at step 3 (0.96 < 0.98).
    b_p2 = [1, 1, 1, 0.96, 0.98, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1]
    np.testing.assert_allclose(schedule.imports[:, 3], b_p2, rtol=1e-12)
    np.testing.assert_allclose(schedule.imports[:, 5], [1] * 5 + [0.5] * 4 + [1] * 4, rtol=1e-12)
    np.testing.assert_array_equal(schedule.imports[:, [0, 1, 4]], 1.0)


def test_an_unresolved_currency_shock_is_refused():
    message = "fx shock without pass_through, working_capital or adjustment_months: resolve it first"
    settings = {"pass_through": 0.5, "working_capital": 1.0, "adjustment_months": 2.0}
    for missing in (*settings, None):
        given = {key: value for key, value in settings.items() if key != missing} if missing else {}
        shock = FxShock(kind="fx", path=[2.0], **given)
        with pytest.raises(ValueError) as error:
            fx_import_share(shock, np.array([0, 1, 2]))
        assert str(error.value) == message


def test_working_capital_catches_up_during_the_fall_and_after_it_ends():
    # Monthly steps (the default), the rial halves in months 1-2 only, pass-through 1, w = 1,
    # tau = 2: the gap to w p closes by half a month. p = 1, 2, 2, 1, 1 at months 0-4;
    # W = 1, 1, 1.5, 1.75, 1.375 (W_t = W_{t-1} + (p_{t-1} - W_{t-1}) / 2); while the shock acts the
    # share is W / p = 0.5, 0.75, then 1 once it has ended.
    shock = FxShock(kind="fx", path=[2.0], pass_through=1.0, working_capital=1.0, adjustment_months=2.0, start=1, end=2)
    np.testing.assert_allclose(fx_import_share(shock, np.arange(5)), [1.0, 0.5, 0.75, 1.0, 1.0], rtol=1e-12)
    # Left on, the same fall is met by W = 1.75, 1.875 in months 3-4: shares 0.875, 0.9375.
    open_ended = shock.model_copy(update={"end": None})
    np.testing.assert_allclose(fx_import_share(open_ended, np.arange(5)), [1.0, 0.5, 0.75, 0.875, 0.9375], rtol=1e-12)


def test_currency_shock_takes_its_missing_settings_from_the_parameters(folder):
    # From [parameters]: pass-through 1, working capital 0.9, adjustment over 4 months. The rial
    # halves from month 4 (step 7) to the horizon: p = 2 from step 7, 1 before. Working capital
    # closes the gap to 0.9 p at 1 - 0.75 ** (1/2) a half month, so from step 7 on
    # W_t = 0.9 (2 - 0.75 ** ((t - 7) / 2)) and the share is W_t / 2. In P2 the shock's own
    # pass-through (0) wins: p = 1, W = 0.9, share 0.9.
    shocks = [
        {"kind": "fx", "provinces": ["P1"], "path": [2.0], "start": 4},
        {"kind": "fx", "provinces": ["P2"], "path": [2.0], "pass_through": 0.0, "start": 4},
    ]
    parameters = {"fx_pass_through": 1.0, "fx_working_capital": 0.9, "fx_adjustment_months": 4.0}
    schedule = _compiled(folder, shocks, **parameters)
    t = np.arange(7, 13)
    share = 0.45 * (2 - 0.75 ** ((t - 7) / 2))
    np.testing.assert_allclose(schedule.imports[:, 0], [1] * 7 + list(share), rtol=1e-12)
    np.testing.assert_allclose(schedule.imports[:, 1], [1] * 7 + [0.9] * 6, rtol=1e-12)


def test_capacity_back_within_a_month_and_at_once_without_warnings(folder):
    shocks = [
        # A/P1 loses half in month 2, back over one month: half of it back at step 5 (3.5 months).
        {
            "kind": "capacity",
            "sectors": ["A"],
            "provinces": ["P1"],
            "loss": 0.5,
            "start": 2,
            "end": 2,
            "recovery_months": 1,
        },
        # A/P2 loses half in month 2 and is back at once (recovery_months 0): no 1/0 along the way.
        {"kind": "capacity", "sectors": ["A"], "provinces": ["P2"], "loss": 0.5, "start": 2, "end": 2},
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        capacity = _compiled(folder, shocks).capacity
    np.testing.assert_allclose(capacity[:, 0], [1, 1, 1, 0.5, 0.5, 0.75] + [1] * 7, rtol=1e-12)
    np.testing.assert_allclose(capacity[:, 1], [1, 1, 1, 0.5, 0.5] + [1] * 8, rtol=1e-12)


def test_import_stock_rebuilt_in_half_months_and_row_zero_as_given():
    # b = 1 month held, tau = 4 months, half-month steps: a stock gap shrinks by 0.75 ** (1/2) a
    # step. Steps 1-2 buy nothing and use the whole stock (0.5 a step); steps 3-5 (1.5 months)
    # rebuild it to 1 - 0.75 ** 1.5; step 6 buys nothing and uses that (alpha' = stock / 0.5);
    # step 7 finds nothing left.
    alpha = np.array([1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0])[:, None]
    out = buffered_availability(alpha, np.array([1.0]), 0.5, 4.0)
    expected = [1, 1, 1, 1, 1, 1, 2 * (1 - 0.75**1.5), 0]
    np.testing.assert_allclose(out[:, 0], expected, rtol=1e-12, atol=1e-15)
    # Whole-number shares (a full cut written as 0) give the same fractions: 0.25 held bridges
    # half of the first half month.
    whole = buffered_availability(np.array([[1], [0], [0]]), np.array([0.25]), 0.5, 2.0)
    np.testing.assert_allclose(whole[:, 0], [1.0, 0.5, 0.0], rtol=1e-12)
    # Row 0 (month 0, before the run) is returned as given, and draws on no stock.
    np.testing.assert_allclose(
        buffered_availability(np.array([[0.5], [0.5]]), np.array([1.0]), 1.0, 2.0)[:, 0], [0.5, 1.0]
    )
