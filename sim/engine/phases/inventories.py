"""Phase 5, inventories: input stocks after the step, and the orders for the next one."""

from __future__ import annotations

import numpy as np

from sim.engine.phases.accounting import capped_ratio, check, largest
from sim.engine.plan import RunPlan
from sim.engine.state import State


def inventories(state: State, plan: RunPlan) -> None:
    """Stocks and orders for the next step.

    ``S <- S + R - U``; target ``T = (n + dt) a x^d``; orders
    ``O = a x^d dt + (T - S) / tau`` (validation case 5: a gap closes as ``gap0 (1 - 1/tau)^t``),
    where ``x^d = min(q, K)`` is the output the firm wants and has capacity for. Basing orders
    on desired rather than realised output keeps an input-starved firm ordering what it needs;
    basing them on realised output lets a shortage lock in (low output, low orders, low stock).
    """
    r, stock, coef, desired = plan.rates, state.stock, state.pair_coef, state.desired
    stock += state.received
    stock -= state.used
    check("inventories", "stock", stock, largest(state.used), firm_of=plan.lines.buyer)
    np.maximum(stock, 0.0, out=stock)

    def order_of(line):  # O = a x^d dt + (T - S) / tau with T = (n / dt + 1) a x^d dt
        use = line.spread(desired) * line.of(coef) * r.dt
        return np.maximum((line.spread(plan.stock_factor) * use - line.of(stock)) / r.restore_steps + use, 0.0)

    # Rewritten in place: demand and delivery have read this step's orders.
    plan.lines.each_line(order_of, out=state.orders)
    state.current_share = capped_ratio(state.demand, state.desired)
