"""Every metric of :func:`analysis.metrics.run_metrics`, for many runs of one scenario at once.

An ensemble (:func:`sim.run_ensemble`) leaves its records as one array, ``cube[r, column, step,
cell]`` (:data:`sim.engine.record.CELL_COLUMNS`; cells ``sector * P + province``).
:func:`many_metrics` takes the sums the metrics are built from (national, by province, by
sector, by tagged sectors, the cells at the first, twelfth and last month) for all runs with a
few array operations, instead of one pandas table a run, then applies the same equations: the
headline and path rates of :mod:`.attainment`, the capacity split of :mod:`.endogeneity` and
the measures of :mod:`.priorities` over a run axis, and the functions of :mod:`.stability`,
:mod:`.endogeneity` (persistence, reversal) and :mod:`.inclusiveness` (Theil, Gini,
beta-convergence, lagging provinces) run by run on the small arrays they take. The sums are
taken in another order than pandas' (which sums groups with Kahan's compensation), so values
equal ``run_metrics`` of each run's trajectories to within rounding: ``tests/test_many_metrics.py``
checks 1e-9 relative on library scenarios.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from analysis.metrics import endogeneity, inclusiveness, priorities, stability
from analysis.metrics.attainment import GROUPS, MONTHS_PER_YEAR, headline_end
from analysis.metrics.core import METRIC_KEYS
from analysis.metrics.series import cagr, is_mining
from sim.engine.record import CELL_INDEX


@dataclass(frozen=True)
class RunCube:
    """The records of R runs of one economy, read at whole months (or every step), cells with firms only.

    Attributes:
        cube: The ensemble's records, ``(R, columns, steps + 1, all cells)`` (not copied).
        rows: The steps read (whole months, or every step).
        cells: The flat cells read (those with firms), (K,).
        months: Month of each row read.
        cell_province: Province index of each cell read, (K,).
        cell_sector: Sector index of each cell read, (K,).
        province_codes: Codes of all provinces (the index of ``cell_province``).
        sector_codes: Codes of all sectors.

    A column read (:meth:`column`) is kept, read-only, for the cube's later reads: the metrics
    read some columns several times. Sums over all cells, by province and by sector
    (:meth:`summed`) come from the series' sums of the same records when given them
    (:meth:`keep_sums`), else from the columns: the same values bit for bit.
    """

    cube: np.ndarray
    rows: np.ndarray
    cells: np.ndarray
    months: np.ndarray
    cell_province: np.ndarray
    cell_sector: np.ndarray
    province_codes: list[str]
    sector_codes: list[str]
    _columns: dict[str, np.ndarray] = field(default_factory=dict, init=False, repr=False, compare=False)
    _sums: list = field(default_factory=list, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, cube: np.ndarray, dt: float, economy, whole_months: bool = True) -> RunCube:
        """From an ensemble's record cube (R, columns, steps + 1, all cells) and its economy.

        Args:
            cube: The records.
            dt: Step length in months.
            economy: The economy (cell layout and codes).
            whole_months: Read the rows at whole months only (as the metrics do); else every step.
        """
        cells = np.flatnonzero(economy.firm_counts.T.reshape(-1) > 0)
        month = np.arange(cube.shape[2]) * dt
        rows = np.flatnonzero(np.isclose(month, np.round(month))) if whole_months else np.arange(month.size)
        n_p = economy.n_provinces
        return cls(
            cube,
            rows,
            cells,
            month[rows],
            cells % n_p,
            cells // n_p,
            list(economy.province_codes),
            list(economy.sector_codes),
        )

    @property
    def runs(self) -> int:
        return self.cube.shape[0]

    def column(self, name: str) -> np.ndarray:
        """One column at the rows and cells read, (R, months, K), C order (the sums below read rows).

        Read once a cube and kept: the same (read-only) array at every later call.
        """
        values = self._columns.get(name)
        if values is None:
            plane = self.cube[:, CELL_INDEX[name]]
            if self.rows.size != plane.shape[1]:
                plane = plane[:, self.rows]
            values = np.take(plane, self.cells, axis=-1)  # a new C-order array (faster than plane[..., cells])
            values.flags.writeable = False
            self._columns[name] = values
        return values

    def part(self, name: str, months=None, cells=None) -> np.ndarray:
        """One column at some of the rows read and some of the cells read, (R, m, k), C order.

        Args:
            name: The column.
            months: Indices into the rows read (default all).
            cells: A mask or indices into the cells read (default all).

        The same values as ``column(name)[:, months][..., cells]``, taken from the kept column if
        there is one, else from the cube (without reading the whole column).
        """
        rows = np.arange(self.rows.size)
        rows = _as_slice(rows if months is None else rows[months])
        cells = np.arange(self.cells.size) if cells is None else np.asarray(cells)
        if cells.dtype == bool:
            cells = np.flatnonzero(cells)
        kept = self._columns.get(name)
        if kept is not None:
            return np.take(kept[:, rows], cells, axis=-1)
        plane = self.cube[:, CELL_INDEX[name]]
        return np.take(plane[:, _as_slice(self.rows[rows])], self.cells[cells], axis=-1)

    def keep_sums(self, sums: np.ndarray, rows: np.ndarray) -> RunCube:
        """Take :meth:`summed` from ``sums``: the same records' sums over all cells, then by province and
        by sector, at the steps ``rows`` (``analysis.montecarlo.series.level_sums``, (R, columns,
        len(rows), 1 + provinces + sectors), for the same cells), bit for bit what :meth:`summed`
        takes itself (``sim.kernels.segments.group_sums``). Ignored unless ``rows`` holds every row
        this cube reads. Returns the cube."""
        where = np.searchsorted(rows, self.rows)
        n_groups = 1 + np.unique(self.cell_province).size + np.unique(self.cell_sector).size
        if (
            sums.shape == (self.runs, len(CELL_INDEX), rows.size, n_groups)
            and np.all(where < rows.size)
            and np.array_equal(rows[np.minimum(where, rows.size - 1)], self.rows)
        ):
            self._sums[:] = [sums, where]
        return self

    def summed(self, name: str, level: str = "national", months=None) -> np.ndarray:
        """Column ``name`` at the rows ``months`` (indices into the rows read, default all) summed over
        all cells read, (R, m), or over each province's or sector's cells (``level``), (R, m, groups),
        as ``_sum`` and :meth:`by` take them (from the kept sums if any, :meth:`keep_sums`)."""
        if self._sums:
            sums, where = self._sums
            first = 1 + np.unique(self.cell_province).size
            groups = {"national": slice(0, 1), "province": slice(1, first), "sector": slice(first, None)}[level]
            rows = where if months is None else where[months]
            values = np.ascontiguousarray(sums[:, CELL_INDEX[name]][:, rows][..., groups])
            return values[..., 0] if level == "national" else values
        values = self.column(name) if months is None else self.part(name, months)
        if level == "national":
            return _sum(values)
        return self.by(values, self.cell_province if level == "province" else self.cell_sector)[1]

    def by(self, values: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Values (..., K) summed over the cells of each group (``key`` per cell): ``(groups, (..., groups))``.

        Each group's cells are summed in their order along the last axis, run by run, so a run's
        sums do not depend on the other runs of the cube.
        """
        order = np.argsort(key, kind="stable")
        groups, starts = np.unique(key[order], return_index=True)
        if np.any(np.diff(key) < 0):  # (the cells are by sector already: no copy for sectors)
            values = np.take(values, order, axis=-1)
        return groups, np.add.reduceat(np.ascontiguousarray(values), starts, axis=-1)


def _as_slice(indices: np.ndarray) -> np.ndarray | slice:
    """Increasing consecutive indices as a slice (a view where they index), else the indices."""
    if indices.size and indices[-1] - indices[0] == indices.size - 1 and np.all(np.diff(indices) == 1):
        return slice(int(indices[0]), int(indices[-1]) + 1)
    return indices


def _sum(values: np.ndarray, axis: int = -1) -> np.ndarray:
    """Sum over ``axis``, each run's terms in order: numpy's pairwise sum along a contiguous last axis.

    (A reduction over a non-contiguous layout adds in another order, which would make a run's
    values depend on the other runs of its array.)
    """
    if axis not in (-1, values.ndim - 1):
        values = np.moveaxis(values, axis, -1)
    return np.ascontiguousarray(values).sum(axis=-1)


def _group_rates(start: np.ndarray, end: np.ndarray, target: np.ndarray, months: float) -> dict[str, np.ndarray]:
    """:func:`analysis.metrics.attainment.group_rates` over runs: start, end (R, k); target (k,), NaN = none."""
    growth = np.asarray(cagr(_sum(start), _sum(end), months), float)
    has = ~np.isnan(target)
    weights = start[:, has]
    total = _sum(weights)
    with np.errstate(divide="ignore", invalid="ignore"):
        goal = np.where(total > 0, _sum(weights * target[has]) / total, np.nan)
        judged = ~(np.isnan(goal) | np.isnan(growth))
        return {
            "growth": growth,
            "target": goal,
            "attainment": np.where(judged & (goal > 0), growth / goal, np.nan),
            "reached": np.where(judged, (growth >= goal).astype(float), np.nan),
            "shortfall": np.where(judged, np.maximum(0.0, goal - growth), np.nan),
        }


def _path_rates(start: np.ndarray, last: np.ndarray, goal: np.ndarray, months: float) -> dict[str, np.ndarray]:
    """:func:`analysis.metrics.attainment.path_rates` over runs: start, last (R, k); the group's target (R,)."""
    begin, end = _sum(start), _sum(last)
    growth = np.asarray(cagr(begin, end, months), float)
    judged = ~(np.isnan(growth) | np.isnan(goal))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        cumulative = (1.0 + goal) ** (months / MONTHS_PER_YEAR) - 1.0
        return {
            "path_growth": growth,
            "path_attainment": np.where(judged & (goal > 0), (end / begin - 1.0) / cumulative, np.nan),
            "path_reached": np.where(judged, (end / begin >= 1.0 + cumulative).astype(float), np.nan),
        }


def _attainment(cube: RunCube, targets: pd.DataFrame | None, mining: Iterable[str] | None, months: float) -> dict:
    """:func:`analysis.metrics.attainment.attainment` over runs: the headline year and the path."""
    relative = cube.months - cube.months[0]
    head = headline_end(relative)
    va = cube.part("value_added", [0, int(np.flatnonzero(np.isclose(relative, head))[0]), -1])
    start, end, last = va[:, 0], va[:, 1], va[:, 2]
    target = np.full(start.shape[-1], np.nan)
    if targets is not None:
        target = _cell_targets(cube, targets)
    mining_mask = is_mining(np.asarray(cube.sector_codes)[cube.cell_sector], mining)
    flat = {}
    for group, mask in (("national", slice(None)), ("industry", ~mining_mask), ("mining", mining_mask)):
        rates = _group_rates(start[:, mask], end[:, mask], target[mask], head)
        rates.update(_path_rates(start[:, mask], last[:, mask], rates["target"], months))
        for name, values in rates.items():
            flat[f"{name}_{group}"] = values
    reached = [
        _group_rates(start[:, m], end[:, m], target[m], head)["reached"]
        for m in (cube.cell_province == p for p in np.unique(cube.cell_province))
    ]
    reached = np.stack(reached, axis=-1)
    judged = ~np.isnan(reached)
    with np.errstate(divide="ignore", invalid="ignore"):
        flat["reached_provinces"] = np.where(judged.any(axis=-1), np.nansum(reached, axis=-1) / judged.sum(-1), np.nan)
        growth = np.asarray(cagr(start, end, head), float)
        has = ~np.isnan(target)
        cell_reached = (growth[:, has] >= target[has]).astype(float)
        weight = start[:, has]
        total = _sum(weight)
        flat["reached_cells"] = np.where(total > 0, _sum(weight * cell_reached) / total, np.nan)
    return flat


def _cell_targets(cube: RunCube, targets: pd.DataFrame) -> np.ndarray:
    """Each cell's target (NaN where the table has none): the table indexed by province and sector,
    reindexed on the cells (a lookup in a dict of its rows; ``reindex`` itself if it repeats a key)."""
    provinces = np.asarray(cube.province_codes)[cube.cell_province]
    sectors = np.asarray(cube.sector_codes)[cube.cell_sector]
    values = targets["target"].to_numpy(float)
    row = {key: i for i, key in enumerate(zip(targets["province"].tolist(), targets["sector"].tolist(), strict=True))}
    if len(row) < len(values):  # a repeated key: reindex's own answer (it refuses them)
        table = targets.set_index(["province", "sector"])["target"]
        return table.reindex(pd.MultiIndex.from_arrays([provinces, sectors])).to_numpy(float)
    found = np.array(
        [row.get(key, -1) for key in zip(provinces.tolist(), sectors.tolist(), strict=True)], dtype=np.intp
    )
    target = np.full(found.size, np.nan)
    target[found >= 0] = values[found[found >= 0]]
    return target


def _components(cube: RunCube, paired: RunCube | None) -> dict[str, np.ndarray]:
    """:func:`analysis.metrics.endogeneity.components` over runs."""
    output0, peak = cube.part("output", [0])[:, 0], cube.part("peak_output", [0])[:, 0]
    va0, va1 = cube.part("value_added", [0])[:, 0], cube.part("value_added", [-1])[:, 0]
    own = cube if paired is None else paired
    x1, va_endo = own.part("output", [-1])[:, 0], own.part("value_added", [-1])[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        v = np.where(output0 > 0, va0 / output0, 0.0)
    total = _sum(va1) - _sum(va0)
    exo = _sum(va1) - _sum(va_endo) if paired is not None else np.full(total.shape, np.nan)
    return {
        "idle_recovered": _sum(v * (np.minimum(x1, peak) - np.minimum(output0, peak))),
        "new_capacity": _sum(v * (np.maximum(x1, peak) - np.maximum(output0, peak))),
        "exogenous": exo,
        "total": total,
    }


def _bottlenecks(cube: RunCube) -> np.ndarray:
    """:func:`analysis.metrics.inclusiveness.bottleneck_share` over runs."""
    later = np.flatnonzero(cube.months > cube.months.min())
    if not later.size:
        return np.full(cube.runs, np.nan)
    held = cube.part("output_bound_by_inputs", later) + cube.part("output_bound_by_imports", later)
    sectors, held = cube.by(held, cube.cell_sector)
    output = cube.summed("output", "sector", later)
    held, output = _sum(held, axis=1), _sum(output, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(output > 0, held / output, np.nan)
    return _sum(share > inclusiveness.BOTTLENECK_THRESHOLD) / sectors.size


def _tagged(cube: RunCube, sectors: tuple[str, ...], name: str, months=None) -> np.ndarray:
    """A column summed over the cells of the given sectors, by month (``months``: indices, default all), (R, months)."""
    mask = np.isin(np.asarray(cube.sector_codes)[cube.cell_sector], list(sectors))
    return _sum(cube.part(name, months, mask))


def _by_sector_code(cube: RunCube, sums: np.ndarray, codes: list[str]) -> np.ndarray:
    """Sums by sector (..., sectors with cells: :meth:`RunCube.summed`) laid out in the order of ``codes``
    (0 for absent sectors)."""
    present = np.unique(cube.cell_sector)
    out = np.zeros((*sums.shape[:-1], len(codes)))
    position = {code: k for k, code in enumerate(codes)}
    for j, sector in enumerate(present):
        k = position.get(str(cube.sector_codes[sector]))
        if k is not None:
            out[..., k] = sums[..., j]
    return out


def _priorities(cube: RunCube, paired: RunCube | None, tags: priorities.PriorityTags | None) -> dict[str, np.ndarray]:
    """:func:`analysis.metrics.priorities.priorities` over runs (see its module for the measures)."""
    flat = {key: np.full(cube.runs, np.nan) for key in priorities.KEYS}
    if tags is None:
        return flat
    with np.errstate(divide="ignore", invalid="ignore"):

        def unmet(c: RunCube, sectors: tuple[str, ...]) -> np.ndarray:
            left = _sum(_tagged(c, sectors, "unmet_final_demand")[:, 1:])
            wanted = _sum(_tagged(c, sectors, "final_demand")[:, 1:])
            return np.where(wanted > 0, left / wanted, np.nan)

        for group in ("needs", "sensitive"):
            sectors = tags.sectors[group]
            if not sectors:
                continue
            share = unmet(cube, sectors)
            flat[f"{group}_unmet_share"] = share
            if paired is not None:
                made, reference = _tagged(cube, sectors, "output"), _tagged(paired, sectors, "output")
                total = _sum(reference[:, 1:])
                lost = np.where(total > 0, _sum(reference[:, 1:] - made[:, 1:]) / total, np.nan)
                flat[f"{group}_output_lost"] = lost
                flat[f"{group}_unmet_excess"] = share - unmet(paired, sectors)
        codes = [str(c) for c in tags.imported.columns]
        goods = [j for j in tags.sectors["missing_link"] if j in tags.imported.index]
        output0 = _by_sector_code(cube, cube.summed("output", "sector", [0])[:, 0], codes)
        imports = output0 @ tags.imported.loc[goods].to_numpy().T if goods else np.zeros((cube.runs, 0))
        later = cube.months > cube.months.min()
        if goods and later.any():
            column = [codes.index(j) for j in goods]
            peak = _by_sector_code(cube, cube.summed("peak_output", "sector", [0])[:, 0], codes)[:, column]
            made = _by_sector_code(cube, cube.summed("output", "sector", np.flatnonzero(later)), codes)[..., column]
            replaced = np.minimum(imports[:, None, :], np.maximum(0.0, made - peak[:, None, :]))
            total = _sum(imports)
            value = _sum(replaced.reshape(cube.runs, -1)) / (int(later.sum()) * total)
            flat["imports_replaced"] = np.where(total > 0, value, np.nan)
        sectors = tags.sectors["complex_export"]
        if sectors:
            months = float(cube.months[-1] - cube.months[0])
            exports = _tagged(cube, sectors, "exports", [0, -1])  # the first and last months only
            every = cube.summed("exports", months=[0, -1])
            added = _tagged(cube, sectors, "value_added", [0, -1])
            flat["complex_exports"] = exports[:, -1]
            flat["complex_exports_growth"] = np.asarray(cagr(exports[:, 0], exports[:, -1], months), float)
            flat["complex_value_added_growth"] = np.asarray(cagr(added[:, 0], added[:, -1], months), float)
            flat["complex_export_share"] = np.where(every[:, -1] > 0, exports[:, -1] / every[:, -1], np.nan)
            flat["complex_export_share_start"] = np.where(every[:, 0] > 0, exports[:, 0] / every[:, 0], np.nan)
    return flat


def many_metrics(
    cube: RunCube,
    *,
    targets: pd.DataFrame | None = None,
    regions: pd.Series | None = None,
    population: pd.Series | None = None,
    paired: RunCube | None = None,
    mining: Iterable[str] | None = None,
    tags: priorities.PriorityTags | None = None,
) -> pd.DataFrame:
    """Every scalar metric of every run (arguments as :func:`analysis.metrics.run_metrics`).

    Args:
        cube: The runs' records (:meth:`RunCube.of`).
        targets: ``province, sector, target`` (annual growth rates).
        regions: Region of each province (index: province code).
        population: Population of each province (index: province code).
        paired: The records of the runs' shock-free pairs (same seeds, same order).
        tags: The economy's priority tags, for the priorities section.
        mining: Sector codes counted as mining (default ISIC 05-09).

    Returns:
        One row a run (in the cube's order), one column a metric (:data:`METRIC_KEYS`).
    """
    runs = cube.runs
    months = float(cube.months[-1] - cube.months[0])
    flat: dict[str, np.ndarray] = dict(_attainment(cube, targets, mining, months))
    parts = _components(cube, paired)
    gross = np.abs(parts["idle_recovered"]) + np.abs(parts["new_capacity"]) + np.abs(parts["exogenous"])
    ok = np.isfinite(gross) & (gross != 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        for key, value in (
            ("idle_recovered_share", parts["idle_recovered"]),
            ("new_capacity_share", parts["new_capacity"]),
            ("exogenous_share", parts["exogenous"]),
            ("endogenous_share", parts["idle_recovered"] + parts["new_capacity"]),
        ):
            flat[key] = np.where(ok, value / gross, np.nan)
    national = cube.summed("value_added")
    reference = None if paired is None else paired.summed("value_added")
    provinces, va = np.unique(cube.cell_province), cube.summed("value_added", "province")
    jobs = cube.summed("employment", "province", [0, -1])  # the first and last months
    band = 1.0 - endogeneity.REVERSAL_BAND
    flat["reversal_provinces"] = np.any(va[:, 1:] < va[:, :1] * band, axis=1).mean(axis=-1)
    va0, va1 = va[:, 0], va[:, -1]
    growth = np.asarray(cagr(va0, va1, months), float)
    growth = np.ascontiguousarray(growth)
    mean_growth = growth.mean(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        flat["cv_provincial_growth"] = np.where(mean_growth != 0, growth.std(axis=-1) / np.abs(mean_growth), np.nan)
    created = jobs[:, -1] - jobs[:, 0]
    flat["jobs_created"] = _sum(created)
    flat["bottleneck_share"] = _bottlenecks(cube)
    flat.update(_priorities(cube, paired, tags))
    codes = np.asarray(cube.province_codes)[provinces]
    pop = None if population is None else population.reindex(codes).to_numpy(float)
    groups = None if regions is None else regions.reindex(codes).fillna("unknown").to_numpy()
    rows = []
    shape = stability.many_moments(national)  # skewness and kurtosis of every run in one call
    for r in range(runs):
        row = {key: float(values[r]) for key, values in flat.items()}
        row["persistence"] = endogeneity.persistence(national[r])
        row["reversal"] = float(endogeneity.reversed_below_start(national[r]))
        row.update(stability.stability(national[r], None if reference is None else reference[r], shape[r]))
        row.update(_per_head(va0[r], va1[r], created[r], pop, groups, months))
        rows.append(row)
    return pd.DataFrame(rows, columns=list(METRIC_KEYS)).astype(float)


def _per_head(
    va0: np.ndarray, va1: np.ndarray, created: np.ndarray, pop: np.ndarray | None, groups, months: float
) -> dict[str, float]:
    """The per-head measures of :func:`analysis.metrics.inclusiveness.inclusiveness` for one run."""
    keys = ("theil", "theil_start", "gini", "beta_convergence", "jobs_lagging_share", "theil_between", "theil_within")
    out = dict.fromkeys(keys, float("nan"))
    if pop is None:
        return out
    y0, y1 = va0 / pop, va1 / pop
    out["theil"] = inclusiveness.theil_t(y1, pop)
    out["theil_start"] = inclusiveness.theil_t(y0, pop)
    out["gini"] = inclusiveness.gini(y1, pop)
    out["beta_convergence"] = inclusiveness.beta_convergence(y0, y1, months)
    poorest = inclusiveness.lagging(y0, pop)
    total = created.sum()
    out["jobs_lagging_share"] = float(created[poorest].sum() / total) if total > 0 else float("nan")
    if groups is not None:
        out["theil_between"], out["theil_within"] = inclusiveness.theil_split(y1, pop, groups)
    return out


__all__ = ["GROUPS", "RunCube", "many_metrics"]
