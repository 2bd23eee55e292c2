"""Phase 3, production: output, the constraint that binds it, and the inputs it uses."""

from __future__ import annotations

import numpy as np

from sim.engine import imports
from sim.engine.catch_up import catch_up_output, update_backlog
from sim.engine.flows import Conditions
from sim.engine.phases.accounting import TOLERANCE, check, largest
from sim.engine.plan import RunPlan
from sim.engine.state import LIMIT_DEMAND, LIMIT_ENERGY, LIMIT_IMPORTS, LIMIT_INPUTS, LIMIT_READINESS, State
from sim.kernels import fused


def production(state: State, plan: RunPlan, now: Conditions) -> None:
    """Output: the least of planned output, capacity and what inputs allow.

    ``x = min(q, K_eff, K_eff e, X_in, X_imp)`` with effective capacity
    ``K_eff = min(K_op, K_inst kappa) z`` (``K_op`` operable, ``K_inst`` installed capacity,
    ``kappa`` the capacity shock, ``z`` productivity) and ``e`` energy availability;
    ``X_in = min_j X_j`` over the firm's inputs, with ``X_j = S_j / (a_j dt)`` for a critical input
    (Leontief) and the half-critical rule ``X_j = (S_j / (a_j dt) + K_eff e) / 2`` for the others
    (Pichler, Pangallo, del Rio-Chanona, Lafond and Farmer 2022, JEDC 144, eq. 8);
    ``X_imp`` the output the imported inputs allow (:func:`sim.engine.imports.import_bound`).
    ``a`` is this step's domestic coefficient, raised where buyers moved imports to domestic
    suppliers (``State.pair_coef``). Inputs used: ``U_j = a_j x dt`` for a critical input, at
    most the stock ``S_j`` for the others (a non-critical input short of need is substituted).

    Catch-up (:mod:`sim.engine.catch_up`): a firm with a backlog ``B`` left by an earlier cut of
    energy, inputs or imports plans ``e = min(B / dt, o K_eff)`` more and may use ``K_eff + e``
    (overtime); planned output and effective capacity above include ``e``. The shortfall
    ``max(0, min(q, K_eff) - x)`` of this step joins the backlog.

    Potential output ``min(q, K_inst kappa z)`` (``State.potential``, plus ``e``) leaves out
    readiness, energy, inputs and imports: ``potential - x`` is the output lost to the binding
    constraint.
    """
    rates, lines, critical = plan.rates, plan.lines, plan.world.network.pair_critical
    dt = rates.dt
    stock, coef, planned = state.stock, state.pair_coef, state.planned
    planned_before_catch_up = planned  # imports are bought for the normal plan: the bound scales with it
    in_place = state.installed * state.capacity_factor
    effective_capacity = np.minimum(state.operable, in_place)
    effective_capacity *= state.productivity
    regular = np.minimum(planned, effective_capacity) if rates.catch_up_share > 0 else None
    extra = None
    if regular is not None and state.backlog.any():
        extra = catch_up_output(state.backlog, effective_capacity, rates.catch_up_share, dt)
        planned = state.planned = planned + extra
        effective_capacity += extra
    capacity_bound = effective_capacity * state.energy

    def input_bound_of(line):  # X_j of each input line
        cover = line.of(stock) / (line.of(coef) * dt)
        return np.where(line.of(critical), cover, 0.5 * (cover + line.spread(capacity_bound)))

    kernels = fused.compiled(capacity_bound)  # an ensemble's (R, N) firms: the same rule, compiled
    if kernels is None:
        input_bound = lines.min_over_inputs(input_bound_of)
    else:
        input_bound = fused.input_bound(kernels, lines.first, stock, coef, critical, capacity_bound, dt)
    output = np.minimum(np.minimum(np.minimum(planned, effective_capacity), capacity_bound), input_bound)
    import_bound = None
    if now.import_hard is not None:
        cell = plan.world.firms.cell
        import_bound = imports.import_bound(
            now.import_hard, now.import_soft, cell, planned_before_catch_up, capacity_bound
        )
        output = np.minimum(output, import_bound)
    output = np.maximum(output, 0.0)
    energy = state.energy if plan.energy_varies else None  # otherwise energy is one and never binds
    limit = binding_limit(output, planned, capacity_bound, input_bound, import_bound, energy)
    state.output, state.desired, state.limit = output, np.minimum(planned, capacity_bound), limit
    in_place *= state.productivity
    if extra is not None:
        in_place += extra
    state.potential = np.minimum(planned, in_place, out=in_place)
    if regular is not None:
        state.backlog = update_backlog(state.backlog, regular, output, rates.backlog_months, dt)

    def used_of(line):  # U_j of each input line
        need = line.spread(output) * line.of(coef) * dt
        return np.where(line.of(critical), need, np.minimum(need, line.of(stock)))

    if kernels is None:
        lines.each_line(used_of, out=state.used)  # rewritten in place
    else:
        fused.inputs_used(kernels, lines.first, output, coef, critical, stock, dt, out=state.used)
    check("production", "output", output, scale=largest(output))


def binding_limit(
    output: np.ndarray,
    planned: np.ndarray,
    capacity_bound: np.ndarray,
    input_bound: np.ndarray,
    import_bound: np.ndarray | None,
    energy: np.ndarray | None,
) -> np.ndarray:
    """The constraint that binds each firm's output (``State.limit``, codes of ``LIMIT_NAMES``).

    Effective capacity (``"readiness"``) unless a bound below binds: energy where the capacity
    bound binds under an energy cut, then inputs, then imports where they fall short of the plan;
    demand, last, wherever output meets the plan.
    """
    limit = np.full(output.shape, LIMIT_READINESS, dtype=np.int8)  # (N,), or (R, N) in an ensemble
    if energy is not None:
        limit[(capacity_bound <= output) & (energy < 1.0)] = LIMIT_ENERGY
    limit[(input_bound <= output) & (input_bound < planned)] = LIMIT_INPUTS
    if import_bound is not None:
        limit[(import_bound <= output) & (import_bound < planned)] = LIMIT_IMPORTS
    limit[planned <= output * (1.0 + TOLERANCE)] = LIMIT_DEMAND
    return limit
