"""The trajectories as labelled tables: by province, by sector, and the month x province x sector cube.

The cube is an ``xarray.Dataset`` (xarray is the convention for labelled N-D data): dimensions
``month``, ``province`` and ``sector``, one data variable per column of ``trajectories.parquet``
with its unit in ``attrs["units"]``. Coordinates: ``province_name`` and ``region`` along
``province``, ``sector_name`` and ``sector_kind`` along ``sector``, ``calendar_month`` (e.g.
``Mar 2021``) along ``month``. A province x sector cell without firms holds 0 for flows and
stocks and NaN for shares and means (there is no output to share or average).
"""

from __future__ import annotations

import pandas as pd

from sim.economy.calendar import month_labels

MONEY = "billion rials"  # the default economy's unit; another data folder's tables bring their own

# Columns that are not sums over firms: left NaN where a cell has no firms.
NOT_SUMS = ("output_bound_by_", "energy_availability", "import_availability", "productivity", "uncertainty_high")


def unit_of(column: str, money: str = MONEY) -> str:
    """The unit of a trajectories column."""
    if column == "employment":
        return "workers"
    if column.startswith("output_bound_by_"):
        return "share of the cell's output (0-1)"
    if column.endswith("_availability"):
        return "share available (0-1), mean over firms weighted by size"
    if column == "productivity":
        return "index (1 = month 0), mean over firms weighted by size"
    if column == "uncertainty_high":
        return "1 in the high-uncertainty regime, else 0"
    if column in ("installed_capacity", "operable_capacity", "peak_output", "idle_capacity"):
        return f"{money} a month (output capacity at base prices)"
    if column == "input_stock":
        return f"{money} (stock at base prices)"
    return f"{money} a month at base prices"


def summed(trajectories: pd.DataFrame, column: str, by: str) -> pd.DataFrame:
    """``column`` summed over the other dimension: one row per month, one column per ``by`` code.

    Raises:
        KeyError: If ``column`` is not a column of the trajectories, or is a share or mean.
    """
    if column not in trajectories.columns or column in ("month", "province", "sector"):
        raise KeyError(f"{column!r} is not a value column of the trajectories")
    if column.startswith(NOT_SUMS):
        raise KeyError(f"{column!r} is a share or mean, not a sum: use Results.to_xarray()")
    table = trajectories.pivot_table(index="month", columns=by, values=column, aggfunc="sum", observed=False)
    table.columns = table.columns.astype(str)
    table.columns.name = by
    return table.fillna(0.0)


def to_dataset(trajectories: pd.DataFrame, scenario, economy):
    """The month x province x sector cube of a run (see the module docstring).

    Args:
        trajectories: One row per month x province x sector (``Results.trajectories``).
        scenario: The run's scenario (for the calendar).
        economy: The run's economy (names, regions, the history's last month).
    """
    frame = trajectories.copy()
    frame["province"] = frame["province"].astype(str)
    frame["sector"] = frame["sector"].astype(str)
    cube = frame.set_index(["month", "province", "sector"]).to_xarray()
    cube = cube.reindex(province=economy.province_codes, sector=economy.sector_codes)
    for name in cube.data_vars:
        if not name.startswith(NOT_SUMS):
            cube[name] = cube[name].fillna(0.0)
        cube[name].attrs["units"] = unit_of(name)
    provinces = economy.provinces.set_index("code")
    sectors = economy.sectors.set_index("code")
    coords = {
        "province_name": ("province", provinces["name"].astype(str).to_numpy()),
        "sector_name": ("sector", sectors["name"].astype(str).to_numpy()),
        "sector_kind": ("sector", sectors["kind"].astype(str).to_numpy()),
        "calendar_month": (
            "month",
            month_labels(cube["month"].to_numpy(), economy.history_months, scenario.first_calendar_month),
        ),
    }
    if "region" in provinces.columns:
        coords["region"] = ("province", provinces["region"].astype(str).to_numpy())
    cube = cube.assign_coords(coords)
    cube["month"].attrs["units"] = "months since the initial state (0)"
    cube.attrs.update(scenario=scenario.name, source="growthsim trajectories")
    return cube
