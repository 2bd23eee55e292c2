"""How each metric is written for people: percentages, ratios, counts; no float noise.

A value is rounded to what its format shows, so ``5.6e-17`` reads ``0.00%`` (not ``-0.00%``), and a
missing value reads ``n/a``.
"""

from __future__ import annotations

import math

RATIOS = ("attainment", "path_attainment", "persistence", "skewness", "kurtosis", "cv_provincial_growth")
INDICES = ("theil", "gini")
COUNTS = ("contractions", "recovery_months")
AMOUNTS = ("jobs_created",)
SLOPES = ("beta_convergence",)
CHANGES = (
    "growth",
    "path_growth",
    "target",
    "output_lost",
    "idle_recovered",
    "new_capacity",
    "exogenous",
    "endogenous",
)


def kind(metric: str) -> str:
    """``"change"``, ``"percent"``, ``"ratio"``, ``"index"``, ``"count"``, ``"amount"``, ``"slope"`` of a key."""
    if metric.startswith(RATIOS):
        return "ratio"
    if metric.startswith(INDICES):
        return "index"
    if metric in COUNTS:
        return "count"
    if metric in AMOUNTS:
        return "amount"
    if metric in SLOPES:
        return "slope"
    if metric.startswith(CHANGES):
        return "change"  # growth, targets, output lost, shares of growth by origin: signed
    return "percent"  # shortfalls, shares of runs, provinces or sectors, volatility, drawdown


FORMATS = {
    "change": "{:+.2%}",
    "percent": "{:.2%}",
    "ratio": "{:.2f}",
    "index": "{:.4f}",
    "count": "{:.1f}",
    "amount": "{:+,.0f}",
    "slope": "{:+.4f}",
}


def missing(value: object) -> bool:
    """Whether a value is None or not a finite number."""
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def number(value: object, fmt: str) -> str:
    """``fmt.format(value)`` with ``n/a`` for a missing value and no negative zero."""
    if missing(value):
        return "n/a"
    text = fmt.format(value)
    if text.lstrip("+-").strip("0.,%") == "":  # rounds to zero: drop the sign noise gave it
        text = fmt.format(0.0).replace("+", "" if "+" not in fmt else "+")
    return text


def metric(key: str, value: object) -> str:
    """A metric's value in its format (``growth_national`` 0.0316 -> ``+3.16%``)."""
    return number(value, FORMATS[kind(key)])
