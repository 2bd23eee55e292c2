"""Catch-up: output lost to a supply cut is made up afterwards, with overtime, while customers wait.

A firm that is ready to produce (its lines staffed and operable) but is held back by energy, inputs
or imports loses output it would have sold: ``s = max(0, min(q, K) - x)`` a month, with ``q``
planned output, ``K`` effective capacity and ``x`` output. Its customers do not all cancel; the
unfilled work waits in a backlog ``B`` (a quantity: months of output) that lapses with time
constant ``T`` (customers who stop waiting buy elsewhere or go without):

    B <- max(0, B - c dt) exp(-dt / T) + s dt

When the cut is over the firm works the backlog off above its normal rate, with extra shifts and
overtime, up to a share ``o`` of its effective capacity:

    e = min(B / dt, o K)        (catch-up output planned this step, per month)
    q' = q + e,  K' = K + e     (planned output and the capacity it can use)

and ``c = max(0, x - min(q, K))`` is the output made beyond the normal plan, which clears the
backlog. This is the overproduction of the adaptive regional input-output model (ARIO:
Hallegatte 2008, Risk Analysis 28(3), where production can exceed capacity by up to 25%,
``alpha_max = 1.25``, while demand exceeds output; BoARIO's ``alpha_max``), bounded here by the
backlog the supply cut left rather than by all unmet demand, so an economy with no supply cut
never runs overtime. Making up lost production after an outage is the response firms report to
electricity rationing (Allcott, Collard-Wexler and O'Connell 2016, AER 106(3): shortages cut
plant output by much less than the hours lost, as plants shift and make up production).
"""

from __future__ import annotations

import math

import numpy as np


def catch_up_output(backlog: np.ndarray, capacity: np.ndarray, share: float, dt: float) -> np.ndarray:
    """Catch-up output planned this step, per month: ``e = min(B / dt, o K)``.

    Args:
        backlog: ``B``, work waiting from earlier supply cuts (quantity), (N,) or (R, N).
        capacity: ``K``, effective capacity per month (same shape).
        share: ``o``, most extra output as a share of effective capacity.
        dt: Step length in months.

    Returns:
        ``e``, a new array of the same shape.
    """
    extra = np.multiply(capacity, share)
    return np.minimum(backlog / dt, extra, out=extra)


def update_backlog(
    backlog: np.ndarray,
    regular: np.ndarray,
    output: np.ndarray,
    backlog_months: float,
    dt: float,
) -> np.ndarray:
    """The backlog after this step: ``max(0, B - c dt) exp(-dt / T) + s dt``.

    ``regular`` is ``min(q, K)``, what the firm would make this step with power, inputs and imports
    to spare and no catch-up; ``s = max(0, regular - x)`` the shortfall, ``c = max(0, x - regular)``
    the catch-up made.

    Args:
        backlog: ``B`` before the step.
        regular: ``min(q, K)`` per month.
        output: ``x`` this step, per month.
        backlog_months: ``T``, months over which waiting customers give up (``exp(-dt / T)``).
        dt: Step length in months.

    Returns:
        The new backlog (a new array).
    """
    gap = (regular - output) * dt  # s dt - c dt: shortfall where positive, catch-up where negative
    kept = math.exp(-dt / backlog_months)
    worked_off = np.maximum(backlog + np.minimum(gap, 0.0), 0.0)
    worked_off *= kept
    worked_off += np.maximum(gap, 0.0)
    return worked_off
