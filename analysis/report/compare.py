"""Comparing two sources: run-by-run differences where they share seeds, with their uncertainty.

Two sources share a run when the runs have the same seed (``entropy/spawn key``): run ``i`` of
two scenarios of one batch, or of two batches with the same master seed, draw the same random
numbers (common random numbers), so the difference ``d_i = m_i(B) - m_i(A)`` is the effect of
the scenario alone, and its spread over runs is the uncertainty of that effect (Law 2015, ch. 11).
The report shows, for the paired runs,

- the 5-95% and 25-75% bands and the median over runs of ``d_it`` for the value-added index of
  the nation, industry and mining (index points, month 0 = 100);
- for each headline metric, the mean of ``d_i``, its standard error ``sd(d) / sqrt(n)``, the 5%,
  50% and 95% quantiles and the share of runs with ``d_i > 0``;
- the difference of each province's probability of reaching its target, with the paired
  standard error ``sd(r_iB - r_iA) / sqrt(n)`` of the 0/1 indicators ``r``.

Without shared seeds the runs are independent: the differences are of means, with the standard
error ``sqrt(s_A^2 / n_A + s_B^2 / n_B)``, and no bands are drawn.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.report import quantities as q
from analysis.report.figure import COLOURS, Figure, calendar_axis, new_figure, to_png
from analysis.report.figures import GROUP_TITLES, draw_fan
from analysis.report.maps import _province_panel
from analysis.report.source import Source

HEADLINE = (
    "growth_national",
    "growth_industry",
    "growth_mining",
    "reached_national",
    "endogenous_share",
    "volatility_annual",
    "max_drawdown",
    "recovery_months",
    "output_lost",
    "theil",
    "gini",
    "bottleneck_share",
)


def paired_runs(base: Source, other: Source) -> pd.DataFrame:
    """``run_base, run_other, seed`` of the runs the two sources share (same seed).

    A deterministic source run once (every run would be identical) pairs its run with every run
    of the other, under the other's seeds.
    """
    a = base.metrics[["run", "seed"]].rename(columns={"run": "run_base"})
    b = other.metrics[["run", "seed"]].rename(columns={"run": "run_other"})
    if len(a) == 1 and len(b) > 1 and q.deterministic(base):
        return b.assign(run_base=a["run_base"].iloc[0])[["run_base", "run_other", "seed"]]
    if len(b) == 1 and len(a) > 1 and q.deterministic(other):
        return a.assign(run_other=b["run_other"].iloc[0])[["run_base", "run_other", "seed"]]
    return a.merge(b, on="seed").sort_values("run_base", ignore_index=True)


def path_differences(base: Source, other: Source, group: str) -> pd.DataFrame | None:
    """Paired runs x months: ``I_other - I_base`` of a group's value-added index (None unpaired)."""
    pairs = paired_runs(base, other)
    if pairs.empty:
        return None
    a = q.index_paths(base, group).loc[pairs["run_base"]].to_numpy()
    b = q.index_paths(other, group).loc[pairs["run_other"]].to_numpy()
    months = q.index_paths(base, group).columns
    return pd.DataFrame(b - a, index=pairs["run_base"].to_numpy(), columns=months)


def metric_differences(base: Source, other: Source, keys: tuple[str, ...] = HEADLINE) -> pd.DataFrame:
    """One row a metric: ``mean, se, q0.05, q0.5, q0.95, positive, n, paired``."""
    pairs = paired_runs(base, other)
    rows = {}
    for key in keys:
        if pairs.empty:
            a = base.metrics[key].astype(float).dropna()
            b = other.metrics[key].astype(float).dropna()
            n_a, n_b = len(a), len(b)
            var = (a.var(ddof=1) / n_a if n_a > 1 else np.nan) + (b.var(ddof=1) / n_b if n_b > 1 else np.nan)
            rows[key] = {
                "mean": b.mean() - a.mean(),
                "se": np.sqrt(var),
                "q0.05": np.nan,
                "q0.5": np.nan,
                "q0.95": np.nan,
                "positive": np.nan,
                "n": min(n_a, n_b),
                "paired": False,
            }
            continue
        a = base.metrics.set_index("run").loc[pairs["run_base"], key].to_numpy(float)
        b = other.metrics.set_index("run").loc[pairs["run_other"], key].to_numpy(float)
        d = (b - a)[np.isfinite(b - a)]
        if d.size == 0:
            rows[key] = {
                "mean": np.nan,
                "se": np.nan,
                "q0.05": np.nan,
                "q0.5": np.nan,
                "q0.95": np.nan,
                "positive": np.nan,
                "n": 0,
                "paired": True,
            }
            continue
        quantiles = np.quantile(d, [0.05, 0.5, 0.95])
        rows[key] = {
            "mean": float(d.mean()),
            "se": float(d.std(ddof=1) / np.sqrt(d.size)) if d.size > 1 else np.nan,
            "q0.05": float(quantiles[0]),
            "q0.5": float(quantiles[1]),
            "q0.95": float(quantiles[2]),
            "positive": float(np.mean(d > 0)),
            "n": int(d.size),
            "paired": True,
        }
    return pd.DataFrame(rows).T


def probability_difference(base: Source, other: Source) -> pd.DataFrame:
    """By province: ``difference = P_other - P_base`` of reaching the target and its standard error."""
    p_a, p_b = q.province_probability(base), q.province_probability(other)
    pairs = paired_runs(base, other)
    targets = q.province_targets(base)
    if pairs.empty:
        n_a, n_b = base.runs, other.runs
        se = np.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    else:
        grow_a = q.province_growth(base).loc[pairs["run_base"]]
        grow_b = q.province_growth(other).loc[pairs["run_other"]]
        t = targets.reindex(grow_a.columns).to_numpy()
        d = (grow_b.to_numpy() >= t).astype(float) - (grow_a.to_numpy() >= t).astype(float)
        n = len(pairs)
        se = pd.Series(d.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.nan, index=grow_a.columns)
    return pd.DataFrame({"difference": p_b - p_a, "se": se})


def difference_fan(base: Source, other: Source) -> Figure:
    """Bands of the run-by-run difference of the value-added index, other minus base."""
    fig = new_figure(12.0, 3.6)
    axes = fig.subplots(1, 3)
    data, notes = {}, []
    for ax, group in zip(axes, q.GROUPS, strict=True):
        diff = path_differences(base, other, group)
        if diff is None:
            mean_a = q.index_paths(base, group).mean()
            mean_b = q.index_paths(other, group).mean()
            table = pd.DataFrame({"mean": mean_b - mean_a})
            ax.plot(table.index, table["mean"], color=COLOURS[1], label="difference of means")
            notes.append("the two sources share no seeds: the difference is of means over independent runs")
        else:
            table = q.bands(diff)
            draw_fan(ax, table, COLOURS[1], label="median of paired differences")
        data[group] = table
        ax.axhline(0.0, color="black", lw=0.8)
        ax.set_title(GROUP_TITLES[group], fontsize=10)
        calendar_axis(ax, base, float(table.index.max()))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower left")
    axes[0].set_ylabel(f"{other.label} minus {base.label}\n(index points, month 0 = 100)")
    return Figure("difference_value_added", "Difference in value added", to_png(fig), data, sorted(set(notes)))


def growth_difference(base: Source, other: Source) -> pd.DataFrame:
    """By province: median, 5% and 95% quantiles of ``g_other - g_base`` (growth in the first year).

    Paired run by run where the sources share seeds; else the difference of the medians (and no
    quantiles).
    """
    pairs = paired_runs(base, other)
    grow_a, grow_b = q.province_growth(base), q.province_growth(other)
    if pairs.empty:
        return pd.DataFrame({"median": grow_b.median() - grow_a.median(), "q0.05": np.nan, "q0.95": np.nan})
    d = grow_b.loc[pairs["run_other"]].to_numpy() - grow_a.loc[pairs["run_base"]].to_numpy()
    quantiles = np.quantile(d, [0.05, 0.5, 0.95], axis=0)
    return pd.DataFrame({"median": quantiles[1], "q0.05": quantiles[0], "q0.95": quantiles[2]}, index=grow_a.columns)


def difference_map(base: Source, other: Source, labels: str = "en") -> Figure:
    """Tile map: difference of each province's first-year growth, other minus base (median paired run)."""
    table = growth_difference(base, other)
    probability = probability_difference(base, other)
    bound = float(np.nanmax(np.abs(table["median"].to_numpy(float)))) if len(table) else 0.0
    bound = max(bound * 100.0, 0.1)
    fig = new_figure(7.2, 5.0)
    ax = fig.add_subplot()
    _province_panel(
        ax,
        100.0 * table["median"],
        base,
        labels=labels,
        cmap="RdBu",
        vmin=-bound,
        vmax=bound,
        title=f"{other.label} minus {base.label}",
        value_format="{:+.1f}",
        colorbar_label="difference of first-year growth, percentage points",
    )
    return Figure(
        "difference_map_growth",
        "Difference in provincial growth",
        to_png(fig),
        {"growth": table, "probability": probability},
    )
