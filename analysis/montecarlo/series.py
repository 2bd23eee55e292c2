"""National, provincial and sectoral monthly series of one run, in long form.

A run's trajectories have one row per month x province x sector. The batch store keeps, per run,
their sums by month at three levels: ``national`` (code ``"all"``), ``province`` (code the province)
and ``sector`` (code the ISIC division). Flows and stocks are summed; the ``limited_by_*`` columns
are shares of output, so they are averaged with output as weight:

    limited_by_c(group) = sum_cells limited_by_c * output / sum_cells output

(0 where the group's output is 0), which is exactly the share of the group's output held back by
constraint ``c``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYS = ("month", "province", "sector")
LEVELS = {"national": None, "province": "province", "sector": "sector"}
NATIONAL_CODE = "all"


def value_columns(trajectories: pd.DataFrame) -> list[str]:
    """The numeric columns of a trajectories table, in order."""
    return [c for c in trajectories.columns if c not in KEYS]


def share_columns(columns: list[str]) -> list[str]:
    """Columns that are shares of output (averaged with output as weight)."""
    return [c for c in columns if c.startswith("limited_by_")]


def level_series(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Sum a run's trajectories by month at the national, province and sector levels.

    Args:
        trajectories: One row per month x province x sector (``sim.Results.trajectories``).

    Returns:
        Long table with columns ``level, code, month`` and the value columns, sorted by level
        (national, province, sector), code and month.
    """
    columns = value_columns(trajectories)
    shares = share_columns(columns)
    frame = trajectories[list(KEYS) + columns].copy()
    output = frame["output"].to_numpy()
    for c in shares:
        frame[c] = frame[c].to_numpy() * output
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
    total = series["output"].to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        for c in shares:
            series[c] = np.where(total > 0, series[c].to_numpy() / total, 0.0)
    series["code"] = series["code"].astype(str)
    series["level"] = series["level"].astype(str)
    return series[["level", "code", "month", *columns]]
