"""The phases of one step, one module each, run in the order of :func:`sim.engine.step.advance`.

Every phase is a function ``phase(state, plan, *flows)``: it reads the frozen
:class:`~sim.engine.plan.RunPlan`, updates the :class:`~sim.engine.state.State`, and returns the
flows later phases of the step read (:mod:`sim.engine.flows`), if any.

Timing. Production in step t draws on the input stocks held at the start of the step; deliveries
of the step go into stocks after production. Stock targets are ``(n + dt)`` months of use: the
step's own use plus ``n`` inventory months of buffer, so at the default ``n = 1`` a firm holds
one month more than it needs and round-off cannot spiral output down (the same role as BoARIO's
``psi``).
"""

from sim.engine.phases.capacity import capacity
from sim.engine.phases.delivery import delivery
from sim.engine.phases.demand import demand
from sim.engine.phases.inventories import inventories
from sim.engine.phases.labour import labour
from sim.engine.phases.priority import PRIORITY_FLOOR
from sim.engine.phases.production import production
from sim.engine.phases.shocks import shocks

__all__ = ["PRIORITY_FLOOR", "capacity", "delivery", "demand", "inventories", "labour", "production", "shocks"]
