"""``run_metrics``: every scalar metric of one run, in five sections.

The sections and their equations live in their own modules: :mod:`.attainment`,
:mod:`.endogeneity`, :mod:`.stability`, :mod:`.inclusiveness`, :mod:`.priorities`. The flat dictionary always has the
same keys (:data:`METRIC_KEYS`), with NaN where an input is missing (no targets, no population,
no paired run), so a Monte Carlo store gets one fixed column per metric.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.metrics import attainment, endogeneity, inclusiveness, priorities, stability
from analysis.metrics.series import national, whole_months

SECTIONS: dict[str, tuple[str, ...]] = {
    "attainment": attainment.KEYS,
    "endogeneity": endogeneity.KEYS,
    "stability": stability.KEYS,
    "inclusiveness": inclusiveness.KEYS,
    "priorities": priorities.KEYS,
}
METRIC_KEYS: tuple[str, ...] = tuple(key for keys in SECTIONS.values() for key in keys)


def evaluate(
    trajectories: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    regions: pd.Series | None = None,
    population: pd.Series | None = None,
    paired: pd.DataFrame | None = None,
    mining: Iterable[str] | None = None,
    tags: priorities.PriorityTags | None = None,
) -> tuple[dict[str, float], dict[str, dict]]:
    """Flat metrics and per-section detail of one run (arguments as :func:`run_metrics`)."""
    frame = whole_months(trajectories)
    pair = whole_months(paired) if paired is not None else None
    flat: dict[str, float] = {}
    detail: dict[str, dict] = {}
    flat_a, detail["attainment"] = attainment.attainment(frame, targets, mining)
    flat_e, detail["endogeneity"] = endogeneity.endogeneity(frame, pair)
    values = national(frame)
    reference = national(pair).reindex(values.index).to_numpy() if pair is not None else None
    flat_s = stability.stability(values.to_numpy(), reference)
    detail["stability"] = {"national": values, "reference": "paired run" if pair is not None else "running peak"}
    flat_i, detail["inclusiveness"] = inclusiveness.inclusiveness(frame, population, regions)
    flat_p = priorities.priorities(frame, pair, tags)
    for part in (flat_a, flat_e, flat_s, flat_i, flat_p):
        flat.update(part)
    return {key: float(flat[key]) for key in METRIC_KEYS}, detail


def run_metrics(
    trajectories: pd.DataFrame,
    *,
    targets: pd.DataFrame | None = None,
    regions: pd.Series | None = None,
    population: pd.Series | None = None,
    paired: pd.DataFrame | None = None,
    mining: Iterable[str] | None = None,
    tags: priorities.PriorityTags | None = None,
) -> dict[str, float]:
    """Every scalar metric of one run, as a flat dictionary (keys: :data:`METRIC_KEYS`).

    Args:
        trajectories: One row per month x province x sector (``sim.record.CELL_COLUMNS``).
        targets: ``province, sector, target`` (annual growth rates); e.g.
            ``analysis.targets.targets_for(scenario).target_frame()``.
        regions: Region of each province (index: province code), for the Theil split.
        population: Population of each province (index: province code), for per-head measures.
        paired: Trajectories of the shock-free paired run (same seed), for the endogeneity split
            and as the reference path of recovery time and output lost.
        mining: Sector codes counted as mining (default ISIC 05-09).
        tags: The economy's priority tags (``PriorityTags.from_economy``), for the priorities.

    Returns:
        ``{metric: value}``; NaN where an input a metric needs is missing.
    """
    return evaluate(
        trajectories,
        targets=targets,
        regions=regions,
        population=population,
        paired=paired,
        mining=mining,
        tags=tags,
    )[0]
