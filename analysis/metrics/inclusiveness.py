"""Inclusiveness: how growth is shared over provinces and value chains.

With value added per head ``y_p = VA_p / N_p`` of province ``p`` and population shares
``s_p = N_p / sum N``, ``mu = sum_p s_p y_p``:

- Theil T index ``T = sum_p s_p (y_p / mu) ln(y_p / mu)`` (Theil 1967), split over regions ``g``
  with population shares ``S_g`` and means ``mu_g`` as ``T = T_between + T_within``,
  ``T_between = sum_g S_g (mu_g / mu) ln(mu_g / mu)``,
  ``T_within = sum_g S_g (mu_g / mu) T_g`` (Shorrocks 1980);
- Gini ``G = sum_p sum_q s_p s_q |y_p - y_q| / (2 mu)``;
- coefficient of variation of provincial growth ``sd(g_p) / |mean(g_p)|`` over provinces
  (unweighted), ``g_p`` the compound annual growth of the province's value added;
- beta-convergence: the OLS slope ``beta`` of ``ln(y_pT / y_p0) * 12 / T`` on ``ln y_p0``
  (Barro and Sala-i-Martin 1992); ``beta < 0`` means lagging provinces grow faster;
- jobs created ``sum_p (L_pT - L_p0)`` and the share of them in lagging provinces: the poorest
  provinces by value added per head at month 0 that together hold at most half the population;
- bottlenecks: a value chain (sector) has a binding bottleneck when, over months 1..T, more than
  ``BOTTLENECK_THRESHOLD`` of its output was made by firms whose binding constraint was inputs or
  imports, ``sum_t (output_bound_by_inputs + output_bound_by_imports) / sum_t output``;
  ``bottleneck_share`` is the share of sectors that do.

The Theil and Gini figures are those of the last month; ``theil_start`` is month 0's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.metrics.series import by_key, cagr

BOTTLENECK_THRESHOLD = 0.10
KEYS = (
    "theil",
    "theil_between",
    "theil_within",
    "theil_start",
    "gini",
    "cv_provincial_growth",
    "beta_convergence",
    "jobs_created",
    "jobs_lagging_share",
    "bottleneck_share",
)


def weighted_mean(values: np.ndarray, weights: np.ndarray) -> float:
    """``sum w x / sum w``."""
    values, weights = np.asarray(values, float), np.asarray(weights, float)
    return float(np.sum(weights * values) / np.sum(weights))


def theil_t(values: np.ndarray, weights: np.ndarray) -> float:
    """Theil T ``sum_i s_i (x_i / mu) ln(x_i / mu)`` with ``s = w / sum w`` (``0 ln 0 = 0``)."""
    values, shares = np.asarray(values, float), np.asarray(weights, float)
    shares = shares / shares.sum()
    ratio = values / np.sum(shares * values)
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(ratio > 0, ratio * np.log(ratio), 0.0)
    return float(np.sum(shares * terms))


def theil_split(values: np.ndarray, weights: np.ndarray, groups: np.ndarray) -> tuple[float, float]:
    """``(T_between, T_within)`` over ``groups``; they sum to :func:`theil_t`."""
    values, weights, groups = np.asarray(values, float), np.asarray(weights, float), np.asarray(groups)
    mu = weighted_mean(values, weights)
    total = weights.sum()
    between = within = 0.0
    for group in pd.unique(groups):
        mask = groups == group
        share = weights[mask].sum() / total
        mu_g = weighted_mean(values[mask], weights[mask])
        between += share * (mu_g / mu) * np.log(mu_g / mu)
        within += share * (mu_g / mu) * theil_t(values[mask], weights[mask])
    return float(between), float(within)


def gini(values: np.ndarray, weights: np.ndarray) -> float:
    """``sum_i sum_j s_i s_j |x_i - x_j| / (2 mu)`` with ``s = w / sum w``."""
    values, shares = np.asarray(values, float), np.asarray(weights, float)
    shares = shares / shares.sum()
    mu = np.sum(shares * values)
    return float(np.sum(shares[:, None] * shares[None, :] * np.abs(values[:, None] - values[None, :])) / (2.0 * mu))


def beta_convergence(start: np.ndarray, end: np.ndarray, months: float) -> float:
    """OLS slope of annualised log growth ``ln(end / start) * 12 / months`` on ``ln start``."""
    start, end = np.asarray(start, float), np.asarray(end, float)
    ok = (start > 0) & (end > 0)
    if ok.sum() < 2 or months <= 0:
        return float("nan")
    x = np.log(start[ok])
    y = np.log(end[ok] / start[ok]) * 12.0 / months
    if np.ptp(x) == 0:
        return float("nan")
    return float(np.polyfit(x, y, 1)[0])


def lagging(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """The poorest units that together hold at most half of the weight (a boolean mask)."""
    order = np.argsort(values, kind="stable")
    weights = np.asarray(weights, float)
    cumulative = np.cumsum(weights[order]) / weights.sum()
    mask = np.zeros(len(order), dtype=bool)
    mask[order] = cumulative <= 0.5 + 1e-12
    return mask


def bottleneck_share(frame: pd.DataFrame, threshold: float = BOTTLENECK_THRESHOLD) -> tuple[float, list[str]]:
    """Share of sectors more than ``threshold`` of whose output over months 1..T was made bound by inputs or imports."""
    later = frame[frame["month"] > frame["month"].min()]
    if later.empty:
        return float("nan"), []
    limited = later["output_bound_by_inputs"] + later["output_bound_by_imports"]
    by_sector = pd.DataFrame({"sector": later["sector"], "limited": limited, "output": later["output"]})
    sums = by_sector.groupby("sector", sort=True)[["limited", "output"]].sum()
    share = sums["limited"] / sums["output"].where(sums["output"] > 0)
    binding = share[share > threshold]
    return float(len(binding) / len(share)), binding.index.tolist()


def inclusiveness(
    frame: pd.DataFrame,
    population: pd.Series | None = None,
    regions: pd.Series | None = None,
) -> tuple[dict[str, float], dict]:
    """The inclusiveness metrics of a run (flat) and provincial detail.

    Args:
        frame: Trajectories (whole months).
        population: Population by province code (needed for the per-head measures).
        regions: Region by province code (needed for the between/within split).

    Returns:
        ``(flat metrics, detail)``, detail holding per-province rows and the bottleneck sectors.
    """
    va = by_key(frame, "province", "value_added")
    jobs = by_key(frame, "province", "employment")
    months = float(va.index[-1] - va.index[0])
    provinces = va.columns
    va0, va1 = va.iloc[0].to_numpy(), va.iloc[-1].to_numpy()
    growth = cagr(va0, va1, months)
    jobs_created = jobs.iloc[-1] - jobs.iloc[0]
    mean_growth = np.mean(growth)
    flat = dict.fromkeys(KEYS, float("nan"))
    flat["cv_provincial_growth"] = float(np.std(growth) / abs(mean_growth)) if mean_growth != 0 else float("nan")
    flat["jobs_created"] = float(jobs_created.sum())
    flat["bottleneck_share"], binding = bottleneck_share(frame)
    detail_rows = pd.DataFrame(
        {"province": provinces, "va_start": va0, "va_end": va1, "growth": growth, "jobs_created": jobs_created.values}
    )
    if population is not None:
        pop = population.reindex(provinces).to_numpy(float)
        y0, y1 = va0 / pop, va1 / pop
        flat["theil"] = theil_t(y1, pop)
        flat["theil_start"] = theil_t(y0, pop)
        flat["gini"] = gini(y1, pop)
        flat["beta_convergence"] = beta_convergence(y0, y1, months)
        poorest = lagging(y0, pop)
        total = jobs_created.sum()
        flat["jobs_lagging_share"] = float(jobs_created[poorest].sum() / total) if total > 0 else float("nan")
        detail_rows["va_per_head_start"] = y0
        detail_rows["va_per_head_end"] = y1
        detail_rows["lagging"] = poorest
        if regions is not None:
            groups = regions.reindex(provinces).fillna("unknown").to_numpy()
            flat["theil_between"], flat["theil_within"] = theil_split(y1, pop, groups)
    detail = {"provinces": detail_rows, "bottleneck_sectors": binding}
    return flat, detail
