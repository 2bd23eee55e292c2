"""A currency fall: imported inputs affordable under a working-capital limit.

One shock kind: its ``[[shock]]`` table (:class:`FxShock`), the compiler that multiplies its effect
into the :class:`~sim.shocks.schedule.ShockSchedule`, and its registry entry :data:`KIND`
(collected by :mod:`sim.shocks`).
"""

from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from sim.economy.cell_economy import Economy
from sim.shocks.schedule import ShockBase, ShockKind, ShockSchedule, active_steps
from sim.strict import MAX_LIST, MAX_MONTHS

MAX_FX_INDEX = 1000.0
"""Largest exchange-rate index (and working capital multiple) an fx shock may give."""


class FxShock(ShockBase):
    """A currency depreciation that, under a working-capital limit, cuts what firms can import.

    The rial price of imported inputs is ``p_t = 1 + pass_through (e_t - 1)``, ``e_t`` the
    exchange rate relative to before the shock. A firm's working capital for imports, in units of
    its normal import bill at pre-shock prices, starts at ``w = working_capital`` and follows the
    rial price of imports with a lag, as its own prices and revenues catch up with the
    depreciation (nominal adjustment, time constant ``adjustment_months``):

        W_0 = w,     W_t = W_{t-1} + (w p_{t-1} - W_{t-1}) (1 - (1 - 1/tau) ** dt)

    so the share of its imported inputs it can buy is ``min(1, W_t / p_t)`` (a cash-in-advance
    limit as in Feenstra, Li and Yu 2014, JIE 92 on credit constraints and imports): a sudden
    fall of the rial bites at once, a steady one or a fall that stays bites less and less.

    Attributes:
        path: Exchange rate (foreign currency in rials) relative to before the shock, one value
            a month from ``start``; the last value holds until ``end`` (or the horizon). Each in
            (0, 1000], at most 1000 values.
        pass_through: Share of the depreciation passed into the rial price of imported inputs,
            in [0, 1] (absent: the scenario's ``[parameters] fx_pass_through``).
        working_capital: Working capital available for imports, as a multiple of the normal
            import bill (>= 0; 1 = no headroom; absent: ``[parameters] fx_working_capital``).
        adjustment_months: ``tau``, months over which working capital catches up with the rial
            price of imports (>= 1; absent: ``[parameters] fx_adjustment_months``).
    """

    kind: Literal["fx"]
    path: list[Annotated[float, Field(gt=0.0, le=MAX_FX_INDEX)]] = Field(min_length=1, max_length=MAX_LIST)
    pass_through: float | None = Field(None, ge=0.0, le=1.0)
    working_capital: float | None = Field(None, ge=0.0, le=MAX_FX_INDEX)
    adjustment_months: float | None = Field(None, ge=1.0, le=MAX_MONTHS)

    def with_parameters(self, parameters) -> FxShock:
        """The shock with ``pass_through`` and ``working_capital`` filled from ``[parameters]`` where absent."""
        update = {}
        if self.pass_through is None:
            update["pass_through"] = parameters.fx_pass_through
        if self.working_capital is None:
            update["working_capital"] = parameters.fx_working_capital
        if self.adjustment_months is None:
            update["adjustment_months"] = parameters.fx_adjustment_months
        return self.model_copy(update=update) if update else self


def fx_import_share(shock: FxShock, month: np.ndarray, dt: float = 1.0) -> np.ndarray:
    """Share of imported inputs firms can pay for in each step (1 where the shock is not active).

    ``e_t = path[min(m - start, len(path) - 1)]``, ``p_t = 1 + pass_through (e_t - 1)``, working
    capital ``W_t`` as in :class:`FxShock` (``p`` is 1 before the shock starts and after it ends),
    share ``= min(1, W_t / p_t)`` while the shock is active.

    Args:
        shock: The shock, resolved with :meth:`FxShock.with_parameters`.
        month: Month of each step, (T + 1,).
        dt: Step length in months.
    """
    if shock.pass_through is None or shock.working_capital is None or shock.adjustment_months is None:
        raise ValueError("fx shock without pass_through, working_capital or adjustment_months: resolve it first")
    rows = active_steps(month, shock.start, shock.end)
    path = np.asarray(shock.path, dtype=float)
    rate = np.ones(month.size)
    rate[rows] = path[np.clip(month[rows] - shock.start, 0, path.size - 1)]
    price = 1.0 + shock.pass_through * (rate - 1.0)
    catch_up = 1.0 - (1.0 - 1.0 / shock.adjustment_months) ** dt
    w = shock.working_capital
    capital = np.empty(month.size)
    capital[0] = w
    for t in range(1, month.size):
        capital[t] = capital[t - 1] + (w * price[t - 1] - capital[t - 1]) * catch_up
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.minimum(1.0, capital / price)
    return np.where(rows, share, 1.0)


def compile_fx(shock: FxShock, schedule: ShockSchedule, mask: np.ndarray, dt: float, economy: Economy) -> None:
    """Imported inputs affordable under the working-capital limit (see :func:`fx_import_share`)."""
    schedule.imports[:, mask] *= fx_import_share(shock, schedule.month, dt)[:, None]


KIND = ShockKind(
    name="fx",
    spec=FxShock,
    fields=lambda shock: ("imports",),
    compile=compile_fx,
)
