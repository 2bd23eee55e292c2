"""The ministry's targets on an asymmetric economy, worked by hand from docs/metrics.md.

Three provinces, a manufacturing sector A (value added 0.4 of output) and a mining sector M
(0.6), no intermediate inputs, so output is final demand:

    cell   output  peak ratio  idle i  value added w
    P1/A    100      1.5        0.5       40
    P2/A    300      1.1        0.1      120
    P3/A    100      1.3        0.3       40
    P1/M     50      1.2        0.2       30
    P2/M     20      1.0        0.0       12

With ``recovery_speed = 1`` every gap closes within the horizon (``tau = 1``) and with
``latent_demand_share = 0.5`` the recoverable ratio is ``r = i / 2``; over 12 months the carried
growth is ``g = r``: 0.25, 0.05, 0.15, 0.10, 0. Industry's weighted mean is (10 + 6 + 6) / 200 =
0.11, so ``k_industry = 0.082 / 0.11``; mining's is 3 / 42, so ``k_mining = 0.05 * 14 = 0.7``.
"""

from __future__ import annotations

import numpy as np
import pytest
from helpers import scenario, sector, write_folder

from analysis.targets import ministry_targets

# Listed Two, One, Three: tables follow the economy's order, not the codes' sorted order (and
# the economy's last cell, Three's mine, is empty).
PROVINCES = [
    {"code": "P2", "name": "Two", "population": 2000, "region": "north"},
    {"code": "P1", "name": "One", "population": 1000, "region": "north"},
    {"code": "P3", "name": "Three", "population": 1500, "region": "south"},
]
DEMAND = {("P1", "A"): 100.0, ("P2", "A"): 300.0, ("P3", "A"): 100.0, ("P1", "M"): 50.0, ("P2", "M"): 20.0}
PEAKS = {("P1", "A"): 1.5, ("P2", "A"): 1.1, ("P3", "A"): 1.3, ("P1", "M"): 1.2, ("P2", "M"): 1.0}
K_INDUSTRY = 0.082 / 0.11


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    sectors = [
        sector("A", other_inputs_share=0.6),
        sector("M", kind="mining", other_inputs_share=0.4),
    ]
    capacity = {cell: (2.0, peak) for cell, peak in PEAKS.items()}
    root = tmp_path_factory.mktemp("targets_cases")
    firms = {**dict.fromkeys(DEMAND, 2), ("P3", "M"): 0}  # Three has no mine
    return write_folder(
        root / "econ", sectors, [("A", "A", 0.0, False)], DEMAND, provinces=PROVINCES, capacity=capacity, firms=firms
    )


def _table(folder, horizon=12):
    parameters = {"recovery_speed": 1.0, "latent_demand_share": 0.5}
    return ministry_targets(scenario(folder, horizon=horizon, parameters=parameters))


def test_cell_targets_scale_carried_growth_by_kind(folder):
    cells = _table(folder).cells.set_index(["province", "sector"]).loc[list(DEMAND)]
    np.testing.assert_allclose(cells["value_added"], [40, 120, 40, 30, 12], rtol=1e-12)
    np.testing.assert_allclose(cells["idle_ratio"], [0.5, 0.1, 0.3, 0.2, 0.0], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(cells["recoverable_ratio"], [0.25, 0.05, 0.15, 0.1, 0.0], rtol=1e-12, atol=1e-15)
    expected = [0.25 * K_INDUSTRY, 0.05 * K_INDUSTRY, 0.15 * K_INDUSTRY, 0.07, 0.0]
    np.testing.assert_allclose(cells["target"], expected, rtol=1e-12, atol=1e-15)


def test_provinces_nation_and_the_province_that_needs_investment(folder):
    table = _table(folder)
    provinces = table.provinces.set_index("province")
    # P1: (40 * 0.25 k + 30 * 0.07) / 70; its share of the plan (40 * 8.2% + 30 * 5%) / 70.
    assert provinces.loc["P1", "target"] == pytest.approx((10 * K_INDUSTRY + 2.1) / 70, rel=1e-12)
    assert provinces.loc["P1", "share"] == pytest.approx(4.78 / 70, rel=1e-12)
    # P2: (120 * 0.05 k + 12 * 0) / 132 = 3.4% against 0.75 of (9.84 + 0.6) / 132 = 5.9%: flagged.
    assert provinces.loc["P2", "target"] == pytest.approx(6 * K_INDUSTRY / 132, rel=1e-12)
    assert provinces.loc["P2", "share"] == pytest.approx(10.44 / 132, rel=1e-12)
    assert provinces.loc["P2", "idle_ratio"] == pytest.approx(12 / 132, rel=1e-12)
    assert provinces.loc["P3", "target"] == pytest.approx(0.15 * K_INDUSTRY, rel=1e-12)
    # Carried growth (40 * 0.25 + 30 * 0.1) / 70 in P1, (120 * 0.05) / 132 in P2.
    assert provinces.loc["P1", "carried_growth"] == pytest.approx(13 / 70, rel=1e-12)
    assert provinces.loc["P2", "carried_growth"] == pytest.approx(6 / 132, rel=1e-12)
    assert table.needs_investment == ["P2"]
    assert table.provinces.columns[:4].tolist() == ["province", "name", "region", "value_added"]
    assert table.provinces["province"].tolist() == ["P2", "P1", "P3"]
    assert provinces["needs_investment"].tolist() == [True, False, False]
    assert provinces["name"].tolist() == ["Two", "One", "Three"]
    assert provinces["region"].tolist() == ["north", "north", "south"]
    assert table.source == "ministry" and table.horizon_months == 12
    national = table.national
    assert national.loc["industry", "target"] == pytest.approx(0.082, rel=1e-12)
    assert national.loc["mining", "target"] == pytest.approx(0.05, rel=1e-12)
    assert national.loc["nation", "target"] == pytest.approx(18.5 / 242, rel=1e-12)
    assert national.loc["nation", "idle_ratio"] == pytest.approx(50 / 242, rel=1e-12)
    assert national.loc["mining", "value_added"] == pytest.approx(42, rel=1e-12)
    assert table.scale == pytest.approx({"industry": K_INDUSTRY, "mining": 0.7}, rel=1e-12)


def test_low_share_moves_the_flag(folder):
    # P1's target is 2.0 times its share, P3's 1.36 times, P2's 0.43 times.
    table = ministry_targets(
        scenario(folder, horizon=12, parameters={"recovery_speed": 1.0, "latent_demand_share": 0.5}), low_share=1.5
    )
    assert table.needs_investment == ["P2", "P3"]


def test_a_longer_horizon_annualises_carried_growth(folder):
    cells = _table(folder, horizon=24).cells.set_index(["province", "sector"]).loc[list(DEMAND)]
    # Over 24 months the same recoverable ratios carry (1 + r)^(1/2) - 1 a year.
    carried = np.sqrt(1 + np.array([0.25, 0.05, 0.15, 0.1, 0.0])) - 1
    np.testing.assert_allclose(cells["carried_growth"], carried, rtol=1e-12, atol=1e-15)
    industry = cells[cells["kind"] == "industry"]
    assert (industry["value_added"] * industry["target"]).sum() / 200 == pytest.approx(0.082, rel=1e-12)
