"""Phase 4, delivery: suppliers share their output over orders, final demand and latent demand."""

from __future__ import annotations

import numpy as np

from sim.engine.flows import DemandFlows
from sim.engine.phases.accounting import TOLERANCE, capped_ratio, check, largest
from sim.engine.phases.priority import priority_fill
from sim.engine.plan import RunPlan
from sim.engine.reroute import suppliers_now
from sim.engine.state import State
from sim.errors import AccountingError


def delivery(state: State, plan: RunPlan, wanted: DemandFlows) -> None:
    """Suppliers serve firms' orders first, then final demand, then latent demand.

    Proportional rationing within each tier: every customer's order gets ``r_k = min(1, x_k / I_k)``
    (``I_k`` the orders on firm k) and a line receives ``R_p = O_p (M^T r)_p``, its order times its
    suppliers' fill rates; final demand then gets ``min(1, max(0, x_k - I_k) / F_k)`` (validation
    case 3: orders (30, 50, 20) against 80 deliver (24, 40, 16)). Serving industries before
    households is the "mixed" rationing of Pichler, Pangallo, del Rio-Chanona, Lafond and Farmer
    (2022, JEDC 144): with households in the same proportional pool, a chain whose firms are all
    short of a critical input loses a share of every delivery to final demand, can never rebuild
    its stocks, and stays input-bound after every shock has ended (the trap measured in
    docs/model.md). Priority rationing serves classes in ``priority_order``
    (:mod:`sim.engine.phases.priority`). Latent demand takes what remains. Accounting:
    ``delivered = produced - change in G``.

    Final demand is served at its fill: exports ``F_exp f_exp`` and unmet final demand
    ``(1 - F_dom) f_dom + (1 - F_exp) f_exp`` (both ``F`` the fill of final demand after the
    orders when rationing is proportional; under priority ``F_dom`` is the fill of the product's
    final-demand class, ``F_exp`` that of the last class, where exports are served).
    """
    dt, output, total = plan.rates.dt, state.output, state.demand
    if plan.rationing == "priority":
        received_share, served, fills = priority_fill(state, plan, wanted)
        received_share *= state.orders
        state.received = received_share
        n = output.shape[-1]  # fills: (3, N), or (R, 3, N) in an ensemble
        domestic_fill = fills.reshape(*fills.shape[:-2], 3 * n)[..., plan.product_slot]
        export_fill = fills[..., 2, :]
    else:
        fill = capped_ratio(output, wanted.intermediate)  # firms' orders first
        suppliers = suppliers_now(state, plan)[0]
        state.received = suppliers.receipts(state.orders, fill, out=state.received)  # rewritten in place
        served = fill * wanted.intermediate
        final = state.final_demand
        final_fill = capped_ratio(np.maximum(0.0, output - served), final)  # then final demand
        served += final_fill * final
        domestic_fill = export_fill = final_fill
    _final_served(state, wanted, domestic_fill, export_fill)
    state.unmet = np.maximum(0.0, total - served)
    state.latent_served = np.maximum(0.0, output - served)
    previous_stock = state.finished_stock
    state.delivered = served + state.latent_served
    state.finished_stock = previous_stock + (output - state.delivered) * dt
    identity = state.delivered - (output - (state.finished_stock - previous_stock) / dt)
    scale = largest(output)
    np.abs(identity, out=identity)
    if (np.maximum.reduce(identity, axis=-1, initial=0.0, keepdims=True) > TOLERANCE * scale).any():
        firm = int(np.flatnonzero(identity > TOLERANCE * scale)[0]) % output.shape[-1]
        raise AccountingError("delivery", firm, "delivered != produced - change in finished stock")
    check("delivery", "finished_stock", state.finished_stock, scale)


def _final_served(state: State, wanted: DemandFlows, domestic_fill: np.ndarray, export_fill: np.ndarray) -> None:
    """Exports delivered ``F_exp f_exp`` and unmet final demand ``f - F_dom f_dom - F_exp f_exp``.

    Written in place into the state's own arrays (no new arrays a step).
    """
    np.multiply(export_fill, wanted.final_export, out=state.exports)
    unmet = np.multiply(domestic_fill, wanted.final_domestic, out=state.unmet_final)
    unmet += state.exports
    np.maximum(np.subtract(state.final_demand, unmet, out=unmet), 0.0, out=unmet)
