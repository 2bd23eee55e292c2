"""An economy from a pymrio IOSystem reproduces the table's national sector outputs."""

from __future__ import annotations

import numpy as np
import pytest

import sim
from sim.economy.export import write_economy
from sim.economy.mrio import economy_from_pymrio
from sim.economy.world import build_world
from sim.scenario.parameters import ModelParameters

pymrio = pytest.importorskip("pymrio", reason="pymrio is the optional 'mrio' extra")


def test_pymrio_test_system_round_trip(tmp_path):
    io = pymrio.load_test()
    io.calc_all()
    economy = economy_from_pymrio(io, mining=["mining"], foreign_regions=["reg6"])
    assert economy.n_provinces == 5 and economy.n_sectors == 8
    folder = write_economy(economy, tmp_path / "mrio")
    loaded = sim.load_economy(folder)  # passes every data-folder check
    world = build_world(loaded, ModelParameters(), seed=0)
    national = np.bincount(world.firms.sector, weights=world.output0, minlength=loaded.n_sectors)
    domestic = io.x.loc[[r for r in io.get_regions() if r != "reg6"]].groupby(level=1).sum()
    expected = domestic.reindex(loaded.sector_codes).to_numpy().ravel() / 12.0
    np.testing.assert_allclose(national, expected, rtol=1e-9)


def test_unknown_mining_sector_is_an_input_error():
    io = pymrio.load_test()
    io.calc_all()
    with pytest.raises(sim.InputError, match="sector names of the table"):
        economy_from_pymrio(io, mining=["coal"])
