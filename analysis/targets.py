"""The ministry's growth targets by province and sector, and users' own target tables.

The ministry sets a target annual growth rate of value added for every activity (ISIC division)
in every province, leaning on *idle capacity*, the gap between current output and the highest
output of the last ten years (seed/policy_en.md, "How the targets were set"). For a cell ``c``
(province x sector) with current output ``x_c``, 10-year peak ``p_c``, installed capacity ``K_c``
and value-added share ``v_s``, over a horizon of ``H`` months:

1. idle ratio ``i_c = (p_c - x_c) / x_c`` (the ministry's definition);
2. input limit: a cell cannot grow faster than the suppliers of its critical inputs can expand,
   ``h_s = min_{j critical for s} (sum_p K_pj / sum_p x_pj - 1)``, the national capacity
   headroom of each critical supplier sector (Leontief complementarity: use of input ``j`` is
   proportional to output of ``s``);
3. readiness limit (infrastructure): operable capacity closes a share ``rho`` (the scenario's
   ``recovery_speed``) of its gap a month (Hallegatte 2008), so a share
   ``tau_H = 1 - (1 - rho)^H`` of it is back within the horizon; and only a share ``lambda``
   (``latent_demand_share``) of idle capacity has buyers waiting;
   recoverable ratio ``r_c = lambda tau_H min(i_c, h_s)``;
4. planned projects (``[policy] missing_link_projects`` and ``investment_guidance``) that come
   on stream within the horizon add capacity ``pi_c = C_c / x_c``, read as the simulator reads
   them (:func:`sim.engine.policy.compile_policy`): a missing-link project of ``capacity`` ``k`` in
   sector ``j`` adds ``C = k X_j`` to its cell, ``X_j`` the sector's national output; guided
   investment of ``amount`` ``a`` adds ``C = a x_c`` to each covered cell; a project counts when
   ``start + gestation_months <= H`` (it arrives in the first step of that month); the national
   programmes and large projects of the economy's ``projects.csv`` add capacity too
   (:mod:`analysis.national_projects`);
5. the growth a cell's own capacity carries, as an annual rate,
   ``g_c = (1 + r_c + pi_c)^(12 / H) - 1``;
6. scaling: targets ``t_c = k_K g_c`` with one factor per kind ``K`` (industry = manufacturing,
   mining) so that the value-added-weighted means are the ministry's averages,
   ``sum_{c in K} w_c t_c / sum_{c in K} w_c = T_K`` (8.2% industry, 5% mining), ``w_c = v_s x_c``.
   Targets thus follow idle capacity, as the ministry's do; where a kind has no recoverable
   capacity at all, every cell of it gets ``T_K``;
6'. one year alone (``year = K``, for comparing with a recorded target of one budget year): the
   level a cell's capacity in use can reach by month ``m`` is ``l_c(m) = r_c(m) + pi_c(m)``, with
   ``r_c(m) = lambda tau_m min(i_c, h_s)`` and ``pi_c(m)`` the projects on stream by month ``m``;
   year ``k`` averages it over its months, ``A_c(k) = (1/12) sum_{m=12(k-1)+1}^{12k} l_c(m)``
   (``A_c(0) = 0``: the year before the run at current output), and the growth of year ``K`` alone
   is ``g_c = (1 + A_c(K)) / (1 + A_c(K-1)) - 1``, scaled as in 6. A plant on stream in the last
   month of year ``K`` adds a twelfth of its capacity to that year's average;
7. provinces that need new fixed investment: a province's *share* of the plan is the national
   rate of its own mix, ``s_p = sum_{c in p} w_c T_K(c) / sum_{c in p} w_c``; its idle capacity
   cannot carry that share when its target falls below ``low_share`` times it,
   ``t_p < low_share s_p`` (``t_p`` the value-added-weighted mean of its cell targets). The seed:
   "a low target for a province means that the idle capacity its activities have experienced is
   small; in such provinces new development projects must be defined".

A user can give a table of their own (:func:`load_targets`, CSV ``province, sector, target``);
:func:`targets_for` picks the scenario's choice (``[policy] targets``: ``"ministry"`` or a CSV path
relative to the scenario file).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.national_projects import programme_path, programme_ratio
from sim.economy.tables import check_codes, read_table
from sim.economy.world import World
from sim.engine.policy import compile_policy
from sim.errors import InputError
from sim.scenario import TARGET_COLUMNS_SPEC, Scenario
from sim.scenario.parameters import ModelParameters
from sim.shocks.schedule import ShockSchedule

INDUSTRY_TARGET = 0.082
MINING_TARGET = 0.05
DEFAULT_HORIZON_MONTHS = 12
LOW_SHARE = 0.75


@dataclass
class TargetTable:
    """Targets by cell with their provincial and national aggregates.

    Attributes:
        cells: One row per province x sector with firms: ``province, sector, kind, value_added,
            idle_ratio, recoverable_ratio, project_ratio, carried_growth, target`` (annual growth
            rates and ratios as fractions; value added per month at month 0).
        provinces: One row per province: ``province, name, region, value_added, idle_ratio,
            carried_growth, share, target, needs_investment``.
        national: Rows ``industry, mining, nation``: ``value_added, idle_ratio, carried_growth,
            target`` (value-added-weighted means).
        needs_investment: Codes of provinces whose idle capacity cannot carry their share.
        horizon_months: Horizon the recoverable share was computed for.
        source: ``"ministry"`` or the path of the user's CSV.
        scale: The factors ``k_K`` by kind (``industry``, ``mining``); empty for a user's table.
        year: ``K`` when the targets are for year ``K`` of the run alone (rule 6'; then
            ``recoverable_ratio`` and ``project_ratio`` are their year-``K`` averages and
            ``horizon_months`` is ``12 K``); ``None`` for rates over the horizon.
    """

    cells: pd.DataFrame
    provinces: pd.DataFrame
    national: pd.DataFrame
    needs_investment: list[str]
    horizon_months: int
    source: str = "ministry"
    scale: dict[str, float] = field(default_factory=dict)
    year: int | None = None

    def target_frame(self) -> pd.DataFrame:
        """``province, sector, target``: the form :func:`analysis.metrics.run_metrics` takes."""
        return self.cells[["province", "sector", "target"]].copy()


def _world_and_scenario(world_or_scenario: World | Scenario) -> tuple[World, Scenario | None]:
    if isinstance(world_or_scenario, World):
        return world_or_scenario, None
    if isinstance(world_or_scenario, Scenario):
        from sim.engine.run import world_for

        return world_for(world_or_scenario), world_or_scenario
    raise TypeError(f"expected a World or a Scenario, got {type(world_or_scenario).__name__}")


def cell_base(world: World) -> pd.DataFrame:
    """Month-0 facts of every cell with firms: output, value added, peak, installed capacity.

    Cells are in the order of :class:`sim.record.Recorder` (sector-major), keyed by
    ``province, sector``.
    """
    economy = world.economy
    n_p, n_s = economy.n_provinces, economy.n_sectors
    cell = world.firms.cell
    output = np.bincount(cell, weights=world.output0, minlength=world.n_cells)
    peak = np.bincount(cell, weights=world.peak0, minlength=world.n_cells)
    installed = np.bincount(cell, weights=world.installed0, minlength=world.n_cells)
    sector_index = np.repeat(np.arange(n_s), n_p)
    frame = pd.DataFrame(
        {
            "province": np.tile(economy.province_codes, n_s),
            "sector": np.repeat(economy.sector_codes, n_p),
            "kind": np.where(economy.is_mining[sector_index], "mining", "industry"),
            "output": output,
            "value_added": output * economy.value_added_share[sector_index],
            "peak": peak,
            "installed": installed,
        }
    )
    return frame[economy.firm_counts.T.reshape(-1) > 0].reset_index(drop=True)


def input_headroom(world: World) -> pd.Series:
    """``h_s``: the least national capacity headroom ``K_j / x_j - 1`` over s's critical inputs.

    Sectors without critical inputs get ``inf`` (no input limit).
    """
    base = cell_base(world)
    by_sector = base.groupby("sector", sort=False)[["installed", "output"]].sum()
    economy = world.economy
    supplier = (by_sector["installed"] / by_sector["output"] - 1.0).reindex(economy.sector_codes).to_numpy()
    supplier = np.maximum(supplier, 0.0)
    masked = np.where(economy.critical, supplier[:, None], np.inf)  # (input j, output s)
    return pd.Series(masked.min(axis=0), index=economy.sector_codes, name="input_headroom")


def project_capacity(scenario: Scenario, world: World, horizon_months: float) -> np.ndarray:
    """New installed capacity per month that planned projects bring on stream within the horizon.

    One source of truth with the simulator: the scenario's ``[policy]`` is compiled by
    :func:`sim.engine.policy.compile_policy` over the steps of the horizon (the scenario's
    ``step_months``), and the capacity arriving in steps 1..n is summed. So a missing-link
    project adds ``capacity * X_j`` (``X_j`` its sector's national month-0 output) to its cell and
    guided investment adds ``amount * x_c`` to each covered cell, arriving in the first step whose
    month is at least ``start + gestation_months``; a project due after the horizon adds nothing.

    Returns:
        Capacity by flat cell (``sector * P + province``, every cell of the economy), (C,).
    """
    dt = scenario.parameters.step_months
    month = ShockSchedule.neutral(scenario.parameters.steps(horizon_months), 0, dt, shocked=frozenset()).month
    schedule = compile_policy(scenario, world, month)
    if schedule.new_capacity is None:
        return np.zeros(world.n_cells)
    return schedule.new_capacity.sum(axis=0)


def project_ratio(world: World, scenario: Scenario | None, horizon_months: float) -> np.ndarray:
    """``pi_c``: capacity of planned projects on stream within the horizon over the cell's output.

    Cells as in :func:`cell_base` (those with firms); zeros without a scenario.
    """
    has_firms = world.economy.firm_counts.T.reshape(-1) > 0
    if scenario is None:
        return np.zeros(int(has_firms.sum()))
    output = np.bincount(world.firms.cell, weights=world.output0, minlength=world.n_cells)
    return project_capacity(scenario, world, horizon_months)[has_firms] / output[has_firms]


def annualise(ratio: np.ndarray | float, months: float) -> np.ndarray | float:
    """Annual rate of a total growth ratio over ``months``: ``(1 + ratio)^(12 / months) - 1``."""
    return np.power(1.0 + np.asarray(ratio, dtype=float), 12.0 / months) - 1.0


def weighted_mean(values: pd.Series | np.ndarray, weights: pd.Series | np.ndarray) -> float:
    """``sum w x / sum w`` over the finite values (NaN when no weight is left)."""
    values, weights = np.asarray(values, float), np.asarray(weights, float)
    ok = np.isfinite(values) & np.isfinite(weights)
    total = weights[ok].sum()
    return float((weights[ok] * values[ok]).sum() / total) if total > 0 else float("nan")


def year_growth(levels: np.ndarray, year: int) -> np.ndarray:
    """``g_c`` of year ``K`` alone from the levels reached month by month (rule 6').

    ``A(k)`` is the mean of ``levels`` over months ``12(k-1)+1 .. 12k`` (``A(0) = 0``) and the
    growth is ``(1 + A(K)) / (1 + A(K-1)) - 1``.

    Args:
        levels: ``l_c(m)`` for months ``m = 1 .. 12 K`` (rows) and cells (columns), ``(12 K, C)``.
        year: ``K``, at least 1.
    """
    if year < 1 or levels.shape[0] != 12 * year:
        raise ValueError(f"need levels for months 1..{12 * year} of year {year}, got {levels.shape[0]} months")
    this = levels[12 * (year - 1) :].mean(axis=0)
    before = levels[12 * (year - 2) : 12 * (year - 1)].mean(axis=0) if year > 1 else 0.0
    return (1.0 + this) / (1.0 + before) - 1.0


def monthly_levels(
    world: World,
    scenario: Scenario | None,
    base: pd.DataFrame,
    potential: np.ndarray,
    params: ModelParameters,
    months: int,
) -> tuple[np.ndarray, np.ndarray]:
    """``r_c(m)`` and ``pi_c(m)`` for ``m = 1 .. months``, each ``(months, C)`` (rule 6').

    Args:
        world: The built world.
        scenario: Its scenario (planned projects; ``None``: none).
        base: :func:`cell_base` of the world.
        potential: ``lambda min(i_c, h_s)`` by cell.
        params: Model parameters (``recovery_speed``).
        months: How many months.

    Returns:
        ``(recovered, projects)``: ``r_c(m) = (1 - (1 - rho)^m) potential_c`` and ``pi_c(m)``, the
        scenario's planned projects (as :func:`project_ratio` counts them for a horizon of ``m``)
        plus the folder's programmes (:func:`analysis.national_projects.programme_path`).
    """
    m = np.arange(1, months + 1, dtype=float)
    recovered = (1.0 - (1.0 - params.recovery_speed) ** m)[:, None] * potential[None, :]
    data_dir = scenario.data_dir if scenario is not None else None
    planned = np.stack([project_ratio(world, scenario, k) for k in range(1, months + 1)])
    projects = planned + programme_path(base, data_dir, range(1, months + 1))
    return recovered, projects


def ministry_targets(
    world_or_scenario: World | Scenario,
    *,
    industry: float = INDUSTRY_TARGET,
    mining: float = MINING_TARGET,
    horizon_months: int | None = None,
    low_share: float = LOW_SHARE,
    year: int | None = None,
) -> TargetTable:
    """The ministry's targets (see the module docstring for the rules and equations).

    Args:
        world_or_scenario: A scenario (its economy, parameters, horizon and planned projects are
            used) or a built world (default parameters, no projects).
        industry: Value-added-weighted mean target of manufacturing cells (annual rate).
        mining: Value-added-weighted mean target of mining cells (annual rate).
        horizon_months: Months within which idle capacity is to come back (default: the
            scenario's horizon, or 12 for a world).
        low_share: A province needs new investment when its target is below this share of the
            national rate of its own industry/mining mix.
        year: Targets for year ``K`` of the run alone (rule 6'), instead of rates over a horizon;
            not together with ``horizon_months``.

    Returns:
        The target table.
    """
    world, scenario = _world_and_scenario(world_or_scenario)
    params = scenario.parameters if scenario is not None else ModelParameters()
    if year is not None:
        if horizon_months is not None:
            raise ValueError("give either year or horizon_months, not both")
        if year < 1:
            raise ValueError(f"year must be at least 1, got {year}")
        horizon_months = 12 * year
    if horizon_months is None:
        horizon_months = scenario.horizon_months if scenario is not None else DEFAULT_HORIZON_MONTHS
    if horizon_months <= 0:
        raise ValueError(f"horizon_months must be positive, got {horizon_months}")
    base = cell_base(world)
    idle = np.maximum(0.0, base["peak"] / base["output"] - 1.0).to_numpy()
    headroom = input_headroom(world).reindex(base["sector"]).to_numpy()
    if year is None:
        time_share = 1.0 - (1.0 - params.recovery_speed) ** horizon_months
        recoverable = params.latent_demand_share * time_share * np.minimum(idle, headroom)
        projects = project_ratio(world, scenario, horizon_months)
        projects = projects + programme_ratio(base, scenario.data_dir if scenario is not None else None, horizon_months)
        carried = annualise(recoverable + projects, horizon_months)
    else:
        potential = params.latent_demand_share * np.minimum(idle, headroom)
        recovered, arrived = monthly_levels(world, scenario, base, potential, params, horizon_months)
        carried = year_growth(recovered + arrived, year)
        recoverable, projects = recovered[-12:].mean(axis=0), arrived[-12:].mean(axis=0)
    means = {"industry": industry, "mining": mining}
    target = np.empty(len(base))
    scale: dict[str, float] = {}
    for kind, mean in means.items():
        mask = (base["kind"] == kind).to_numpy()
        if not mask.any():
            continue
        carried_mean = weighted_mean(carried[mask], base.loc[mask, "value_added"])
        if carried_mean > 0:
            scale[kind] = mean / carried_mean
            target[mask] = scale[kind] * carried[mask]
        else:
            scale[kind] = float("nan")
            target[mask] = mean
    cells = base[["province", "sector", "kind", "value_added"]].assign(
        idle_ratio=idle,
        recoverable_ratio=recoverable,
        project_ratio=projects,
        carried_growth=carried,
        target=target,
    )
    return _table(world, cells, means, horizon_months, "ministry", scale, low_share, year)


def _table(
    world: World,
    cells: pd.DataFrame,
    means: dict[str, float],
    horizon_months: int,
    source: str,
    scale: dict[str, float],
    low_share: float,
    year: int | None = None,
) -> TargetTable:
    """Aggregate cell targets to provinces and the nation and flag low-target provinces."""
    cells = cells.assign(share=cells["kind"].map(means))
    provinces_info = world.economy.provinces.set_index("code")

    def aggregate(group: pd.DataFrame) -> pd.Series:
        w = group["value_added"]
        return pd.Series(
            {
                "value_added": float(w.sum()),
                "idle_ratio": weighted_mean(group["idle_ratio"], w),
                "carried_growth": weighted_mean(group["carried_growth"], w),
                "share": weighted_mean(group["share"], w),
                "target": weighted_mean(group["target"], w),
            }
        )

    order = [code for code in world.economy.province_codes if code in set(cells["province"])]
    provinces = cells.groupby("province").apply(aggregate, include_groups=False).reindex(order).reset_index()
    provinces.insert(1, "name", provinces["province"].map(provinces_info["name"]))
    provinces.insert(2, "region", provinces["province"].map(provinces_info["region"]))
    provinces["needs_investment"] = provinces["target"] < low_share * provinces["share"]
    rows = {kind: aggregate(cells[cells["kind"] == kind]) for kind in ("industry", "mining")}
    rows["nation"] = aggregate(cells)
    national = pd.DataFrame(rows).T.drop(columns="share")
    needs = provinces.loc[provinces["needs_investment"], "province"].tolist()
    return TargetTable(
        cells=cells.drop(columns="share"),
        provinces=provinces,
        national=national,
        needs_investment=needs,
        horizon_months=horizon_months,
        source=source,
        scale=scale,
        year=year,
    )


def load_targets(path: str | Path) -> pd.DataFrame:
    """Read a user's target table: CSV with columns ``province, sector, target``.

    ``target`` is an annual growth rate as a fraction (0.08 for 8%), above -1. Codes are read as
    text; each (province, sector) at most once. The checks and their messages are those of every
    data-folder table (:func:`sim.tables.read_table`: rows counted from the first data row).

    Raises:
        InputError: Naming the file, the row or column and what was expected.
    """
    path = Path(path)
    table = read_table(path, TARGET_COLUMNS_SPEC, keys=["province", "sector"])
    at_minus_one = np.flatnonzero(table["target"].to_numpy(float) <= -1.0)
    if at_minus_one.size:
        row = int(at_minus_one[0]) + 1
        raise InputError(path, f"row {row}, column 'target'", "a number above -1 (an annual rate), got -1")
    return table[["province", "sector", "target"]].reset_index(drop=True)


def user_targets(world: World, path: str | Path, *, low_share: float = LOW_SHARE) -> TargetTable:
    """A user's target CSV as a :class:`TargetTable` (idle ratios from the economy, no scaling).

    Cells the file leaves out have no target (NaN) and are not judged.

    Raises:
        InputError: On a malformed file or a code the economy does not have.
    """
    table = load_targets(path)
    economy = world.economy
    check_codes(Path(path), table, "province", economy.province_codes, "province")
    check_codes(Path(path), table, "sector", economy.sector_codes, "sector")
    base = cell_base(world)
    idle = np.maximum(0.0, base["peak"] / base["output"] - 1.0)
    merged = base.merge(table, on=["province", "sector"], how="left")
    cells = merged[["province", "sector", "kind", "value_added"]].assign(
        idle_ratio=idle.to_numpy(),
        recoverable_ratio=np.nan,
        project_ratio=np.nan,
        carried_growth=np.nan,
        target=merged["target"].to_numpy(),
    )
    means = {
        kind: weighted_mean(cells.loc[cells["kind"] == kind, "target"], cells.loc[cells["kind"] == kind, "value_added"])
        for kind in ("industry", "mining")
    }
    return _table(world, cells, means, 0, str(path), {}, low_share)


def targets_source(scenario: Scenario) -> str | Path:
    """The scenario's choice of targets: ``"ministry"`` or the CSV path, resolved against its file."""
    choice = getattr(scenario.policy, "targets", None) or "ministry"
    if choice == "ministry":
        return "ministry"
    path = Path(choice)
    if not path.is_absolute() and scenario.path and Path(scenario.path).parent.is_dir():
        path = Path(scenario.path).parent / path
    return path


def targets_for(scenario: Scenario, *, horizon_months: int | None = None) -> TargetTable:
    """The targets a scenario is judged against (``[policy] targets``; default the ministry's)."""
    source = targets_source(scenario)
    if source == "ministry":
        return ministry_targets(scenario, horizon_months=horizon_months)
    from sim.engine.run import world_for

    return user_targets(world_for(scenario), source)
