"""Volatility moments of a run: annual growth of national value added, and firm growth rates.

Annual growth (national value added summed over years ``1..Y``, month 0 left out):
``g_t = 100 (V_t / V_{t-1} - 1)`` for ``t = 2..Y``; its sample standard deviation (``ddof = 1``),
lag-1 autocorrelation ``corr(g_t, g_{t-1})`` and the share of years with ``g_t < 0``
(the record's counterparts: :func:`analysis.history.records.growth_statistics`).

Firm growth rates (Stanley et al. 1996, Nature 379; Bottazzi and Secchi 2006, RAND J. Econ. 37):
a firm's annual output ``y_{k,t}`` (months summed), growth ``r_{k,t} = ln(y_{k,t} / y_{k,t-1})``
over firms with positive output in both years, centred by year (the year's mean taken out, as
aggregate shocks are not firm growth). Then

- tent shape: the excess kurtosis of the pooled centred rates (0 for a normal, 3 for a Laplace);
- volatility against size: firms are put in ``bins`` groups of equal count by log initial size
  ``ln y_{k,1}``; the slope of ``ln sd(r)`` on mean ``ln y`` over the groups, by least squares
  (about -0.15 to -0.2 in firm data).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def annual_growth(national_monthly: np.ndarray) -> np.ndarray:
    """``g_t`` in percent from a monthly national series (month 0 first, whole years after it)."""
    values = np.asarray(national_monthly, dtype=float)[1:]
    years = values.size // 12
    totals = values[: 12 * years].reshape(years, 12).sum(axis=1)
    return 100.0 * (totals[1:] / totals[:-1] - 1.0)


def growth_moments(national_monthly: np.ndarray) -> dict[str, float]:
    """``sd``, ``autocorr`` and ``contraction_share`` of annual growth (see the module docstring)."""
    g = annual_growth(national_monthly)
    autocorr = float(np.corrcoef(g[1:], g[:-1])[0, 1]) if g.size >= 4 else float("nan")
    return {
        "sd": float(np.std(g, ddof=1)) if g.size >= 2 else float("nan"),
        "autocorr": autocorr,
        "contraction_share": float(np.mean(g < 0)) if g.size else float("nan"),
        "years": int(g.size),
    }


def firm_annual_output(firms: pd.DataFrame) -> np.ndarray:
    """Annual output by firm, ``(firms, years)``, from a firm table (months ``1..12 Y``)."""
    table = firms[firms["month"] >= 1]
    years = int(table["month"].max()) // 12
    table = table[table["month"] <= 12 * years]
    year = (table["month"].to_numpy().astype(np.int64) - 1) // 12
    firm = table["firm"].to_numpy().astype(np.int64)
    out = np.zeros((int(firm.max()) + 1, years))
    np.add.at(out, (firm, year), table["output"].to_numpy(float))
    return out


def firm_growth_moments(annual: np.ndarray, bins: int = 10) -> dict[str, float]:
    """Excess kurtosis of centred firm growth rates and the slope of log volatility on log size."""
    annual = np.asarray(annual, dtype=float)
    ok = (annual[:, 1:] > 0) & (annual[:, :-1] > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        rates = np.where(ok, np.log(annual[:, 1:] / annual[:, :-1]), np.nan)
    rates = rates - np.nanmean(rates, axis=0)
    pooled = rates[np.isfinite(rates)]
    kurtosis = float(stats.kurtosis(pooled, fisher=True)) if pooled.size > 10 else float("nan")
    size = np.log(np.where(annual[:, 0] > 0, annual[:, 0], np.nan))
    keep = np.isfinite(size) & (np.isfinite(rates).sum(axis=1) >= 1)
    order = np.argsort(size[keep])
    groups = np.array_split(order, bins)
    mean_size, log_sd = [], []
    for group in groups:
        values = rates[keep][group]
        values = values[np.isfinite(values)]
        if values.size >= 3 and np.std(values) > 0:
            mean_size.append(size[keep][group].mean())
            log_sd.append(np.log(np.std(values, ddof=1)))
    slope = float(np.polyfit(mean_size, log_sd, 1)[0]) if len(mean_size) >= 3 else float("nan")
    return {"excess_kurtosis": kurtosis, "size_slope": slope, "firm_years": int(pooled.size)}
