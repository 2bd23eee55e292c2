"""The engine: a scenario compiled into a run plan, and the state stepped through the phases.

- :mod:`sim.engine.plan`: :func:`~sim.engine.plan.compile` (scenario + world -> frozen
  :class:`~sim.engine.plan.RunPlan`) and the per-step rates;
- :mod:`sim.engine.state`: :class:`~sim.engine.state.State`, every array that changes;
- :mod:`sim.engine.flows`: what a phase hands to the next within a step;
- :mod:`sim.engine.step`: the order of the phases; :mod:`sim.engine.phases`: one module a phase;
- :mod:`sim.engine.imports`, :mod:`sim.engine.stochastic`, :mod:`sim.engine.policy`: the rules of
  import substitution, the random shocks and the levers the phases call;
- :mod:`sim.engine.record`: the trajectories; :mod:`sim.engine.buffers`: reused record memory;
- :mod:`sim.engine.model`: the Mesa shell; :mod:`sim.engine.run`: ``run(scenario, seed)`` and the
  world cache.
"""
