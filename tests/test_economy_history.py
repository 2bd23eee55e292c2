"""The default economy's output histories: built by neutral rules, and the committed files are the build's.

Issue 13: an input must come from the record or from a rule that treats provinces alike, never
from the outcome the model is checked against (the 1401 provincial targets,
``sim/data/history/provincial_targets.csv``). Tehran's swings were once damped for its low
reported target; these tests fail if a province's name enters a cell's history again, or if the
packaged tables stop being exactly what ``scripts/build_default_economy.py`` writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import build_default_economy  # noqa: E402
from economy_history import N_YEARS, cell_annual_paths  # noqa: E402


def test_a_cells_history_does_not_depend_on_its_province_label():
    """Relabelling every province (Tehran included) leaves the paths bit for bit the same."""
    levels = np.exp(np.linspace(-0.3, 0.0, N_YEARS))[None, :].repeat(2, axis=0)
    cells = pd.DataFrame({"province": ["IR-23", "IR-10", "IR-23", "IR-06"], "sector_index": [0, 0, 1, 1]})
    renamed = cells.assign(province=["P1", "P2", "P3", "P4"])
    first = cell_annual_paths(cells, levels, np.random.default_rng(3))
    second = cell_annual_paths(renamed, levels, np.random.default_rng(3))
    np.testing.assert_array_equal(first, second)


def test_packaged_tables_are_what_the_build_writes(tmp_path):
    """``python scripts/build_default_economy.py`` reproduces every committed table byte for byte."""
    build_default_economy.main(["--out", str(tmp_path)])
    for stem in ("provinces", "sectors", "io_coefficients", "final_demand", "firms", "capacity", "output_history"):
        built = (tmp_path / f"{stem}.csv").read_bytes()
        assert built == (ROOT / "sim" / "data" / f"{stem}.csv").read_bytes(), stem
