"""Accounting checks of the phases, and the capped ratio they share."""

from __future__ import annotations

import numpy as np

from sim.errors import AccountingError

TOLERANCE = 1e-9
"""Tolerance of the accounting checks, relative to the scale of the quantity checked."""


def largest(values: np.ndarray) -> float | np.ndarray:
    """``max(values)``, and at least 1 (the scale of a check); ``np.max(values, initial=1.0)`` without its wrapper.

    In an ensemble (values (R, N), :mod:`sim.engine.ensemble`) each run's own scale, as a column (R, 1).
    """
    if values.ndim == 1:
        return float(np.maximum.reduce(values, initial=1.0))
    return np.maximum.reduce(values, axis=-1, initial=1.0, keepdims=True)


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
    # An ensemble's values are (R, N) or (R, P), checked run by run against each run's scale.
    low = np.minimum.reduce(values, axis=-1, keepdims=values.ndim > 1)
    if (low >= -TOLERANCE * scale).all() and np.maximum.reduce(values, axis=None) < np.inf:
        return
    bad = ~np.isfinite(values) | (values < -TOLERANCE * scale)
    flat = int(np.flatnonzero(bad)[0])
    index = flat % values.shape[-1]
    firm = index if firm_of is None else int(firm_of[index])
    where = "" if firm_of is None else f" (pair {index})"
    raise AccountingError(phase, firm, f"{name} = {values.reshape(-1)[flat]!r}{where} (must be finite and >= 0)")


def capped_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``min(1, numerator / denominator)`` where the denominator is positive, 1 elsewhere (no warnings)."""
    ratio = np.ones(np.broadcast_shapes(numerator.shape, denominator.shape))
    np.divide(numerator, denominator, out=ratio, where=denominator > 0)
    np.minimum(ratio, 1.0, out=ratio)
    return ratio
