"""Attainment: realised growth of value added against the targets, year by year.

The ministry's targets are annual rates: each year's value added is to grow ``t`` over the year
before. So a run is judged year by year. For a group ``G`` of cells (the nation, industry,
mining, a province) and simulated year ``k`` (months ``12(k-1)`` to ``12k``):

- growth ``g_Gk = V_G,12k / V_G,12(k-1) - 1``;
- target ``t_G = sum_{c in G} V_c0 t_c / sum_{c in G} V_c0``, the value-added-weighted mean of its
  cells' targets at month 0 (the ministry's "on average, value added is to grow 8.2%"), over the
  cells that have a target; the same for every year;
- ``attainment_Gk = g_Gk / t_G`` (1 = on target; NaN when ``t_G <= 0``), ``reached_Gk = 1`` if
  ``g_Gk >= t_G`` else 0, ``shortfall_Gk = max(0, t_G - g_Gk)``.

The **headline** is the first year (``k = 1``): the flat metrics ``growth_G``, ``target_G``,
``attainment_G``, ``reached_G``, ``shortfall_G`` (G national, industry, mining; the mean of
``reached_G`` over Monte Carlo runs is the probability of reaching the target), and
``reached_provinces`` (share of provinces reaching their targets) and ``reached_cells`` (share of
value added at month 0 in cells reaching theirs). A run shorter than a year is judged on its
whole length, annualised: ``g = (V_T / V_0)^(12 / T) - 1`` (so is a table without month 12).

The **path** over the whole run ``T`` is set against the compounded target path
``(1 + t_G)^(m / 12)``:

- ``path_growth_G = (V_GT / V_G0)^(12 / T) - 1``, the compound annual rate over the run;
- ``path_attainment_G = (V_GT / V_G0 - 1) / ((1 + t_G)^(T / 12) - 1)``, cumulative growth over the
  cumulative growth of the target path (NaN when ``t_G <= 0``);
- ``path_reached_G = 1`` if ``V_GT / V_G0 >= (1 + t_G)^(T / 12)`` (equivalently
  ``path_growth_G >= t_G``).

``by_year`` (:func:`by_year`) lists every whole year with the group figures, the provinces' and
the path to the year's end against the compounded target, ``V_G,12k / V_G0 - 1`` against
``(1 + t_G)^k - 1``.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from analysis.metrics.series import cagr, is_mining

GROUPS = ("national", "industry", "mining")
MONTHS_PER_YEAR = 12
RATES = ("growth", "target", "attainment", "reached", "shortfall")
KEYS = (
    *[f"growth_{g}" for g in GROUPS],
    *[f"target_{g}" for g in GROUPS],
    *[f"attainment_{g}" for g in GROUPS],
    *[f"reached_{g}" for g in GROUPS],
    *[f"shortfall_{g}" for g in GROUPS],
    "reached_provinces",
    "reached_cells",
    *[f"path_growth_{g}" for g in GROUPS],
    *[f"path_attainment_{g}" for g in GROUPS],
    *[f"path_reached_{g}" for g in GROUPS],
)


def group_target(cells: pd.DataFrame) -> float:
    """``t_G``: the mean of the cells' targets weighted by value added at month 0 (``va0``)."""
    has = cells["target"].notna()
    weights = cells.loc[has, "va0"]
    return float((weights * cells.loc[has, "target"]).sum() / weights.sum()) if weights.sum() > 0 else float("nan")


def judge(growth: float, target: float) -> dict[str, float]:
    """Growth, target, attainment ``g / t``, reached ``g >= t`` and shortfall ``max(0, t - g)``."""
    if np.isnan(target) or np.isnan(growth):
        return {"growth": growth, "target": target, "attainment": np.nan, "reached": np.nan, "shortfall": np.nan}
    return {
        "growth": growth,
        "target": target,
        "attainment": growth / target if target > 0 else float("nan"),
        "reached": float(growth >= target),
        "shortfall": max(0.0, target - growth),
    }


def group_rates(cells: pd.DataFrame, months: float, start: str = "va_start", end: str = "va_end") -> dict[str, float]:
    """The headline rates of a group of cells: annualised growth from ``start`` to ``end``.

    Args:
        cells: Rows with ``va0`` (month 0, the target weights), ``start``, ``end`` and ``target``.
        months: Months from ``start`` to ``end``.
    """
    return judge(float(cagr(cells[start].sum(), cells[end].sum(), months)), group_target(cells))


def path_rates(cells: pd.DataFrame, months: float) -> dict[str, float]:
    """``path_growth``, ``path_attainment``, ``path_reached`` of a group over the whole run."""
    start, end = cells["va0"].sum(), cells["va_last"].sum()
    target = group_target(cells)
    growth = float(cagr(start, end, months))
    if np.isnan(growth) or np.isnan(target):
        return {"path_growth": growth, "path_attainment": np.nan, "path_reached": np.nan}
    cumulative_target = (1.0 + target) ** (months / MONTHS_PER_YEAR) - 1.0
    return {
        "path_growth": growth,
        "path_attainment": (end / start - 1.0) / cumulative_target if target > 0 else float("nan"),
        "path_reached": float(end / start >= 1.0 + cumulative_target),
    }


def value_added_by_cell(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells (``province, sector`` rows) x months of value added, months from 0."""
    table = frame.pivot_table(
        index=["province", "sector"], columns="month", values="value_added", aggfunc="sum", observed=True
    )
    table.columns = table.columns.astype(float) - float(table.columns.min())
    return table


def headline_end(recorded: Iterable[float]) -> float:
    """Last month of the headline period: 12 (the first year), or the run's end without month 12.

    A run shorter than a year, or a table that does not record month 12, is judged over its
    whole length.
    """
    recorded = np.asarray(list(recorded), float)
    year = np.isclose(recorded, MONTHS_PER_YEAR)
    return float(MONTHS_PER_YEAR) if year.any() else float(recorded.max())


def cell_table(frame: pd.DataFrame, targets: pd.DataFrame | None) -> tuple[pd.DataFrame, pd.DataFrame, float]:
    """Value added by cell and month, the cell rows with targets, and the run's length ``T``."""
    va = value_added_by_cell(frame)
    months = float(va.columns.max())
    head = headline_end(va.columns)
    cells = pd.DataFrame({"va0": va[0.0], "va_start": va[0.0], "va_end": va[head], "va_last": va[months]})
    if targets is not None:
        cells["target"] = targets.set_index(["province", "sector"])["target"].reindex(cells.index)
    else:
        cells["target"] = np.nan
    return va, cells.reset_index(), months


def attainment(
    frame: pd.DataFrame, targets: pd.DataFrame | None = None, mining: Iterable[str] | None = None
) -> tuple[dict[str, float], dict]:
    """Attainment metrics of a run (flat) and the tables by province, by cell and by year.

    Args:
        frame: Trajectories.
        targets: ``province, sector, target`` (annual rates); None gives growth only.
        mining: Sector codes that are mining (default ISIC 05-09).

    Returns:
        ``(flat metrics, detail)`` with detail ``{"groups", "provinces", "cells", "by_year",
        "headline"}``; the groups, provinces and cells are judged on the headline period.
    """
    va, cells, months = cell_table(frame, targets)
    head = headline_end(va.columns)
    cells["growth"] = cagr(cells["va_start"].to_numpy(), cells["va_end"].to_numpy(), head)
    cells["path_growth"] = cagr(cells["va0"].to_numpy(), cells["va_last"].to_numpy(), months)
    cells["reached"] = np.where(cells["target"].notna(), (cells["growth"] >= cells["target"]).astype(float), np.nan)
    mining_mask = is_mining(cells["sector"], mining)
    members = {"national": cells, "industry": cells[~mining_mask], "mining": cells[mining_mask]}
    groups = {group: group_rates(rows, head) for group, rows in members.items()}
    paths = {group: path_rates(rows, months) for group, rows in members.items()}
    provinces = pd.DataFrame(
        [
            {"province": p, **group_rates(rows, head), "path_growth": path_rates(rows, months)["path_growth"]}
            for p, rows in cells.groupby("province", sort=True, observed=True)
        ]
    )
    flat = {f"{name}_{group}": values[name] for group, values in groups.items() for name in values}
    flat.update({f"{name}_{group}": values[name] for group, values in paths.items() for name in values})
    judged = provinces["reached"].notna()
    flat["reached_provinces"] = float(provinces.loc[judged, "reached"].mean()) if judged.any() else float("nan")
    has = cells["reached"].notna()
    weight = cells.loc[has, "va0"]
    flat["reached_cells"] = (
        float((weight * cells.loc[has, "reached"]).sum() / weight.sum()) if weight.sum() > 0 else float("nan")
    )
    flat = {key: flat[key] for key in KEYS}
    headline = {
        "months": [0.0, head],
        "period": "year 1" if head == MONTHS_PER_YEAR else f"months 0-{head:g}, annualised",
    }
    detail = {
        "groups": groups,
        "provinces": provinces,
        "cells": cells.drop(columns=["va0", "va_last"]),
        "by_year": by_year(va, cells, mining_mask),
        "headline": headline,
    }
    return flat, detail


def by_year(va: pd.DataFrame, cells: pd.DataFrame, mining_mask: np.ndarray) -> list[dict]:
    """Every whole simulated year, judged against the annual target and the compounded path.

    Args:
        va: Value added, cells x months (from 0), rows in the order of ``cells``.
        cells: Cell rows with ``province, sector, va0, target``.
        mining_mask: Which cells are mining.

    Returns:
        One item a year ``k``: ``{"year", "months", "nation", "industry", "mining", "provinces",
        "path"}``; a group's entry has ``growth, target, attainment, reached, shortfall``; ``path``
        has per group the cumulative growth ``V_12k / V_0 - 1``, the compounded target
        ``(1 + t)^k - 1`` and their ratio.
    """
    values = va.to_numpy(float)
    months = va.columns.to_numpy(float)
    years = int(months.max() // MONTHS_PER_YEAR)
    masks = {"nation": np.ones(len(cells), bool), "industry": ~mining_mask, "mining": mining_mask}
    targets = {name: group_target(cells[mask]) for name, mask in masks.items()}
    province_of = cells["province"].astype(str).to_numpy()
    province_masks = {p: province_of == p for p in sorted(set(province_of))}
    province_targets = {p: group_target(cells[mask]) for p, mask in province_masks.items()}
    out = []
    column = {round(m): j for j, m in enumerate(months) if np.isclose(m, round(m))}
    for k in range(1, years + 1):
        if MONTHS_PER_YEAR * (k - 1) not in column or MONTHS_PER_YEAR * k not in column:
            continue  # a table that does not record the year's ends
        start = values[:, column[MONTHS_PER_YEAR * (k - 1)]]
        end = values[:, column[MONTHS_PER_YEAR * k]]
        item: dict = {"year": k, "months": [MONTHS_PER_YEAR * (k - 1), MONTHS_PER_YEAR * k]}
        for name, mask in masks.items():
            item[name] = judge(_ratio(end[mask].sum(), start[mask].sum()), targets[name])
        item["provinces"] = {
            p: judge(_ratio(end[mask].sum(), start[mask].sum()), province_targets[p])
            for p, mask in province_masks.items()
        }
        item["path"] = {}
        for name, mask in masks.items():
            growth = _ratio(end[mask].sum(), values[mask, 0].sum())
            target = (1.0 + targets[name]) ** k - 1.0
            ratio = growth / target if target > 0 else float("nan")
            item["path"][name] = {"growth": growth, "target": target, "attainment": ratio}
        out.append(item)
    return out


def _ratio(end: float, start: float) -> float:
    return float(end / start - 1.0) if start > 0 else float("nan")
