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
    in: low output, low orders, low stock). The floor ``F`` of a firm whose capacity binds
    (``x^d < q``)::

        F = a x dt                                      where a shock binds (x^d < min(q, K_op))
        F = max(0, a x dt - max(0, S - T_q) / tau)      where readiness binds (K_op <= x^d < q)
        T_q = (n + dt) a q

    with ``K_op`` the firm's operable capacity (capacity, energy and productivity shocks take
    ``x^d`` below it; idle capacity not yet back is ``K_op < q``). A firm whose capacity a shock
    took for a while orders at least what its current production uses: it does not run its stock
    down because of the shock (Hallegatte 2008, Risk Analysis 28(3): orders are production needs
    plus an inventory gap; BoARIO's ``calc_orders`` orders realised production's inputs plus the
    positive part of the stock gap). Without the floor such a firm orders less than it uses, and
    its suppliers lose demand the shock never touched (the BoARIO comparison in docs/model.md).
    A firm bound by readiness keeps the stock its plan needs, ``T_q``, but lets stock above it go
    at the pace ``1/tau``, as the refill would once it reaches its plan: stock left from a shock
    (domestic substitutes of imports, ``a`` raised while imports were short) is run down when the
    shock ends, not held until the firm reaches its plan and then cut from its suppliers' orders.
    Since ``x <= x^d``, ``F`` binds only where ``S > T``. A firm whose demand fell (``x^d = q``)
    runs a stock above target down at the pace ``1/tau`` (``F = 0``): its smaller stock target
    is there to stay.

    Then buyers judge their suppliers by this step's fill rate on orders and move next step's
    orders accordingly (:func:`sim.engine.reroute.reroute`).
    """
    r, stock, coef, desired = plan.rates, state.stock, state.pair_coef, state.desired
    scale = largest(state.used)

    def order_of(line):  # O = max(F, a x^d dt + (T - S) / tau), T = (n / dt + 1) a x^d dt
        a_dt = line.of(coef) * r.dt
        factor, held = line.spread(plan.stock_factor), line.of(stock)
        use = line.spread(desired) * a_dt
        refill = (factor * use - held) * r.restore_rate + use  # / tau as * (1 / tau), 1 / tau rounded once
        # F = max(0, a x_F dt - g max(0, S - T_q) / tau), T_q = (n / dt + 1) a q dt, g = 1 where readiness binds
        excess = np.maximum(held - factor * (line.spread(state.planned) * a_dt), 0.0)
        least = np.maximum(line.spread(floor_output) * a_dt - excess * line.spread(narrow) * r.restore_rate, 0.0)
        return np.maximum(refill, least)

    # Orders rewritten in place: demand and delivery have read this step's orders.
    kernels = fused.compiled(desired)  # an ensemble's (R, N) firms: the update, its check and order_of in one pass
    if kernels is None:
        stock += state.received
        stock -= state.used
        check("inventories", "stock", stock, scale, firm_of=plan.lines.buyer)
        capacity_bound = desired < state.planned
        # Output of a capacity-bound firm (its inputs' use is the floor of its orders); 0 elsewhere.
        floor_output = np.where(capacity_bound, state.output, 0.0)
        narrow = (capacity_bound & (desired >= state.operable)).astype(float)  # g: readiness binds
        np.maximum(stock, 0.0, out=stock)
        plan.lines.each_line(order_of, out=state.orders)
    else:  # the floor's output and g taken firm by firm in the loop
        firms = (desired, plan.stock_factor, state.planned, state.operable, state.output)
        flows = (state.received, state.used, -TOLERANCE * scale)  # the check's least stock a run
        rule = (r.dt, r.restore_rate, state.orders)
        where, value = fused.orders(kernels, plan.lines.first, stock, *flows, coef, *firms, *rule)
        if where >= 0:
            stock_failed("inventories", where, value, stock.shape[-1], plan.lines.buyer)
    state.current_share = capped_ratio(state.demand, state.desired)
    reroute(state, plan, wanted.intermediate)
