"""The phases of one step, each a function over the state arrays.

A step runs, in order: :func:`shocks`, :func:`demand`, :func:`production`, :func:`delivery`,
:func:`inventories`, :func:`capacity`, :func:`labour` (recording lives in :mod:`sim.record`).

Timing. Production in step t draws on the input stocks held at the start of the step; deliveries
of the step go into stocks after production. Stock targets are ``(n + dt)`` months of use: the
step's own use plus ``n`` inventory months of buffer, so at the default ``n = 1`` a firm holds
one month more than it needs and round-off cannot spiral output down (the trap DESIGN.md names;
the same role as BoARIO's ``psi``).
"""

from __future__ import annotations

import numpy as np

from sim import imports, stochastic
from sim.context import TOLERANCE, StepContext, StepRates, check, largest, to_pairs  # noqa: F401
from sim.errors import AccountingError
from sim.state import (
    LIMIT_DEMAND,
    LIMIT_ENERGY,
    LIMIT_IMPORTS,
    LIMIT_INPUTS,
    LIMIT_READINESS,
    State,
)

PRIORITY_FLOOR = 0.5
"""Under priority rationing, the share of its proportional fill every customer gets first."""


def shocks(state: State, ctx: StepContext) -> None:
    """Apply this step's scheduled and random shocks and the levers in force.

    - capacity, energy and import availability of each firm's cell from the schedule
      (:mod:`sim.shocks`); random outages multiply the capacity factor;
    - the uncertainty regime, AR(1) productivity ``log z = rho log z + sigma eps`` (idiosyncratic
      TFP noise, e.g. Carvalho and Gabaix 2013) and correlated shocks (:mod:`sim.stochastic`);
    - the substituted share of import shortfalls, the import bounds and the domestic
      coefficients ``a' = a + (1 - alpha) phi m`` (:mod:`sim.imports`);
    - recovery support and market guarantees in force (:mod:`sim.policy`).
    """
    t, cell, schedule = state.step, ctx.world.firms.cell, ctx.schedule
    # A field no shock touches is one everywhere: the firms keep the constant (read-only) ones.
    shocked = schedule.shocked
    state.capacity_factor = schedule.capacity[t][cell] if "capacity" in shocked else ctx.firm_ones
    state.energy = schedule.energy[t][cell] if "energy" in shocked else ctx.firm_ones
    alpha = schedule.imports[t]
    state.import_availability = alpha[cell] if "imports" in shocked else ctx.firm_ones
    if ctx.random is not None:
        productivity, outage = stochastic.draw(state.random, ctx.random, ctx.rng, ctx.random_group)
        if productivity is not None:
            state.productivity = productivity
            state.log_productivity = np.log(productivity)
        if outage is not None:
            state.capacity_factor = state.capacity_factor * outage
    ctx.uncertainty_high = state.random.high
    _imports(state, ctx, alpha)
    policy = ctx.policy
    ctx.recovery_boost = None if policy.recovery is None else policy.recovery[t][cell]
    ctx.guarantee = None if policy.guarantee is None else policy.guarantee[t][cell]


def _imports(state: State, ctx: StepContext, alpha: np.ndarray) -> None:
    """Substitution lag, import bounds by cell and effective domestic coefficients."""
    structure, net = ctx.import_structure, ctx.world.network
    if structure is None or "imports" not in ctx.schedule.shocked:  # alpha = 1 all run: no substitution
        _base_coefficients(state, ctx)
        return
    short = alpha < 1.0
    if not (short.any() or state.substitution.any()):
        _base_coefficients(state, ctx)
        return
    state.substitution = imports.update_substitution(
        state.substitution, alpha, ctx.substitution_share, ctx.substitution_rate
    )
    if not short.any():
        _base_coefficients(state, ctx)
        return
    cover = None if ctx.policy.import_cover is None else ctx.policy.import_cover[state.step]
    ctx.import_hard, ctx.import_soft = imports.covered_shares(structure, alpha, state.substitution, cover)
    shortfall = ((1.0 - alpha) * state.substitution)[ctx.world.firms.cell]  # (1 - alpha) phi by firm
    coef, coef_dt = ctx.import_coef  # the run's own arrays, rewritten in place from step to step
    for block in ctx.pair_blocks:
        pairs = block.pairs
        imports.effective_coefficients(structure, net.pair_coef, block.spread(shortfall), pairs, out=coef[pairs])
        np.multiply(coef[pairs], ctx.rates.dt, out=coef_dt[pairs])
    state.pair_coef, ctx.coef_dt = coef, coef_dt


def _base_coefficients(state: State, ctx: StepContext) -> None:
    """No import shortfall: no import bound, the data's coefficients."""
    ctx.import_hard = ctx.import_soft = None
    state.pair_coef = ctx.world.network.pair_coef
    ctx.coef_dt = ctx.base_coef_dt


def demand(state: State, ctx: StepContext) -> None:
    """Demand on each firm: last step's orders plus final demand; latent demand served last.

    ``D_k = (M O)_k / dt + f_k^dom * mu_dom + f_k^exp * mu_exp`` where ``M`` splits each pair's
    order over its suppliers and ``mu`` are the demand multipliers of the shocks. Planned output
    ``q_k = D_k + l_k * mu_dom - G_k / dt`` adds latent demand ``l`` (the economy's, plus the
    markets of plants built by policy) and draws down finished goods ``G``. A market guarantee
    of share ``g`` tops domestic final demand up by ``max(0, g x0 - D)``.
    """
    t, cell, world, schedule = state.step, ctx.world.firms.cell, ctx.world, ctx.schedule
    ctx.intermediate = ctx.supplier_products.to_suppliers(state.orders)
    ctx.intermediate /= ctx.rates.dt
    # A multiplier no shock touches is one (x * 1.0 is x): the world's arrays as they are (never written).
    ctx.final_domestic, ctx.final_export = world.final_domestic, world.final_export
    ctx.latent = world.latent + state.new_latent
    if "demand_domestic" in schedule.shocked:
        mu = schedule.demand_domestic[t][cell]
        ctx.final_domestic = world.final_domestic * mu
        ctx.latent *= mu
    if "demand_export" in schedule.shocked:
        ctx.final_export = world.final_export * schedule.demand_export[t][cell]
    demand_now = ctx.intermediate + ctx.final_domestic + ctx.final_export
    if ctx.guarantee is not None:
        ctx.final_domestic = ctx.final_domestic + np.maximum(0.0, ctx.guarantee * world.output0 - demand_now)
    state.final_demand = ctx.final_domestic + ctx.final_export
    state.demand = ctx.intermediate + state.final_demand
    state.planned = np.maximum(0.0, state.demand + ctx.latent - state.finished_stock / ctx.rates.dt)


def production(state: State, ctx: StepContext) -> None:
    """Output: the least of planned output, capacity and what inputs allow.

    ``x = min(q, min(K_op, K_inst * kappa) * z * e, X_crit, X_half, X_imp)`` with
    ``K_op`` operable and ``K_inst`` installed capacity, ``kappa`` the capacity shock, ``z``
    productivity, ``e`` energy availability;
    ``X_crit = min_{j critical} S_j / (a_j dt)`` (Leontief over critical inputs) and, for the
    other inputs, the half-critical rule ``X_half = min_j (S_j / (a_j dt) + K) / 2`` of
    Pichler, Pangallo, del Rio-Chanona, Lafond and Farmer (2022, JEDC 144, eq. 8);
    ``X_imp`` the output the imported inputs allow (:func:`sim.imports.import_bound`: Leontief on
    the covered share of imports without a domestic substitute and of critical ones, the
    half-critical rule on the others). ``a`` is this step's domestic coefficient, raised where
    buyers moved imports to domestic suppliers (``State.pair_coef``). Non-critical inputs short
    of need are substituted: their use is capped at the stock.
    """
    net, r = ctx.world.network, ctx.rates
    readiness = np.minimum(state.operable, state.installed * state.capacity_factor)
    readiness *= state.productivity
    capacity_bound = readiness * state.energy
    # One bound per pair: S / (a dt) for a critical input, (S / (a dt) + K) / 2 for the others;
    # block by block (sim.pair_blocks), so the pair-sized intermediates stay in the cache.
    stock, critical = state.stock, net.pair_critical
    input_bound = np.empty(capacity_bound.size)
    for block in ctx.pair_blocks:
        pairs = block.pairs
        support = stock[pairs] / ctx.coef_dt[pairs]
        half = block.spread(capacity_bound)
        half += support
        half *= 0.5
        input_bound[block.firms] = block.firm_min(np.where(critical[pairs], support, half))
    planned = state.planned
    output = np.minimum(planned, readiness)
    np.minimum(output, capacity_bound, out=output)
    np.minimum(output, input_bound, out=output)
    import_bound = None
    if ctx.import_hard is not None:
        import_bound = imports.import_bound(
            ctx.import_hard, ctx.import_soft, ctx.world.firms.cell, planned, capacity_bound
        )
        np.minimum(output, import_bound, out=output)
    np.maximum(output, 0.0, out=output)
    # Readiness unless a bound below binds; demand (the last line) wherever output meets the plan.
    limit = np.full(output.size, LIMIT_READINESS, dtype=np.int8)
    if ctx.energy_varies:  # otherwise energy is one everywhere and never binds
        limit[(capacity_bound <= output) & (state.energy < 1.0)] = LIMIT_ENERGY
    limit[(input_bound <= output) & (input_bound < planned)] = LIMIT_INPUTS
    if import_bound is not None:
        limit[(import_bound <= output) & (import_bound < planned)] = LIMIT_IMPORTS
    limit[planned <= output * (1.0 + TOLERANCE)] = LIMIT_DEMAND
    state.output = output
    state.desired = np.minimum(planned, capacity_bound)
    state.limit = limit
    # Critical inputs use what they need (a shortfall bound output above); the others at most the stock.
    used = state.used  # rewritten in place
    for block in ctx.pair_blocks:
        pairs = block.pairs
        need = block.spread(output)
        need *= state.pair_coef[pairs]
        need *= r.dt
        used[pairs] = np.where(critical[pairs], need, np.minimum(need, stock[pairs]))
    check("production", "output", output, scale=largest(output))


def delivery(state: State, ctx: StepContext) -> None:
    """Suppliers share output over orders and final demand, then latent demand.

    Proportional rationing: every customer gets ``min(1, x_k / D_k)`` of its order
    (validation case 3: orders (30, 50, 20) against 80 deliver (24, 40, 16)). Priority
    rationing serves classes in ``priority_order``, each class proportionally within itself:
    ``needs`` is the orders of firms making people's needs and households' purchases of those
    products; ``sensitive`` the orders of firms making sensitive products and households'
    purchases of them; ``other`` the rest, with exports. Every customer first gets
    ``PRIORITY_FLOOR`` (one half) of its proportional fill ``min(1, x_k / D_k)``; what is left
    goes to the classes in order. (Strict priority, and putting all household demand first,
    starve the production chains that the first classes themselves depend on, packaging for
    food for one, and output spirals to zero on the default economy.)
    Latent demand takes what remains. Accounting: ``delivered = produced - change in G``.
    """
    dt = ctx.rates.dt
    output, total = state.output, state.demand
    if ctx.rationing == "priority":
        received_share, served = _priority_fill(state, ctx)
    else:
        fill = capped_ratio(output, total)
        received_share = ctx.supplier_products.to_pairs(fill, out=state.received)  # rewritten in place
        served = fill * total
    received_share *= state.orders
    state.received = received_share
    state.unmet = np.maximum(0.0, total - served)
    state.latent_served = np.maximum(0.0, output - served)
    previous_stock = state.finished_stock
    state.delivered = served + state.latent_served
    state.finished_stock = previous_stock + (output - state.delivered) * dt
    identity = state.delivered - (output - (state.finished_stock - previous_stock) / dt)
    scale = largest(output)
    np.abs(identity, out=identity)
    if np.maximum.reduce(identity, initial=0.0) > TOLERANCE * scale:
        firm = int(np.flatnonzero(identity > TOLERANCE * scale)[0])
        raise AccountingError("delivery", firm, "delivered != produced - change in finished stock")
    check("delivery", "finished_stock", state.finished_stock, scale)


def _priority_fill(state: State, ctx: StepContext) -> tuple[np.ndarray, np.ndarray]:
    """Serve demand class by class in priority order; return (pair fill, served per firm).

    A buyer's order has two parts: what it needs for its current orders and final demand, a share
    ``c_b = min(1, D_b / x^d_b)`` of its desired output, and what it needs to win back latent
    demand, the rest. The first part is served in the buyer's class; the second always in the
    last class, since latent demand is served last everywhere: priority protects current needs,
    not the recovery of idle capacity. A pair's fill is ``c_b F[class(b)] + (1 - c_b) F[last]``.
    """
    dt, n = ctx.rates.dt, state.output.size
    links = ctx.class_products  # products by (3 N, P): (buyer's class, supplier) <- pair
    current = to_pairs(state.current_share, ctx)
    orders_part = state.orders * current  # the current part of each order
    last = ctx.priority_rank[-1]
    by_class = links.to_rows(orders_part).reshape(3, n)
    np.subtract(state.orders, orders_part, out=orders_part)  # now the latent part (pair arrays reused)
    by_class[last] += ctx.supplier_products.to_suppliers(orders_part)
    del orders_part
    by_class /= dt
    # Households' purchases fall in the class of the product; exports come last.
    by_class.reshape(-1)[ctx.product_slot] += ctx.final_domestic
    by_class[2] += ctx.final_export
    total = by_class.sum(axis=0)
    floor = PRIORITY_FLOOR * capped_ratio(state.output, total)
    remaining = np.maximum(0.0, state.output - floor * total)
    fills = np.ones_like(by_class)
    for c in ctx.priority_rank:
        take = np.minimum(remaining, (1.0 - floor) * by_class[c])
        with np.errstate(divide="ignore", invalid="ignore"):
            fills[c] = np.where(by_class[c] > 0, floor + take / by_class[c], 1.0)
        remaining -= take
    share = links.to_pairs(fills.reshape(-1))
    share *= current
    latent_fill = ctx.supplier_products.to_pairs(fills[last])
    np.subtract(1.0, current, out=current)
    latent_fill *= current
    share += latent_fill
    served = (fills * by_class).sum(axis=0)
    return share, served


def inventories(state: State, ctx: StepContext) -> None:
    """Stocks and orders for the next step.

    ``S <- S + R - U``; target ``T = (n + dt) a x^d``; orders
    ``O = a x^d dt + (T - S) / tau`` (validation case 5: a gap closes as ``gap0 (1 - 1/tau)^t``),
    where ``x^d = min(q, K)`` is the output the firm wants and has capacity for. Basing orders
    on desired rather than realised output keeps an input-starved firm ordering what it needs;
    basing them on realised output lets a shortage lock in (low output, low orders, low stock).
    """
    r = ctx.rates
    stock = state.stock
    stock += state.received
    stock -= state.used
    check("inventories", "stock", stock, largest(state.used), firm_of=ctx.world.network.pair_buyer)
    np.maximum(stock, 0.0, out=stock)
    # Rewritten in place, block by block: demand and delivery have read this step's orders.
    orders = state.orders
    for block in ctx.pair_blocks:
        pairs = block.pairs
        use = block.spread(state.desired)
        use *= state.pair_coef[pairs]
        use *= r.dt
        order = orders[pairs]
        np.multiply(block.spread(ctx.stock_factor), use, out=order)  # target T = (n / dt + 1) use
        order -= stock[pairs]
        order /= r.restore_steps
        order += use
        np.maximum(order, 0.0, out=order)
    state.current_share = capped_ratio(state.demand, state.desired)


def capacity(state: State, ctx: StepContext) -> None:
    """Recovery of idle capacity, hysteresis, investment and depreciation.

    - expected demand ``E <- E + lambda (D + l - E)``;
    - recovery: ``K_op <- K_op + rho (K* - K_op)`` toward ``K* = min(K_inst, max(peak0, E))``
      when below it (Hallegatte 2008 for the recovery-toward-target form);
    - hysteresis: after ``L`` months in a row below ``theta K_op``,
      ``K_op <- K_op - epsilon (K_op - x)`` (Blanchard and Summers 1986 on persistence);
    - investment: ``iota max(0, E - K_inst) (1 - brake * high_uncertainty * (1 - g))`` ordered
      now arrives after ``G`` steps (time-to-build, Kydland and Prescott 1982); ``g`` is the
      market-guarantee share;
    - capacity built by policy (guided investment, missing-link projects) arrives in installed
      and operable capacity, with its market in latent demand (:mod:`sim.policy`);
    - depreciation ``delta K_inst`` of capacity used below the maintenance utilisation.
    """
    r, world = ctx.rates, ctx.world
    state.expected_demand += r.smoothing * (state.demand + ctx.latent - state.expected_demand)
    target = np.minimum(state.installed, np.maximum(world.peak0, state.expected_demand))
    speed = r.recovery if ctx.recovery_boost is None else 1.0 - (1.0 - r.recovery) ** ctx.recovery_boost
    state.operable = np.where(
        state.operable < target, state.operable + speed * (target - state.operable), state.operable
    )
    available = np.minimum(state.operable, state.installed * state.capacity_factor)
    idle = state.output < r.erosion_threshold * available
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
    _policy_capacity(state, ctx)
    brake = 1.0 - r.uncertainty_brake * float(ctx.uncertainty_high)
    if ctx.guarantee is not None and ctx.uncertainty_high:
        brake = 1.0 - r.uncertainty_brake * (1.0 - ctx.guarantee)
    state.pipeline[slot] = r.investment * np.maximum(0.0, state.expected_demand - state.installed) * brake
    unused = state.output < r.maintenance_utilisation * state.installed
    if unused.any():  # (x * 1.0 is x: nothing to do when every firm runs above maintenance)
        state.installed = state.installed * np.where(unused, 1.0 - r.depreciation, 1.0)
    state.operable = np.minimum(state.operable, state.installed)
    scale = largest(state.installed)
    check("capacity", "installed", state.installed, scale)
    check("capacity", "operable", state.operable, scale)


def _policy_capacity(state: State, ctx: StepContext) -> None:
    """Capacity and markets built by policy arriving this step, spread over a cell's firms by size."""
    policy = ctx.policy
    if policy.new_capacity is None:
        return
    t, firms = state.step, ctx.world.firms
    if policy.new_capacity[t].any():
        added = policy.new_capacity[t][firms.cell] * firms.weight
        state.installed = state.installed + added
        state.operable = state.operable + added
    if policy.new_latent[t].any():
        state.new_latent = state.new_latent + policy.new_latent[t][firms.cell] * firms.weight


def labour(state: State, ctx: StepContext) -> None:
    """Employment follows output with lags: ``E <- E + h (l x - E)`` when hiring, ``f`` when firing."""
    r = ctx.rates
    target = ctx.world.labour_per_output * state.output
    gap = target - state.employment
    state.employment = state.employment + np.where(gap > 0, r.hiring, r.firing) * gap
    check("labour", "employment", state.employment, largest(target))


def capped_ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """``min(1, numerator / denominator)`` where the denominator is positive, 1 elsewhere (no warnings)."""
    ratio = np.ones(numerator.size)
    np.divide(numerator, denominator, out=ratio, where=denominator > 0)
    np.minimum(ratio, 1.0, out=ratio)
    return ratio
