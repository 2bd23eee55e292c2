"""The dynamic state of every firm and every (buyer, input) pair, as numpy arrays.

Flows (output, demand, capacity) are rates per month; stocks are quantities. A step of length
``dt`` months moves ``rate * dt`` of goods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from sim.economy.world import World
from sim.engine import buffers
from sim.engine.stochastic import StochasticState

if TYPE_CHECKING:
    from sim.engine.reroute import Routing

# What limits a firm's output this step (``State.limit``).
LIMIT_DEMAND, LIMIT_READINESS, LIMIT_ENERGY, LIMIT_INPUTS, LIMIT_IMPORTS = range(5)
LIMIT_NAMES = ("demand", "readiness", "energy", "inputs", "imports")


@dataclass
class State:
    """Everything that changes during a run.

    Firm arrays have shape (N,), pair (input line) arrays shape (P,). The pair arrays ``stock``,
    ``orders``, ``received``, ``used`` and ``shifted_coef`` are rewritten in place every step: copy
    them to keep a step's values.

    Attributes:
        output: Output this step, per month.
        planned: Planned output (orders + final demand + latent demand), per month.
        desired: Output the firm wants and has capacity for, ``min(planned, capacity)``.
        potential: Potential output, the least of planned output and installed capacity in place,
            ``min(q, K_inst kappa z)``: what the firm would make if every line were ready and
            energy, inputs and imports sufficed; ``potential - output`` is the output lost to the
            binding constraint.
        current_share: Share of desired output that serves current orders and final demand
            (the rest would win back latent demand), ``min(1, demand / desired)``.
        demand: Orders plus final demand on the firm this step (latent excluded), per month.
        final_demand: Final demand on the firm this step, per month.
        delivered: Output delivered this step (to orders, final and latent demand), per month.
        unmet: Orders and final demand not delivered, per month.
        latent_served: Latent demand won back this step, per month.
        exports: Export demand delivered this step, per month (rewritten in place).
        unmet_final: Final demand (households, exports) not delivered this step, per month
            (rewritten in place).
        finished_stock: Finished goods held (quantity).
        installed: Installed capacity, per month.
        operable: Operable capacity (lines ready to run), per month.
        capacity_factor: Share of installed capacity available this step (capacity shocks).
        energy: Energy availability this step (0..1).
        productivity: Idiosyncratic productivity multiplier.
        log_productivity: AR(1) state of log productivity.
        import_availability: Share of normal imported inputs obtainable this step (0..1).
        expected_demand: Exponentially smoothed demand incl. latent demand, per month.
        idle_months: Consecutive months run below the erosion threshold.
        peak: Rolling 10-year peak output, per month.
        employment: Workers.
        limit: Code of the binding constraint (see ``LIMIT_NAMES``).
        backlog: Work waiting from earlier cuts of energy, inputs or imports, a quantity (months
            of output) that the firm makes up with overtime (:mod:`sim.engine.catch_up`).
        pipeline: New installed capacity arriving in each of the next steps, (G, N).
        stock: Input stock of each pair (quantity).
        orders: Orders of each pair placed for the next step (quantity).
        received: Deliveries received by each pair this step (quantity).
        used: Inputs used by each pair this step (quantity).
        pair_coef: Domestic coefficient of each pair this step, ``a + (1 - alpha) phi m`` with
            the imports moved to domestic suppliers (:mod:`sim.engine.imports`), (P,): the
            network's (read-only) coefficients in a step without an import shortfall,
            ``shifted_coef`` otherwise.
        shifted_coef: The run's own array of shifted coefficients, (P,), allocated with the state
            when some shock touches imports (empty otherwise).
        substitution: Share ``phi`` of the import shortfall moved to domestic suppliers, by cell (C,).
        new_latent: Latent demand added by policy (new plants' markets), per month, (N,).
        reliability: Buyers' judgement of each supplier's deliveries, its smoothed fill rate on
            orders (:mod:`sim.engine.reroute`), (N,) ((R, N) in an ensemble).
        route_share: Share of each line's order placed on each of its drawn and standby links, in
            the data order of the network's ``route_of_pair``; empty until re-routing first runs
            (and in an ensemble, where each run's routing owns its shares:
            :mod:`sim.engine.reroute_runs`).
        routing: The supplier products over ``route_share`` and the router that sets it (made by
            :func:`sim.engine.reroute.reroute` on its first call; ``None`` without re-routing;
            in an ensemble, one routing a run).
        random: State of the random shocks (regime, AR(1) states, outages).
        rng: The run's one generator (the model's ``rng``); every random draw of a run comes from it
            (in an ensemble, one generator a run).
        step: Steps done.
    """

    output: np.ndarray
    planned: np.ndarray
    desired: np.ndarray
    potential: np.ndarray
    current_share: np.ndarray
    demand: np.ndarray
    final_demand: np.ndarray
    delivered: np.ndarray
    unmet: np.ndarray
    latent_served: np.ndarray
    exports: np.ndarray
    unmet_final: np.ndarray
    finished_stock: np.ndarray
    installed: np.ndarray
    operable: np.ndarray
    capacity_factor: np.ndarray
    energy: np.ndarray
    productivity: np.ndarray
    log_productivity: np.ndarray
    import_availability: np.ndarray
    expected_demand: np.ndarray
    idle_months: np.ndarray
    peak: np.ndarray
    employment: np.ndarray
    limit: np.ndarray
    backlog: np.ndarray
    pipeline: np.ndarray
    stock: np.ndarray
    orders: np.ndarray
    received: np.ndarray
    used: np.ndarray
    pair_coef: np.ndarray
    substitution: np.ndarray
    new_latent: np.ndarray
    random: StochasticState
    rng: np.random.Generator | None = None
    shifted_coef: np.ndarray = field(default_factory=lambda: np.zeros(0))
    reliability: np.ndarray = field(default_factory=lambda: np.zeros(0))
    route_share: np.ndarray = field(default_factory=lambda: np.zeros(0))
    routing: Routing | None = None
    step: int = 0

    @classmethod
    def initial(
        cls,
        world: World,
        dt: float,
        gestation_steps: int,
        random: StochasticState | None = None,
        imports_vary: bool = False,
        rng: np.random.Generator | None = None,
    ) -> State:
        """The equilibrium state at month 0.

        ``imports_vary``: some shock touches imports (the state then holds its own coefficient
        array, :attr:`shifted_coef`); ``rng``: the run's generator.

        Input stocks sit at their targets ``(n + dt) a x0`` (n inventory months beyond the
        step's own use) and orders equal use, so with no shock nothing moves.
        """
        x0 = world.output0
        net = world.network
        use = net.pair_coef * x0[net.pair_buyer] * dt
        n = x0.size
        ones = np.ones(n)
        return cls(
            output=x0.copy(),
            planned=x0.copy(),
            desired=x0.copy(),
            potential=np.minimum(x0 + world.latent, world.installed0),
            current_share=np.ones(x0.size),
            demand=x0.copy(),
            final_demand=world.final_demand.copy(),
            delivered=x0.copy(),
            unmet=np.zeros(n),
            latent_served=np.zeros(n),
            exports=world.final_export.copy(),
            unmet_final=np.zeros(n),
            finished_stock=np.zeros(n),
            installed=world.installed0.copy(),
            operable=x0.copy(),
            capacity_factor=ones.copy(),
            energy=ones.copy(),
            productivity=ones.copy(),
            log_productivity=np.zeros(n),
            import_availability=ones.copy(),
            expected_demand=x0 + world.latent,
            idle_months=np.zeros(n),
            peak=world.peak0.copy(),
            employment=world.labour_per_output * x0,
            limit=np.where(world.latent > 0, LIMIT_READINESS, LIMIT_DEMAND).astype(np.int8),
            backlog=np.zeros(n),
            pipeline=buffers.touched_zeros((max(gestation_steps, 1), n)),
            stock=(world.inventory_months / dt + 1.0)[net.pair_buyer] * use,
            orders=use.copy(),
            received=use.copy(),
            used=use.copy(),
            pair_coef=net.pair_coef,
            substitution=np.zeros(world.n_cells),
            new_latent=np.zeros(n),
            random=random or StochasticState(False, np.zeros(n), np.zeros(1), np.zeros(n)),
            rng=rng,
            shifted_coef=np.empty(net.n_pairs) if imports_vary else np.zeros(0),
            reliability=ones.copy(),
        )

    def for_runs(self, runs: int, rngs: list[np.random.Generator]) -> State:
        """This state for an ensemble of ``runs`` runs (:mod:`sim.engine.ensemble`): a leading run axis.

        Every array a step rewrites run by run gets one copy a run, (R, N) and (R, P), the
        pipeline (G, R, N). What all runs share because it follows from the scenario alone stays
        one array: the pair coefficients (and the array of shifted ones), the substitution by
        cell, the policy's latent demand, and the shock factors, which every step replaces (by
        arrays with a run axis where the runs differ, e.g. outages). ``rngs``: one generator a run.
        """
        shared = {
            "pair_coef",
            "shifted_coef",
            "substitution",
            "new_latent",
            "capacity_factor",
            "energy",
            "import_availability",
            "productivity",
            "log_productivity",
        }
        values = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if name == "pipeline":
                value = np.repeat(value[:, None, :], runs, axis=1)
            elif isinstance(value, np.ndarray) and name not in shared:
                value = np.repeat(value[None], runs, axis=0)
            values[name] = value
        values["random"] = self.random.for_runs(runs)
        values["rng"] = list(rngs)
        return State(**values)

    @property
    def uncertainty_high(self) -> bool:
        """Whether the economy is in the high-uncertainty regime this step."""
        return self.random.high
