"""Phase 5, inventories: input stocks after the step, and the orders for the next one."""

from __future__ import annotations

import numpy as np

from sim.engine.flows import DemandFlows
from sim.engine.phases.accounting import TOLERANCE, capped_ratio, check, largest, stock_failed
from sim.engine.plan import RunPlan
from sim.engine.reroute import reroute
from sim.engine.state import State
from sim.kernels import fused


def inventories(state: State, plan: RunPlan, wanted: DemandFlows) -> None:
    """Stocks and orders for the next step, and where they go.

    ``S <- S + R - U``; target ``T = (n + dt) a x^d``; orders
    ``O = max(F, a x^d dt + (T - S) / tau)`` (validation case 5: a gap closes as
    ``gap0 (1 - 1/tau)^t``), where ``x^d = min(q, K)`` is the output the firm wants and has
    capacity for and ``x`` the output it made. Basing the refill on desired output keeps an
    input-starved firm ordering what it needs (basing it on realised output lets a shortage lock
    in: low output, low orders, low stock). The floor ``F``: a firm whose capacity binds
    (``x^d < q``: a capacity, energy or productivity shock) orders at least what its current
    production uses, ``F = a x dt``; it does not run its stock down because a shock took its
    capacity for a while (Hallegatte 2008, Risk Analysis 28(3): orders are production needs plus
    an inventory gap; BoARIO's ``calc_orders`` orders realised production's inputs plus the
    positive part of the stock gap). Without the floor such a firm orders less than it uses, and
    its suppliers lose demand the shock never touched (the BoARIO comparison in docs/model.md).
    A firm whose demand fell (``x^d = q``) runs a stock above target down at the pace ``1/tau``
    (``F = 0``): its smaller stock target is there to stay.

    Then buyers judge their suppliers by this step's fill rate on orders and move next step's
    orders accordingly (:func:`sim.engine.reroute.reroute`).
    """
    r, stock, coef, desired = plan.rates, state.stock, state.pair_coef, state.desired
    scale = largest(state.used)

    def order_of(line):  # O = max(a x dt [capacity-bound], a x^d dt + (T - S) / tau), T = (n / dt + 1) a x^d dt
        a_dt = line.of(coef) * r.dt
        use = line.spread(desired) * a_dt
        refill = (line.spread(plan.stock_factor) * use - line.of(stock)) / r.restore_steps + use
        return np.maximum(refill, line.spread(floor_output) * a_dt)

    # Orders rewritten in place: demand and delivery have read this step's orders.
    kernels = fused.compiled(desired)  # an ensemble's (R, N) firms: the update, its check and order_of in one pass
    if kernels is None:
        stock += state.received
        stock -= state.used
        check("inventories", "stock", stock, scale, firm_of=plan.lines.buyer)
        # Output of a capacity-bound firm (its inputs' use is the floor of its orders); 0 elsewhere.
        floor_output = np.where(desired < state.planned, state.output, 0.0)
        np.maximum(stock, 0.0, out=stock)
        plan.lines.each_line(order_of, out=state.orders)
    else:  # the floor's output taken firm by firm in the loop
        firms = (desired, plan.stock_factor, state.planned, state.output)
        flows = (state.received, state.used, -TOLERANCE * scale)  # the check's least stock a run
        rule = (r.dt, r.restore_steps, state.orders)
        where, value = fused.orders(kernels, plan.lines.first, stock, *flows, coef, *firms, *rule)
        if where >= 0:
            stock_failed("inventories", where, value, stock.shape[-1], plan.lines.buyer)
    state.current_share = capped_ratio(state.demand, state.desired)
    reroute(state, plan, wanted.intermediate)
