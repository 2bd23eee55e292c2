"""Ensemble statistics over the runs of a batch.

- Quantile bands per month: the empirical ``q``-quantile over runs of a series at each month
  (national, provincial or sectoral), optionally of the series relative to its own month 0.
- Growth by run: the growth of a series in simulated year ``k``, ``g = y_12k / y_12(k-1) - 1``
  (the ministry's targets are annual), or with ``year=None`` the compound annual rate over the
  horizon, ``g = (y_T / y_0) ** (12 / T) - 1`` with ``T`` the horizon in months.
- Target probabilities: ``P(g >= target)`` estimated by the share of runs reaching it in the
  first year (by default), with its Wilson 95% interval (:mod:`analysis.metrics.binomial`, the
  function the command line and the report use), and the expected shortfall
  ``E[max(0, target - g)]``.
- Metric distributions: mean, standard deviation and quantiles of each per-run metric.
- Paired differences: with common random numbers, run ``i`` of two scenarios shares its draws,
  so ``d_i = m_i(B) - m_i(A)`` has variance ``Var(m_A) + Var(m_B) - 2 Cov(m_A, m_B)``, smaller
  than unpaired when the runs are positively correlated (Law 2015, ch. 11).

Failed runs have no series and no metrics; every statistic counts the runs it used (``runs``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.metrics.binomial import reach_probability
from analysis.montecarlo.worker import KEY_COLUMNS, SEED_COLUMNS

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)


def _level(series: pd.DataFrame, level: str | None) -> pd.DataFrame:
    if level is None:
        return series
    if level not in set(series["level"]):
        raise ValueError(f"no series at level {level!r}; levels stored: {sorted(set(series['level']))}")
    return series[series["level"] == level]


def quantile_bands(
    series: pd.DataFrame,
    column: str = "value_added",
    level: str = "national",
    quantiles: Sequence[float] = QUANTILES,
    relative: bool = False,
) -> pd.DataFrame:
    """Quantiles over runs of a series, month by month.

    Args:
        series: A batch's series table (``Batch.series``).
        column: The value column.
        level: ``"national"``, ``"province"`` or ``"sector"``.
        quantiles: Probabilities of the band edges.
        relative: Divide each run's path by its own month-0 value first (an index, 1 at start).

    Returns:
        Rows indexed by (scenario, level, code, month); columns ``mean``, one ``q<p>`` column per
        quantile (e.g. ``q0.05``), and ``runs``.
    """
    frame = _level(series, level)[["scenario", "run", "level", "code", "month", column]].copy()
    if relative:
        start = frame[frame["month"] == frame["month"].min()].set_index(["scenario", "run", "level", "code"])[column]
        base = start.reindex(pd.MultiIndex.from_frame(frame[["scenario", "run", "level", "code"]])).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            frame[column] = np.where(base > 0, frame[column].to_numpy() / base, np.nan)
    grouped = frame.groupby(["scenario", "level", "code", "month"], sort=True)[column]
    bands = grouped.quantile(list(quantiles)).unstack()
    bands.columns = [f"q{q:g}" for q in quantiles]
    bands.insert(0, "mean", grouped.mean())
    bands["runs"] = grouped.count()
    return bands


def growth_by_run(
    series: pd.DataFrame, column: str = "value_added", level: str | None = None, year: int | None = None
) -> pd.DataFrame:
    """Growth of a series run by run: in one simulated year, or annualised over the horizon.

    With ``year = k``: ``g = y_12k / y_12(k-1) - 1`` (months counted from the first recorded);
    with ``year = None``: ``g = (y_T / y_0) ** (12 / T) - 1``, ``T`` the last month. NaN where the
    starting value is not positive.

    Raises:
        ValueError: If the series do not reach the end of year ``k``.

    Returns:
        Columns ``scenario, run, level, code, start, end, growth``.
    """
    frame = _level(series, level)
    first, last = frame["month"].min(), frame["month"].max()
    if year is None:
        begin, finish = first, last
    else:
        begin, finish = first + 12 * (year - 1), first + 12 * year
        if year < 1 or finish > last:
            raise ValueError(f"year {year} is not within the {float(last - first):g} months of the series")
    keys = ["scenario", "run", "level", "code"]
    start = frame[frame["month"] == begin].set_index(keys)[column].rename("start")
    end = frame[frame["month"] == finish].set_index(keys)[column].rename("end")
    table = pd.concat([start, end], axis=1).reset_index()
    months = float(finish - begin)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(table["start"] > 0, table["end"] / table["start"], np.nan)
        table["growth"] = ratio ** (12.0 / months) - 1.0 if months > 0 else np.nan
    return table


def target_probabilities(
    series: pd.DataFrame,
    targets: pd.DataFrame | dict,
    column: str = "value_added",
    year: int | None = 1,
) -> pd.DataFrame:
    """Probability over runs of reaching each annual growth target.

    Args:
        series: A batch's series table.
        targets: Annual growth targets: a table with columns ``level, code, target`` (e.g.
            ``("national", "all", 0.082)``, ``("province", "IR-23", 0.06)``), or a dict
            ``{(level, code): target}``.
        column: The series whose growth is judged (value added by default).
        year: The simulated year judged (default the first, the headline); ``None`` judges the
            compound annual rate over the whole horizon. A horizon under a year is judged whole.

    Returns:
        One row per scenario x target: ``scenario, level, code, target, probability,
        ci_low, ci_high`` (Wilson 95%), ``mean_growth, expected_shortfall, runs``.
    """
    if isinstance(targets, dict):
        targets = pd.DataFrame([{"level": lv, "code": c, "target": t} for (lv, c), t in targets.items()])
    missing = {"level", "code", "target"} - set(targets.columns)
    if missing:
        raise ValueError(f"targets need columns level, code, target; missing {sorted(missing)}")
    if year == 1 and float(series["month"].max() - series["month"].min()) < 12:
        year = None  # a run under a year is judged over its whole length, annualised
    growth = growth_by_run(series, column, year=year)
    merged = growth.merge(targets[["level", "code", "target"]], on=["level", "code"], how="inner")
    merged["reached"] = np.where(merged["growth"].notna(), merged["growth"] >= merged["target"], np.nan)
    merged["shortfall"] = np.maximum(0.0, merged["target"] - merged["growth"])
    rows = []
    for (scenario, level, code), group in merged.groupby(["scenario", "level", "code"], sort=True):
        prob = reach_probability(group["reached"])
        rows.append(
            {
                "scenario": scenario,
                "level": level,
                "code": code,
                "target": float(group["target"].iloc[0]),
                "probability": prob["p"],
                "ci_low": prob["low"],
                "ci_high": prob["high"],
                "mean_growth": float(group["growth"].mean()),
                "expected_shortfall": float(group["shortfall"].mean()),
                "runs": prob["n"],
            }
        )
    return pd.DataFrame(rows)


def metric_columns(metrics: pd.DataFrame) -> list[str]:
    """The numeric metric columns of a metrics table (keys and seeds excluded)."""
    skip = set(KEY_COLUMNS) | set(SEED_COLUMNS)
    return [c for c in metrics.columns if c not in skip and pd.api.types.is_numeric_dtype(metrics[c])]


def metric_distributions(metrics: pd.DataFrame, quantiles: Sequence[float] = QUANTILES) -> pd.DataFrame:
    """Distribution over runs of every metric, by scenario.

    Returns:
        Rows indexed by (scenario, metric); columns ``mean, std, min, q<p>..., max, runs``.
    """
    columns = metric_columns(metrics)
    long = metrics.melt(id_vars=["scenario", "run"], value_vars=columns, var_name="metric")
    grouped = long.groupby(["scenario", "metric"], sort=True)["value"]
    table = pd.DataFrame({"mean": grouped.mean(), "std": grouped.std(ddof=1), "min": grouped.min()})
    for q in quantiles:
        table[f"q{q:g}"] = grouped.quantile(q)
    table["max"] = grouped.max()
    table["runs"] = grouped.count()
    return table


def paired_differences(
    metrics: pd.DataFrame, base: str, other: str, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Run-by-run differences ``other - base`` of the metrics (common random numbers).

    Only runs that succeeded in both scenarios are kept.

    Returns:
        One row a run, indexed by run, one column a metric.
    """
    columns = list(columns) if columns is not None else metric_columns(metrics)
    a = metrics[metrics["scenario"] == base].set_index("run")[columns]
    b = metrics[metrics["scenario"] == other].set_index("run")[columns]
    common = a.index.intersection(b.index)
    return (b.loc[common] - a.loc[common]).sort_index()
