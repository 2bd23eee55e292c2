"""What the model assumes of a data folder beyond column types, checked before anything is built.

:mod:`sim.economy.tables` checks each column's type and range; these checks tie the tables together:
sizes within the limits of :mod:`sim.limits` (before the arrays that depend on them are
allocated), final demand wherever a sector has firms, an output history of whole consecutive
months. Each failure is one :class:`~sim.errors.InputError` naming the file, the key and what was
expected.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.economy.tables import month_number
from sim.errors import InputError
from sim.limits import check_limit


def check_dimensions(root: Path, n_provinces: int, n_sectors: int) -> None:
    """Provinces x sectors within the ``cells`` limit; the network draw's dense arrays within ``grid``.

    The supplier draw holds a (sectors, provinces, provinces) array and the coefficients a
    (sectors, sectors) one, so ``S P^2 + S^2`` bounds their size.
    """
    check_limit(root / "provinces.csv", "rows", "cells", n_provinces * n_sectors, "cells (provinces x sectors)")
    grid = n_sectors * n_provinces**2 + n_sectors**2
    check_limit(root / "provinces.csv", "rows", "grid", grid, "values in sectors x provinces^2 + sectors^2")


def check_firm_total(path: Path, firm_counts: np.ndarray) -> None:
    """The economy's firms in total within the ``firms`` limit (summed in floats: no overflow)."""
    total = float(firm_counts.sum(dtype=float))
    check_limit(path, "firms", "firms", int(total) if total < 2**62 else total, "firms in total")


def check_demand_per_sector(
    root: Path, demand: np.ndarray, firms: np.ndarray, a: np.ndarray, s_codes: list[str]
) -> None:
    """Every sector with firms has output to start from: final demand > 0 in one of its cells, or
    it supplies (``a[s, k] > 0``) a sector that has output.

    A sector's initial output is ``x = L F`` (``L`` the Leontief inverse), positive exactly when the
    sector reaches a sector with final demand through the input links. Without it, its output is
    zero and every share (growth, attainment, inclusiveness) divides by zero; with no final demand
    at all, nothing has output. A pure supplier of intermediate goods (ores sold to smelters) is
    allowed: its buyers' output carries it.
    """
    has_output = (demand > 0).any(axis=0)
    users = [np.flatnonzero(col) for col in (a > 0).T]  # users[k]: inputs j of sector k
    frontier = list(np.flatnonzero(has_output))
    while frontier:
        k = frontier.pop()
        for j in users[k]:
            if not has_output[j]:
                has_output[j] = True
                frontier.append(j)
    no_output = (firms.sum(axis=0) > 0) & ~has_output
    if no_output.any():
        s = int(np.flatnonzero(no_output)[0])
        expected = (
            "final demand > 0 in some cell, got 0 in every cell"
            if not (demand > 0).any()
            else "final demand > 0 in a cell of every sector that has firms (or a buyer sector in "
            "io_coefficients.csv that has output), got none"
        )
        key = f"sector {s_codes[s]}" if (demand > 0).any() else "column 'demand'"
        raise InputError(root / "final_demand.csv", key, expected)


def consecutive_months(path: Path, labels: pd.Series, n_cells: int) -> list[str]:
    """The history's months, oldest first, checked to run without a gap and within the limit.

    Args:
        path: ``output_history.csv``.
        labels: Its ``month`` column (already checked to be ``YYYY-MM``).
        n_cells: Provinces x sectors (the history array is cells x months).

    Returns:
        Every month from the first to the last.

    Raises:
        InputError: On a gap, or more cells x months than the ``history`` limit.
    """
    months = sorted(pd.unique(labels))
    if not months:
        raise InputError(path, "rows", "at least one row (or no output_history.csv at all)")
    numbers = month_number(months)
    span = int(numbers[-1] - numbers[0]) + 1
    check_limit(path, "column 'month'", "history", n_cells * span, "values in cells x months")
    if span != len(months):
        present = set(numbers.tolist())
        gap = next(n for n in range(int(numbers[0]), int(numbers[-1]) + 1) if n not in present)
        raise InputError(
            path,
            "column 'month'",
            f"every month from {months[0]} to {months[-1]} (one a month, no gap), "
            f"{gap // 12:04d}-{gap % 12 + 1:02d} is missing",
        )
    return months


def check_network_size(economy_source: str, a: np.ndarray, firm_counts: np.ndarray, max_suppliers: int) -> None:
    """The supplier links the network draw may make within the ``links`` limit.

    A firm of sector s draws, for each input j with ``a[j, s] > 0``, at most
    ``min(max_suppliers, firms of j)`` suppliers, so the links are at most
    ``sum_s firms_s sum_{j: a[j,s] > 0} min(max_suppliers, firms_j)``.
    """
    per_sector = firm_counts.sum(axis=0).astype(float)
    suppliers = np.minimum(float(max_suppliers), per_sector)
    bound = float(per_sector @ ((a > 0).T.astype(float) @ suppliers))
    check_limit(
        Path(economy_source) / "io_coefficients.csv",
        "links",
        "links",
        int(bound),
        "supplier links (firms x inputs x suppliers per input, parameters.max_suppliers)",
    )


def check_pipeline_size(source: str, gestation_steps: int, n_firms: int) -> None:
    """The investment pipeline (gestation steps x firms) within the ``pipeline`` limit."""
    check_limit(
        source,
        "parameters.gestation_months",
        "pipeline",
        gestation_steps * n_firms,
        "values in the investment pipeline (gestation_months / step_months x firms)",
    )


def check_supplier_reach(source: str, economy, distance_scale_km: float) -> None:
    """Every province reaches a firm of every sector through the gravity kernel ``exp(-d / d0)``.

    The supplier draw picks a supplier province with probability proportional to
    ``firms[q, j] exp(-d(p, q) / d0)``; if that underflows to zero for every province with firms
    of sector j (a tiny ``d0``, provinces far apart), the buyers in p have no supplier of j.

    Raises:
        InputError: Naming the first province and sector left without a supplier.
    """
    from sim.economy.network import province_distances

    kernel = np.exp(-province_distances(economy) / distance_scale_km)  # (P, P)
    reach = kernel @ economy.firm_counts.astype(float)  # (P, S): attraction of sector j's firms from p
    has_firms = economy.firm_counts.sum(axis=0) > 0
    unreachable = (reach <= 0) & has_firms[None, :]
    if unreachable.any():
        p, s = np.argwhere(unreachable)[0]
        raise InputError(
            source,
            "parameters.distance_scale_km",
            f"a distance scale at which {economy.province_codes[p]} reaches a firm of sector "
            f"{economy.sector_codes[s]} (exp(-d / d0) is 0 for all of them), got {distance_scale_km:g} km",
        )
