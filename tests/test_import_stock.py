"""Stocks of imported inputs bridge a shortfall (sim/shocks/import_stock.py), worked by hand."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import sim
from sim.shocks import compile_shocks
from sim.shocks.import_stock import buffered_availability

ROOT = Path(__file__).resolve().parent.parent


def test_a_cut_is_bridged_until_the_stock_is_gone_then_the_stock_is_rebuilt():
    # b = 1 month held, tau = 2 months, monthly steps; imports at 0.6 for months 1-3, then free.
    # month 1: use min(1, 0.6 + 1) = 1, stock 1 + 0.6 - 1 = 0.6
    # month 2: use min(1, 0.6 + 0.6) = 1, stock 0.2
    # month 3: use min(1, 0.6 + 0.2) = 0.8, stock 0
    # month 4: free, stock 0 + (1 - 0) / 2 = 0.5; month 5: 0.75 (alpha stays 1)
    alpha = np.array([1.0, 0.6, 0.6, 0.6, 1.0, 1.0])[:, None]
    out = buffered_availability(alpha, np.array([1.0]), 1.0, 2.0)
    np.testing.assert_allclose(out[:, 0], [1.0, 1.0, 1.0, 0.8, 1.0, 1.0])


def test_a_second_cut_finds_the_stock_still_low_and_cells_hold_their_own_stocks():
    # Two cells: b = 1 and b = 0 (no stock). Month 1 at 0.5, months 2-3 free, month 4 at 0.5.
    # cell 0: month 1 use 1 (stock 0.5); months 2, 3 rebuild half the gap a month (tau = 2):
    # 0.75, 0.875; month 4 use min(1, 0.5 + 0.875) = 1 (stock 0.375).
    # cell 1: nothing held, so alpha passes through: 0.5 in months 1 and 4.
    alpha = np.array([[1.0, 1.0], [0.5, 0.5], [1.0, 1.0], [1.0, 1.0], [0.5, 0.5], [0.2, 0.2]])
    out = buffered_availability(alpha, np.array([1.0, 0.0]), 1.0, 2.0)
    # month 5 in cell 0: use min(1, 0.2 + 0.375) = 0.575
    np.testing.assert_allclose(out[:, 0], [1.0, 1.0, 1.0, 1.0, 1.0, 0.575])
    np.testing.assert_allclose(out[:, 1], alpha[:, 1])


def test_half_month_steps_count_the_stock_in_months():
    # dt = 0.5: need 0.5 month of imports a step. b = 0.3 month, alpha = 0.2 for 3 steps.
    # step 1: use min(0.5, 0.1 + 0.3) = 0.4 -> alpha' 0.8, stock 0; step 2: use 0.1 -> 0.2.
    # step 3 (free again, alpha 1): rebuild 1 - (1 - 1/2) ** 0.5 = 0.2929 of the 0.3 gap.
    alpha = np.array([1.0, 0.2, 0.2, 1.0])[:, None]
    out = buffered_availability(alpha, np.array([0.3]), 0.5, 2.0)
    np.testing.assert_allclose(out[:, 0], [1.0, 0.8, 0.2, 1.0])


def test_the_run_uses_the_buffered_availability_of_each_sectors_stock():
    """An import cut on the default economy: every cell's availability as the rule gives it."""
    scenario = sim.load_scenario(ROOT / "scenarios" / "baseline.toml").with_changes(
        horizon_months=6,
        shock=[{"kind": "import", "start": 2, "end": 4, "availability": 0.4}],
    )
    world = sim.world_for(scenario)
    schedule = compile_shocks(scenario, world.economy, 6, 1.0)
    months = world.economy.sectors["inventory_months"].to_numpy(float)
    for sector, b in enumerate(months):
        cell = sector * world.economy.n_provinces  # sector-major cells: province 0 of the sector
        stock, expected = b, [1.0, 1.0]
        for _ in range(3):  # months 2-4 at 0.4
            use = min(1.0, 0.4 + stock)
            stock += 0.4 - use
            expected.append(use)
        expected += [1.0, 1.0]
        assert schedule.imports[:, cell] == pytest.approx(expected), sector
