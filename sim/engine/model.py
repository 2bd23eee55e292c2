"""``GrowthModel``: the Mesa shell around the array state.

Firms and provinces are Mesa agents that are thin views onto rows of the state arrays, so
``model.agents_by_type[FirmAgent]``, ``model.agents.select(...)``, ``AgentSet.agg`` and Mesa's
visualisation work, while the step itself is vectorised over arrays and the sparse supplier matrix
(no Python loop over firms). A Mesa ``DataCollector`` (``model.datacollector``) records national
series at month 0 and after every step, so ``mesa.batch_run(GrowthModel, ...)`` works.
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from sim.economy.world import World
from sim.engine import plan as run_plan
from sim.engine import reporters
from sim.engine.record import Recorder
from sim.engine.state import LIMIT_NAMES, State
from sim.engine.step import advance
from sim.engine.stochastic import StochasticState, correlated_groups
from sim.scenario import Scenario, load_scenario, scenario_from_dict


class FirmAgent(mesa.Agent):
    """A firm: a view onto row ``index`` of the state arrays."""

    kind = "firm"

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

    kind = "province"

    def __init__(self, model: GrowthModel, index: int) -> None:
        super().__init__(model)
        self.index = int(index)
        self._mask = model.world.firms.province == self.index

    @property
    def code(self) -> str:
        return self.model.world.economy.province_codes[self.index]

    @property
    def province(self) -> str:
        """The province's code (as a firm's ``province``)."""
        return self.code

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

    ``GrowthModel("scenarios/baseline.toml", seed=7, recovery_speed=0.04)`` builds a run of a
    scenario file with one behavioural parameter changed; ``mesa.batch_run(GrowthModel,
    {"scenario": "scenarios/baseline.toml", "seed": [1, 2], "recovery_speed": [0.02, 0.04]})``
    sweeps them (pass the seeds yourself: ``batch_run``'s ``iterations`` repeat one seed).

    Agents: ``model.agents_by_type[FirmAgent]`` holds one :class:`FirmAgent` per firm and
    ``model.agents_by_type[ProvinceAgent]`` one :class:`ProvinceAgent` per province (views onto
    the state arrays; ``model.agents`` holds both kinds).

    Data collection: ``model.datacollector`` records the national series of
    :data:`~sim.engine.reporters.NATIONAL_REPORTERS` (``month``, ``output``, ``value_added``,
    ``idle_capacity``, ``installed_capacity``, ``employment``, ``unmet_demand``) at month 0 and
    after every step; ``agent_reporters=True`` adds each agent's output, idle capacity and
    employment every step (slow on large economies). The model stops (``running`` false) at the
    first call of :meth:`step` past the horizon, so ``batch_run``'s last row is the last month.

    Args:
        scenario: A validated scenario, or the path of a scenario file.
        world: The built world of the scenario's economy (default: built, or taken from the cache,
            by :func:`sim.world_for`).
        seed: Seed of the run's one generator (an int or a ``numpy.random.SeedSequence``).
        agents: Create the Mesa agent views (firms and provinces). Batch runs skip them.
        record_firms: Keep firm-level rows every step.
        agent_reporters: Also collect every agent's values each step (needs ``agents``).
        **parameter_overrides: ``[parameters]`` values replacing the scenario's (e.g.
            ``recovery_speed=0.04``); checked as in a scenario file.

    Raises:
        InputError: On a bad scenario file or parameter value (unknown names included).
    """

    def __init__(
        self,
        scenario: Scenario | str | Path,
        world: World | None = None,
        seed: int | np.random.SeedSequence = 0,
        *,
        agents: bool = True,
        record_firms: bool = False,
        agent_reporters: bool = False,
        **parameter_overrides,
    ) -> None:
        if world is not None and not isinstance(world, World):
            raise TypeError(f"GrowthModel: world must be a World, not {type(world).__name__} (pass seed=... by name)")
        super().__init__(rng=np.random.default_rng(seed))
        scenario = with_parameters(scenario, parameter_overrides)
        if world is None:
            from sim.engine.run import world_for

            world = world_for(scenario)
        self.scenario = scenario
        self.world = world
        self.seed = seed
        self.plan = run_plan.compile(scenario, world)
        self.n_steps = self.plan.n_steps
        rates = self.plan.rates
        _, groups = correlated_groups(scenario.stochastic.correlated_by, world)
        random = StochasticState.initial(scenario.stochastic, world.n_firms, groups)
        self.state = State.initial(
            world, rates.dt, rates.gestation_steps, random, imports_vary=self.plan.imports_vary, rng=self.rng
        )
        self.recorder = Recorder(world, self.n_steps, rates.dt, firms=record_firms)
        self.recorder.record(self.state)
        if agents:
            FirmAgent.create_agents(self, world.n_firms, index=np.arange(world.n_firms))
            ProvinceAgent.create_agents(self, world.economy.n_provinces, index=np.arange(world.economy.n_provinces))
        if agent_reporters and not agents:
            raise TypeError("GrowthModel: agent_reporters=True needs agents=True")
        self.datacollector = mesa.DataCollector(
            model_reporters=reporters.NATIONAL_REPORTERS,
            agent_reporters=reporters.AGENT_REPORTERS if agent_reporters else None,
        )
        self.datacollector.collect(self)

    @property
    def month(self) -> float:
        """Months simulated so far."""
        return self.state.step * self.plan.rates.dt

    def step(self) -> None:
        """One step: shocks, demand, production, delivery, inventories, capacity, labour, record, collect.

        Past the horizon a call changes nothing and sets ``running`` false.
        """
        if self.state.step >= self.n_steps:
            self.running = False
            return
        advance(self.state, self.plan)
        self.recorder.update_peak(self.state)
        self.recorder.record(self.state)
        self.datacollector.collect(self)

    @property
    def finished(self) -> bool:
        """Whether every step of the horizon has run."""
        return self.state.step >= self.n_steps

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


def with_parameters(scenario: Scenario | str | Path, overrides: dict) -> Scenario:
    """The scenario (loaded if a path) with ``[parameters]`` values replaced, validated again."""
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if not overrides:
        return scenario
    data = scenario.model_dump(mode="json")
    data.setdefault("parameters", {}).update(overrides)
    return scenario_from_dict(data, source=scenario.path or "<GrowthModel>")
