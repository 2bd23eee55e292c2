"""Priority rationing: a short supplier serves classes of customers in the ministry's order.

Priority rationing serves classes in ``priority_order``: ``needs`` is the orders of firms making
people's needs and households' purchases of those products; ``sensitive`` the orders of firms
making sensitive products and households' purchases of them; ``other`` the rest, with exports.
Every customer first gets ``PRIORITY_FLOOR`` (one half) of its proportional fill
``min(1, x_k / D_k)``; what is left goes to firms' orders class by class, then to final demand
class by class (households' purchases of needs first), and last to the part of orders that would
win back latent demand. Serving every chain's orders before final demand reaches the upstream
suppliers of the priority chains, which buy much from the ``other`` class (plastics, packaging,
paper, fabricated metal, mining): with households' purchases of needs ahead of those chains,
priority rationing backfired (docs/model.md). (Strict priority, and putting households before
the chains, starve the production chains that the first classes themselves depend on, packaging
for food for one, and output spirals down.)
"""

from __future__ import annotations

import numpy as np

from sim.engine.flows import DemandFlows
from sim.engine.phases.accounting import capped_ratio
from sim.engine.plan import RunPlan
from sim.engine.reroute import suppliers_now
from sim.engine.state import State

PRIORITY_FLOOR = 0.5
"""Under priority rationing, the share of its proportional fill every customer gets first."""


def priority_fill(state: State, plan: RunPlan, wanted: DemandFlows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Serve demand tier by tier in priority order; return (pair fill, served, final-demand fills by class).

    A buyer's order has two parts: what it needs for its current orders and final demand, a share
    ``c_b = min(1, D_b / x^d_b)`` of its desired output, and what it needs to win back latent
    demand, the rest. The tiers, after the floor: the current part of orders by the buyer's class
    in priority order, then final demand by class in priority order, then the latent part of
    orders (latent demand is served last everywhere: priority protects current needs, not the
    recovery of idle capacity). A pair's fill is ``c_b F_orders[class(b)] + (1 - c_b) F_latent``.
    """
    dt, n, lines = plan.rates.dt, state.output.shape[-1], plan.lines
    runs = state.output.shape[:-1]  # () in a run, (R,) in an ensemble (sim.engine.ensemble)
    suppliers, links = suppliers_now(state, plan)  # links: (3 N, P), (buyer's class, supplier) <- pair
    current = lines.spread(state.current_share)
    orders_part = state.orders * current  # the current part of each order
    by_class = links.sum_to_rows(orders_part).reshape(*runs, 3, n)
    np.subtract(state.orders, orders_part, out=orders_part)  # now the latent part (pair arrays reused)
    latent_part = suppliers.sum_to_suppliers(orders_part)
    del orders_part
    by_class /= dt
    latent_part /= dt
    # Households' purchases fall in the class of the product; exports come last.
    final = np.zeros((*runs, 3, n))
    final.reshape(*runs, 3 * n)[..., plan.product_slot] += wanted.final_domestic
    final[..., 2, :] += wanted.final_export
    rank = plan.priority_rank
    tiers = [by_class[..., c, :] for c in rank] + [final[..., c, :] for c in rank] + [latent_part]
    total = by_class.sum(axis=-2) + final.sum(axis=-2) + latent_part
    floor = PRIORITY_FLOOR * capped_ratio(state.output, total)
    remaining = np.maximum(0.0, state.output - floor * total)
    fills, served = [], np.zeros((*runs, n))
    for tier in tiers:
        take = np.minimum(remaining, (1.0 - floor) * tier)
        extra = np.zeros((*runs, n))
        np.divide(take, tier, out=extra, where=tier > 0)
        fill = np.where(tier > 0, floor + extra, 1.0)
        fills.append(fill)
        served += fill * tier
        remaining -= take
    order_fills = np.empty((*runs, 3, n))
    for k, c in enumerate(rank):
        order_fills[..., c, :] = fills[k]
    share = links.gather_to_pairs(order_fills.reshape(*runs, 3 * n))
    share *= current
    latent_fill = suppliers.gather_from_suppliers(fills[-1])
    np.subtract(1.0, current, out=current)
    latent_fill *= current
    share += latent_fill
    final_fills = np.empty((*runs, 3, n))
    for k, c in enumerate(rank):
        final_fills[..., c, :] = fills[len(rank) + k]
    return share, served, final_fills
