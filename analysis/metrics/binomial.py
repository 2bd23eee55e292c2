"""The probability of reaching a target over Monte Carlo runs, with its binomial interval.

With ``k`` of ``n`` runs reaching a target, the estimate is ``p = k / n`` and its 95% interval the
Wilson score interval (Wilson 1927; Newcombe 1998, method 3; ``statsmodels`` computes it):

    (p + z^2 / 2n -/+ z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n),   z = 1.95996

Unlike ``p +/- z sqrt(p (1 - p) / n)`` it does not collapse to a point when no run (or every run)
reaches the target: with ``k = 0`` the upper end is ``z^2 / (n + z^2)`` (0.088 for 40 runs), the
role the "rule of three" (``3 / n``) plays by hand. The command line, the report and
:func:`analysis.montecarlo.target_probabilities` all use :func:`reach_probability`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

CONFIDENCE = 0.95
METHOD = "wilson"


def reach_probability(reached: pd.Series | np.ndarray, confidence: float = CONFIDENCE) -> dict[str, float]:
    """Share of runs reaching a target and its Wilson interval.

    Args:
        reached: One value per run, 1 (reached) or 0 (not); NaN (not judged) is left out.
        confidence: Coverage of the interval.

    Returns:
        ``{"p", "low", "high", "k", "n"}``; NaN (and ``n = 0``) without a judged run.
    """
    values = pd.to_numeric(pd.Series(np.asarray(reached, dtype=float)), errors="coerce").dropna()
    n = int(len(values))
    if n == 0:
        return {"p": float("nan"), "low": float("nan"), "high": float("nan"), "k": 0, "n": 0}
    k = int((values >= 0.5).sum())
    low, high = proportion_confint(k, n, alpha=1.0 - confidence, method=METHOD)
    return {"p": k / n, "low": float(low), "high": float(high), "k": k, "n": n}


def interval_text(prob: dict[str, float], digits: int = 0) -> str:
    """``"12% (95% interval 6-21%, 5 of 40 runs)"``; ``"n/a (no run judged)"`` without runs."""
    if not prob["n"] or not np.isfinite(prob["p"]):
        return "n/a (no run judged)"

    def pct(value: float) -> str:
        return f"{100 * value:.{digits}f}"

    return f"{pct(prob['p'])}% (95% interval {pct(prob['low'])}-{pct(prob['high'])}%, {prob['k']} of {prob['n']} runs)"
