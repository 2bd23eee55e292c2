"""Priority rationing: a short supplier serves classes of customers in the ministry's order.

Priority rationing serves classes in ``priority_order``, each class proportionally within itself:
``needs`` is the orders of firms making people's needs and households' purchases of those
products; ``sensitive`` the orders of firms making sensitive products and households'
purchases of them; ``other`` the rest, with exports. Every customer first gets
``PRIORITY_FLOOR`` (one half) of its proportional fill ``min(1, x_k / D_k)``; what is left
goes to the classes in order. (Strict priority, and putting all household demand first,
starve the production chains that the first classes themselves depend on, packaging for
food for one, and output spirals to zero on the default economy.)
"""

from __future__ import annotations

import numpy as np

from sim.engine.flows import DemandFlows
from sim.engine.phases.accounting import capped_ratio
from sim.engine.plan import RunPlan
from sim.engine.state import State

PRIORITY_FLOOR = 0.5
"""Under priority rationing, the share of its proportional fill every customer gets first."""


def priority_fill(state: State, plan: RunPlan, wanted: DemandFlows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Serve demand class by class in priority order; return (pair fill, served, fills by class).

    A buyer's order has two parts: what it needs for its current orders and final demand, a share
    ``c_b = min(1, D_b / x^d_b)`` of its desired output, and what it needs to win back latent
    demand, the rest. The first part is served in the buyer's class; the second always in the
    last class, since latent demand is served last everywhere: priority protects current needs,
    not the recovery of idle capacity. A pair's fill is ``c_b F[class(b)] + (1 - c_b) F[last]``.
    """
    dt, n, lines = plan.rates.dt, state.output.size, plan.lines
    links = plan.class_matrix  # (3 N, P): (buyer's class, supplier) <- pair
    current = lines.spread(state.current_share)
    orders_part = state.orders * current  # the current part of each order
    last = plan.priority_rank[-1]
    by_class = links.sum_to_rows(orders_part).reshape(3, n)
    np.subtract(state.orders, orders_part, out=orders_part)  # now the latent part (pair arrays reused)
    by_class[last] += lines.sum_to_suppliers(orders_part)
    del orders_part
    by_class /= dt
    # Households' purchases fall in the class of the product; exports come last.
    by_class.reshape(-1)[plan.product_slot] += wanted.final_domestic
    by_class[2] += wanted.final_export
    total = by_class.sum(axis=0)
    floor = PRIORITY_FLOOR * capped_ratio(state.output, total)
    remaining = np.maximum(0.0, state.output - floor * total)
    fills = np.ones_like(by_class)
    for c in plan.priority_rank:
        take = np.minimum(remaining, (1.0 - floor) * by_class[c])
        with np.errstate(divide="ignore", invalid="ignore"):
            fills[c] = np.where(by_class[c] > 0, floor + take / by_class[c], 1.0)
        remaining -= take
    share = links.gather_to_pairs(fills.reshape(-1))
    share *= current
    latent_fill = lines.gather_from_suppliers(fills[last])
    np.subtract(1.0, current, out=current)
    latent_fill *= current
    share += latent_fill
    served = (fills * by_class).sum(axis=0)
    return share, served, fills
