"""An economy from a pymrio ``IOSystem`` (optional extra ``mrio``).

Multi-regional input-output tables give, for every (region, sector) cell, the flows ``Z`` to every
other cell and the sales ``Y`` to final demand. growthsim keeps one set of technical
coefficients for all provinces, so the national coefficients are the flow-weighted averages

    a[j, s] = sum_{r, q} Z[(r, j), (q, s)] / sum_q x[(q, s)]

over the domestic regions; inputs from ``foreign_regions`` become the import share
``m[s] = sum_{r foreign, j} Z[(r, j), (q, s)] / sum_q x[(q, s)]``, and each domestic cell's final
demand is its row sum of ``Y`` plus its sales to foreign regions (exports). Cells with output get
one firm each (``firms`` to change that). Value-added shares follow from the accounts. The firm
network is drawn as for any economy (suppliers by size and distance), so regional trade shares
of the MRIO are not imposed on it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from sim.economy.cell_economy import PRIORITY_TAGS, Economy
from sim.errors import InputError


def economy_from_pymrio(
    io: Any,
    *,
    mining: list[str] | tuple[str, ...] = (),
    sectors: list[str] | None = None,
    foreign_regions: list[str] | tuple[str, ...] = (),
    population: dict[str, float] | None = None,
    firms_per_cell: int = 1,
    months_per_period: float = 12.0,
) -> Economy:
    """Build an :class:`Economy` from a pymrio ``IOSystem``.

    Args:
        io: A pymrio ``IOSystem`` with ``Z`` and ``Y`` (``x`` is computed if missing).
        mining: Sector names to mark as mining (the rest are manufacturing).
        sectors: Sectors to keep (default: all); flows from the others count as other inputs.
        foreign_regions: Regions outside the country: their supplies are imports, sales to them
            exports.
        population: Population by region (default 1 each).
        firms_per_cell: Firms in every cell with output.
        months_per_period: Months the table covers (12 for an annual table).

    Returns:
        The economy, flows per month.

    Raises:
        InputError: If the table has no ``Z``/``Y`` or leaves a sector without value added.
    """
    if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
        raise InputError("IOSystem", "Z/Y", "an IOSystem with Z and Y (call io.calc_all() first)")
    z: pd.DataFrame = io.Z
    y: pd.DataFrame = io.Y
    x = z.sum(axis=1) + y.sum(axis=1)
    regions = [r for r in z.index.get_level_values(0).unique() if r not in set(foreign_regions)]
    all_sectors = list(z.index.get_level_values(1).unique())
    kept = list(sectors) if sectors is not None else all_sectors
    unknown = [s for s in list(mining) + kept if s not in all_sectors]
    if unknown:
        raise InputError("IOSystem", "sectors", f"sector names of the table, got {unknown[0]!r}")

    domestic_rows = z.index.get_level_values(0).isin(regions)
    domestic_cols = z.columns.get_level_values(0).isin(regions)
    z_dom = z.loc[domestic_rows, domestic_cols]
    out_by_sector = x[domestic_rows].groupby(level=1).sum().reindex(kept)
    flows = z_dom.T.groupby(level=1).sum().T.groupby(level=1).sum()  # input sector x output sector
    a = flows.reindex(index=kept, columns=kept).to_numpy(float) / np.maximum(out_by_sector.to_numpy(float), 1e-300)
    inputs_all = z.loc[:, domestic_cols].T.groupby(level=1).sum().T  # rows: (region, sector) suppliers
    foreign_in = inputs_all[~domestic_rows].sum(axis=0).reindex(kept).to_numpy(float)
    outside = inputs_all[domestic_rows].groupby(level=1).sum().drop(index=kept, errors="ignore").sum(axis=0)
    import_share = foreign_in / np.maximum(out_by_sector.to_numpy(float), 1e-300)
    other_share = outside.reindex(kept).fillna(0.0).to_numpy(float) / np.maximum(out_by_sector.to_numpy(float), 1e-300)
    spent = a.sum(axis=0) + import_share + other_share
    if np.any(spent >= 1):
        bad = kept[int(np.argmax(spent))]
        raise InputError("IOSystem", f"sector {bad}", f"inputs below output (value added > 0), got {spent.max():.4g}")

    exports_to_foreign = z.loc[domestic_rows, ~domestic_cols].sum(axis=1) if len(foreign_regions) else 0.0
    final = (y.loc[domestic_rows].sum(axis=1) + exports_to_foreign) / months_per_period
    final_grid = final.unstack(level=1).reindex(index=regions, columns=kept).fillna(0.0).to_numpy(float)
    output_grid = x[domestic_rows].unstack(level=1).reindex(index=regions, columns=kept).fillna(0.0).to_numpy(float)
    final_grid = np.maximum(final_grid, 0.0)
    firm_counts = np.where(output_grid > 0, firms_per_cell, 0).astype(np.int64)
    final_grid = np.where(firm_counts > 0, final_grid, 0.0)

    provinces = pd.DataFrame(
        {
            "code": [str(r) for r in regions],
            "name": [str(r) for r in regions],
            "population": [float((population or {}).get(r, 1.0)) for r in regions],
            "name_fa": "-",
            "lat": 0.0,
            "lon": 0.0,
            "region": "all",
        }
    )
    sector_table = pd.DataFrame(
        {
            "code": [str(s) for s in kept],
            "name": [str(s) for s in kept],
            "kind": ["mining" if s in set(mining) else "manufacturing" for s in kept],
            "import_share": import_share,
            "inventory_months": 1.0,
            "labour_per_output": 0.0,
            "other_inputs_share": other_share,
            "export_share": 0.0,
            "energy_intensive": False,
            **{tag: False for tag in PRIORITY_TAGS},
        }
    )
    shape = final_grid.shape
    return Economy(
        provinces=provinces,
        sectors=sector_table,
        a=a,
        critical=a > 0,
        imported=np.zeros_like(a),
        final_demand=final_grid,
        firm_counts=firm_counts,
        installed_ratio=np.ones(shape),
        peak_ratio=np.ones(shape),
        source="pymrio IOSystem",
    )
