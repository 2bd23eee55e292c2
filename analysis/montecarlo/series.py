"""National, provincial and sectoral monthly series of one run, in long form.

A run's trajectories have one row per month x province x sector. The batch store keeps, per run,
their sums by month at three levels: ``national`` (code ``"all"``), ``province`` (code the province)
and ``sector`` (code the ISIC division). Every value column is summed over the group's cells:
flows and stocks, including the output made under each binding constraint
(``output_bound_by_*``), potential output and the output lost to each constraint
(``output_lost_to_*``). The availability and productivity columns are summed too (as the cells'
rows are); divide by the number of cells for their mean.
"""

from __future__ import annotations

import pandas as pd

KEYS = ("month", "province", "sector")
LEVELS = {"national": None, "province": "province", "sector": "sector"}
NATIONAL_CODE = "all"


def value_columns(trajectories: pd.DataFrame) -> list[str]:
    """The numeric columns of a trajectories table, in order."""
    return [c for c in trajectories.columns if c not in KEYS]


def level_series(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Sum a run's trajectories by month at the national, province and sector levels.

    Args:
        trajectories: One row per month x province x sector (``sim.Results.trajectories``).

    Returns:
        Long table with columns ``level, code, month`` and the value columns, sorted by level
        (national, province, sector), code and month.
    """
    columns = value_columns(trajectories)
    frame = trajectories[list(KEYS) + columns]
    parts = []
    for level, by in LEVELS.items():
        keys = ["month"] if by is None else [by, "month"]
        summed = frame.groupby(keys, sort=True)[columns].sum()
        summed = summed.reset_index()
        code = NATIONAL_CODE if by is None else summed.pop(by).astype(str)
        summed.insert(0, "code", code)
        summed.insert(0, "level", level)
        parts.append(summed)
    series = pd.concat(parts, ignore_index=True)
    series["code"] = series["code"].astype(str)
    series["level"] = series["level"].astype(str)
    return series[["level", "code", "month", *columns]]
