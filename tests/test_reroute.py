"""Re-routing (sim/reroute.py): shares by hand, conservation, and orders that leave and come back."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

import sim
from sim.economy.network import SupplyNetwork
from sim.engine.reroute import Router
from sim.scenario import scenario_from_dict


def two_supplier_network(standby_a: float) -> SupplyNetwork:
    """Firms 0 (A) and 1 (B) supply firm 2's one input; A is drawn (base share 1), B is standby."""
    drawn = sp.csr_matrix((np.array([1.0]), (np.array([0]), np.array([0]))), shape=(3, 1))
    route = sp.csc_matrix((np.array([standby_a, 1.0 - standby_a]), (np.array([0, 1]), np.array([0, 0]))), shape=(3, 1))
    return SupplyNetwork(
        pair_buyer=np.array([2], dtype=np.int32),
        pair_sector=np.array([0], dtype=np.int16),
        pair_coef=np.array([0.2]),
        pair_critical=np.array([True]),
        supplier_of_pair=drawn,
        route_of_pair=route,
    )


@pytest.mark.parametrize(
    ("standby_a", "expected"),
    # rho_A = 0.5, rho_B = 1: L = 1 (1 - 0.5) = 0.5, C = s_A 0.5 + s_B, w = rho (b + s L / C)
    [
        (0.5, (0.5 * (1 + 0.5 * 0.5 / 0.75), 0.5 * 0.5 / 0.75)),
        (0.25, (0.5 * (1 + 0.25 * 0.5 / 0.875), 0.75 * 0.5 / 0.875)),
    ],
)
def test_shares_by_hand(standby_a, expected):
    net = two_supplier_network(standby_a)
    share = net.route_base.copy()
    router = Router(net, share, weight=1.0)  # reliability = this step's fill
    reliability = np.ones(3)
    router.update(reliability, np.array([0.5, 1.0, 1.0]))
    np.testing.assert_allclose(share, expected, rtol=1e-12)
    assert share.sum() == pytest.approx(1.0, rel=1e-12)
    router.update(reliability, np.ones(3))  # A delivers again: back to the base shares, exactly
    np.testing.assert_array_equal(share, [1.0, 0.0])
    assert router.at_base


def test_no_supplier_delivers_keeps_base_shares():
    net = two_supplier_network(0.5)
    share = net.route_base.copy()
    Router(net, share, weight=1.0).update(np.ones(3), np.array([0.0, 0.0, 1.0]))
    np.testing.assert_array_equal(share, [1.0, 0.0])  # C = 0: nothing to move to


def test_orders_leave_a_hit_supplier_and_come_back():
    """90% of basic metals (24) lost in Tehran for 6 months: buyers move orders off the hit firms
    (against the shock-free twin, where some capacity-bound firms lose orders too), the shares sum
    to one for every pair throughout, and the orders come back once the capacity is back."""
    shock = [{"kind": "capacity", "sectors": ["24"], "provinces": ["IR-23"], "start": 1, "end": 6, "loss": 0.9}]
    scenario = scenario_from_dict({"name": "reroute", "horizon_months": 40, "shock": shock})
    world = sim.world_for(scenario)
    net, economy = world.network, world.economy
    model = sim.GrowthModel(scenario, world, seed=0, agents=False)
    twin = sim.GrowthModel(scenario.with_changes(shock=[]), world, seed=0, agents=False)
    route = net.route_of_pair.tocoo()
    sector, province = economy.sector_codes.index("24"), economy.province_codes.index("IR-23")
    hit = np.flatnonzero((world.firms.sector == sector) & (world.firms.province == province))
    on_hit = np.isin(route.row, hit)
    try:
        for _ in range(6):
            model.step()
            twin.step()
            sums = np.bincount(route.col, weights=model.state.route_share, minlength=net.n_pairs)
            np.testing.assert_allclose(sums, 1.0, rtol=1e-12)
        during = model.state.route_share[on_hit].sum() / twin.state.route_share[on_hit].sum()
        assert during < 0.95  # orders went elsewhere (where the pair has suppliers outside Tehran)
        while model.running:
            model.step()
            twin.step()
        after = model.state.route_share[on_hit].sum() / twin.state.route_share[on_hit].sum()
        assert after == pytest.approx(1.0, abs=0.01)
    finally:
        model.release()
        twin.release()
