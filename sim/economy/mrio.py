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

What an MRIO does not say is asked for, or set to a stated default with a warning naming it:

- **which sectors the plan targets**: ``mining`` and ``manufacturing`` name them; the other
  sectors (services, utilities, construction, ...) are left out of the economy, their supplies
  counted as other inputs, so they carry no target. Without ``manufacturing`` every sector not
  in ``mining`` is taken as manufacturing (with a warning);
- **population** by region: ``population``, else the table's own ``io.population`` when it has
  one, else 1 a region (inequality per head is then meaningless: warned);
- **coordinates** by region (``coordinates``: ``{region: (lat, lon)}``), which the supply network
  uses for distances; else 0, 0 (warned);
- **idle capacity**: from ``output_history`` (output by region and sector, one column a period,
  oldest first, the last the table's year), ``peak_ratio = max(last 10 years) / last``; else
  :data:`DEFAULT_PEAK_RATIO` for every cell (warned). Installed capacity is
  ``installed_ratio`` times output (default :data:`DEFAULT_INSTALLED_RATIO`).

Both defaults are the medians over the cells of the default economy's ``capacity.csv``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd

from sim.economy.cell_economy import PRIORITY_TAGS, Economy
from sim.errors import InputError

DEFAULT_PEAK_RATIO = 1.1751
"""10-year peak over current output of a cell without history: the median over the default economy's cells."""
DEFAULT_INSTALLED_RATIO = 2.1322
"""Installed capacity over current output: the median over the default economy's cells."""
HISTORY_PERIODS = 10
"""Periods of ``output_history`` over which the peak is taken (ten years of an annual table)."""


def economy_from_pymrio(
    io: Any,
    *,
    mining: list[str] | tuple[str, ...] = (),
    manufacturing: list[str] | tuple[str, ...] | None = None,
    sectors: list[str] | None = None,
    foreign_regions: list[str] | tuple[str, ...] = (),
    population: dict[str, float] | None = None,
    coordinates: dict[str, tuple[float, float]] | None = None,
    output_history: pd.DataFrame | None = None,
    peak_ratio: float = DEFAULT_PEAK_RATIO,
    installed_ratio: float = DEFAULT_INSTALLED_RATIO,
    firms_per_cell: int = 1,
    months_per_period: float = 12.0,
) -> Economy:
    """Build an :class:`Economy` from a pymrio ``IOSystem`` (see the module docstring).

    Args:
        io: A pymrio ``IOSystem`` with ``Z`` and ``Y`` (``x`` is computed if missing).
        mining: Sector names to mark as mining (5% target).
        manufacturing: Sector names to mark as manufacturing (8.2% target); the sectors in neither
            list are left out (their supplies count as other inputs). Default: every sector not
            in ``mining``.
        sectors: Deprecated spelling of ``mining + manufacturing``: the sectors to keep.
        foreign_regions: Regions outside the country: their supplies are imports, sales to them
            exports.
        population: Population by region (default: the table's ``io.population``, else 1 each).
        coordinates: ``(lat, lon)`` by region (default 0, 0).
        output_history: Output by ``(region, sector)`` rows, one column a period, oldest first,
            the last the table's period: sets each cell's idle capacity.
        peak_ratio: 10-year peak over output of the cells without history (>= 1).
        installed_ratio: Installed capacity over output (>= ``peak_ratio``).
        firms_per_cell: Firms in every cell with output.
        months_per_period: Months the table covers (12 for an annual table).

    Returns:
        The economy, flows per month; every number finite.

    Raises:
        InputError: If the table has no ``Z``/``Y``, names an unknown sector, or leaves a sector
            without value added; or on a bad ratio.
    """
    if getattr(io, "Z", None) is None or getattr(io, "Y", None) is None:
        raise InputError("IOSystem", "Z/Y", "an IOSystem with Z and Y (call io.calc_all() first)")
    z: pd.DataFrame = io.Z
    y: pd.DataFrame = io.Y
    x = z.sum(axis=1) + y.sum(axis=1)
    regions = [r for r in z.index.get_level_values(0).unique() if r not in set(foreign_regions)]
    all_sectors = list(z.index.get_level_values(1).unique())
    if not 1.0 <= peak_ratio <= installed_ratio:
        raise InputError(
            "IOSystem", "peak_ratio", f"1 <= peak_ratio <= installed_ratio, got {peak_ratio}, {installed_ratio}"
        )
    named = list(mining) + list(manufacturing or []) + list(sectors or [])
    unknown = [s for s in named if s not in all_sectors]
    if unknown:
        raise InputError("IOSystem", "sectors", f"sector names of the table, got {unknown[0]!r}")
    if manufacturing is not None:
        kept = [s for s in all_sectors if s in set(mining) | set(manufacturing)]
    elif sectors is not None:
        kept = list(sectors)
    else:
        kept = all_sectors
        others = [s for s in all_sectors if s not in set(mining)]
        _warn(
            f"every sector not in mining is taken as manufacturing ({', '.join(map(str, others))}); "
            "pass manufacturing=[...] to keep services and utilities out of the targets"
        )
    left_out = [s for s in all_sectors if s not in kept]
    if left_out:
        _warn(
            f"left out of the economy and its targets (their supplies count as other inputs): "
            f"{', '.join(map(str, left_out))}"
        )

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

    people = _population(io, regions, population)
    lat_lon = _coordinates(regions, coordinates)
    provinces = pd.DataFrame(
        {
            "code": [str(r) for r in regions],
            "name": [str(r) for r in regions],
            "population": people,
            "name_fa": "-",
            "lat": lat_lon[:, 0],
            "lon": lat_lon[:, 1],
            "region": "all",
        }
    )
    peaks = _peak_ratios(output_history, regions, kept, peak_ratio)
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
        installed_ratio=np.maximum(np.full(shape, float(installed_ratio)), peaks),
        peak_ratio=peaks,
        source="pymrio IOSystem",
    )


def _warn(message: str) -> None:
    warnings.warn(f"economy_from_pymrio: {message}", UserWarning, stacklevel=3)


def _population(io: Any, regions: list, given: dict | None) -> np.ndarray:
    """Population by region: given, else the table's ``io.population``, else 1 (warned)."""
    table = getattr(io, "population", None)
    known = dict(given or {})
    if not given and isinstance(table, pd.DataFrame) and not table.empty:
        known = {r: float(table[r].iloc[0]) for r in regions if r in table.columns}
    missing = [str(r) for r in regions if not (np.isfinite(known.get(r, np.nan)) and known.get(r, 0) > 0)]
    if missing:
        _warn(f"population unknown for {', '.join(missing)}: set to 1 (per-head measures are meaningless there)")
    return np.array([float(known[r]) if str(r) not in missing else 1.0 for r in regions])


def _coordinates(regions: list, given: dict | None) -> np.ndarray:
    """``(lat, lon)`` by region: given, else 0, 0 (warned)."""
    given = given or {}
    missing = [str(r) for r in regions if r not in given]
    if missing:
        _warn(f"coordinates unknown for {', '.join(missing)}: set to 0, 0 (the network ignores distance there)")
    return np.array([[float(v) for v in given.get(r, (0.0, 0.0))] for r in regions]).reshape(len(regions), 2)


def _peak_ratios(history: pd.DataFrame | None, regions: list, kept: list, default: float) -> np.ndarray:
    """``max(last HISTORY_PERIODS periods) / last period`` by cell, the default where unknown (warned)."""
    peaks = np.full((len(regions), len(kept)), float(default))
    if history is None:
        _warn(
            f"no output history: every cell's 10-year peak set {default - 1:.1%} above its output "
            f"(peak_ratio={default:g})"
        )
        return peaks
    recent = history.astype(float).iloc[:, -HISTORY_PERIODS:]
    last = recent.iloc[:, -1]
    ratio = (recent.max(axis=1) / last).where((last > 0) & np.isfinite(last))
    grid = ratio.unstack(level=1).reindex(index=regions, columns=kept).to_numpy(float)
    known = np.isfinite(grid)
    if not known.all():
        _warn(f"output history missing for {int((~known).sum())} cells: peak_ratio={default:g} there")
    return np.where(known, np.maximum(grid, 1.0), peaks)
