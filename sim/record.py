"""Recording: province x sector aggregates every step, firm rows on request, the rolling peak.

The rolling 10-year peak of a firm at month t is

    peak_t = max(x0 * max(history[cell, t:]), max(x_{t-W+1..t}))

the larger of what remains of the pre-run history in the window and the simulated months in it
(W = 120 months). For runs up to W months the simulated part is a running maximum; longer runs
keep a ring buffer of the last W steps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.state import LIMIT_NAMES, State
from sim.world import World

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
    "input_stock",
    *[f"limited_by_{name}" for name in LIMIT_NAMES],
    "energy_availability",
    "import_availability",
    "productivity",
    "uncertainty_high",
)
LIMIT_START = CELL_COLUMNS.index(f"limited_by_{LIMIT_NAMES[0]}")
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

    Args:
        world: The world (cells, history).
        n_steps: Steps in the run.
        dt: Step length in months.
        firms: Whether to keep firm-level rows.
    """

    def __init__(self, world: World, n_steps: int, dt: float, firms: bool = False) -> None:
        self.world = world
        self.dt = dt
        self.n_steps = n_steps
        self.cells = np.zeros((n_steps + 1, world.n_cells, len(CELL_COLUMNS)))
        self.firm_rows = np.zeros((n_steps + 1, world.n_firms, len(FIRM_COLUMNS))) if firms else None
        self.window_steps = max(1, round(WINDOW_MONTHS / dt))
        self.ring = np.zeros((self.window_steps, world.n_firms)) if n_steps > self.window_steps else None
        self.sim_max = np.zeros(world.n_firms)

    def update_peak(self, state: State) -> None:
        """Roll the 10-year peak forward by one step (exact, see the module docstring)."""
        world = self.world
        month = min(int(np.ceil(state.step * self.dt - 1e-9)), world.history_peak.shape[1] - 1)
        pre = world.output0 * world.history_peak[world.firms.cell, month]
        if self.ring is None:
            self.sim_max = np.maximum(self.sim_max, state.output)
        else:
            self.ring[state.step % self.window_steps] = state.output
            filled = min(state.step, self.window_steps)
            self.sim_max = self.ring[:filled].max(axis=0) if filled < self.window_steps else self.ring.max(axis=0)
        state.peak = np.maximum(pre, self.sim_max)

    def _stock_by_firm(self, state: State) -> np.ndarray:
        """Input stocks summed over each firm's pairs."""
        return np.bincount(self.world.network.pair_buyer, weights=state.stock, minlength=self.world.n_firms)

    def record(self, state: State) -> None:
        """Store the aggregates of the current state at row ``state.step``."""
        world = self.world
        cell, n_cells = world.firms.cell, world.n_cells
        out = state.output
        limits = [np.where(state.limit == k, out, 0.0) for k in range(len(LIMIT_NAMES))]
        columns = [
            out,
            out * world.value_added_share,
            state.installed * state.capacity_factor,
            state.operable,
            state.peak,
            np.maximum(0.0, state.peak - out),
            state.employment,
            state.final_demand,
            state.unmet,
            state.latent_served,
            self._stock_by_firm(state),
            *limits,
            # Means over the cell's firms weighted by size (weights sum to one in a cell).
            state.energy * world.firms.weight,
            state.import_availability * world.firms.weight,
            state.productivity * world.firms.weight,
        ]
        row = self.cells[state.step]
        for k, values in enumerate(columns):
            row[:, k] = np.bincount(cell, weights=values, minlength=n_cells)
        row[:, len(columns)] = float(state.uncertainty_high)
        limits_at = slice(LIMIT_START, LIMIT_START + len(LIMIT_NAMES))
        totals = row[:, 0]
        with np.errstate(divide="ignore", invalid="ignore"):
            row[:, limits_at] = np.where(totals[:, None] > 0, row[:, limits_at] / totals[:, None], 0.0)
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

    def trajectories(self) -> pd.DataFrame:
        """One row per month x province x sector (cells without firms left out)."""
        world = self.world
        economy = world.economy
        n_p = economy.n_provinces
        has_firms = economy.firm_counts.T.reshape(-1) > 0
        cells = np.flatnonzero(has_firms)
        steps = self.cells.shape[0]
        month = np.arange(steps) * self.dt
        frame = pd.DataFrame(self.cells[:, cells, :].reshape(-1, len(CELL_COLUMNS)), columns=CELL_COLUMNS)
        province = np.array(economy.province_codes)[cells % n_p]
        sector = np.array(economy.sector_codes)[cells // n_p]
        frame.insert(0, "sector", np.tile(sector, steps))
        frame.insert(0, "province", np.tile(province, steps))
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
        frame.insert(0, "sector", np.tile(np.array(world.economy.sector_codes)[world.firms.sector], steps))
        frame.insert(
            0,
            "province",
            np.tile(np.array(world.economy.province_codes)[world.firms.province], steps),
        )
        frame.insert(0, "firm", np.tile(np.arange(n), steps))
        frame.insert(0, "month", np.repeat(np.arange(steps) * self.dt, n))
        return frame
