"""Stability: how steady the path of national value added is.

For the monthly national value-added series ``V_0..V_T``:

- monthly growth ``r_t = V_t / V_{t-1} - 1`` (t = 1..T) and year-on-year growth
  ``a_t = V_t / V_{t-12} - 1`` (t = 12..T), as statistical offices report monthly indices;
- ``volatility_monthly = sd(r)`` and ``volatility_annual = sd(a)`` (population standard deviations);
- downside semi-deviation ``sqrt(mean(min(0, r_t - mean(r))^2))`` (Markowitz 1959, ch. 9): the
  turbulence of the falls only;
- maximum drawdown ``max_t (1 - V_t / max_{s<=t} V_s)``;
- contractions: the number of spells of consecutive months with ``r_t < 0``;
- recovery time after a shock: the months from falling more than ``band`` (1%) below a reference
  path ``R`` until first back within it, ``V_t >= (1 - band) R_t``; the longest such spell. The
  reference is the shock-free paired run when there is one (the pre-shock path), else the running
  peak ``max_{s<=t} V_s``. A spell still open at the end counts to the end and sets
  ``unrecovered = 1``;
- output lost: ``sum_{t>=1} (R_t - V_t) / sum_{t>=1} R_t``, the share of the reference path's value
  added lost (negative when the run beats its shock-free pair);
- skewness ``m3 / m2^1.5`` and excess kurtosis ``m4 / m2^2 - 3`` of ``r`` (the moment estimators
  of ``scipy.stats.skew`` and ``scipy.stats.kurtosis``); NaN for a path whose growth never varies.
"""

from __future__ import annotations

import numpy as np
import scipy.stats

FLAT_TOLERANCE = 1e-12
RECOVERY_BAND = 0.01
KEYS = (
    "volatility_monthly",
    "volatility_annual",
    "downside_semideviation",
    "max_drawdown",
    "contractions",
    "recovery_months",
    "unrecovered",
    "output_lost",
    "skewness",
    "kurtosis",
)


def monthly_growth(values: np.ndarray) -> np.ndarray:
    """``r_t = V_t / V_{t-1} - 1``."""
    values = np.asarray(values, float)
    return values[1:] / values[:-1] - 1.0


def annual_growth(values: np.ndarray, months_per_year: int = 12) -> np.ndarray:
    """Year-on-year growth ``V_t / V_{t-12} - 1`` (empty for paths shorter than a year)."""
    values = np.asarray(values, float)
    if values.size <= months_per_year:
        return np.zeros(0)
    return values[months_per_year:] / values[:-months_per_year] - 1.0


def std(rates: np.ndarray) -> float:
    """Population standard deviation (NaN for no values)."""
    return float(np.std(rates)) if len(rates) else float("nan")


def downside_semideviation(rates: np.ndarray) -> float:
    """``sqrt(mean(min(0, r - mean(r))^2))``."""
    rates = np.asarray(rates, float)
    if not rates.size:
        return float("nan")
    below = np.minimum(0.0, rates - rates.mean())
    return float(np.sqrt(np.mean(below**2)))


def max_drawdown(values: np.ndarray) -> float:
    """``max_t (1 - V_t / max_{s<=t} V_s)``."""
    values = np.asarray(values, float)
    return float(np.max(1.0 - values / np.maximum.accumulate(values)))


def contractions(values: np.ndarray, tolerance: float = 1e-9) -> int:
    """Spells of consecutive months in which ``V`` falls (by more than ``tolerance`` relative)."""
    falling = monthly_growth(values) < -tolerance
    starts = falling & ~np.concatenate([[False], falling[:-1]])
    return int(starts.sum())


def shortfall_spells(values: np.ndarray, reference: np.ndarray, band: float = RECOVERY_BAND) -> list[tuple[int, int]]:
    """Spells ``(first month below, first month back)`` of ``V_t < (1 - band) R_t``.

    A spell still open at the end has ``first month back = T + 1``.
    """
    below = np.asarray(values, float) < (1.0 - band) * np.asarray(reference, float)
    spells, start = [], None
    for t, flag in enumerate(below):
        if flag and start is None:
            start = t
        elif not flag and start is not None:
            spells.append((start, t))
            start = None
    if start is not None:
        spells.append((start, below.size))
    return spells


def recovery(values: np.ndarray, reference: np.ndarray, band: float = RECOVERY_BAND) -> tuple[float, float]:
    """``(months of the longest spell below the band, 1.0 if a spell is open at the end)``."""
    spells = shortfall_spells(values, reference, band)
    if not spells:
        return 0.0, 0.0
    longest = max(end - start for start, end in spells)
    return float(longest), float(spells[-1][1] == len(values))


def output_lost(values: np.ndarray, reference: np.ndarray) -> float:
    """``sum_{t>=1} (R_t - V_t) / sum_{t>=1} R_t``."""
    values, reference = np.asarray(values, float)[1:], np.asarray(reference, float)[1:]
    total = reference.sum()
    return float((reference - values).sum() / total) if total > 0 else float("nan")


def moments(rates: np.ndarray) -> tuple[float, float]:
    """Skewness ``m3 / m2^1.5`` and excess kurtosis ``m4 / m2^2 - 3`` (NaN if ``sd < 1e-12``).

    The moment (biased) estimators of :func:`scipy.stats.skew` and :func:`scipy.stats.kurtosis`
    (Fisher's definition, so a normal distribution has 0).
    """
    rates = np.asarray(rates, float)
    if rates.size < 2 or np.std(rates) < FLAT_TOLERANCE:
        return float("nan"), float("nan")
    return float(scipy.stats.skew(rates, bias=True)), float(scipy.stats.kurtosis(rates, fisher=True, bias=True))


def many_moments(values: np.ndarray) -> np.ndarray:
    """:func:`moments` of the monthly growth of each row of ``values`` (runs, months), (runs, 2).

    One call of :func:`scipy.stats.skew` and :func:`scipy.stats.kurtosis` over the rows (whose
    per-call overhead was most of a run's stability metrics), each row's the same as its own call.
    """
    values = np.asarray(values, float)
    rates = values[:, 1:] / values[:, :-1] - 1.0
    out = np.full((values.shape[0], 2), np.nan)
    if rates.shape[1] < 2:
        return out
    spread = np.array([np.std(row) for row in rates])
    fit = spread >= FLAT_TOLERANCE
    if fit.any():
        moving = np.ascontiguousarray(rates[fit])
        out[fit, 0] = scipy.stats.skew(moving, axis=-1, bias=True)
        out[fit, 1] = scipy.stats.kurtosis(moving, axis=-1, fisher=True, bias=True)
    return out


def stability(
    values: np.ndarray, reference: np.ndarray | None = None, moments_of: tuple[float, float] | None = None
) -> dict[str, float]:
    """The stability metrics of a national value-added path (see the module docstring).

    Args:
        values: ``V_0..V_T``, monthly.
        reference: The shock-free paired path over the same months, if any.
        moments_of: The path's :func:`moments` if known (:func:`many_moments`).
    """
    values = np.asarray(values, float)
    if reference is None:
        reference = np.maximum.accumulate(values)
    rates = monthly_growth(values)
    months, open_end = recovery(values, reference)
    skew, kurt = moments(rates) if moments_of is None else (float(moments_of[0]), float(moments_of[1]))
    return {
        "volatility_monthly": std(rates),
        "volatility_annual": std(annual_growth(values)),
        "downside_semideviation": downside_semideviation(rates),
        "max_drawdown": max_drawdown(values),
        "contractions": float(contractions(values)),
        "recovery_months": months,
        "unrecovered": open_end,
        "output_lost": output_lost(values, reference),
        "skewness": skew,
        "kurtosis": kurt,
    }
