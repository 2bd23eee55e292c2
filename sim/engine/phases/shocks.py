"""Phase 1, shocks: this step's scheduled and random shocks, the import response and the levers."""

from __future__ import annotations

import numpy as np

from sim.engine import imports, stochastic
from sim.engine.flows import Conditions
from sim.engine.plan import RunPlan
from sim.engine.state import State


def shocks(state: State, plan: RunPlan) -> Conditions:
    """Apply this step's scheduled and random shocks and the levers in force.

    - capacity, energy and import availability of each firm's cell from the schedule
      (:mod:`sim.shocks`); random outages multiply the capacity factor;
    - the uncertainty regime, AR(1) productivity ``log z = rho log z + sigma eps`` (idiosyncratic
      TFP noise, e.g. Carvalho and Gabaix 2013) and correlated shocks (:mod:`sim.engine.stochastic`);
    - the substituted share of import shortfalls, the import bounds and the domestic
      coefficients ``a' = a + (1 - alpha) phi m`` (:mod:`sim.engine.imports`);
    - recovery support and market guarantees in force (:mod:`sim.engine.policy`);
    - learning by exporting: productivity times ``L_t`` of the cell (:mod:`sim.engine.export_development`).
    """
    t, cell, schedule = state.step, plan.world.firms.cell, plan.schedule
    # A field no shock touches is one everywhere: the firms keep the constant (read-only) ones.
    shocked = schedule.shocked
    state.capacity_factor = schedule.capacity[t][cell] if "capacity" in shocked else plan.firm_ones
    state.energy = schedule.energy[t][cell] if "energy" in shocked else plan.firm_ones
    alpha = schedule.imports[t]
    state.import_availability = alpha[cell] if "imports" in shocked else plan.firm_ones
    productivity, log_productivity, outage = stochastic.draw(state.random, plan.random, state.rng, plan.random_group)
    if productivity is not None:
        state.productivity = productivity
        state.log_productivity = log_productivity  # the exponent itself (exp of it is productivity)
    if outage is not None:
        state.capacity_factor = state.capacity_factor * outage
    policy = plan.policy
    if policy.learning is not None:  # learning by exporting on this step's noise (never compounded)
        state.productivity = policy.learning[t][cell] * (1.0 if productivity is None else productivity)
    import_hard, import_soft = _imports(state, plan, alpha)
    return Conditions(
        recovery_boost=None if policy.recovery is None else policy.recovery[t][cell],
        guarantee=None if policy.guarantee is None else policy.guarantee[t][cell],
        import_hard=import_hard,
        import_soft=import_soft,
    )


def _imports(state: State, plan: RunPlan, alpha: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Substitution lag, domestic coefficients ``State.pair_coef`` and the import bounds by cell.

    Returns ``(hard, soft)`` covered shares by cell (:func:`sim.engine.imports.covered_shares`),
    ``(None, None)`` when no import falls short this step.
    """
    base = plan.world.network.pair_coef
    if not plan.imports_vary:  # alpha = 1 all run: no substitution
        state.pair_coef = base
        return None, None
    short = alpha < 1.0
    if short.any() or state.substitution.any():
        state.substitution = imports.update_substitution(
            state.substitution, alpha, plan.substitution_share, plan.substitution_rate
        )
    if not short.any():
        state.pair_coef = base
        return None, None
    cover = None if plan.policy.import_cover is None else plan.policy.import_cover[state.step]
    hard, soft = imports.covered_shares(plan.imports, alpha, state.substitution, cover)
    shortfall = ((1.0 - alpha) * state.substitution)[plan.world.firms.cell]  # (1 - alpha) phi by firm
    moved = plan.imports.pair_sub_m
    # a' = a + (1 - alpha) phi m, into the run's own coefficient array (rewritten from step to step)
    state.pair_coef = plan.lines.each_line(
        lambda lines: lines.of(base) + lines.spread(shortfall) * lines.of(moved), out=state.shifted_coef
    )
    return hard, soft
