"""The ministry's five production priorities, each with its measures.

The policy text ranks five priorities (``docs/priorities.md`` quotes it): (1) meeting the
people's needs, (2) sensitive products, to reduce exposure to external shocks, (3) missing
links and bottlenecks along value chains, (4) complex products, for export development,
(5) inclusive growth. The sectors of the first four are tagged in ``sectors.csv`` (``needs``,
``sensitive``, ``missing_link``, ``complex_export``). Sums run over the tagged sectors and all
provinces; months ``t = 1..T`` are the simulated months (month 0 is the initial state); ``R``
is the shock-free paired run (same scenario and seed, exogenous shocks off):

- (1) needs and (2) sensitive, for the group's output ``X_t`` and its final demand ``F_t``
  and unmet final demand ``U_t`` (households and exports not delivered):

  - ``*_output_lost = sum_t (X^R_t - X_t) / sum_t X^R_t``: output lost to the run's shocks;
  - ``*_unmet_share = sum_t U_t / sum_t F_t``: final demand of the group left unserved;
  - ``*_unmet_excess``: ``*_unmet_share`` of the run minus that of ``R`` (the shocks' part);

- (3) missing links: ``bottleneck_share`` (:mod:`.inclusiveness`) and
  ``imports_replaced = sum_t sum_j min(M_j, max(0, X_jt - P_j)) / (T sum_j M_j)`` over the
  goods ``j`` tagged ``missing_link``, with ``M_j = sum_s m[j, s] X_s0`` the nation's month-0
  imports of good ``j`` (``m`` the imported coefficients) and ``P_j`` the sector's 10-year peak
  output at month 0: output up to the peak is idle capacity coming back, output above it, up to
  the imports of the good, counts as imports replaced (the premise of a missing-link project,
  :mod:`sim.engine.policy`, whose plant takes its market from imports); the share of those imports
  replaced, on average over the months;
- (4) complex exports, for the exports ``E`` and value added ``V`` of the complex-export sectors
  and all exports ``E^all``: ``complex_exports = E_T`` (per month),
  ``complex_exports_growth = (E_T / E_0)^(12 / T) - 1``,
  ``complex_value_added_growth = (V_T / V_0)^(12 / T) - 1``,
  ``complex_export_share = E_T / E^all_T`` and ``complex_export_share_start = E_0 / E^all_0``;
- (5) inclusive: the inclusiveness headline, the Theil index of value added per head across
  provinces at the end and at the start (``theil``, ``theil_start``, :mod:`.inclusiveness`).

A measure is NaN when its group has no sector, or it needs the paired run and there is none.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.metrics.series import cagr

KEYS = (
    "needs_output_lost",
    "needs_unmet_share",
    "needs_unmet_excess",
    "sensitive_output_lost",
    "sensitive_unmet_share",
    "sensitive_unmet_excess",
    "imports_replaced",
    "complex_exports",
    "complex_exports_growth",
    "complex_value_added_growth",
    "complex_export_share",
    "complex_export_share_start",
)


@dataclass(frozen=True)
class Priority:
    """One of the ministry's priorities: its rank, its words, its tag and its measures."""

    key: str
    rank: int
    title: str
    tag: str | None
    measures: tuple[str, ...]


PRIORITIES = (
    Priority("needs", 1, "Meeting the people's needs", "needs", KEYS[0:3]),
    Priority("sensitive", 2, "Sensitive products, to reduce exposure to external shocks", "sensitive", KEYS[3:6]),
    Priority(
        "missing_links",
        3,
        "Missing links and the removal of bottlenecks along value chains",
        "missing_link",
        ("bottleneck_share", "imports_replaced"),
    ),
    Priority("complex_exports", 4, "Complex products, for export development", "complex_export", KEYS[7:12]),
    Priority("inclusive", 5, "Inclusive economic growth", None, ("theil", "theil_start")),
)
MEASURES: tuple[str, ...] = tuple(m for p in PRIORITIES for m in p.measures)


@dataclass(frozen=True)
class PriorityTags:
    """The economy's priority tags and imported coefficients.

    Attributes:
        sectors: Sector codes tagged for each of ``needs, sensitive, missing_link, complex_export``.
        imported: Imported input of good ``j`` (rows) per unit of output of sector ``s``
            (columns), both indexed by sector code.
    """

    sectors: dict[str, tuple[str, ...]]
    imported: pd.DataFrame

    @classmethod
    def from_economy(cls, economy: object) -> PriorityTags:
        """The tags and imported coefficients of a :class:`sim.economy.cell_economy.Economy`."""
        codes = [str(c) for c in economy.sector_codes]
        sectors = {
            tag: tuple(c for c, flag in zip(codes, economy.tag(tag), strict=True) if flag)
            for tag in ("needs", "sensitive", "missing_link", "complex_export")
        }
        return cls(sectors, pd.DataFrame(economy.imported, index=codes, columns=codes))


def _by_month(frame: pd.DataFrame, sectors: tuple[str, ...], column: str) -> pd.Series:
    rows = frame[frame["sector"].astype(str).isin(sectors)]
    months = np.sort(frame["month"].unique())
    return rows.groupby("month", sort=True)[column].sum().reindex(months, fill_value=0.0)


def output_lost(values: pd.Series, reference: pd.Series) -> float:
    """``sum_{t>=1} (R_t - X_t) / sum_{t>=1} R_t`` (NaN when the reference sums to 0)."""
    reference = reference.reindex(values.index)
    total = reference.iloc[1:].sum()
    return float((reference.iloc[1:] - values.iloc[1:]).sum() / total) if total > 0 else float("nan")


def unmet_share(frame: pd.DataFrame, sectors: tuple[str, ...]) -> float:
    """``sum_{t>=1} U_t / sum_{t>=1} F_t`` of a group (NaN when it had no final demand)."""
    unmet = _by_month(frame, sectors, "unmet_final_demand").iloc[1:].sum()
    demand = _by_month(frame, sectors, "final_demand").iloc[1:].sum()
    return float(unmet / demand) if demand > 0 else float("nan")


def imports_replaced(frame: pd.DataFrame, tags: PriorityTags) -> float:
    """Share of the month-0 imports of missing-link goods replaced by output above the peak, on average."""
    goods = [j for j in tags.sectors["missing_link"] if j in tags.imported.index]
    first = frame[frame["month"] == frame["month"].min()]
    by_sector = first.groupby(first["sector"].astype(str), observed=True)[["output", "peak_output"]].sum()
    by_sector = by_sector.reindex(tags.imported.columns, fill_value=0.0)
    imports = tags.imported.loc[goods].to_numpy() @ by_sector["output"].to_numpy() if goods else np.zeros(0)
    if imports.sum() <= 0:
        return float("nan")
    later = frame[frame["month"] > frame["month"].min()]
    output = later.pivot_table(index="month", columns="sector", values="output", aggfunc="sum", observed=True)
    output.columns = output.columns.astype(str)
    x = output.reindex(columns=goods, fill_value=0.0).to_numpy()
    peak = by_sector.loc[goods, "peak_output"].to_numpy()
    replaced = np.minimum(imports[None, :], np.maximum(0.0, x - peak[None, :]))
    return float(replaced.sum() / (len(output) * imports.sum()))


def _growth(series: pd.Series) -> float:
    return float(cagr(series.iloc[0], series.iloc[-1], float(series.index[-1] - series.index[0])))


def _share(part: float, whole: float) -> float:
    return float(part / whole) if whole > 0 else float("nan")


def priorities(frame: pd.DataFrame, paired: pd.DataFrame | None, tags: PriorityTags | None) -> dict[str, float]:
    """The flat priority measures of a run (keys :data:`KEYS`; see the module docstring).

    Args:
        frame: Trajectories (whole months).
        paired: Trajectories of the shock-free paired run (whole months), or ``None``.
        tags: The economy's priority tags; ``None`` gives NaN everywhere.
    """
    flat = dict.fromkeys(KEYS, float("nan"))
    if tags is None:
        return flat
    recorded = set(frame.columns)  # runs written before exports were recorded lack those columns
    for group, tag in (("needs", "needs"), ("sensitive", "sensitive")):
        sectors = tags.sectors[tag]
        if not sectors:
            continue
        if "unmet_final_demand" in recorded:
            flat[f"{group}_unmet_share"] = unmet_share(frame, sectors)
        if paired is not None:
            run_output = _by_month(frame, sectors, "output")
            flat[f"{group}_output_lost"] = output_lost(run_output, _by_month(paired, sectors, "output"))
            flat[f"{group}_unmet_excess"] = flat[f"{group}_unmet_share"] - unmet_share(paired, sectors)
    flat["imports_replaced"] = imports_replaced(frame, tags)
    complex_sectors = tags.sectors["complex_export"]
    if complex_sectors and "exports" in recorded:
        exports = _by_month(frame, complex_sectors, "exports")
        every = frame.groupby("month", sort=True)["exports"].sum()
        flat["complex_exports"] = float(exports.iloc[-1])
        flat["complex_exports_growth"] = _growth(exports)
        flat["complex_value_added_growth"] = _growth(_by_month(frame, complex_sectors, "value_added"))
        flat["complex_export_share"] = _share(exports.iloc[-1], every.iloc[-1])
        flat["complex_export_share_start"] = _share(exports.iloc[0], every.iloc[0])
    return flat


def section(flat: dict[str, float], tags: PriorityTags | None) -> dict[str, dict]:
    """The ``priorities`` section of ``metrics.json``: five entries, each with its measures."""
    return {
        p.key: {
            "rank": p.rank,
            "title": p.title,
            "sectors": list(tags.sectors[p.tag]) if tags is not None and p.tag else [],
            "measures": {m: flat.get(m, float("nan")) for m in p.measures},
        }
        for p in PRIORITIES
    }
