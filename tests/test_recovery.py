"""Shocks that end, end: recovery to the shock-free twin (same seed, same random shocks).

Invariants (docs/model.md, "Recovery"):

- from 24 months after the last scheduled shock, national value added stays within 2% of the
  twin's, and over the last twelve months national and provincial value added are within 2%;
- the national trough falls while a shock is active or within two months after;
- at the end, the share of output held back by inputs is within 5 points of the twin's.

Checked for every library scenario run for 120 months with its open-ended (seasonal) shocks
ending at month 60, for 90% capacity losses of single divisions, and for random combinations
of shocks drawn by hypothesis, all on the default economy.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from analysis.recovery import compare, extended, last_shock_month, twin
from sim.scenario import Scenario, load_scenario, scenario_from_dict

LIBRARY = sorted((Path(__file__).resolve().parent.parent / "scenarios").glob("*.toml"))
SECTORS = ["10", "13", "19", "20", "24", "25", "28", "29"]
PROVINCES = ["IR-23", "IR-10", "IR-07", "IR-03", "IR-29"]


def check_recovery(scenario: Scenario, seed: int) -> object:
    run, base = sim.run(scenario, seed=seed), sim.run(twin(scenario), seed=seed)
    last = last_shock_month(scenario)
    report = compare(run.trajectories, base.trajectories, last)
    assert scenario.horizon_months >= last + 36, "the case leaves too little time after its last shock"
    assert report.trough_month <= last + 2, f"trough in month {report.trough_month}, shocks end in {last}"
    national = (report.ratio.loc[last + 24 :] - 1.0).abs().max()
    assert national <= 0.02, f"national value added {national:.3%} from the twin after month {last + 24}"
    last_year = (report.province_ratio.iloc[-12:].mean() - 1.0).abs().max()
    assert last_year <= 0.02, f"a province's last year {last_year:.3%} from the twin"
    assert abs(report.last_year - 1.0) <= 0.02
    gap = abs(report.input_bound.iloc[-1] - report.twin_input_bound.iloc[-1])
    assert gap <= 0.05, f"input-bound share {gap:.1%} from the twin's at the end"
    return report


@pytest.mark.parametrize("path", LIBRARY, ids=[p.stem for p in LIBRARY])
def test_library_scenario_recovers_over_120_months(path):
    scenario = extended(load_scenario(path), horizon_months=120, open_shocks_end=60)
    check_recovery(scenario, seed=1)


def test_combined_stress_last_year_near_its_twin():
    """The issue's case: the energy cuts end at month 60; seed 3 as well as seed 1."""
    scenario = extended(load_scenario(LIBRARY[[p.stem for p in LIBRARY].index("combined_stress")]), 120, 60)
    report = check_recovery(scenario, seed=3)
    assert report.last_year >= 0.9


def test_stock_bought_during_a_currency_fall_is_not_held_for_later():
    """Stock built while imports were short (domestic substitutes) goes when the shock ends.

    With the order floor ``F = a x dt`` for every capacity-bound firm, readiness-bound firms held
    it until they reached their plans and then cut their orders: currency_shock dipped 1.1% below
    its twin around month 110, 84 months after the rial's fall ended (docs/model.md, rule 2).
    From 24 months after the shock, every month is now within 0.5% of the twin.
    """
    scenario = extended(load_scenario(LIBRARY[[p.stem for p in LIBRARY].index("currency_shock")]), 120, 60)
    report = check_recovery(scenario, seed=1)
    late = (report.ratio.loc[last_shock_month(scenario) + 24 :] - 1.0).abs().max()
    assert late <= 0.005, f"national value added {late:.3%} from the twin late in the run"


@pytest.mark.parametrize("sector", ["24", "28", "20"])
def test_division_capacity_loss_recovers(sector):
    """90% of one division's capacity lost in months 1-6: trough by month 8, back to the twin."""
    shock = [{"kind": "capacity", "sectors": [sector], "start": 1, "end": 6, "loss": 0.9}]
    scenario = scenario_from_dict({"name": f"loss_{sector}", "horizon_months": 42, "shock": shock})
    report = check_recovery(scenario, seed=2)
    assert report.trough < 0.99  # the loss is felt nationally


def shock_strategy() -> st.SearchStrategy[dict]:
    start = st.integers(1, 24)
    length = st.integers(1, 18)
    sectors = st.lists(st.sampled_from(SECTORS), min_size=1, max_size=3, unique=True)
    provinces = st.one_of(st.none(), st.lists(st.sampled_from(PROVINCES), min_size=1, max_size=2, unique=True))
    kinds = st.sampled_from(["capacity", "import", "energy", "demand", "fx"])

    @st.composite
    def one(draw):
        kind, first = draw(kinds), draw(start)
        shock = {"kind": kind, "start": first, "end": first + draw(length) - 1, "sectors": draw(sectors)}
        provinces_hit = draw(provinces)
        if provinces_hit:
            shock["provinces"] = provinces_hit
        if kind == "capacity":
            shock["loss"] = draw(st.floats(0.1, 0.95))
            shock["recovery_months"] = float(draw(st.integers(0, 3)))
        elif kind in ("import", "energy"):
            shock["availability"] = draw(st.floats(0.3, 0.95))
        elif kind == "demand":
            shock["change"] = draw(st.floats(-0.5, 0.3))
        else:
            shock["path"] = [draw(st.floats(1.1, 3.0))]
            shock["working_capital"] = draw(st.floats(1.0, 2.0))
        return shock

    return one()


@settings(max_examples=6, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(shocks=st.lists(shock_strategy(), min_size=1, max_size=4), noisy=st.booleans())
def test_random_shock_combinations_recover(shocks, noisy):
    stochastic = {"productivity_sigma": 0.02, "outage_rate": 0.02} if noisy else {}
    scenario = scenario_from_dict(
        {"name": "random_combination", "horizon_months": 80, "shock": shocks, "stochastic": stochastic}
    )
    check_recovery(scenario, seed=5)
