"""Phase 5, inventories: input stocks after the step, and the orders for the next one."""

from __future__ import annotations

import numpy as np

from sim.engine.flows import DemandFlows
from sim.engine.phases.accounting import capped_ratio, check, largest
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
    (``x^d < q``: a capacity, energy or productivity shock, or idle capacity not yet back) orders
    at least what its current production uses, less the part of its stock above a normal target
    ``T_N`` run down at the pace ``1/tau``::

        F = max(0, a x dt - max(0, S - T_N) / tau),   T_N = (n + dt) a max(q, K_op)   (x^d < q; F = 0 elsewhere)

    with ``K_op`` the firm's operable capacity (its capacity without this step's capacity, energy
    and productivity shocks). A firm whose capacity a shock took for a while keeps the stock it
    will use when its capacity is back: while ``S <= T_N`` it does not run its stock down
    (``F = a x dt``; Hallegatte 2008, Risk Analysis 28(3): orders are production needs plus an
    inventory gap; BoARIO's ``calc_orders`` orders realised production's inputs plus the positive
    part of the stock gap). Without the floor such a firm orders less than it uses, and its
    suppliers lose demand the shock never touched (the BoARIO comparison in docs/model.md).
    ``K_op`` in ``T_N`` keeps this when the shock also cut the firm's plan (its customers, hit by
    the same shock, order only what they use); ``q`` keeps it for a firm whose idle capacity is
    coming back (``K_op < q``). Stock above ``T_N`` is more than the firm needs even with its
    capacity back (stock ordered during a shock for output the firm could not make): the floor
    lets it go at ``1/tau``, as the refill would once the capacity is back (``x^d = q``), so a
    firm bound by readiness does not hold it until it reaches its plan and then cut its orders.
    Since ``x <= x^d``, ``F`` binds only where ``S > T``. A firm whose demand fell (``x^d = q``)
    runs a stock above target down at the pace ``1/tau`` (``F = 0``): its smaller stock target
    is there to stay.

    Then buyers judge their suppliers by this step's fill rate on orders and move next step's
    orders accordingly (:func:`sim.engine.reroute.reroute`).
    """
    r, stock, coef, desired = plan.rates, state.stock, state.pair_coef, state.desired
    stock += state.received
    stock -= state.used
    check("inventories", "stock", stock, largest(state.used), firm_of=plan.lines.buyer)
    # Output of a capacity-bound firm (its inputs' use is the floor of its orders); 0 elsewhere.
    floor_output = np.where(desired < state.planned, state.output, 0.0)
    normal = np.maximum(state.planned, state.operable)  # max(q, K_op): the floor's target T_N is f a max(q, K_op) dt

    def order_of(line):  # O = max(F, a x^d dt + (T - S) / tau), T = (n / dt + 1) a x^d dt
        a_dt = line.of(coef) * r.dt
        factor, held = line.spread(plan.stock_factor), line.of(stock)
        use = line.spread(desired) * a_dt
        refill = (factor * use - held) / r.restore_steps + use
        # F = max(0, a x dt - max(0, S - T_N) / tau) [capacity-bound], T_N = (n / dt + 1) a max(q, K_op) dt
        excess = np.maximum(held - factor * (line.spread(normal) * a_dt), 0.0)
        least = np.maximum(line.spread(floor_output) * a_dt - excess / r.restore_steps, 0.0)
        return np.maximum(refill, least)

    # Orders rewritten in place: demand and delivery have read this step's orders.
    kernels = fused.compiled(desired)  # an ensemble's (R, N) firms: the clip and order_of in one compiled pass
    if kernels is None:
        np.maximum(stock, 0.0, out=stock)
        plan.lines.each_line(order_of, out=state.orders)
    else:
        firms = desired, normal, plan.stock_factor, floor_output  # x^d, max(q, K_op), f and x_F
        fused.orders(kernels, plan.lines.first, stock, coef, *firms, r.dt, r.restore_steps, state.orders)
    state.current_share = capped_ratio(state.demand, state.desired)
    reroute(state, plan, wanted.intermediate)
