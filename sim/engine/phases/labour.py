"""Phase 7, labour: employment follows output with hiring and firing lags."""

from __future__ import annotations

from sim.engine.phases.accounting import check, choose, largest
from sim.engine.plan import RunPlan
from sim.engine.state import State


def labour(state: State, plan: RunPlan) -> None:
    """Employment follows output with lags: ``E <- E + h (l x - E)`` when hiring, ``f`` when firing."""
    r = plan.rates
    target = plan.world.labour_per_output * state.output
    gap = target - state.employment
    state.employment = state.employment + choose(gap > 0, r.hiring, r.firing) * gap
    check("labour", "employment", state.employment, largest(target))
