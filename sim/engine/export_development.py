"""Export development of complex products (``[[policy.export_development]]``), by step and cell.

For a lever with window ``[start, end]`` (months, 1-based, inclusive), the months it has acted by
step ``t`` (month ``m_t``) are ``e_t = min(max(0, m_t - start + 1), end - start + 1)``. A cell
the lever covers gets:

- market access: its firms' export demand is multiplied by
  ``A_t = min(ceiling, (1 + demand_growth) ** (e_t / 12))``; markets won are kept after ``end``;
- an export credit guarantee while the lever acts (``start <= m_t <= end``): the export-demand
  multiplier of the shocks ``mu`` is raised to at least ``guarantee``, so export demand is
  ``f_exp * A_t * max(mu, guarantee)``;
- learning by exporting: productivity is multiplied by ``L_t = (1 + learning_rate) ** (e_t / 12)``
  (output per unit of operable capacity, :mod:`sim.engine.phases.production`); learning is kept.

Several levers covering a cell multiply their ``A`` and ``L``; the highest guarantee applies.
The extra export demand is served first from idle capacity (operable capacity recovers toward
``min(installed, max(peak0, expected demand))``), then from new capacity once expected demand
exceeds installed capacity (the investment rule of :mod:`sim.engine.phases.capacity`): the demand a
lever opens is served only by the capacity the sector has or builds. Under priority rationing
exports are served in the last class (:mod:`sim.engine.phases.delivery`).
"""

from __future__ import annotations

import numpy as np

from sim.economy.cell_economy import Economy
from sim.scenario.export_development import ExportDevelopment, lever_sectors
from sim.shocks import active_steps, cell_mask


def covered_cells(economy: Economy, lever: ExportDevelopment, source: str, index: int) -> np.ndarray:
    """Flat cell mask of a lever (its sectors default to those tagged ``complex_export``)."""
    return cell_mask(economy, lever_sectors(lever, economy, source, index), lever.provinces)


def months_acted(month: np.ndarray, start: int, end: int | None) -> np.ndarray:
    """``e_t = min(max(0, m_t - start + 1), end - start + 1)`` for every step."""
    acted = np.maximum(0.0, np.asarray(month, float) - start + 1.0)
    if end is not None:
        acted = np.minimum(acted, float(end - start + 1))
    return acted


def compile_export_development(
    levers: list[ExportDevelopment], economy: Economy, month: np.ndarray, source: str = "<scenario>"
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Market access ``A``, guarantee floor and learning ``L`` by step and cell, each (T + 1, C).

    Args:
        levers: The ``[[policy.export_development]]`` tables.
        economy: The economy (tags, codes).
        month: Month of each step, (T + 1,).
        source: The scenario file, for error messages.

    Returns:
        ``(access, floor, learning)``: ``floor`` is 0 where no guarantee acts.
    """
    n_rows, n_cells = month.size, economy.n_provinces * economy.n_sectors
    access, floor, learning = np.ones((n_rows, n_cells)), np.zeros((n_rows, n_cells)), np.ones((n_rows, n_cells))
    for index, lever in enumerate(levers):
        cells = covered_cells(economy, lever, source, index)
        years = months_acted(month, lever.start, lever.end) / 12.0
        grown = np.minimum(lever.ceiling, (1.0 + lever.demand_growth) ** years)
        access[:, cells] *= grown[:, None]
        learning[:, cells] *= ((1.0 + lever.learning_rate) ** years)[:, None]
        rows = active_steps(month, lever.start, lever.end)
        block = floor[np.ix_(rows, cells)]
        floor[np.ix_(rows, cells)] = np.maximum(block, lever.guarantee)
    return access, floor, learning


def export_multiplier(
    mu: np.ndarray | float, access: np.ndarray | None, floor: np.ndarray | None, step: int, cell: np.ndarray
) -> np.ndarray:
    """This step's export-demand multiplier by firm, ``A max(mu, floor)``.

    Args:
        mu: The shocks' export-demand multiplier by firm (or 1.0).
        access: Market access by step and cell, or ``None``.
        floor: Guarantee floor by step and cell, or ``None``.
        step: The step.
        cell: Cell of each firm.
    """
    if floor is not None:
        mu = np.maximum(mu, floor[step][cell])
    return mu if access is None else mu * access[step][cell]
