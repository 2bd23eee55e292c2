"""The cache-friendly layouts of large economies give bit-for-bit the results of the plain ones.

Large economies compute pair arithmetic block by block (:mod:`sim.kernels.blocks`) and the supplier
products with pairs regrouped by sector (:mod:`sim.kernels.supplier_matrix`). Both keep every sum's
terms and their order, so forcing them on the default economy must change nothing at all.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
import sim.kernels.blocks
import sim.kernels.supplier_matrix
from sim.kernels.blocks import pair_blocks
from sim.kernels.supplier_matrix import SupplierMatrix, sector_layout

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


@pytest.fixture(scope="module")
def default_network():
    return sim.world_for(sim.load_scenario(SCENARIOS / "baseline.toml")).network


def test_blocks_cover_every_firm_and_pair_in_order():
    counts = np.array([3, 0, 5, 2, 0, 0, 7, 1])
    blocks = pair_blocks(counts, pairs_per_block=6)
    # At most 6 pairs a block, except firm 6 alone with its 7.
    assert [(b.firms.start, b.firms.stop) for b in blocks] == [(0, 2), (2, 3), (3, 6), (6, 7), (7, 8)]
    assert [(b.pairs.start, b.pairs.stop) for b in blocks] == [(0, 3), (3, 8), (8, 10), (10, 17), (17, 18)]
    values = np.arange(18, dtype=float)[::-1].copy()
    mins = np.concatenate([b.firm_min(values[b.pairs]) for b in blocks])
    np.testing.assert_array_equal(mins, [15.0, np.inf, 10.0, 8.0, np.inf, np.inf, 1.0, 0.0])
    spread = np.concatenate([b.spread(np.arange(8.0)) for b in blocks])
    np.testing.assert_array_equal(spread, np.repeat(np.arange(8.0), counts))
    assert pair_blocks(np.zeros(0, dtype=np.int64)) == []


def test_sector_blocked_products_equal_the_plain_ones_bit_for_bit(default_network):
    net = default_network
    plain = SupplierMatrix(net, blocked=False)
    assert sector_layout(net) is sector_layout(net)  # derived once per network
    blocked = SupplierMatrix(net, blocked=True)
    assert blocked.blocked and not plain.blocked
    rng = np.random.default_rng(7)
    orders = rng.random(net.n_pairs)
    fill = rng.random(net.supplier_of_pair.shape[0])
    np.testing.assert_array_equal(blocked.sum_to_suppliers(orders), net.supplier_of_pair @ orders)
    np.testing.assert_array_equal(blocked.sum_to_suppliers(orders), plain.sum_to_suppliers(orders))
    np.testing.assert_array_equal(blocked.gather_to_pairs(fill), net.supplier_of_pair.T @ fill)
    out = np.full(net.n_pairs, -1.0)
    assert blocked.gather_to_pairs(fill, out=out) is out
    np.testing.assert_array_equal(out, plain.gather_to_pairs(fill))


@pytest.mark.parametrize("name", ["combined_stress", "priority_rationing", "sanctions_imports"])
def test_runs_with_the_large_economy_layouts_are_identical(name, monkeypatch):
    scenario = sim.load_scenario(SCENARIOS / f"{name}.toml")
    plain = sim.run(scenario, seed=3, record_firms=True)
    monkeypatch.setattr(sim.kernels.supplier_matrix, "BLOCKED_FROM_PAIRS", 0)
    monkeypatch.setattr(sim.kernels.blocks, "PAIRS_PER_BLOCK", 997)  # many blocks, cut mid-sector
    blocked = sim.run(scenario, seed=3, record_firms=True)
    pd.testing.assert_frame_equal(plain.trajectories, blocked.trajectories, check_exact=True)
    pd.testing.assert_frame_equal(plain.firms, blocked.firms, check_exact=True)
