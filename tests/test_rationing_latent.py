"""Proportional rationing with latent demand, worked by hand (one supplier, three buyers).

Firms' orders are served first, then final demand, then latent demand (sim/engine/phases/delivery.py).

Supplier S sells orders to B1, B2, B3 (coefficient 0.5 on their outputs 42, 70, 28: orders 21,
35, 14) and 30 to households: month-0 output 100. Its 10-year peak is 1.25 times that, and with
``latent_demand_share = 0.8`` buyers wait for 0.8 * 25 = 20 more, served last. In month 1 its
households' demand halves (latent demand with it: 10), so it faces orders 70 + final 15 = 85,
and a capacity loss cuts its installed capacity of 125 below its operable 100.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import cells, scenario, sector, write_folder

import sim

BUYERS = ["B1", "B2", "B3"]
ORDERS = np.array([21.0, 35.0, 14.0])


def _month_one(tmp_path, loss: float):
    folder = write_folder(
        tmp_path / f"ration{loss}",
        sectors=[sector(c) for c in ("S", *BUYERS)],
        coefficients=[("S", "B1", 0.5), ("S", "B2", 0.5), ("S", "B3", 0.5)],
        demand={("P1", "B1"): 42.0, ("P1", "B2"): 70.0, ("P1", "B3"): 28.0, ("P1", "S"): 30.0},
        capacity={("P1", "S"): (1.25, 1.25), **{("P1", b): (1.0, 1.0) for b in BUYERS}},
        firms={("P1", c): 1 for c in ("S", *BUYERS)},
    )
    shocks = [
        {"kind": "capacity", "sectors": ["S"], "loss": loss},
        {"kind": "demand", "sectors": ["S"], "change": -0.5, "channel": "domestic"},
    ]
    results = sim.run(scenario(folder, horizon=1, shock=shocks, parameters={"latent_demand_share": 0.8}))
    stock0, stock1 = cells(results, 0, "input_stock")[BUYERS], cells(results, 1, "input_stock")[BUYERS]
    received = (stock1 - stock0 + 0.5 * cells(results, 1, "output")[BUYERS]).to_numpy()
    month = {name: cells(results, 1, name)["S"] for name in ("output", "latent_demand_served", "unmet_demand")}
    return received, month


def test_orders_served_in_full_before_latent_demand_takes_the_rest(tmp_path):
    # Capacity 125 * 0.72 = 90: orders and final demand (85) in full, 5 of the 10 latent.
    received, s = _month_one(tmp_path, 0.28)
    assert s["output"] == pytest.approx(90.0, rel=1e-12)
    np.testing.assert_allclose(received, ORDERS, rtol=1e-12)
    assert s["latent_demand_served"] == pytest.approx(5.0, rel=1e-12)
    assert s["unmet_demand"] == pytest.approx(0.0, abs=1e-9)


def test_short_supplier_fills_every_order_in_proportion_and_latent_gets_nothing(tmp_path):
    # Capacity 125 * 0.448 = 56 against orders of 70: firms' orders are served first (the mixed
    # rationing of Pichler et al. 2022), each at 56/70 = 0.8; households' 15 and latent demand get
    # nothing: 85 - 56 = 29 unmet.
    received, s = _month_one(tmp_path, 0.552)
    assert s["output"] == pytest.approx(56.0, rel=1e-9)
    np.testing.assert_allclose(received, ORDERS * 0.8, rtol=1e-9)
    assert s["latent_demand_served"] == pytest.approx(0.0, abs=1e-9)
    assert s["unmet_demand"] == pytest.approx(29.0, rel=1e-9)
