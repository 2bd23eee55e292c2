"""What one phase hands to the next within a step: returned by the phase, read by the later ones.

Flows live for one step. Unlike the :class:`~sim.engine.state.State` they are not carried to the
next step, and unlike the :class:`~sim.engine.plan.RunPlan` they change every step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Conditions:
    """The step's levers and import bounds, from :func:`~sim.engine.phases.shocks.shocks`.

    Attributes:
        recovery_boost: Exponent of the recovery speed by firm (recovery support), or ``None``.
        guarantee: Guaranteed share of month-0 sales by firm (market guarantees), or ``None``.
        import_hard: Covered share of the tightest Leontief import by cell, or ``None`` when no
            import falls short this step.
        import_soft: Covered share of the tightest half-critical import by cell, or ``None``.
    """

    recovery_boost: np.ndarray | None = None
    guarantee: np.ndarray | None = None
    import_hard: np.ndarray | None = None
    import_soft: np.ndarray | None = None


@dataclass(frozen=True)
class DemandFlows:
    """Demand on each firm this step, per month, from :func:`~sim.engine.phases.demand.demand`.

    Attributes:
        intermediate: Orders of the firm's customers, ``(M O)_k / dt``, (N,).
        final_domestic: Domestic final demand, shocked and topped up by guarantees, (N,).
        final_export: Export final demand, shocked, (N,).
        latent: Latent demand (the economy's and new plants' markets), shocked, (N,).
    """

    intermediate: np.ndarray
    final_domestic: np.ndarray
    final_export: np.ndarray
    latent: np.ndarray
