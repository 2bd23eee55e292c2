"""Writing an economy back to a data folder, and describing it.

``write_economy`` writes exactly the tables ``load_economy`` reads, so a data folder
round-trips; ``write_world`` adds the drawn network (GraphML) and the initial state by firm and
by cell.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

from sim.economy.cell_economy import PRIORITY_TAGS, PROVINCE_COLUMNS, SECTOR_COLUMNS, Economy
from sim.economy.world import World


def _cells(economy: Economy, grid: np.ndarray, name: str, keep: np.ndarray) -> pd.DataFrame:
    p, s = np.nonzero(keep)
    return pd.DataFrame(
        {
            "province": np.array(economy.province_codes)[p],
            "sector": np.array(economy.sector_codes)[s],
            name: grid[p, s],
        }
    )


def write_economy(economy: Economy, folder: str | Path) -> Path:
    """Write the economy as a data folder that :func:`~sim.economy.load_economy` reads back."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    economy.provinces[[column.name for column in PROVINCE_COLUMNS]].to_csv(folder / "provinces.csv", index=False)
    sector_columns = [column.name for column in SECTOR_COLUMNS]
    sectors = economy.sectors[sector_columns].copy()
    for col in ("energy_intensive", *PRIORITY_TAGS):
        sectors[col] = sectors[col].map({True: "true", False: "false"})
    sectors.to_csv(folder / "sectors.csv", index=False)
    j, s = np.nonzero((economy.a > 0) | (economy.imported > 0))
    codes = np.array(economy.sector_codes)
    pd.DataFrame(
        {
            "input": codes[j],
            "output": codes[s],
            "coefficient": economy.a[j, s],
            "critical": np.where(economy.critical[j, s], "true", "false"),
            "imported": economy.imported[j, s],
        }
    ).to_csv(folder / "io_coefficients.csv", index=False)
    has_firms = economy.firm_counts > 0
    _cells(economy, economy.final_demand, "demand", economy.final_demand > 0).to_csv(
        folder / "final_demand.csv", index=False
    )
    _cells(economy, economy.firm_counts, "firms", has_firms).to_csv(folder / "firms.csv", index=False)
    capacity = _cells(economy, economy.installed_ratio, "installed_ratio", has_firms)
    capacity["peak_ratio"] = economy.peak_ratio[has_firms]
    capacity.to_csv(folder / "capacity.csv", index=False)
    if economy.history is not None:
        p, s = np.nonzero(has_firms)
        months = economy.history_months
        pd.DataFrame(
            {
                "province": np.repeat(np.array(economy.province_codes)[p], len(months)),
                "sector": np.repeat(codes[s], len(months)),
                "month": np.tile(months, p.size),
                "output_index": economy.history[p, s].reshape(-1),
            }
        ).to_csv(folder / "output_history.csv", index=False)
    return folder


def cell_summary(world: World) -> pd.DataFrame:
    """Initial output, peak, installed capacity, idle capacity and firms by province x sector."""
    economy, firms = world.economy, world.firms
    n_cells = world.n_cells

    def by_cell(values: np.ndarray) -> np.ndarray:
        return np.bincount(firms.cell, weights=values, minlength=n_cells)

    cells = np.flatnonzero(np.bincount(firms.cell, minlength=n_cells) > 0)
    n_p = economy.n_provinces
    frame = pd.DataFrame(
        {
            "province": np.array(economy.province_codes)[cells % n_p],
            "sector": np.array(economy.sector_codes)[cells // n_p],
            "firms": np.bincount(firms.cell, minlength=n_cells)[cells],
            "output": by_cell(world.output0)[cells],
            "peak_output": by_cell(world.peak0)[cells],
            "installed_capacity": by_cell(world.installed0)[cells],
            "value_added": by_cell(world.output0 * world.value_added_share)[cells],
            "employment": by_cell(world.output0 * world.labour_per_output)[cells],
        }
    )
    frame["idle_capacity"] = frame["peak_output"] - frame["output"]
    return frame


def firm_table(world: World) -> pd.DataFrame:
    """The initial state of every firm."""
    economy, firms = world.economy, world.firms
    return pd.DataFrame(
        {
            "firm": np.arange(firms.n),
            "province": np.array(economy.province_codes)[firms.province],
            "sector": np.array(economy.sector_codes)[firms.sector],
            "output": world.output0,
            "final_demand": world.final_demand,
            "peak_output": world.peak0,
            "installed_capacity": world.installed0,
            "latent_demand": world.latent,
        }
    )


def write_world(world: World, folder: str | Path) -> Path:
    """Write the data tables, ``network.graphml``, ``firms_initial.csv`` and ``cells.csv``."""
    folder = write_economy(world.economy, folder)
    graph = world.network.to_networkx(world.firms, world.economy, world.output0)
    nx.write_graphml(graph, folder / "network.graphml")
    firm_table(world).to_csv(folder / "firms_initial.csv", index=False)
    cell_summary(world).to_csv(folder / "cells.csv", index=False)
    return folder


def describe(world: World) -> str:
    """A readable summary of an economy as built: sizes, output, idle capacity."""
    economy, net = world.economy, world.network
    cells = cell_summary(world)
    lines = [
        f"economy: {economy.source}",
        f"provinces: {economy.n_provinces}   sectors: {economy.n_sectors} "
        f"({int(economy.is_mining.sum())} mining, {int((~economy.is_mining).sum())} manufacturing)",
        f"firms: {world.n_firms:,}   supplier links: {net.n_links:,} over {net.n_pairs:,} (firm, input) pairs",
        f"output per month: {world.output0.sum():,.1f}   value added: {cells['value_added'].sum():,.1f}   "
        f"employment: {cells['employment'].sum():,.0f}",
        f"idle capacity (10-year peak - output): {cells['idle_capacity'].sum():,.1f} "
        f"({cells['idle_capacity'].sum() / cells['output'].sum():.1%} of output)   "
        f"utilisation of installed capacity: {cells['output'].sum() / cells['installed_capacity'].sum():.1%}",
        f"Leontief residual of the initial state: {world.leontief_residual:.2e}",
        "",
    ]
    names = dict(zip(economy.province_codes, economy.provinces["name"], strict=True))
    by_p = cells.groupby("province")[["firms", "output", "idle_capacity"]].sum()
    by_p["idle_ratio"] = by_p["idle_capacity"] / by_p["output"]
    by_p.insert(0, "name", [names[c] for c in by_p.index])
    lines.append("by province:")
    lines.append(by_p.sort_values("output", ascending=False).to_string(float_format=lambda v: f"{v:,.2f}"))
    s_names = dict(zip(economy.sector_codes, economy.sectors["name"], strict=True))
    by_s = cells.groupby("sector")[["firms", "output", "idle_capacity"]].sum()
    by_s["idle_ratio"] = by_s["idle_capacity"] / by_s["output"]
    by_s.insert(0, "name", [s_names[c][:40] for c in by_s.index])
    lines += ["", "by sector:", by_s.to_string(float_format=lambda v: f"{v:,.2f}")]
    return "\n".join(lines)
