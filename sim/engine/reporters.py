"""Reporters of :class:`~sim.engine.model.GrowthModel`'s Mesa ``DataCollector``.

National reporters (always on) read the record buffer's plane of the current step, so a
collected value equals ``Results.national(column)`` of the same month exactly; they cost a sum
over cells. Agent reporters (``GrowthModel(..., agent_reporters=True)``) read every agent view
(firms and provinces) each step: opt-in, as they loop over agents in Python.

All reporters are named module-level functions: a lambda would make the model unpicklable.
"""

from __future__ import annotations

from sim.engine.record import CELL_INDEX


def _national(model, column: str) -> float:
    return float(model.recorder.store[CELL_INDEX[column], model.state.step].sum())


def month(model) -> float:
    """Months simulated (0 = the initial state)."""
    return float(model.month)


def output(model) -> float:
    """Gross output of all firms in the month (billion rials at base prices, default economy)."""
    return _national(model, "output")


def value_added(model) -> float:
    """Value added of all firms in the month."""
    return _national(model, "value_added")


def idle_capacity(model) -> float:
    """Idle capacity: the 10-year peak minus output, summed over firms."""
    return _national(model, "idle_capacity")


def installed_capacity(model) -> float:
    """Installed capacity available (after capacity shocks), summed over firms."""
    return _national(model, "installed_capacity")


def employment(model) -> float:
    """Workers employed."""
    return _national(model, "employment")


def unmet_demand(model) -> float:
    """Demand not delivered in the month."""
    return _national(model, "unmet_demand")


NATIONAL_REPORTERS = {
    "month": month,
    "output": output,
    "value_added": value_added,
    "idle_capacity": idle_capacity,
    "installed_capacity": installed_capacity,
    "employment": employment,
    "unmet_demand": unmet_demand,
}


def agent_kind(agent) -> str:
    """``firm`` or ``province``."""
    return agent.kind


def agent_province(agent) -> str:
    """Province code of the agent."""
    return agent.province


def agent_sector(agent) -> str | None:
    """Sector code of a firm (``None`` for a province)."""
    return getattr(agent, "sector", None)


def agent_output(agent) -> float:
    """The agent's output in the month."""
    return agent.output


def agent_idle_capacity(agent) -> float:
    """The agent's idle capacity."""
    return agent.idle_capacity


def agent_employment(agent) -> float:
    """The agent's employment."""
    return agent.employment


AGENT_REPORTERS = {
    "kind": agent_kind,
    "province": agent_province,
    "sector": agent_sector,
    "output": agent_output,
    "idle_capacity": agent_idle_capacity,
    "employment": agent_employment,
}
