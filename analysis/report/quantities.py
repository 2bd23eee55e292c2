"""The numbers the report's figures show, computed from a :class:`~analysis.report.source.Source`.

Every quantity is computed run by run and then summarised over runs (a run folder is a batch of
one, so its bands collapse to a line and its probabilities are 0 or 1):

- value-added index of a group ``G`` (the nation, industry, mining) in run ``r``:
  ``I_rt = 100 V_rGt / V_rG0``; bands are the 5, 25, 50, 75 and 95% quantiles over runs at each
  month; the target path is ``100 (1 + t_G)^(m / 12)``, ``t_G = sum_c w_c t_c / sum_c w_c`` the
  value-added-weighted mean of the cell targets of the group (``w_c`` value added at month 0), as
  in :mod:`analysis.metrics.attainment`. A run reaches the first year's target when its index at
  month 12 is on or above the path there, and keeps to the path when it ends on or above it;
- growth of a province or cell in the first year (the headline, as the targets are annual):
  ``g = V_12 / V_0 - 1`` (a run under a year: ``(V_T / V_0)^(12 / T) - 1``); the probability of
  reaching the target is the share of runs with ``g >= t``; attainment is ``g / t`` (``t > 0``);
  the convergence figure uses the compound annual rate over the whole run, as beta-convergence;
- idle capacity recovered by a province: ``1 - idle_T / idle_0`` (idle capacity against the
  rolling 10-year peak, as on the ``growthsim viz`` page);
- year-on-year growth ``V_t / V_{t-12} - 1`` of national value added, pooled over runs and months;
- Theil T and Gini of value added per head across provinces (population weights) at every month,
  with the functions of :mod:`analysis.metrics.inclusiveness`;
- output made under a constraint: the share of a sector's (province's) output of months 1..T made
  by firms whose binding constraint was inputs, imports, energy or readiness,
  ``sum_t output_bound_by_c / sum_t output``; a sector is a binding bottleneck in a run when inputs
  and imports together exceed 10% (``analysis.metrics.inclusiveness.BOTTLENECK_THRESHOLD``);
- output lost to a constraint: ``sum_t output_lost_to_c``, potential output (the least of planned
  output and installed capacity, firm by firm) minus output of the firms ``c`` binds, over months
  1..T, and its share of potential output ``sum_t output_lost_to_c / sum_t potential_output``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics.attainment import headline_end
from analysis.metrics.inclusiveness import BOTTLENECK_THRESHOLD, gini, theil_t
from analysis.metrics.series import cagr
from analysis.metrics.stability import annual_growth
from analysis.report.source import HELD_BACK, Source

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
GROUPS = ("national", "industry", "mining")
COMPONENTS = ("idle_recovered_share", "new_capacity_share", "exogenous_share")


def bands(paths: pd.DataFrame, quantiles: tuple[float, ...] = QUANTILES) -> pd.DataFrame:
    """Quantiles over runs (rows) at each month (columns): one row a month, ``q0.05``...``q0.95``."""
    values = np.quantile(paths.to_numpy(float), quantiles, axis=0).T
    return pd.DataFrame(values, index=paths.columns, columns=[f"q{q:g}" for q in quantiles])


def _level(source: Source, level: str, column: str = "value_added") -> pd.DataFrame:
    """``(run, code)`` rows x months of one level's series."""
    rows = source.series[source.series["level"] == level]
    return rows.pivot_table(index=["run", "code"], columns="month", values=column, aggfunc="sum", sort=True)


def group_series(source: Source, group: str, column: str = "value_added") -> pd.DataFrame:
    """Runs x months of a group's series: ``national``, ``industry`` or ``mining`` (sums of sectors)."""
    if group == "national":
        return _level(source, "national", column).droplevel("code")
    sectors = _level(source, "sector", column)
    mining = sectors.index.get_level_values("code").isin(source.mining)
    chosen = sectors[mining] if group == "mining" else sectors[~mining]
    return chosen.groupby(level="run").sum()


def index_paths(source: Source, group: str) -> pd.DataFrame:
    """Runs x months: ``100 V_t / V_0`` of a group's value added."""
    values = group_series(source, group)
    return 100.0 * values.div(values.iloc[:, 0], axis=0)


def group_targets(source: Source) -> dict[str, float]:
    """``t_G`` of the nation, industry and mining: value-added-weighted means of the cell targets."""
    cells = source.targets.cells
    cells = cells[cells["target"].notna()]
    mining = cells["sector"].astype(str).isin(source.mining)
    out = {}
    for group, rows in (("national", cells), ("industry", cells[~mining]), ("mining", cells[mining])):
        weight = rows["value_added"].sum()
        out[group] = float((rows["value_added"] * rows["target"]).sum() / weight) if weight > 0 else float("nan")
    return out


def fan(source: Source, group: str) -> pd.DataFrame:
    """Bands of a group's value-added index by month, with the target path (column ``target``)."""
    table = bands(index_paths(source, group))
    target = group_targets(source)[group]
    table["target"] = 100.0 * (1.0 + target) ** (table.index.to_numpy(float) / 12.0)
    return table


def province_targets(source: Source) -> pd.Series:
    """``t_p``: the value-added-weighted mean of each province's cell targets."""
    cells = source.targets.cells
    cells = cells[cells["target"].notna()].assign(weighted=lambda f: f["value_added"] * f["target"])
    sums = cells.groupby("province")[["weighted", "value_added"]].sum()
    return (sums["weighted"] / sums["value_added"]).rename("target")


def province_growth(source: Source, whole_run: bool = False) -> pd.DataFrame:
    """Runs x provinces: growth of each province's value added in the headline period.

    The headline period is the first year (``g = V_12 / V_0 - 1``; a run under a year: its whole
    length, annualised); ``whole_run`` gives the compound annual rate over the run instead.
    """
    values = _level(source, "province")
    months = values.columns.to_numpy(float) - float(values.columns[0])
    end = months[-1] if whole_run else headline_end(months)
    column = int(np.flatnonzero(np.isclose(months, end))[0])
    growth = cagr(values.iloc[:, 0].to_numpy(), values.iloc[:, column].to_numpy(), end)
    return pd.Series(growth, index=values.index).unstack("code")


def province_probability(source: Source) -> pd.Series:
    """Share of runs in which each province reaches its target, ``P(g_p >= t_p)``."""
    growth = province_growth(source)
    targets = province_targets(source).reindex(growth.columns)
    reached = (growth.to_numpy() >= targets.to_numpy()[None, :]).astype(float)
    reached[:, targets.isna().to_numpy()] = np.nan
    return pd.Series(np.nanmean(reached, axis=0) if len(reached) else np.nan, index=growth.columns, name="probability")


def idle_recovered(source: Source) -> pd.Series:
    """Median over runs of each province's ``1 - idle_T / idle_0`` (NaN without idle capacity)."""
    idle = _level(source, "province", "idle_capacity")
    start, end = idle.iloc[:, 0], idle.iloc[:, -1]
    share = (1.0 - end / start).where(start > 0)
    return share.unstack("code").median().rename("idle_recovered")


def cell_growth(source: Source) -> pd.DataFrame | None:
    """``run, province, sector, growth, target, attainment, reached`` per cell (None without cells)."""
    if source.cells is None:
        return None
    cells = source.cells[["run", "province", "sector", "va_start", "va_headline"]].copy()
    months = np.arange(int(source.months) + 1, dtype=float)
    cells["growth"] = cagr(cells["va_start"].to_numpy(), cells["va_headline"].to_numpy(), headline_end(months))
    targets = source.targets.target_frame().astype({"province": str, "sector": str})
    cells = cells.merge(targets, on=["province", "sector"], how="left")
    positive = cells["target"] > 0
    cells["attainment"] = np.where(positive, cells["growth"] / cells["target"].where(positive), np.nan)
    cells["reached"] = np.where(cells["target"].notna(), (cells["growth"] >= cells["target"]).astype(float), np.nan)
    return cells


def attainment_matrix(source: Source) -> pd.DataFrame | None:
    """Provinces x sectors: median over runs of ``g_c / t_c`` (NaN: no firms, or no positive target)."""
    cells = cell_growth(source)
    if cells is None:
        return None
    medians = cells.groupby(["province", "sector"])["attainment"].median()
    matrix = medians.unstack("sector")
    return matrix.reindex(index=list(source.provinces.index), columns=list(source.sectors.index))


def decomposition(source: Source) -> pd.DataFrame:
    """Mean, 5% and 95% quantiles over runs of the shares of growth by origin (NaN unpaired)."""
    rows = {}
    for key in COMPONENTS:
        values = source.metrics[key].astype(float).dropna()
        if values.empty:
            rows[key] = {"mean": np.nan, "q0.05": np.nan, "q0.95": np.nan, "runs": 0}
        else:
            rows[key] = {
                "mean": float(values.mean()),
                "q0.05": float(values.quantile(0.05)),
                "q0.95": float(values.quantile(0.95)),
                "runs": int(values.size),
            }
    return pd.DataFrame(rows).T


def annual_growth_rates(source: Source) -> np.ndarray:
    """Year-on-year growth of national value added, every month from 12 on, pooled over runs."""
    paths = group_series(source, "national").to_numpy(float)
    parts = [annual_growth(row) for row in paths]
    return np.concatenate(parts) if parts else np.zeros(0)


def inequality_paths(source: Source) -> dict[str, pd.DataFrame]:
    """Runs x months of the Theil T and the Gini of value added per head across provinces."""
    values = _level(source, "province")
    codes = values.index.get_level_values("code").unique()
    population = source.provinces["population"].reindex(codes).to_numpy(float)
    runs = values.index.get_level_values("run").unique()
    months = values.columns
    theil = np.empty((len(runs), len(months)))
    gin = np.empty_like(theil)
    for i, run in enumerate(runs):
        per_head = values.loc[run].reindex(codes).to_numpy(float) / population[:, None]
        for j in range(len(months)):
            theil[i, j] = theil_t(per_head[:, j], population)
            gin[i, j] = gini(per_head[:, j], population)
    return {
        "theil": pd.DataFrame(theil, index=runs, columns=months),
        "gini": pd.DataFrame(gin, index=runs, columns=months),
    }


def convergence(source: Source) -> pd.DataFrame:
    """Per province: value added per head at month 0 and median annual growth over the whole run."""
    values = _level(source, "province")
    start = values.iloc[:, 0].groupby(level="code").first()
    population = source.provinces["population"].reindex(start.index).astype(float)
    growth = province_growth(source, whole_run=True).median().reindex(start.index)
    return pd.DataFrame({"va_per_head_start": start / population, "growth": growth})


def _later(source: Source, level: str) -> pd.DataFrame:
    series = source.series
    return series[(series["level"] == level) & (series["month"] > series["month"].min())]


def held_back(source: Source, level: str) -> pd.DataFrame:
    """Shares of output made under each binding constraint, by sector or province (mean over runs).

    Columns ``inputs, imports, energy, readiness`` (shares of the group's output of months 1..T
    made by firms that constraint bound), ``chain`` (inputs + imports: bound along the value
    chain), ``binding`` (share of runs in which ``chain`` is above the bottleneck threshold; the
    metric's test for sectors, the value chains), sorted by ``chain``.
    """
    rows = _later(source, level)
    frame = pd.DataFrame({"run": rows["run"], "code": rows["code"], "output": rows["output"]})
    for name in HELD_BACK:
        frame[name] = rows[f"output_bound_by_{name}"].to_numpy()
    sums = frame.groupby(["run", "code"], sort=True).sum()
    shares = sums[list(HELD_BACK)].div(sums["output"].where(sums["output"] > 0), axis=0)
    binding = ((shares["inputs"] + shares["imports"]) > BOTTLENECK_THRESHOLD).astype(float)
    table = shares.groupby(level="code").mean()
    table["chain"] = table["inputs"] + table["imports"]
    table["binding"] = binding.groupby(level="code").mean()
    return table.sort_values(["chain", "energy"], ascending=False)


def output_lost(source: Source, level: str = "national") -> pd.DataFrame:
    """Output lost to each constraint over months 1..T, by group (mean over runs).

    Returns:
        Rows by code; columns ``<constraint>`` (output lost, the economy's units), ``share_<constraint>``
        (its share of potential output), ``potential`` and ``output`` (sums over months 1..T).
    """
    rows = _later(source, level)
    frame = pd.DataFrame({"run": rows["run"], "code": rows["code"]})
    frame["potential"] = rows["potential_output"].to_numpy()
    frame["output"] = rows["output"].to_numpy()
    for name in HELD_BACK:
        frame[name] = rows[f"output_lost_to_{name}"].to_numpy()
    sums = frame.groupby(["run", "code"], sort=True).sum()
    for name in HELD_BACK:
        sums[f"share_{name}"] = sums[name] / sums["potential"].where(sums["potential"] > 0)
    return sums.groupby(level="code").mean()


def bottleneck_share_by_run(source: Source) -> pd.Series:
    """Per run, the share of sectors that are binding bottlenecks (the metric ``bottleneck_share``)."""
    rows = _later(source, "sector")
    limited = rows["output_bound_by_inputs"] + rows["output_bound_by_imports"]
    sums = pd.DataFrame({"run": rows["run"], "code": rows["code"], "limited": limited, "output": rows["output"]})
    sums = sums.groupby(["run", "code"]).sum()
    binding = (sums["limited"] / sums["output"].where(sums["output"] > 0)) > BOTTLENECK_THRESHOLD
    return binding.groupby(level="run").mean()


def cell_bottlenecks(source: Source, top: int = 12) -> pd.DataFrame | None:
    """The cells that lost the most output to inputs and imports (mean over runs), largest first.

    Columns ``province, sector, lost`` (``lost_inputs + lost_imports``), ``potential``, ``output``,
    ``bound`` (``bound_inputs + bound_imports``), one ``lost_<constraint>`` a constraint,
    ``share`` (``lost / potential``), ``bound_share`` (``bound / output``) and ``main`` (the
    constraint to which the cell lost most).
    """
    if source.cells is None:
        return None
    cells = source.cells.copy()
    lost = [f"lost_{n}" for n in HELD_BACK]
    cells["lost"] = cells["lost_inputs"] + cells["lost_imports"]
    cells["bound"] = cells["bound_inputs"] + cells["bound_imports"]
    mean = cells.groupby(["province", "sector"])[["lost", "bound", "potential", "output", *lost]].mean()
    mean["share"] = mean["lost"] / mean["potential"].where(mean["potential"] > 0)
    mean["bound_share"] = mean["bound"] / mean["output"].where(mean["output"] > 0)
    mean["main"] = mean[lost].idxmax(axis=1).str.removeprefix("lost_")
    return mean.sort_values("lost", ascending=False).head(top).reset_index()


def deterministic(source: Source) -> bool:
    """Whether the source's scenario draws no random number (every run would be identical)."""
    from sim.engine.stochastic import draws_random_numbers

    return not draws_random_numbers(source.scenario)


def identical_runs(source: Source) -> bool:
    """Whether every run has the same national value-added path (a scenario with no randomness)."""
    paths = group_series(source, "national").to_numpy(float)
    return len(paths) > 1 and bool(np.all(np.ptp(paths, axis=0) <= 1e-9 * np.abs(paths).max()))
