"""Small economies written as data folders, so tests go through the public interface."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from sim.scenario import Scenario, scenario_from_dict


def write_folder(
    folder: Path,
    sectors: list[dict],
    coefficients: list[tuple],
    demand: dict[tuple[str, str], float],
    provinces: list[dict] | None = None,
    capacity: dict[tuple[str, str], tuple[float, float]] | None = None,
    firms: dict[tuple[str, str], int] | None = None,
) -> Path:
    """Write a data folder.

    Args:
        folder: Where to write.
        sectors: Rows of sectors.csv (code, name, kind, import_share, ...).
        coefficients: (input, output, coefficient[, critical[, imported]]) rows of io_coefficients.csv.
        demand: (province, sector) -> final demand per month.
        provinces: Rows of provinces.csv (default: one province ``P1``).
        capacity: (province, sector) -> (installed_ratio, peak_ratio).
        firms: (province, sector) -> number of firms.
    """
    folder.mkdir(parents=True, exist_ok=True)
    provinces = provinces or [{"code": "P1", "name": "One", "population": 1000}]
    pd.DataFrame(provinces).to_csv(folder / "provinces.csv", index=False)
    pd.DataFrame(sectors).to_csv(folder / "sectors.csv", index=False)
    rows = [
        {
            "input": c[0],
            "output": c[1],
            "coefficient": c[2],
            "critical": str(c[3] if len(c) > 3 else True).lower(),
            "imported": c[4] if len(c) > 4 else 0.0,
        }
        for c in coefficients
    ]
    columns = ["input", "output", "coefficient", "critical"] + (
        ["imported"] if any(len(c) > 4 for c in coefficients) else []
    )
    pd.DataFrame(rows, columns=columns).to_csv(folder / "io_coefficients.csv", index=False)
    pd.DataFrame([{"province": p, "sector": s, "demand": d} for (p, s), d in demand.items()]).to_csv(
        folder / "final_demand.csv", index=False
    )
    if capacity:
        pd.DataFrame(
            [{"province": p, "sector": s, "installed_ratio": i, "peak_ratio": k} for (p, s), (i, k) in capacity.items()]
        ).to_csv(folder / "capacity.csv", index=False)
    if firms:
        pd.DataFrame([{"province": p, "sector": s, "firms": n} for (p, s), n in firms.items()]).to_csv(
            folder / "firms.csv", index=False
        )
    return folder


def sector(code: str, kind: str = "manufacturing", import_share: float = 0.0, **extra) -> dict:
    return {"code": code, "name": f"Sector {code}", "kind": kind, "import_share": import_share, **extra}


def one_sector_folder(folder: Path) -> Path:
    """One manufacturing sector N in one province P1: final demand 100, capacity 2 x 100, no inputs."""
    return write_folder(
        folder,
        sectors=[sector("N")],
        coefficients=[],
        demand={("P1", "N"): 100.0},
        capacity={("P1", "N"): (2.0, 1.0)},
    )


def scenario(folder: Path, horizon: int = 12, **tables) -> Scenario:
    """A scenario over a data folder; extra keys are scenario tables (shock, policy, ...)."""
    return scenario_from_dict({"name": "test", "horizon_months": horizon, "economy": {"data": str(folder)}, **tables})


def cells(results, month: int, column: str) -> pd.Series:
    """A column at one month, indexed by sector (single-province economies)."""
    frame = results.trajectories
    return frame[frame["month"] == month].set_index("sector")[column]
