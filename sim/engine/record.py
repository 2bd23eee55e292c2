"""Recording: province x sector aggregates every step, firm rows on request, the rolling peak.

The rolling 10-year peak of a firm at month t is

    peak_t = max(x0 * max(history[cell, t:]), max(x_{t-W+1..t}))

the larger of what remains of the pre-run history in the window and the simulated months in it
(W = 120 months). For runs up to W months the simulated part is a running maximum; longer runs
keep a ring buffer of the last W steps.

What held output back, by cell: ``output_bound_by_c`` is the output made by firms whose binding
constraint is ``c`` (demand, readiness, energy, inputs, imports; the five sum to ``output``);
``potential_output`` the sum of the firms' ``min(q, K_inst kappa z)`` (``State.potential``); and
``output_lost_to_c = sum over firms bound by c of (potential - output)`` for the four constraints
other than demand (a firm bound by demand makes what it planned, within the 1e-9 tolerance).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.economy.world import World
from sim.engine import buffers
from sim.engine.state import LIMIT_NAMES, State
from sim.kernels import segments
from sim.kernels.segments import segment_sum

WINDOW_MONTHS = 120

CELL_COLUMNS = (
    "output",
    "value_added",
    "installed_capacity",
    "operable_capacity",
    "peak_output",
    "idle_capacity",
    "employment",
    "final_demand",
    "unmet_demand",
    "latent_demand_served",
    "exports",
    "unmet_final_demand",
    "input_stock",
    *[f"output_bound_by_{name}" for name in LIMIT_NAMES],
    "potential_output",
    *[f"output_lost_to_{name}" for name in LIMIT_NAMES[1:]],
    "energy_availability",
    "import_availability",
    "productivity",
    "uncertainty_high",
)
LIMIT_START = CELL_COLUMNS.index(f"output_bound_by_{LIMIT_NAMES[0]}")
LOST_START = CELL_COLUMNS.index(f"output_lost_to_{LIMIT_NAMES[1]}")
CELL_INDEX = {name: k for k, name in enumerate(CELL_COLUMNS)}
FIRM_COLUMNS = (
    "output",
    "installed_capacity",
    "operable_capacity",
    "peak_output",
    "employment",
    "unmet_demand",
    "limit",
)


class Recorder:
    """Collects aggregates by cell (and optionally firm rows) into preallocated arrays.

    An ensemble of ``runs`` runs (:mod:`sim.engine.ensemble`) records state arrays with a leading run
    axis, (R, N) and (R, P), into one record per run, ``store[r]``; every sum is taken over the
    same terms in the same order as a run alone, so each run's record is that run's, bit for bit.

    Args:
        world: The world (cells, history).
        n_steps: Steps in the run.
        dt: Step length in months.
        firms: Whether to keep firm-level rows (runs alone only).
        runs: Runs of an ensemble; ``None`` for a run alone.
    """

    def __init__(self, world: World, n_steps: int, dt: float, firms: bool = False, runs: int | None = None) -> None:
        self.world = world
        self.dt = dt
        self.n_steps = n_steps
        self.runs = runs
        lead = () if runs is None else (runs,)
        shape = (*lead, len(CELL_COLUMNS), n_steps + 1, world.n_cells)
        if firms and runs is not None:
            raise ValueError("firm rows are recorded for runs alone, not for ensembles")
        self.firm_rows = np.zeros((n_steps + 1, world.n_firms, len(FIRM_COLUMNS))) if firms else None
        self.window_steps = max(1, round(WINDOW_MONTHS / dt))
        self.ring = np.zeros((self.window_steps, *lead, world.n_firms)) if n_steps > self.window_steps else None
        self.sim_max = np.zeros((*lead, world.n_firms))
        self.pre_month, self.pre = -1, np.zeros(world.n_firms)
        # Firms are sorted by cell and pairs by buyer, so a cell's firms and its pairs are contiguous
        # and sums by cell are reduceat over the cells that have firms (or pairs).
        firms, n_cells = world.firms, world.n_cells
        firm_count = np.diff(firms.cell_start)
        self.filled = np.flatnonzero(firm_count > 0)
        self.firm_starts = firms.cell_start[self.filled]
        pair_start = np.searchsorted(world.network.pair_buyer, firms.cell_start)
        self.with_pairs = np.flatnonzero(np.diff(pair_start) > 0)
        self.pair_starts = pair_start[self.with_pairs]
        self.limit_key = firms.cell * len(LIMIT_NAMES)
        self.limit_bins = n_cells * len(LIMIT_NAMES)
        self.all_filled = self.filled.size == n_cells
        self.one_per_cell = bool((firm_count[self.filled] == 1).all())  # sector-level economies
        self.unit_weight = bool((firms.weight == 1.0).all())  # (a firm alone in its cell): x * 1.0 is x
        # An ensemble's firm columns in one compiled pass a run (sim.kernels.segments), where cells hold firms.
        self.firm_columns = np.array([CELL_INDEX[name] for name in segments.FIRM_COLUMNS], dtype=np.intp)
        self.firm_cell = firms.cell.astype(np.intp)
        self.segment_starts, self.segment_cells = self.firm_starts.astype(np.intp), self.filled.astype(np.intp)
        self._work: np.ndarray | None = None
        # Column-major: one contiguous (steps, cells) plane per column, so the results table's
        # columns are views of it (see ``cells`` for the (steps, cells, columns) view). The last
        # run's buffer is reused if free. A run alone's is zeroed, all pages touched now (not a few
        # at every step). An ensemble's is not: its steps are recorded one after the other to the
        # last (:func:`sim.run_ensemble`), and :meth:`record` writes every entry of a step's row
        # but those of cells without firms (or without input lines), zeroed here once; a row
        # past the last step recorded holds no meaning.
        if runs is None:
            self.store = buffers.zeroed(shape)
        else:
            self.store = buffers.unset(shape)
            self.store[..., np.setdiff1d(np.arange(n_cells), self.filled)] = 0.0
            without_pairs = np.setdiff1d(np.arange(n_cells), self.with_pairs)
            self.store[..., CELL_INDEX["input_stock"], :, without_pairs] = 0.0

    @property
    def cells(self) -> np.ndarray:
        """The records as (steps, cells, columns) (a view), columns as in ``CELL_COLUMNS``; (R, ...) in an ensemble."""
        return np.moveaxis(self.store, -3, -1)

    def update_peak(self, state: State) -> None:
        """Roll the 10-year peak forward by one step (exact, see the module docstring).

        With a ring buffer of the last W outputs (runs longer than the window), the maximum is
        kept incrementally: the output leaving the window can only lower the maximum where it
        was the maximum, and only those firms' windows are searched again.
        """
        world = self.world
        month = min(int(np.ceil(state.step * self.dt - 1e-9)), world.history_peak.shape[1] - 1)
        if month != self.pre_month:  # the pre-run part changes once a month
            self.pre_month = month
            self.pre = world.output0 * world.history_peak[world.firms.cell, month]
        pre = self.pre
        if self.ring is None:
            np.maximum(self.sim_max, state.output, out=self.sim_max)
        else:
            slot = state.step % self.window_steps
            stale = self.ring[slot] >= self.sim_max  # the output leaving the window was the maximum
            self.ring[slot] = state.output
            np.maximum(self.sim_max, state.output, out=self.sim_max)
            if stale.any():
                self.sim_max[stale] = self.ring[:, stale].max(axis=0)
        state.peak = np.maximum(pre, self.sim_max)

    def record(self, state: State) -> None:
        """Store the aggregates of the current state at row ``state.step``.

        A cell's value is the sum over its firms (``reduceat`` over the contiguous firms of a
        cell), or the firm's own value where every cell holds one firm (sector-level economies);
        the ``output_bound_by_*`` and ``output_lost_to_*`` columns sum output, and potential
        output less output, over the firms each constraint binds.
        """
        world = self.world
        out = state.output
        rows = self.store[..., state.step, :]  # (columns, cells) view of this step; (R, columns, cells)
        weight = None if self.unit_weight else world.firms.weight
        kernel = None if (self.runs is None or self.one_per_cell) else segments.firm_columns_kernel()
        if kernel is not None and out.ndim == 2 and self.filled.size:  # an ensemble: one compiled pass a run
            if self._work is None:  # a cell's firms by column (sim.kernels.segments)
                largest_cell = int(np.diff(np.append(self.segment_starts, world.n_firms)).max())
                self._work = np.empty((largest_cell, len(segments.FIRM_COLUMNS)))
            segments.record_firm_columns(
                kernel,
                state,
                world.value_added_share,
                weight,
                self.segment_starts,
                self.segment_cells,
                self.firm_columns,
                self.firm_cell,
                len(LIMIT_NAMES),
                LIMIT_START,
                LOST_START,
                rows,
                self._work,
            )
            self._record_rest(state, rows)
            return
        columns = (
            ("output", out),
            ("value_added", out * world.value_added_share),
            ("installed_capacity", state.installed * state.capacity_factor),
            ("operable_capacity", state.operable),
            ("peak_output", state.peak),
            ("idle_capacity", np.maximum(0.0, state.peak - out)),
            ("employment", state.employment),
            ("final_demand", state.final_demand),
            ("unmet_demand", state.unmet),
            ("latent_demand_served", state.latent_served),
            ("exports", state.exports),
            ("unmet_final_demand", state.unmet_final),
            ("potential_output", state.potential),
            # Means over the cell's firms weighted by size (weights sum to one in a cell).
            ("energy_availability", state.energy if weight is None else state.energy * weight),
            (
                "import_availability",
                state.import_availability if weight is None else state.import_availability * weight,
            ),
            ("productivity", state.productivity if weight is None else state.productivity * weight),
        )
        if self.one_per_cell and self.all_filled:
            for name, values in columns:
                rows[..., CELL_INDEX[name], :] = values
        else:
            for name, values in columns:
                sums = values if self.one_per_cell else segment_sum(values, self.firm_starts)
                rows[..., CELL_INDEX[name], self.filled] = sums
        self._record_rest(state, rows)
        n_limits = len(LIMIT_NAMES)
        key = self.limit_key + state.limit  # (cell, binding constraint) of every firm
        bins = self.limit_bins
        if self.runs is not None:  # one bincount over the runs: each run's bins apart, each summed in the run's order
            key = (key + (np.arange(self.runs) * bins)[:, None]).reshape(-1)
            bins *= self.runs
        bound = np.bincount(key, weights=out.reshape(-1), minlength=bins).reshape(*out.shape[:-1], -1, n_limits)
        rows[..., LIMIT_START : LIMIT_START + n_limits, :] = np.swapaxes(bound, -1, -2)
        gap = state.potential - out  # >= 0: output <= planned and readiness <= capacity in place
        lost = np.bincount(key, weights=gap.reshape(-1), minlength=bins).reshape(*out.shape[:-1], -1, n_limits)
        # a firm bound by demand loses nothing
        rows[..., LOST_START : LOST_START + n_limits - 1, :] = np.swapaxes(lost, -1, -2)[..., 1:, :]
        if self.firm_rows is not None:
            self.firm_rows[state.step] = np.column_stack(
                [
                    out,
                    state.installed * state.capacity_factor,
                    state.operable,
                    state.peak,
                    state.employment,
                    state.unmet,
                    state.limit,
                ]
            )

    def _record_rest(self, state: State, rows: np.ndarray) -> None:
        """The input stocks by cell and the uncertainty regime into the step's ``rows``."""
        if self.pair_starts.size:
            stock = segment_sum(state.stock, self.pair_starts)  # reduceat
            rows[..., CELL_INDEX["input_stock"], self.with_pairs] = stock
        high = state.uncertainty_high
        rows[..., CELL_INDEX["uncertainty_high"], :] = float(high) if np.ndim(high) == 0 else high

    def trajectories(self, copy: bool = True, run: int | None = None) -> pd.DataFrame:
        """One row per month x province x sector (cells without firms left out).

        Args:
            copy: Give the table its own data. ``False`` lets it share the recorder's buffer when
                every cell has firms (no copy at all): for a caller that steps no further and
                takes the table once, as :func:`sim.run` does.
            run: The run of an ensemble whose table to give (required for ensembles).
        """
        world = self.world
        economy = world.economy
        n_p = economy.n_provinces
        has_firms = economy.firm_counts.T.reshape(-1) > 0
        cells = np.flatnonzero(has_firms)
        if (run is None) != (self.runs is None):
            raise ValueError("trajectories of an ensemble are taken run by run (run=r), of a run alone without run")
        store = self.store if run is None else self.store[run]
        steps = store.shape[1]
        month = np.arange(steps) * self.dt
        shared = has_firms.all() and not copy
        planes = store if shared else store[:, :, cells]  # fancy indexing copies
        # A (rows, columns) view whose transpose, the block pandas keeps, is contiguous by column.
        frame = pd.DataFrame(planes.reshape(len(CELL_COLUMNS), -1).T, columns=list(CELL_COLUMNS), copy=False)
        sector = pd.Categorical.from_codes(np.tile(cells // n_p, steps), categories=economy.sector_codes)
        province = pd.Categorical.from_codes(np.tile(cells % n_p, steps), categories=economy.province_codes)
        frame.insert(0, "sector", sector)
        frame.insert(0, "province", province)
        frame.insert(0, "month", np.repeat(month, cells.size))
        if self.dt == 1.0:
            frame["month"] = frame["month"].astype(np.int64)
        return frame

    def firm_table(self) -> pd.DataFrame | None:
        """Firm-level rows (month, firm, province, sector, values), if kept."""
        if self.firm_rows is None:
            return None
        world = self.world
        steps, n = self.firm_rows.shape[:2]
        frame = pd.DataFrame(self.firm_rows.reshape(-1, len(FIRM_COLUMNS)), columns=FIRM_COLUMNS)
        frame["limit"] = pd.Categorical.from_codes(frame["limit"].astype(np.int64), categories=list(LIMIT_NAMES))
        economy = world.economy
        sector = pd.Categorical.from_codes(np.tile(world.firms.sector, steps), categories=economy.sector_codes)
        province = pd.Categorical.from_codes(np.tile(world.firms.province, steps), categories=economy.province_codes)
        frame.insert(0, "sector", sector)
        frame.insert(0, "province", province)
        frame.insert(0, "firm", np.tile(np.arange(n), steps))
        frame.insert(0, "month", np.repeat(np.arange(steps) * self.dt, n))
        return frame
