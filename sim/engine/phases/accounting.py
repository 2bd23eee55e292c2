"""Accounting checks of the phases, and the capped ratio they share."""

from __future__ import annotations

import numpy as np

from sim.errors import AccountingError

TOLERANCE = 1e-9
"""Tolerance of the accounting checks, relative to the scale of the quantity checked."""


def largest(values: np.ndarray) -> float:
    """``max(values)``, and at least 1 (the scale of a check); ``np.max(values, initial=1.0)`` without its wrapper."""
    return float(np.maximum.reduce(values, initial=1.0))


def check(phase: str, name: str, values: np.ndarray, scale: float = 1.0, firm_of: np.ndarray | None = None) -> None:
    """Raise :class:`AccountingError` if ``values`` has a NaN/inf or a value below ``-tol``.

    Args:
        phase: The phase being checked (named in the error).
        name: The quantity checked.
        values: Firm values, or line values with ``firm_of`` mapping each line to its firm.
        scale: Scale of the values for the tolerance.
        firm_of: Firm of each entry, when ``values`` are not by firm.
    """
    if values.size == 0:
        return
    # Two bare reductions (the hot path of every step); NaN propagates into both and fails both tests.
    if np.minimum.reduce(values) >= -TOLERANCE * scale and np.maximum.reduce(values) < np.inf:
        return
    bad = ~np.isfinite(values) | (values < -TOLERANCE * scale)
    index = int(np.flatnonzero(bad)[0])
    firm = index if firm_of is None else int(firm_of[index])
    where = "" if firm_of is None else f" (pair {index})"
    raise AccountingError(phase, firm, f"{name} = {values[index]!r}{where} (must be finite and >= 0)")


def capped_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``min(1, numerator / denominator)`` where the denominator is positive, 1 elsewhere (no warnings)."""
    ratio = np.ones(numerator.size)
    np.divide(numerator, denominator, out=ratio, where=denominator > 0)
    np.minimum(ratio, 1.0, out=ratio)
    return ratio
