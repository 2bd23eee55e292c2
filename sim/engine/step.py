"""One step of the engine: the order of the phases, written in one place.

    conditions = shocks(state, plan)                 scheduled and random shocks, levers, import bounds
    wanted     = demand(state, plan, conditions)     orders + final demand, planned output
    production(state, plan, conditions)              output, binding constraint, inputs used
    delivery(state, plan, wanted)                    rationing, receipts, finished goods
    inventories(state, plan, wanted)                 input stocks, next step's orders and their suppliers
    capacity(state, plan, conditions, wanted)        recovery, hysteresis, investment, depreciation
    labour(state, plan)                              employment

Recording follows the step (:meth:`sim.engine.record.Recorder.record`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sim.engine.phases import capacity, delivery, demand, inventories, labour, production, shocks
from sim.engine.plan import RunPlan
from sim.engine.state import State

PHASES = (shocks, demand, production, delivery, inventories, capacity, labour)
"""The phases in the order :func:`advance` runs them."""


def _call(phase: Callable, *args: Any) -> Any:
    return phase(*args)


def advance(state: State, plan: RunPlan, call: Callable[..., Any] = _call) -> None:
    """Advance the state by one step.

    Args:
        state: The run's state (updated in place; ``state.step`` is incremented first).
        plan: The run plan (read only).
        call: How a phase is called, ``call(phase, *args)``: a benchmark passes one that times it.
    """
    state.step += 1
    conditions = call(shocks, state, plan)
    wanted = call(demand, state, plan, conditions)
    call(production, state, plan, conditions)
    call(delivery, state, plan, wanted)
    call(inventories, state, plan, wanted)
    call(capacity, state, plan, conditions, wanted)
    call(labour, state, plan)
