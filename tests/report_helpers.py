"""A small Iran-coded economy, two scenarios sharing seeds, a paired batch and run folders for the report tests."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from helpers import sector, write_folder

import sim
from analysis.metrics.series import cagr
from analysis.montecarlo import run_batch

PROVINCES = [
    {
        "code": "IR-23",
        "name": "Tehran",
        "name_fa": "تهران",
        "population": 1300,
        "lat": 35.5,
        "lon": 51.8,
        "region": "north",
    },
    {
        "code": "IR-10",
        "name": "Isfahan",
        "name_fa": "اصفهان",
        "population": 500,
        "lat": 33.2,
        "lon": 52.5,
        "region": "centre",
    },
    {
        "code": "IR-06",
        "name": "Khuzestan",
        "name_fa": "خوزستان",
        "population": 470,
        "lat": 31.3,
        "lon": 48.7,
        "region": "south",
    },
]
SECTORS = ("07", "24", "29")
RUNS = 4
HORIZON = 24
NOISE = "[stochastic]\nproductivity_sigma = 0.03\nproductivity_rho = 0.8\n"
SHOCK = (
    '[[shock]]\nkind = "capacity"\nsectors = ["24"]\nprovinces = ["IR-23", "IR-06"]\nstart = 4\nloss = 0.3\n\n'
    '[[shock]]\nkind = "capacity"\nsectors = ["07"]\nstart = 6\nend = 18\nloss = 0.8\n'
)


def economy(folder: Path) -> Path:
    """Three provinces x three sectors (07 mining), 4 firms a cell, idle capacity that differs by cell."""
    cells = [(p["code"], s) for p in PROVINCES for s in SECTORS]
    return write_folder(
        folder,
        sectors=[
            sector("07", kind="mining", labour_per_output=0.2),
            sector("24", labour_per_output=0.1, import_share=0.05),
            sector("29", labour_per_output=0.05),
        ],
        coefficients=[("07", "24", 0.3), ("24", "29", 0.25), ("07", "29", 0.05, False)],
        demand={cell: 10.0 + 4 * i for i, cell in enumerate(cells)},
        provinces=PROVINCES,
        capacity={cell: (1.6, 1.15 + 0.05 * i) for i, cell in enumerate(cells)},
        firms={cell: 4 for cell in cells},
    )


def scenario_file(path: Path, data: Path, name: str, extra: str = "", targets: str | None = None) -> Path:
    """A scenario TOML of ``HORIZON`` months with productivity noise and optional extra tables."""
    policy = f'[policy]\ntargets = "{targets}"\n' if targets else ""
    path.write_text(
        f'name = "{name}"\nhorizon_months = {HORIZON}\n\n[economy]\ndata = "{data}"\n\n{NOISE}\n{policy}\n{extra}',
        encoding="utf-8",
    )
    return path


def pilot_targets(base: Path, out: Path) -> Path:
    """Targets at each cell's growth in a pilot run (seed 999), so that runs fall on both sides of them."""
    frame = sim.run(base, seed=999).trajectories
    first, last = frame[frame["month"] == 0], frame[frame["month"] == HORIZON]
    start = first.set_index(["province", "sector"])["value_added"]
    end = last.set_index(["province", "sector"])["value_added"].reindex(start.index)
    table = pd.DataFrame({"target": cagr(start.to_numpy(), end.to_numpy(), HORIZON)}, index=start.index)
    table.reset_index().to_csv(out, index=False)
    return out


def files(root: Path) -> dict[str, Path]:
    """The economy, the targets and the two scenario files (base and a demand shock)."""
    data = economy(root / "economy")
    plain = scenario_file(root / "pilot.toml", data, "pilot")
    targets = pilot_targets(plain, root / "targets.csv")
    base = scenario_file(root / "base.toml", data, "base", targets=targets.name)
    stress = scenario_file(root / "stress.toml", data, "stress", extra=SHOCK, targets=targets.name)
    return {"data": data, "targets": targets, "base": base, "stress": stress}


def paired_store(root: Path, scenarios: list[Path], **options) -> Path:
    """A batch of ``RUNS`` runs of each scenario, shared seeds, shock-free pairs and the cell cube."""
    settings = {"seed": 3, "workers": 1, "paired": True, "detail": "province-sector", **options}
    run_batch(scenarios, RUNS, root / "store", **settings)
    return root / "store"
