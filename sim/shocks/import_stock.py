"""Stocks of imported inputs: firms draw on them when imports fall short, and rebuild them after.

Firms hold imported inputs as they hold domestic ones: ``b`` months of normal use, their sector's
``inventory_months`` (``sectors.csv``). An import cut or a currency limit (the schedule's
``imports`` availability ``alpha_t``, :mod:`sim.shocks`) cuts what they can *buy*; what they can
*use* in a step of ``dt`` months is what they buy plus what the stock holds, up to normal use.
In months of normal use, with ``B`` the stock of a cell:

    u_t = min(dt, alpha_t dt + B_{t-1}),        alpha'_t = u_t / dt
    B_t = B_{t-1} + alpha_t dt - u_t                                  if alpha_t < 1
    B_t = B_{t-1} + (b - B_{t-1}) (1 - (1 - 1 / tau) ** dt)           if alpha_t >= 1

with ``B_0 = b`` and ``tau`` the scenario's ``inventory_restore_months`` (the stock is rebuilt once
imports flow freely again, at the pace firms restore any input stock). ``alpha'`` replaces
``alpha`` in the schedule: a short or shallow cut is bridged, a long one bites once the stock is
gone, and a second cut soon after the first finds the stock still low.

Use is counted at normal output: when output falls for other reasons the stock lasts longer than
this rule says, so the rule bridges less than firms could (the conservative side).
"""

from __future__ import annotations

import numpy as np


def buffered_availability(
    availability: np.ndarray, months_held: np.ndarray, dt: float, restore_months: float
) -> np.ndarray:
    """``alpha'``, the share of normal imported inputs firms can use each step (module docstring).

    Args:
        availability: ``alpha``, share of normal imports firms can buy, (T + 1, C); row 0 is
            month 0, before the run.
        months_held: ``b``, months of normal imported inputs each cell holds, (C,), >= 0.
        dt: Step length in months.
        restore_months: ``tau``, months over which a stock gap is closed (>= 1).

    Returns:
        A new (T + 1, C) array, ``alpha <= alpha' <= max(alpha, 1)``; row 0 as given.
    """
    availability = np.asarray(availability, dtype=float)
    held = np.broadcast_to(np.asarray(months_held, dtype=float), availability.shape[1:])
    rebuild = 1.0 - (1.0 - 1.0 / restore_months) ** dt
    usable = availability.copy()
    stock = held.copy()
    for t in range(1, availability.shape[0]):
        alpha = availability[t]
        short = alpha < 1.0
        use = np.minimum(dt, alpha * dt + stock)
        usable[t] = np.where(short, use / dt, alpha)
        stock = np.where(short, stock + alpha * dt - use, stock + (held - stock) * rebuild)
    return usable
