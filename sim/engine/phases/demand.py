"""Phase 2, demand: orders and final demand on each firm, and its planned output."""

from __future__ import annotations

import numpy as np

from sim.engine.export_development import export_multiplier
from sim.engine.flows import Conditions, DemandFlows
from sim.engine.plan import RunPlan
from sim.engine.reroute import suppliers_now
from sim.engine.state import State


def demand(state: State, plan: RunPlan, now: Conditions) -> DemandFlows:
    """Demand on each firm: last step's orders plus final demand; latent demand served last.

    ``D_k = (M O)_k / dt + f_k^dom * mu_dom + f_k^exp * mu_exp`` where ``M`` splits each line's
    order over its suppliers and ``mu`` are the demand multipliers of the shocks. Planned output
    ``q_k = D_k + l_k * mu_dom - G_k / dt`` adds latent demand ``l`` (the economy's, plus the
    markets of plants built by policy) and draws down finished goods ``G``. A market guarantee
    of share ``g`` tops domestic final demand up by ``max(0, g x0 - D)``. Export development
    makes export demand ``f_exp A max(mu_exp, floor)`` (:mod:`sim.engine.export_development`).
    """
    t, cell, world, schedule = state.step, plan.world.firms.cell, plan.world, plan.schedule
    intermediate = suppliers_now(state, plan)[0].sum_to_suppliers(state.orders)  # (sim.engine.reroute)
    intermediate /= plan.rates.dt
    # A multiplier no shock touches is one (x * 1.0 is x): the world's arrays as they are (never written).
    final_domestic, final_export = world.final_domestic, world.final_export
    latent = world.latent + state.new_latent
    if "demand_domestic" in schedule.shocked:
        mu = schedule.demand_domestic[t][cell]
        final_domestic = world.final_domestic * mu
        latent *= mu
    if "demand_export" in schedule.shocked:
        final_export = world.final_export * schedule.demand_export[t][cell]
    access, floor = plan.policy.export_access, plan.policy.export_floor
    if access is not None or floor is not None:
        mu = schedule.demand_export[t][cell] if "demand_export" in schedule.shocked else 1.0
        final_export = world.final_export * export_multiplier(mu, access, floor, t, cell)
    if now.guarantee is not None:
        demand_now = intermediate + final_domestic + final_export
        final_domestic = final_domestic + np.maximum(0.0, now.guarantee * world.output0 - demand_now)
    state.final_demand = final_domestic + final_export
    state.demand = intermediate + state.final_demand
    state.planned = np.maximum(0.0, state.demand + latent - state.finished_stock / plan.rates.dt)
    return DemandFlows(intermediate, final_domestic, final_export, latent)
