"""Targets against the recorded provincial targets of 1401, in rank and level, scope by scope.

``sim/data/history/provincial_targets.csv`` holds the targets the provinces were given under the
1401 budget bill's national 8%, each row with its source and a ``scope``:

- ``economy``: the whole provincial economy (oil and gas, electricity, services included);
- ``industry`` and ``mining``: one sector of a province's split of its target.

The model's targets of a province in each scope, from a :class:`~analysis.targets.TargetTable`,
are value-added-weighted means of its cells' targets ``t_c`` with weights ``w_c`` (value added at
month 0): over all its cells for ``economy`` (industry and mining only: the model has no other
sector), over its ``industry`` cells and over its ``mining`` cells:

    T_p,scope = sum_c w_c t_c / sum_c w_c        (c in province p and in the scope)

**Recorded order.** In a scope, every pair of provinces with values ``v_a > v_b`` gives the pair
``(a, b)``: ``a`` was given the higher target (equal values give no pair). A province the source
ranks "among the lowest" without a value is below every province with a value in that scope. A
pair is *reproduced* when the model's target of ``a`` is above that of ``b``.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from analysis.history.records import provincial_targets

SCOPES = ("economy", "industry", "mining")
LOWEST = "among the lowest"


def model_targets_by_scope(cells: pd.DataFrame) -> pd.DataFrame:
    """Province x scope targets (fractions): value-added-weighted means of the cells' targets.

    Args:
        cells: ``province, kind, value_added, target`` per cell (``TargetTable.cells``).

    Returns:
        Index ``province``, columns ``economy, industry, mining`` (NaN where a province has no
        cell of the kind).
    """
    weighted = cells.assign(weighted=cells["value_added"] * cells["target"])

    def mean(frame: pd.DataFrame) -> pd.Series:
        sums = frame.groupby("province")[["weighted", "value_added"]].sum()
        return sums["weighted"] / sums["value_added"]

    columns = {"economy": mean(weighted)}
    for kind in ("industry", "mining"):
        columns[kind] = mean(weighted[weighted["kind"] == kind])
    return pd.DataFrame(columns).reindex(columns=list(SCOPES))


def recorded_pairs(recorded: pd.DataFrame, scope: str) -> list[tuple[str, str]]:
    """Pairs ``(higher, lower)`` of province codes in the recorded order of a scope (module docstring)."""
    rows = recorded[(recorded["scope"] == scope) & (recorded["province"] != "nation")]
    valued = rows.dropna(subset=["target_pct"]).sort_values("target_pct", ascending=False, kind="stable")
    ordered = list(zip(valued["province"], valued["target_pct"], strict=True))
    pairs = [(a, b) for (a, va), (b, vb) in combinations(ordered, 2) if va > vb]
    lowest = rows.loc[rows["rank_note"].fillna("").str.contains(LOWEST) & rows["target_pct"].isna(), "province"]
    pairs += [(a, b) for a, _ in ordered for b in lowest]
    return pairs


@dataclass(frozen=True)
class TargetComparison:
    """The model's targets against the recorded ones.

    Attributes:
        provinces: One row per recorded province x scope: ``province, name, scope, recorded_pct``
            (NaN for "among the lowest"), ``rank_note``, ``model_pct``, ``model_rank`` (1 = the
            highest of the model's provinces in that scope).
        pairs: One row per recorded pair: ``scope, higher, lower, model_higher_pct,
            model_lower_pct, reproduced``.
    """

    provinces: pd.DataFrame
    pairs: pd.DataFrame

    def reproduced(self) -> pd.DataFrame:
        """Per scope: ``pairs`` recorded and ``reproduced``, as counts."""
        grouped = self.pairs.groupby("scope", sort=False)["reproduced"]
        counts = pd.DataFrame({"pairs": grouped.size(), "reproduced": grouped.sum().astype(int)})
        return counts.reindex([s for s in SCOPES if s in counts.index])


def compare_targets(cells: pd.DataFrame, recorded: pd.DataFrame | None = None) -> TargetComparison:
    """The model's provincial targets against the recorded ones (module docstring).

    Args:
        cells: ``TargetTable.cells`` of the model's targets.
        recorded: The recorded targets (default: the packaged ``provincial_targets.csv``).
    """
    recorded = provincial_targets() if recorded is None else recorded
    recorded = recorded[recorded["province"] != "nation"]
    model = model_targets_by_scope(cells)
    ranks = model.rank(ascending=False, method="min")
    rows = []
    for row in recorded.itertuples(index=False):
        known = row.province in model.index
        rows.append(
            {
                "province": row.province,
                "name": row.name,
                "scope": row.scope,
                "recorded_pct": float(row.target_pct),
                "rank_note": row.rank_note if isinstance(row.rank_note, str) else "",
                "model_pct": 100.0 * model.at[row.province, row.scope] if known else np.nan,
                "model_rank": ranks.at[row.province, row.scope] if known else np.nan,
            }
        )
    pairs = []
    for scope in SCOPES:
        for higher, lower in recorded_pairs(recorded, scope):
            a = model.at[higher, scope] if higher in model.index else np.nan
            b = model.at[lower, scope] if lower in model.index else np.nan
            pairs.append(
                {
                    "scope": scope,
                    "higher": higher,
                    "lower": lower,
                    "model_higher_pct": 100.0 * a,
                    "model_lower_pct": 100.0 * b,
                    "reproduced": bool(a > b),
                }
            )
    columns = ["scope", "higher", "lower", "model_higher_pct", "model_lower_pct", "reproduced"]
    return TargetComparison(pd.DataFrame(rows), pd.DataFrame(pairs, columns=columns))


def format_comparison(comparison: TargetComparison) -> str:
    """The comparison as text: each recorded province and scope, then the pairs reproduced."""
    lines = [
        "recorded 1401 targets (sim/data/history/provincial_targets.csv) against the model's, % a year;",
        "economy: the whole provincial economy as recorded, the model's industry and mining together",
        "",
        f"{'scope':<9} {'province':<24} {'recorded':>9} {'model':>7} {'model rank':>10}",
    ]
    provinces = comparison.provinces
    total = provinces.groupby("scope")["province"].size()
    for row in provinces.sort_values(["scope", "recorded_pct"], ascending=[True, False], key=_scope_key).itertuples():
        if not np.isnan(row.recorded_pct):
            recorded = f"{row.recorded_pct:.2f}"
        else:
            recorded = "lowest" if LOWEST in row.rank_note else "not given"
        model = f"{row.model_pct:.2f}" if not np.isnan(row.model_pct) else "-"
        rank = f"{int(row.model_rank)}" if not np.isnan(row.model_rank) else "-"
        lines.append(f"{row.scope:<9} {row.name:<24} {recorded:>9} {model:>7} {rank:>10}")
    lines += ["", "recorded pairs (a above b) the model reproduces:"]
    for scope, row in comparison.reproduced().iterrows():
        lines.append(f"  {scope:<9} {row['reproduced']} of {row['pairs']} ({total.get(scope, 0)} provinces recorded)")
    names = dict(zip(provinces["province"], provinces["name"], strict=False))
    missed = comparison.pairs[~comparison.pairs["reproduced"]]
    for scope, group in missed.groupby("scope", sort=False):
        lines.append(
            f"  missed, {scope}: " + "; ".join(f"{names[r.higher]} > {names[r.lower]}" for r in group.itertuples())
        )
    return "\n".join(lines)


def _scope_key(column: pd.Series) -> pd.Series:
    """Sort key: scopes in the order of :data:`SCOPES`, other columns as they are."""
    if column.name == "scope":
        return column.map({s: i for i, s in enumerate(SCOPES)})
    return column
