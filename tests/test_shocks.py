"""Every shock kind changes the state it names, more of it does more, and nothing else moves first.

Small economies are written as data folders (``helpers.write_folder``); the imported
coefficients are added to ``io_coefficients.csv`` here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from helpers import cells, scenario, sector, write_folder

import sim


def _with_imports(folder, rows):
    """Rewrite io_coefficients.csv with an ``imported`` column: rows (input, output, a, critical, m)."""
    table = [
        {"input": i, "output": o, "coefficient": a, "critical": str(c).lower(), "imported": m} for i, o, a, c, m in rows
    ]
    pd.DataFrame(table).to_csv(folder / "io_coefficients.csv", index=False)
    return folder


def import_economy(tmp_path, missing_link=False, critical=True, name="imp"):
    """U supplies B (a = 0.2); B also imports good U (m = 0.1); N has no inputs and imports nothing.

    U has spare capacity (installed twice its output) so it can take over imports. B holds no
    stocks (``inventory_months`` 0), so an import cut reaches it as scheduled, not bridged by a
    stock of imported inputs (tests/test_import_stock.py covers the stocks).
    """
    folder = write_folder(
        tmp_path / name,
        sectors=[
            sector("U", missing_link=str(missing_link).lower()),
            sector("B", import_share=0.1, inventory_months=0.0),
            sector("N"),
        ],
        coefficients=[("U", "B", 0.2)],
        demand={("P1", "U"): 10.0, ("P1", "B"): 100.0, ("P1", "N"): 50.0},
        capacity={("P1", "U"): (2.0, 1.0), ("P1", "B"): (1.0, 1.0), ("P1", "N"): (1.0, 1.0)},
    )
    return _with_imports(folder, [("U", "B", 0.2, critical, 0.1)])


def _series(results, column, sector_code, months):
    return np.array([cells(results, m, column)[sector_code] for m in months])


NO_INVEST = {"investment_response": 0.0, "recovery_speed": 1.0}


# --- import -----------------------------------------------------------------------------------


def test_import_cut_changes_availability_of_named_buyers_only(tmp_path):
    folder = import_economy(tmp_path)
    shock = [{"kind": "import", "sectors": ["B"], "start": 2, "end": 4, "availability": 0.6}]
    res = sim.run(scenario(folder, horizon=6, shock=shock, parameters=NO_INVEST))
    avail = {s: _series(res, "import_availability", s, range(7)) for s in "UBN"}
    np.testing.assert_allclose(avail["B"], [1, 1, 0.6, 0.6, 0.6, 1, 1])
    np.testing.assert_allclose(avail["N"], 1.0)
    np.testing.assert_allclose(avail["U"], 1.0)
    assert cells(res, 1, "output")["B"] == pytest.approx(100.0)
    assert cells(res, 2, "output")["B"] < 100.0
    # Every unit of B's output is made bound by imports, and all it loses is lost to them.
    assert cells(res, 2, "output_bound_by_imports")["B"] == pytest.approx(cells(res, 2, "output")["B"])
    lost = cells(res, 2, "potential_output")["B"] - cells(res, 2, "output")["B"]
    assert lost > 0 and cells(res, 2, "output_lost_to_imports")["B"] == pytest.approx(lost)
    np.testing.assert_allclose(_series(res, "output", "N", range(7)), 50.0)


@pytest.mark.parametrize("missing_link", [True, False])
def test_more_import_cut_less_output(tmp_path, missing_link):
    outputs = []
    for alpha in (0.9, 0.6, 0.3):
        folder = import_economy(tmp_path, missing_link=missing_link, name=f"imp{alpha}")
        shock = [{"kind": "import", "sectors": ["B"], "availability": alpha}]
        res = sim.run(scenario(folder, horizon=12, shock=shock, parameters=NO_INVEST))
        outputs.append(_series(res, "output", "B", range(1, 13)).sum())
    assert outputs[0] > outputs[1] > outputs[2]


def test_missing_link_binds_fully_and_harder_than_a_substitutable_import(tmp_path):
    """Same cut (alpha = 0.5). Missing link: x = alpha q at once and for good. Substitutable:
    x = (alpha + (1 - alpha) phi) q with phi -> sigma (0.5) at rate dt / tau (1/6 a month)."""
    shock = [{"kind": "import", "sectors": ["B"], "availability": 0.5}]
    months = range(1, 25)
    hard_economy = import_economy(tmp_path, missing_link=True, name="ml")
    soft_economy = import_economy(tmp_path, missing_link=False, name="sub")
    half = {"substitution_share": 0.5, "substitution_months": 6.0}
    hard = sim.run(scenario(hard_economy, horizon=24, shock=shock, parameters=NO_INVEST, imports=half))
    soft = sim.run(scenario(soft_economy, horizon=24, shock=shock, parameters=NO_INVEST, imports=half))
    x_hard = _series(hard, "output", "B", months)
    x_soft = _series(soft, "output", "B", months)
    np.testing.assert_allclose(x_hard, 50.0, rtol=1e-9)
    phi1 = 0.5 / 6.0
    assert x_soft[0] == pytest.approx(100.0 * (0.5 + 0.5 * phi1), rel=1e-9)
    assert (x_soft > x_hard + 1.0).all()
    assert x_soft[-1] == pytest.approx(100.0 * (0.5 + 0.5 * 0.5), rel=0.02)  # phi close to sigma after 24 months
    # The substituted imports are ordered from U: U sells B more than the domestic coefficient
    # alone (0.2 x_B) would take, about (1 - alpha) phi m x_B = 0.5 * 0.4 * 0.1 * 73 more.
    u_soft = cells(soft, 12, "output")["U"]
    assert u_soft > 10.0 + 0.2 * x_soft[11] + 1.0
    assert cells(hard, 24, "output")["U"] == pytest.approx(10.0 + 0.2 * 50.0, rel=1e-3)


def test_substitution_share_zero_makes_a_substitutable_import_bind_like_a_missing_link(tmp_path):
    shock = [{"kind": "import", "sectors": ["B"], "availability": 0.5}]
    res = sim.run(
        scenario(
            import_economy(tmp_path),
            horizon=6,
            shock=shock,
            parameters=NO_INVEST,
            imports={"substitution_share": 0.0},
        )
    )
    np.testing.assert_allclose(_series(res, "output", "B", range(1, 7)), 50.0, rtol=1e-9)


def test_non_critical_substitutable_import_binds_by_the_half_rule(tmp_path):
    """x = (c q + K) / 2 with K = q = 100 and c = alpha + (1 - alpha) phi1."""
    shock = [{"kind": "import", "sectors": ["B"], "availability": 0.5}]
    res = sim.run(
        scenario(
            import_economy(tmp_path, critical=False),
            horizon=2,
            shock=shock,
            parameters=NO_INVEST,
            imports={"substitution_share": 0.5, "substitution_months": 6.0},
        )
    )
    c = 0.5 + 0.5 * 0.5 / 6.0
    assert cells(res, 1, "output")["B"] == pytest.approx(0.5 * (c * 100.0 + 100.0), rel=1e-9)


# --- energy -----------------------------------------------------------------------------------


def energy_economy(tmp_path, name="energy"):
    folder = write_folder(
        tmp_path / name,
        sectors=[sector("H", energy_intensive="true"), sector("L")],
        coefficients=[("L", "L", 0.0)],  # no input links (the loader wants one row)
        demand={("P1", "H"): 100.0, ("P1", "L"): 50.0},
    )
    return folder


def test_energy_cut_scales_capacity_of_named_cells_and_grows_with_the_cut(tmp_path):
    folder = energy_economy(tmp_path)
    out = {}
    for avail in (0.9, 0.5, 0.2):
        shock = [{"kind": "energy", "carrier": "gas", "sectors": ["H"], "start": 2, "availability": avail}]
        res = sim.run(scenario(folder, horizon=3, shock=shock, parameters=NO_INVEST))
        assert cells(res, 2, "energy_availability")["H"] == pytest.approx(avail)
        assert cells(res, 2, "energy_availability")["L"] == pytest.approx(1.0)
        assert cells(res, 1, "output")["H"] == pytest.approx(100.0)
        assert cells(res, 2, "output_bound_by_energy")["H"] == pytest.approx(100.0 * avail)
        # Potential output stays at the plan, 100 (installed capacity is above it): 100 (1 - e) is lost to energy.
        assert cells(res, 2, "potential_output")["H"] == pytest.approx(100.0)
        assert cells(res, 2, "output_lost_to_energy")["H"] == pytest.approx(100.0 * (1 - avail))
        assert cells(res, 2, "output_lost_to_readiness")["H"] == 0.0
        assert cells(res, 2, "output")["L"] == pytest.approx(50.0)
        out[avail] = cells(res, 2, "output")["H"]
    np.testing.assert_allclose([out[0.9], out[0.5], out[0.2]], [90.0, 50.0, 20.0], rtol=1e-12)


def test_energy_intensive_only_spares_other_sectors(tmp_path):
    shock = [{"kind": "energy", "energy_intensive_only": True, "availability": 0.5}]
    res = sim.run(scenario(energy_economy(tmp_path), horizon=2, shock=shock))
    assert cells(res, 1, "energy_availability").to_dict() == pytest.approx({"H": 0.5, "L": 1.0})


def test_seasonal_cut_repeats_every_year_in_its_months_only(tmp_path):
    shock = [{"kind": "energy", "sectors": ["H"], "season": [7, 8], "availability": 0.6}]
    res = sim.run(scenario(energy_economy(tmp_path), horizon=40, shock=shock, first_calendar_month=1))
    avail = _series(res, "energy_availability", "H", range(1, 41))
    cut = {m for m in range(1, 41) if avail[m - 1] < 1.0}
    assert cut == {7, 8, 19, 20, 31, 32}
    np.testing.assert_allclose(avail[[m - 1 for m in sorted(cut)]], 0.6)


def test_season_follows_the_calendar_of_month_one(tmp_path):
    """With month 1 in April (the default), July and August are simulated months 4, 5, 16, 17."""
    shock = [{"kind": "energy", "season": [7, 8], "start": 10, "end": 20, "availability": 0.6}]
    res = sim.run(scenario(energy_economy(tmp_path), horizon=24, shock=shock))
    avail = _series(res, "energy_availability", "H", range(1, 25))
    assert {m for m in range(1, 25) if avail[m - 1] < 1.0} == {16, 17}


# --- fx ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "pass_through", "working_capital", "adjustment_months"),
    [([2.0], 1.0, 1.0, 2.0), ([1.5, 3.0], 0.5, 1.2, 4.0), ([4.0], 0.0, 1.0, 1.0), ([1.1], 1.0, 1.5, 3.0)],
)
def test_fx_limits_imports_by_working_capital_over_the_import_price(
    tmp_path, path, pass_through, working_capital, adjustment_months
):
    """alpha_t = min(1, W_t / p_t), p_t = 1 + pass_through (e_t - 1), W catching up with w p_{t-1}."""
    shock = [{"kind": "fx", "sectors": ["B"], "start": 2, "path": path, "pass_through": pass_through}]
    shock[0]["working_capital"] = working_capital
    shock[0]["adjustment_months"] = adjustment_months
    res = sim.run(scenario(import_economy(tmp_path), horizon=5, shock=shock, parameters=NO_INVEST))
    e = [1.0, 1.0] + [path[min(k, len(path) - 1)] for k in range(4)]
    p = [1.0 + pass_through * (rate - 1.0) for rate in e]
    g = 1.0 / adjustment_months  # monthly steps: the share of the gap closed each month
    capital, expected = working_capital, []
    for t in range(6):  # W_0 = w, W_t = W_{t-1} + (w p_{t-1} - W_{t-1}) g, written out step by step
        if t > 0:
            capital += (working_capital * p[t - 1] - capital) * g
        expected.append(min(1.0, capital / p[t]) if t >= 2 else 1.0)
    np.testing.assert_allclose(_series(res, "import_availability", "B", range(6)), expected, rtol=1e-12)
    np.testing.assert_allclose(_series(res, "import_availability", "N", range(6)), 1.0)


def test_fx_bites_hardest_when_the_rial_falls_and_eases_as_working_capital_catches_up(tmp_path):
    """A jump to e = 2 with w = 1, tau = 2: shares 1/2, then (1 + 1/2) / 2 = 3/4, then (1.5 + 0.25) / 2."""
    shock = [{"kind": "fx", "sectors": ["B"], "start": 1, "path": [2.0], "pass_through": 1.0}]
    shock[0].update(working_capital=1.0, adjustment_months=2.0)
    res = sim.run(scenario(import_economy(tmp_path), horizon=4, shock=shock, parameters=NO_INVEST))
    np.testing.assert_allclose(
        _series(res, "import_availability", "B", range(5)), [1.0, 0.5, 0.75, 0.875, 0.9375], rtol=1e-12
    )


def test_deeper_depreciation_less_output(tmp_path):
    outputs = []
    for rate in (1.2, 2.0, 4.0):
        shock = [{"kind": "fx", "path": [rate], "pass_through": 0.8, "working_capital": 1.0}]
        res = sim.run(scenario(import_economy(tmp_path, name=f"fx{rate}"), horizon=6, shock=shock))
        outputs.append(_series(res, "output", "B", range(1, 7)).sum())
        assert cells(res, 3, "output")["N"] == pytest.approx(50.0)  # no imports, no effect
    assert outputs[0] > outputs[1] > outputs[2]


# --- demand and capacity ---------------------------------------------------------------------


def test_export_demand_shock_moves_only_the_export_part(tmp_path):
    folder = write_folder(
        tmp_path / "exp",
        sectors=[sector("X", export_share=0.4), sector("Y")],
        coefficients=[("Y", "Y", 0.0)],
        demand={("P1", "X"): 100.0, ("P1", "Y"): 50.0},
    )
    shock = [{"kind": "demand", "channel": "export", "change": -0.5}]
    res = sim.run(scenario(folder, horizon=2, shock=shock))
    assert cells(res, 1, "final_demand").to_dict() == pytest.approx({"X": 100.0 - 0.5 * 40.0, "Y": 50.0})


def test_capacity_loss_comes_back_linearly_after_the_end(tmp_path):
    folder = energy_economy(tmp_path)
    shock = [{"kind": "capacity", "sectors": ["H"], "start": 2, "end": 3, "loss": 0.4, "recovery_months": 4}]
    res = sim.run(scenario(folder, horizon=9, shock=shock, parameters=NO_INVEST))
    cap = _series(res, "installed_capacity", "H", range(10))
    np.testing.assert_allclose(cap, 100.0 * np.array([1, 1, 0.6, 0.6, 0.7, 0.8, 0.9, 1.0, 1.0, 1.0]), rtol=1e-12)
    np.testing.assert_allclose(_series(res, "installed_capacity", "L", range(10)), 50.0)


# --- stochastic -------------------------------------------------------------------------------


def many_firms(tmp_path, n_firms=400, provinces=1, name="many"):
    codes = [f"P{i + 1}" for i in range(provinces)]
    return write_folder(
        tmp_path / name,
        sectors=[sector("A"), sector("B")],
        coefficients=[("B", "B", 0.0)],
        demand={(p, s): 100.0 for p in codes for s in "AB"},
        provinces=[{"code": p, "name": p, "population": 1, "lat": 30 + i, "lon": 50} for i, p in enumerate(codes)],
        firms={(p, s): n_firms for p in codes for s in "AB"},
    )


EQUAL_SIZES = {"size_sigma": 0.0, "investment_response": 0.0}


def test_outages_remove_the_expected_share_of_capacity(tmp_path):
    """Start probability p = 1 - exp(-lambda), duration d: share out = p d / (p d + 1 - p)."""
    folder = many_firms(tmp_path)
    lost = []
    for rate in (0.05, 0.1, 0.2):
        stoch = {"outage_rate": rate, "outage_months": 2, "outage_loss": 0.5}
        res = sim.run(scenario(folder, horizon=120, stochastic=stoch, parameters=EQUAL_SIZES), seed=5)
        frame = res.trajectories
        cap = frame[frame["month"] >= 20].groupby("month")["installed_capacity"].sum()
        share = 1.0 - cap.mean() / frame[frame["month"] == 0]["installed_capacity"].sum()
        p = 1.0 - np.exp(-rate)
        assert share == pytest.approx(0.5 * p * 2 / (p * 2 + 1 - p), abs=0.01)
        lost.append(share)
    assert lost[0] < lost[1] < lost[2]


def test_regime_spends_its_stationary_share_in_high_uncertainty(tmp_path):
    stoch = {"regime_enter": 0.1, "regime_exit": 0.3}
    res = sim.run(scenario(many_firms(tmp_path, n_firms=2), horizon=600, stochastic=stoch), seed=3)
    high = res.trajectories.groupby("month")["uncertainty_high"].first().iloc[1:]
    assert set(high.unique()) == {0.0, 1.0}
    assert high.mean() == pytest.approx(0.1 / (0.1 + 0.3), abs=0.07)


def test_high_uncertainty_holds_back_investment(tmp_path):
    folder = many_firms(tmp_path, n_firms=3)
    shock = [{"kind": "demand", "change": 0.5}]
    built = {}
    for label, stoch in (("normal", {}), ("high", {"regime_start_high": True, "regime_exit": 0.0})):
        for brake in (0.0, 0.5):
            params = {"uncertainty_brake": brake, "gestation_months": 3}
            res = sim.run(scenario(folder, horizon=24, shock=shock, stochastic=stoch, parameters=params))
            cap = res.national("installed_capacity")
            built[label, brake] = cap.iloc[-1] - cap.iloc[0]
    assert built["normal", 0.5] > 0
    assert built["high", 0.5] < 0.8 * built["normal", 0.5]
    assert built["high", 0.0] == pytest.approx(built["normal", 0.0], rel=1e-12)


def test_high_regime_multiplies_volatility(tmp_path):
    """Stationary sd of log z is sigma v / sqrt(1 - rho^2)."""
    folder = many_firms(tmp_path, n_firms=500)
    sds = {}
    for label, extra in (("normal", {}), ("high", {"regime_start_high": True, "regime_exit": 0.0})):
        stoch = {"productivity_sigma": 0.02, "productivity_rho": 0.5, "regime_volatility": 3.0, **extra}
        model = sim.GrowthModel(scenario(folder, horizon=30, stochastic=stoch), sim.world_for(scenario(folder)), 1)
        for _ in range(30):
            model.step()
        sds[label] = np.std(np.log(model.state.productivity))
        model.release()
    assert sds["normal"] == pytest.approx(0.02 / np.sqrt(0.75), rel=0.1)
    assert sds["high"] / sds["normal"] == pytest.approx(3.0, rel=0.1)


@pytest.mark.parametrize("by", ["province", "sector"])
def test_correlated_shocks_are_common_within_their_group(tmp_path, by):
    folder = many_firms(tmp_path, n_firms=20, provinces=3)
    stoch = {"correlated_sigma": 0.05, "correlated_by": by}
    sc = scenario(folder, horizon=6, stochastic=stoch)
    model = sim.GrowthModel(sc, sim.world_for(sc), 2, agents=False)
    for _ in range(6):
        model.step()
    firms = model.world.firms
    group = firms.province if by == "province" else firms.sector
    z = model.state.productivity
    means = np.array([z[group == g].mean() for g in np.unique(group)])
    for g in np.unique(group):
        np.testing.assert_allclose(z[group == g], z[group == g][0], rtol=1e-12)
    assert np.ptp(means) > 1e-3
    model.release()


def test_no_stochastic_settings_no_draws(tmp_path):
    """With [stochastic] off, two seeds give identical runs (nothing random is drawn)."""
    folder = import_economy(tmp_path)
    sc = scenario(folder, horizon=12, shock=[{"kind": "import", "availability": 0.7}])
    assert sim.run(sc, seed=1).trajectories.equals(sim.run(sc, seed=2).trajectories)
