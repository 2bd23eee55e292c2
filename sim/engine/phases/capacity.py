"""Phase 6, capacity: recovery of idle capacity, hysteresis, investment, policy builds, depreciation."""

from __future__ import annotations

import numpy as np

from sim.engine.flows import Conditions, DemandFlows
from sim.engine.phases.accounting import check, choose, largest
from sim.engine.plan import RunPlan
from sim.engine.state import LIMIT_DEMAND, State


def capacity(state: State, plan: RunPlan, now: Conditions, wanted: DemandFlows) -> None:
    """Recovery of idle capacity, hysteresis, investment and depreciation.

    - expected demand ``E <- E + lambda (D + l - E)``;
    - recovery: ``K_op <- K_op + rho (K* - K_op)`` toward ``K* = min(K_inst, max(peak0, E))``
      when below it (Hallegatte 2008 for the recovery-toward-target form);
    - hysteresis: after ``L`` months in a row below ``theta K_op`` for lack of demand,
      ``K_op <- K_op - epsilon (K_op - x)`` (Blanchard and Summers 1986 on persistence). A firm
      held back by its inputs, imports or energy is not idle for lack of demand and does not
      erode: its lines wait for the missing input, and counting those months let a supply
      shock that had ended leave a permanent loss (docs/model.md);
    - investment: ``iota max(0, E - K_inst) (1 - brake * high_uncertainty * (1 - g))`` ordered
      now arrives after ``G`` steps (time-to-build, Kydland and Prescott 1982); ``g`` is the
      market-guarantee share;
    - capacity built by policy (guided investment, missing-link projects) arrives in installed
      and operable capacity, with its market in latent demand (:mod:`sim.engine.policy`);
    - depreciation ``delta K_inst`` of capacity used below the maintenance utilisation.
    """
    r, world = plan.rates, plan.world
    state.expected_demand += r.smoothing * (state.demand + wanted.latent - state.expected_demand)
    target = np.minimum(state.installed, np.maximum(world.peak0, state.expected_demand))
    speed = r.recovery if now.recovery_boost is None else 1.0 - (1.0 - r.recovery) ** now.recovery_boost
    # K_op + rho (K* - K_op) where below the target, K_op elsewhere (the same values as np.where, faster)
    recovered = state.operable + speed * (target - state.operable)
    np.copyto(recovered, state.operable, where=~(state.operable < target))
    state.operable = recovered
    available = np.minimum(state.operable, state.installed * state.capacity_factor)
    idle = (state.output < r.erosion_threshold * available) & (state.limit == LIMIT_DEMAND)
    state.idle_months = np.where(idle, state.idle_months + r.dt, 0.0)
    eroding = state.idle_months >= r.erosion_after_months
    if r.erosion_after_months <= 0:
        eroding &= idle
    if eroding.any():
        state.operable = np.where(
            eroding,
            state.operable - r.erosion * np.maximum(0.0, state.operable - state.output),
            state.operable,
        )
    slot = state.step % state.pipeline.shape[0]
    state.installed = state.installed + state.pipeline[slot]
    _policy_capacity(state, plan)
    # The regime is one flag in a run, one per run (a column, (R, 1)) in an ensemble (sim.engine.ensemble).
    high = state.uncertainty_high
    brake = 1.0 - r.uncertainty_brake * (float(high) if np.ndim(high) == 0 else high.astype(float))
    if now.guarantee is not None and np.any(high):
        brake = np.where(high, 1.0 - r.uncertainty_brake * (1.0 - now.guarantee), brake)
    state.pipeline[slot] = r.investment * np.maximum(0.0, state.expected_demand - state.installed) * brake
    unused = state.output < r.maintenance_utilisation * state.installed
    if unused.any():  # (x * 1.0 is x: nothing to do when every firm runs above maintenance)
        state.installed = state.installed * choose(unused, 1.0 - r.depreciation, 1.0)
    state.operable = np.minimum(state.operable, state.installed)
    scale = largest(state.installed)
    check("capacity", "installed", state.installed, scale)
    check("capacity", "operable", state.operable, scale)


def _policy_capacity(state: State, plan: RunPlan) -> None:
    """Capacity and markets built by policy arriving this step, spread over a cell's firms by size."""
    policy = plan.policy
    if policy.new_capacity is None:
        return
    t, firms = state.step, plan.world.firms
    if policy.new_capacity[t].any():
        added = policy.new_capacity[t][firms.cell] * firms.weight
        state.installed = state.installed + added
        state.operable = state.operable + added
    if policy.new_latent[t].any():
        state.new_latent = state.new_latent + policy.new_latent[t][firms.cell] * firms.weight
