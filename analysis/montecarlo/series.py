"""National, provincial and sectoral monthly series of one run, in long form.

A run's trajectories have one row per month x province x sector. The batch store keeps, per run,
their sums by month at three levels: ``national`` (code ``"all"``), ``province`` (code the province)
and ``sector`` (code the ISIC division). Every value column is summed over the group's cells:
flows and stocks, including the output made under each binding constraint
(``output_bound_by_*``), potential output and the output lost to each constraint
(``output_lost_to_*``). The availability and productivity columns are summed too (as the cells'
rows are); divide by the number of cells for their mean.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from analysis.metrics.many import RunCube

KEYS = ("month", "province", "sector")
LEVELS = {"national": None, "province": "province", "sector": "sector"}
NATIONAL_CODE = "all"


def value_columns(trajectories: pd.DataFrame) -> list[str]:
    """The numeric columns of a trajectories table, in order."""
    return [c for c in trajectories.columns if c not in KEYS]


def level_series(trajectories: pd.DataFrame) -> pd.DataFrame:
    """Sum a run's trajectories by month at the national, province and sector levels.

    Args:
        trajectories: One row per month x province x sector (``sim.Results.trajectories``).

    Returns:
        Long table with columns ``level, code, month`` and the value columns, sorted by level
        (national, province, sector), code and month.
    """
    columns = value_columns(trajectories)
    frame = trajectories[list(KEYS) + columns]
    parts = []
    for level, by in LEVELS.items():
        keys = ["month"] if by is None else [by, "month"]
        summed = frame.groupby(keys, sort=True)[columns].sum()
        summed = summed.reset_index()
        code = NATIONAL_CODE if by is None else summed.pop(by).astype(str)
        summed.insert(0, "code", code)
        summed.insert(0, "level", level)
        parts.append(summed)
    series = pd.concat(parts, ignore_index=True)
    series["code"] = series["code"].astype(str)
    series["level"] = series["level"].astype(str)
    return series[["level", "code", "month", *columns]]


def level_sums(cube: RunCube) -> np.ndarray:
    """Every record column of every run summed over all cells, then over each province's and each
    sector's cells, at every row read: (R, columns, rows, 1 + provinces + sectors).

    Over all cells as numpy's ``sum`` of a run's cells in order (pairwise), by group as
    :meth:`analysis.metrics.many.RunCube.by` (``reduceat`` of the group's cells in order), in one
    compiled pass over the cube (:func:`sim.kernels.segments.group_sums`, the same sums bit for
    bit), or column by column with numpy without Numba.
    """
    from sim.engine.record import CELL_COLUMNS
    from sim.kernels.segments import group_sums

    names = list(CELL_COLUMNS)
    provinces = np.unique(cube.cell_province)
    n_groups = 1 + provinces.size + np.unique(cube.cell_sector).size
    summed = None
    if cube.cube.shape[1] == len(names):
        summed = group_sums(cube.cube, cube.rows, cube.cells, [cube.cell_province, cube.cell_sector])
    if summed is None:
        summed = np.empty((cube.runs, len(names), cube.months.size, n_groups))
        for index, name in enumerate(names):  # column by column: a run's (months, cells) plane at a time
            values = cube.column(name)
            into = summed[:, index]
            into[..., 0] = values.sum(axis=-1)  # C order (RunCube.column): each run's cells in order (pairwise)
            into[..., 1 : 1 + provinces.size] = cube.by(values, cube.cell_province)[1]
            into[..., 1 + provinces.size :] = cube.by(values, cube.cell_sector)[1]
    return summed


def many_level_series(cube: RunCube, summed: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`level_series` of every run of an ensemble at once, with a leading ``run`` column (0..R-1).

    The sums come from the ensemble's record cube (every step, cells with firms): over all cells,
    over a province's cells and over a sector's cells, each run's cells in their order
    (:meth:`analysis.metrics.many.RunCube.by`), so a run's rows do not depend on the other runs
    of its ensemble. They equal :func:`level_series` of the run's trajectories to rounding (pandas
    sums groups with Kahan's compensation): ``tests/test_many_metrics.py`` checks 1e-12 relative.

    Args:
        cube: The records (``RunCube.of(cube, dt, economy, whole_months=False)``).
        summed: :func:`level_sums` of ``cube``, if taken already.

    Returns:
        Long table ``run, level, code, month`` and the value columns, each run's rows in the order
        of :func:`level_series`.
    """
    from sim.engine.record import CELL_COLUMNS

    names = list(CELL_COLUMNS)
    provinces = np.unique(cube.cell_province)
    sectors = np.unique(cube.cell_sector)
    summed = level_sums(cube) if summed is None else summed
    runs, n_columns, n_months, n_groups = summed.shape
    codes = [NATIONAL_CODE, *(cube.province_codes[p] for p in provinces), *(cube.sector_codes[s] for s in sectors)]
    levels = ["national"] + ["province"] * provinces.size + ["sector"] * sectors.size
    # Rows run-major, then group, then month: (R, groups, months) -> one row each; each column's
    # values contiguous, as a table's columns are (no copy after group_sums, whose array is laid out so).
    columns = np.ascontiguousarray(summed.transpose(1, 0, 3, 2)).reshape(n_columns, -1)
    group = np.tile(np.repeat(np.arange(n_groups, dtype=np.int32), n_months), runs)
    month = cube.months.astype(np.int64) if np.all(cube.months == np.round(cube.months)) else cube.months
    keys = pd.DataFrame(
        {
            "run": np.repeat(np.arange(runs, dtype=np.int64), n_groups * n_months),
            "level": text_column(levels, group),
            "code": text_column(codes, group),
            "month": np.tile(month, runs * n_groups),
        }
    )
    return pd.concat([keys, pd.DataFrame(columns.T, columns=names, copy=False)], axis=1)


def text_column(values: list[str], index: np.ndarray) -> pd.api.extensions.ExtensionArray:
    """The strings ``values[index]`` as a ``str`` column (what ``.astype(str)`` of them makes), taken
    in Arrow from the few distinct values rather than converted one Python string a row."""
    import pyarrow as pa

    taken = pa.array([str(v) for v in values], pa.large_string()).take(pa.array(np.asarray(index, dtype=np.int32)))
    return pd.array(taken, dtype="str")
