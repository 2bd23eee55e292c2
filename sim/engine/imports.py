"""Imported inputs: which shortfalls bind, and how buyers move them to domestic suppliers.

Buyer sector ``s`` needs ``m[j, s]`` of imported good ``j`` per unit of output
(``Economy.imported``). In a step, the buyer's cell gets a share ``alpha`` of the imports it needs
(the lesser of import cuts and the currency limit, :mod:`sim.shocks`). What the shortfall ``1 - alpha`` does
depends on whether good ``j`` has a domestic substitute for ``s``:

- **No domestic substitute** (``j`` is tagged ``missing_link``, or ``a[j, s] = 0`` so the buyer
  has no domestic supplier of ``j``, or no firm of ``j`` exists): nothing replaces the missing
  imports. Only a missing-link project (:mod:`sim.engine.policy`) that makes a share ``r_j`` of the
  nation's imports of ``j`` at home covers part of the gap:

      c_j = alpha + (1 - alpha) r_j

  The uncovered share binds as the input's criticality says, as every other input does: a
  critical input (``critical[j, s]``) as a Leontief input, ``X_imp <= c_j q``; a non-critical one
  (spare parts, say, that a firm can defer or make do without for a while) by the half-critical
  rule ``X_imp <= (c_j q + K) / 2`` of Pichler et al. (2022, JEDC 144, eq. 8).

- **Domestic substitute** (``a[j, s] > 0``, ``j`` not a missing link): buyers move part of the
  shortfall to their domestic suppliers of ``j`` after a delay. The substituted share of the
  shortfall, ``phi`` (one value a buyer cell), follows a first-order lag toward
  ``sigma`` while imports are short (and back toward 0 when they are not):

      phi <- phi + (sigma 1[alpha < 1] - phi) min(1, dt / tau)

  with ``sigma = substitution_share`` and ``tau = substitution_months`` (``[imports]``). Orders
  to the domestic suppliers of ``j`` rise accordingly: the pair's coefficient becomes

      a'[j, s] = a[j, s] + (1 - alpha) phi m[j, s]

  so the extra domestic input is ordered, stocked and used like any other (and is itself limited
  by what the domestic suppliers can deliver). The covered share of the import is
  ``c_j = alpha + (1 - alpha) min(1, phi + r_j)``; it binds as the domestic input does:
  Leontief if ``critical[j, s]`` (``X_imp <= c_j q``), otherwise by the half-critical rule
  ``X_imp <= (c_j q + K) / 2`` of Pichler et al. (2022, JEDC 144, eq. 8).

``q`` is planned output and ``K`` the capacity bound of :func:`sim.engine.phases.production.production`. So with the
same cut, a critical missing link binds at ``alpha q`` while a critical substitutable input binds at
``(alpha + (1 - alpha) phi) q`` or more: the missing link binds harder.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.economy.world import World


@dataclass(frozen=True)
class ImportStructure:
    """How each buyer sector's imports respond to a shortfall.

    Two independent questions decide how a shortfall of good ``j`` binds buyer ``s``: whether
    buyers can move it to domestic suppliers (which covered share ``c_j``), and whether the input
    is critical (Leontief or the half-critical rule on ``c_j``).

    Attributes:
        substitutable: ``(S, J)``: ``m[j, s] > 0`` and a domestic substitute exists.
        hard: ``(S, J)``: ``m[j, s] > 0`` and critical (Leontief on ``c_j``).
        soft: ``(S, J)``: ``m[j, s] > 0`` and not critical (half-critical rule on ``c_j``).
        pair_sub_m: Imported coefficient ``m[j, s]`` of each (buyer, input) pair whose import can
            move to domestic suppliers, 0 otherwise, (P,).
        cell_sector: Sector of each flat cell, (C,).
    """

    substitutable: np.ndarray
    hard: np.ndarray
    soft: np.ndarray
    pair_sub_m: np.ndarray
    cell_sector: np.ndarray


def import_structure(world: World) -> ImportStructure:
    """Classify every imported input of every sector (see the module docstring)."""
    economy, net = world.economy, world.network
    m = economy.imported.T  # (buyer s, good j)
    a = economy.a.T
    has_firms = economy.firm_counts.sum(axis=0) > 0
    substitutable = (m > 0) & (a > 0) & ~economy.tag("missing_link")[None, :] & has_firms[None, :]
    critical = economy.critical.T
    buyer_sector = world.firms.sector[net.pair_buyer]
    pair_sub = substitutable[buyer_sector, net.pair_sector]
    return ImportStructure(
        substitutable=substitutable,
        hard=(m > 0) & critical,
        soft=(m > 0) & ~critical,
        pair_sub_m=np.where(pair_sub, m[buyer_sector, net.pair_sector], 0.0),
        cell_sector=np.arange(world.n_cells) // economy.n_provinces,
    )


def update_substitution(phi: np.ndarray, alpha: np.ndarray, share: float, rate: float) -> np.ndarray:
    """One step of the lag ``phi <- phi + (sigma 1[alpha < 1] - phi) rate`` (by buyer cell)."""
    return phi + (np.where(alpha < 1.0, share, 0.0) - phi) * rate


def covered_shares(
    structure: ImportStructure, alpha: np.ndarray, phi: np.ndarray, cover: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    """Covered share of the tightest Leontief import and of the tightest soft import, by cell.

    Args:
        structure: The import structure.
        alpha: Import availability by cell, (C,).
        phi: Substituted share of the shortfall by cell, (C,).
        cover: Share of the nation's imports of each good made at home by missing-link projects,
            (J,), or ``None``.

    Returns:
        ``(hard, soft)`` by cell: ``min_j c_j`` over the critical goods (with or without a
        domestic substitute), and over the non-critical ones (``inf`` where a cell has none).
    """
    r = np.zeros(structure.substitutable.shape[1]) if cover is None else cover
    gap = (1.0 - alpha)[:, None]
    s = structure.cell_sector
    covered = np.where(
        structure.substitutable[s],
        alpha[:, None] + gap * np.minimum(1.0, phi[:, None] + r[None, :]),  # moved to domestic suppliers
        alpha[:, None] + gap * r[None, :],  # no domestic substitute: only projects cover the gap
    )
    hard = np.where(structure.hard[s], covered, np.inf).min(axis=1)
    soft = np.where(structure.soft[s], covered, np.inf).min(axis=1)
    return hard, soft


def import_bound(
    hard: np.ndarray, soft: np.ndarray, cell: np.ndarray, planned: np.ndarray, capacity_bound: np.ndarray
) -> np.ndarray:
    """Output the imports allow, by firm: ``min(c_hard q, (c_soft q + K) / 2)``.

    A covered share of 1 (or none: ``inf``) sets no bound: a firm with all the imports it needs
    is not held to its plan ``q`` by them, so it may run above the plan to catch up
    (:mod:`sim.engine.catch_up`) while other cells' imports are cut.
    """
    h, s = hard[cell], soft[cell]
    with np.errstate(invalid="ignore"):
        bound_hard = np.where(h < 1.0, h * planned, np.inf)
        bound_soft = np.where(s < 1.0, 0.5 * (s * planned + capacity_bound), np.inf)
    return np.minimum(bound_hard, bound_soft)


def effective_coefficients(
    structure: ImportStructure,
    pair_coef: np.ndarray,
    extra: np.ndarray,
    pairs: slice = slice(None),
    out: np.ndarray | None = None,
) -> np.ndarray:
    """Domestic coefficients with the substituted imports: ``a' = a + (1 - alpha) phi m``.

    Args:
        structure: The import structure (``m`` of each pair whose import can move, 0 otherwise).
        pair_coef: The data's domestic coefficients ``a``, (P,).
        extra: ``(1 - alpha) phi`` of each pair's buyer cell, for the pairs ``pairs``; overwritten.
        pairs: The pairs to compute (a block of them; all by default).
        out: Where to write ``a'`` of those pairs; a new array if ``None``.
    """
    extra *= structure.pair_sub_m[pairs]
    return np.add(pair_coef[pairs], extra, out=out)
