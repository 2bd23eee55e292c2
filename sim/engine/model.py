"""``GrowthModel``: the Mesa shell around the array state.

Firms and provinces are Mesa agents that are thin views onto rows of the state arrays, so
``model.agents.select(...)``, ``AgentSet.agg`` and Mesa's visualisation work, while the step itself
is vectorised over arrays and the sparse supplier matrix (no Python loop over firms).
"""

from __future__ import annotations

import mesa
import numpy as np

from sim.economy.world import World
from sim.engine import plan as run_plan
from sim.engine.record import Recorder
from sim.engine.state import LIMIT_NAMES, State
from sim.engine.step import advance
from sim.engine.stochastic import StochasticState
from sim.scenario import Scenario


class FirmAgent(mesa.Agent):
    """A firm: a view onto row ``index`` of the state arrays."""

    def __init__(self, model: GrowthModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)

    @property
    def province(self) -> str:
        return self.model.world.economy.province_codes[self.model.world.firms.province[self.index]]

    @property
    def sector(self) -> str:
        return self.model.world.economy.sector_codes[self.model.world.firms.sector[self.index]]

    @property
    def output(self) -> float:
        return float(self.model.state.output[self.index])

    @property
    def installed_capacity(self) -> float:
        return float(self.model.state.installed[self.index])

    @property
    def operable_capacity(self) -> float:
        return float(self.model.state.operable[self.index])

    @property
    def peak_output(self) -> float:
        return float(self.model.state.peak[self.index])

    @property
    def idle_capacity(self) -> float:
        return max(0.0, self.peak_output - self.output)

    @property
    def employment(self) -> float:
        return float(self.model.state.employment[self.index])

    @property
    def limited_by(self) -> str:
        return LIMIT_NAMES[int(self.model.state.limit[self.index])]


class ProvinceAgent(mesa.Agent):
    """A province: a view onto the sums over its firms."""

    def __init__(self, model: GrowthModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)
        self._mask = model.world.firms.province == self.index

    @property
    def code(self) -> str:
        return self.model.world.economy.province_codes[self.index]

    @property
    def name(self) -> str:
        return str(self.model.world.economy.provinces["name"].iloc[self.index])

    @property
    def output(self) -> float:
        return float(self.model.state.output[self._mask].sum())

    @property
    def idle_capacity(self) -> float:
        s = self.model.state
        return float(np.maximum(0.0, s.peak[self._mask] - s.output[self._mask]).sum())

    @property
    def employment(self) -> float:
        return float(self.model.state.employment[self._mask].sum())


class GrowthModel(mesa.Model):
    """Firms in provinces recovering idle capacity along value chains.

    Args:
        scenario: The validated scenario.
        world: The built world (firms, network, initial state) of the scenario's economy.
        seed: Seed of the run's one generator (an int or a ``numpy.random.SeedSequence``).
        agents: Create the Mesa agent views (firms and provinces). Batch runs skip them.
        record_firms: Keep firm-level rows every step.
    """

    def __init__(
        self,
        scenario: Scenario,
        world: World,
        seed: int | np.random.SeedSequence = 0,
        *,
        agents: bool = True,
        record_firms: bool = False,
    ) -> None:
        super().__init__(rng=np.random.default_rng(seed))
        self.scenario = scenario
        self.world = world
        self.seed = seed
        self.plan = run_plan.compile(scenario, world)
        self.n_steps = self.plan.n_steps
        rates = self.plan.rates
        groups = (
            world.economy.n_provinces if scenario.stochastic.correlated_by == "province" else world.economy.n_sectors
        )
        random = StochasticState.initial(scenario.stochastic, world.n_firms, groups)
        self.state = State.initial(
            world, rates.dt, rates.gestation_steps, random, imports_vary=self.plan.imports_vary, rng=self.rng
        )
        self.recorder = Recorder(world, self.n_steps, rates.dt, firms=record_firms)
        self.recorder.record(self.state)
        if agents:
            FirmAgent.create_agents(self, world.n_firms, index=np.arange(world.n_firms))
            ProvinceAgent.create_agents(self, world.economy.n_provinces, index=np.arange(world.economy.n_provinces))

    @property
    def month(self) -> float:
        """Months simulated so far."""
        return self.state.step * self.plan.rates.dt

    def step(self) -> None:
        """One step: shocks, demand, production, delivery, inventories, capacity, labour, record."""
        if self.state.step >= self.n_steps:
            self.running = False
            return
        advance(self.state, self.plan)
        self.recorder.update_peak(self.state)
        self.recorder.record(self.state)
        if self.state.step >= self.n_steps:
            self.running = False

    def release(self) -> None:
        """Drop the references that keep a finished model alive: call it when the run is over.

        Mesa's class-level ``Agent._ids`` entry (Mesa 3.3 keeps every model's agents there), and the bound methods
        through which Mesa wraps ``step`` (``self.step`` and ``self._user_step`` refer back to the
        model, a cycle only the garbage collector frees). Without the cycle a model without agent
        views is freed as soon as its last reference goes, and with it the record buffer, which the
        next run then reuses (:mod:`sim.engine.buffers`). A released model still reads as before; its
        ``step`` is then the plain method, without Mesa's step counter.
        """
        mesa.Agent._ids.pop(self, None)
        vars(self).pop("step", None)
        vars(self).pop("_user_step", None)
