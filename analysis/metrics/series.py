"""Series drawn from a run's trajectories: national, provincial and cell value added by month.

Trajectories have one row per month x province x sector (``sim.record.CELL_COLUMNS``). Growth
over a run is the compound annual rate of value added between month 0 (the initial state) and
the last month ``T``: ``g = (V_T / V_0)^(12 / T) - 1``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

MINING_DIVISIONS = ("05", "06", "07", "08", "09")  # ISIC Rev.4 section B


def whole_months(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows at whole months (runs with steps shorter than a month record every step)."""
    month = frame["month"].to_numpy(float)
    keep = np.isclose(month, np.round(month))
    return frame if keep.all() else frame[keep]


def national(frame: pd.DataFrame, column: str = "value_added") -> pd.Series:
    """A column summed over provinces and sectors, by month."""
    return frame.groupby("month", sort=True)[column].sum()


def by_key(frame: pd.DataFrame, key: str, column: str = "value_added") -> pd.DataFrame:
    """A column summed by month (rows) and ``key`` (columns)."""
    return frame.pivot_table(index="month", columns=key, values=column, aggfunc="sum", sort=True)


def endpoints(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Cell rows at month 0 and at the last month (indexed by province, sector), and ``T``."""
    last = float(frame["month"].max())
    first = frame[frame["month"] == frame["month"].min()].set_index(["province", "sector"])
    end = frame[frame["month"] == last].set_index(["province", "sector"])
    return first, end.reindex(first.index), last - float(frame["month"].min())


def cagr(start: np.ndarray | float, end: np.ndarray | float, months: float) -> np.ndarray | float:
    """Compound annual growth ``(end / start)^(12 / months) - 1`` (NaN where start <= 0)."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    exponent = 12.0 / months if months > 0 else np.nan  # a run of no length has no rate
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where((start > 0) & (months > 0), np.power(end / start, exponent) - 1.0, np.nan)
    return out if out.ndim else float(out)


def is_mining(sectors: Iterable[str], mining: Iterable[str] | None = None) -> np.ndarray:
    """Boolean mask of mining sectors (default: ISIC section B divisions 05-09)."""
    codes = set(MINING_DIVISIONS if mining is None else mining)
    return np.array([str(s) in codes for s in sectors], dtype=bool)
