"""Attainment: realised growth of value added against the targets.

For a group ``G`` of cells (the nation, industry, mining, a province), realised growth is the
compound annual rate ``g_G = (V_GT / V_G0)^(12 / T) - 1`` and its target the value-added-weighted
mean of its cells' targets, ``t_G = sum_{c in G} V_c0 t_c / sum_{c in G} V_c0`` (the ministry's
"on average, value added is to grow 8.2%"), over the cells that have a target. Then

- ``attainment_G = g_G / t_G`` (1 = on target; NaN when ``t_G <= 0``),
- ``reached_G = 1`` if ``g_G >= t_G`` else 0 (its mean over Monte Carlo runs is the probability of
  reaching the target),
- ``shortfall_G = max(0, t_G - g_G)``;
- ``reached_provinces``: share of provinces reaching their targets; ``reached_cells``: share of
  value added (month 0) in cells reaching theirs.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.metrics.series import cagr, endpoints, is_mining

GROUPS = ("national", "industry", "mining")
KEYS = (
    *[f"growth_{g}" for g in GROUPS],
    *[f"target_{g}" for g in GROUPS],
    *[f"attainment_{g}" for g in GROUPS],
    *[f"reached_{g}" for g in GROUPS],
    *[f"shortfall_{g}" for g in GROUPS],
    "reached_provinces",
    "reached_cells",
)


def group_rates(cells: pd.DataFrame, months: float) -> dict[str, float]:
    """Growth, target, attainment, reached and shortfall of a group of cells.

    Args:
        cells: Rows with ``va_start, va_end, target`` (target may be NaN).
        months: Length of the run.
    """
    growth = float(cagr(cells["va_start"].sum(), cells["va_end"].sum(), months))
    has = cells["target"].notna()
    weights = cells.loc[has, "va_start"]
    target = float((weights * cells.loc[has, "target"]).sum() / weights.sum()) if weights.sum() > 0 else float("nan")
    if np.isnan(target) or np.isnan(growth):
        return {"growth": growth, "target": target, "attainment": np.nan, "reached": np.nan, "shortfall": np.nan}
    return {
        "growth": growth,
        "target": target,
        "attainment": growth / target if target > 0 else float("nan"),
        "reached": float(growth >= target),
        "shortfall": max(0.0, target - growth),
    }


def attainment(
    frame: pd.DataFrame, targets: pd.DataFrame | None = None, mining: Iterable[str] | None = None
) -> tuple[dict[str, float], dict]:
    """Attainment metrics of a run (flat) and the tables by province and by cell.

    Args:
        frame: Trajectories.
        targets: ``province, sector, target`` (annual rates); None gives growth only.
        mining: Sector codes that are mining (default ISIC 05-09).

    Returns:
        ``(flat metrics, detail)`` with detail ``{"groups", "provinces", "cells"}`` tables.
    """
    first, last, months = endpoints(frame)
    cells = pd.DataFrame({"va_start": first["value_added"], "va_end": last["value_added"]})
    if targets is not None:
        cells["target"] = targets.set_index(["province", "sector"])["target"].reindex(cells.index)
    else:
        cells["target"] = np.nan
    cells = cells.reset_index()
    cells["growth"] = cagr(cells["va_start"].to_numpy(), cells["va_end"].to_numpy(), months)
    cells["reached"] = np.where(cells["target"].notna(), (cells["growth"] >= cells["target"]).astype(float), np.nan)
    mining_mask = is_mining(cells["sector"], mining)
    groups = {
        "national": group_rates(cells, months),
        "industry": group_rates(cells[~mining_mask], months),
        "mining": group_rates(cells[mining_mask], months),
    }
    provinces = pd.DataFrame(
        [{"province": p, **group_rates(rows, months)} for p, rows in cells.groupby("province", sort=True)]
    )
    flat = {f"{name}_{group}": values[name] for group, values in groups.items() for name in values}
    judged = provinces["reached"].notna()
    flat["reached_provinces"] = float(provinces.loc[judged, "reached"].mean()) if judged.any() else float("nan")
    has = cells["reached"].notna()
    weight = cells.loc[has, "va_start"]
    flat["reached_cells"] = (
        float((weight * cells.loc[has, "reached"]).sum() / weight.sum()) if weight.sum() > 0 else float("nan")
    )
    flat = {key: flat[key] for key in KEYS}
    return flat, {"groups": groups, "provinces": provinces, "cells": cells}
