"""A small stochastic economy and scenario files for the batch and sensitivity tests."""

from __future__ import annotations

from pathlib import Path

from helpers import sector, write_folder

import sim

PROVINCES = [
    {"code": "P1", "name": "One", "population": 100, "lat": 35.0, "lon": 51.0, "region": "north"},
    {"code": "P2", "name": "Two", "population": 300, "lat": 32.0, "lon": 48.0, "region": "south"},
]
SECTORS = "ABC"


def small_economy(folder: Path) -> Path:
    """Two provinces x three sectors, 8 firms a cell, idle capacity (peak 1.3x, installed 1.6x output)."""
    cells = [(p["code"], s) for p in PROVINCES for s in SECTORS]
    return write_folder(
        folder,
        sectors=[sector("A", kind="mining", labour_per_output=0.2), sector("B", labour_per_output=0.1), sector("C")],
        coefficients=[("A", "B", 0.3), ("B", "C", 0.2), ("A", "C", 0.1, False), ("C", "A", 0.05)],
        demand={cell: 10.0 + 3 * i for i, cell in enumerate(cells)},
        provinces=PROVINCES,
        capacity={cell: (1.6, 1.3) for cell in cells},
        firms={cell: 8 for cell in cells},
    )


def write_scenario(path: Path, data: Path, name: str, horizon: int = 12, extra: str = "") -> Path:
    """Write a scenario TOML file with productivity noise (so runs differ by seed)."""
    path.write_text(
        f'name = "{name}"\nhorizon_months = {horizon}\n\n[economy]\ndata = "{data}"\n\n'
        "[stochastic]\nproductivity_sigma = 0.03\nproductivity_rho = 0.8\n" + extra,
        encoding="utf-8",
    )
    return path


def flaky_model(scenario, seed):
    """``sim.run``, except that run 1 (spawn key (1,)) raises, as a broken run would."""
    if tuple(seed.spawn_key) == (1,):
        raise FloatingPointError("injected failure of run 1")
    return sim.run(scenario, seed)
