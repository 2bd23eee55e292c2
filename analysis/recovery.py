"""Recovery after shocks end: a run against its shock-free twin.

The *twin* of a scenario is the same scenario without its scheduled shocks (``[[shock]]``):
same economy, same seed, same random shocks (noise, outages, the uncertainty regime), same
policy. Every run draws its random shocks from its own generator in the same order whatever
the scheduled shocks do, so the twin sees the same noise, and the ratio of the two paths
isolates what the scheduled shocks did.

Measures, for national value added ``V_t`` and its twin's ``V*_t``:

- ``ratio_t = V_t / V*_t``;
- the *trough*: the month of the smallest ratio;
- the *last-year ratio*: ``sum V / sum V*`` over the last twelve months;
- the *input-bound share*: the share of output made by firms held back by their domestic
  inputs (``output_bound_by_inputs`` over ``output``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sim.scenario import Scenario

__all__ = ["RecoveryReport", "compare", "extended", "last_shock_month", "twin"]


def twin(scenario: Scenario) -> Scenario:
    """The shock-free twin: the scenario without its scheduled shocks (random shocks kept)."""
    return scenario.with_changes(shock=[], name=f"{scenario.name}_twin")


def extended(scenario: Scenario, horizon_months: int, open_shocks_end: int) -> Scenario:
    """The scenario run for ``horizon_months``, its open-ended shocks ending at ``open_shocks_end``.

    Args:
        scenario: The scenario.
        horizon_months: The new horizon.
        open_shocks_end: The last month of every shock with no ``end`` (e.g. seasonal energy cuts).
    """
    shocks = []
    for shock in scenario.shock:
        data = shock.model_dump()
        if data.get("end") is None:
            data["end"] = open_shocks_end
        shocks.append(data)
    return scenario.with_changes(horizon_months=horizon_months, shock=shocks)


def last_shock_month(scenario: Scenario) -> int:
    """The last month in which a scheduled shock is active (0 without shocks), capacity losses'
    linear recovery included."""
    last = 0
    for shock in scenario.shock:
        end = scenario.horizon_months if shock.end is None else shock.end
        end += int(np.ceil(getattr(shock, "recovery_months", 0.0)))
        last = max(last, end)
    return min(last, scenario.horizon_months)


def _by_month(trajectories: pd.DataFrame, by: str | None) -> pd.DataFrame:
    keys = ["month"] if by is None else ["month", by]
    frame = trajectories.assign(input_bound=trajectories["output_bound_by_inputs"])
    return frame.groupby(keys, sort=True)[["value_added", "output", "input_bound"]].sum()


@dataclass(frozen=True)
class RecoveryReport:
    """A run against its twin, month by month (month 0, the start, excluded).

    Attributes:
        value_added: National value added, by month.
        twin_value_added: The twin's.
        ratio: National value added over the twin's, by month.
        province_ratio: Provincial value added over the twin's, (months, provinces).
        input_bound: Input-bound share of national output, by month.
        twin_input_bound: The twin's.
        last_shock: Last month with a scheduled shock active.
    """

    value_added: pd.Series
    twin_value_added: pd.Series
    ratio: pd.Series
    province_ratio: pd.DataFrame
    input_bound: pd.Series
    twin_input_bound: pd.Series
    last_shock: int

    @property
    def trough_month(self) -> int:
        """Month of the smallest national ratio."""
        return int(self.ratio.idxmin())

    @property
    def trough(self) -> float:
        """The smallest national ratio."""
        return float(self.ratio.min())

    @property
    def last_year(self) -> float:
        """``sum V / sum V*`` over the last twelve months."""
        return float(self.value_added.iloc[-12:].sum() / self.twin_value_added.iloc[-12:].sum())

    def worst_gap_after(self, month: int) -> float:
        """Largest ``|ratio - 1|`` nationally or in any province from ``month`` on."""
        national = float(np.abs(self.ratio.loc[month:] - 1.0).max())
        provincial = float(np.abs(self.province_ratio.loc[month:] - 1.0).to_numpy().max())
        return max(national, provincial)


def compare(trajectories: pd.DataFrame, twin_trajectories: pd.DataFrame, last_shock: int) -> RecoveryReport:
    """Compare a run's results table with its twin's (``Results.trajectories`` of both).

    Args:
        trajectories: The run's month x province x sector table.
        twin_trajectories: The twin's.
        last_shock: Last month with a scheduled shock active (:func:`last_shock_month`).
    """
    run, base = _by_month(trajectories, None), _by_month(twin_trajectories, None)
    ratio = (run["value_added"] / base["value_added"]).iloc[1:]
    prov_run = _by_month(trajectories, "province")["value_added"].unstack()
    prov_base = _by_month(twin_trajectories, "province")["value_added"].unstack()
    return RecoveryReport(
        value_added=run["value_added"].iloc[1:],
        twin_value_added=base["value_added"].iloc[1:],
        ratio=ratio,
        province_ratio=(prov_run / prov_base).iloc[1:],
        input_bound=(run["input_bound"] / run["output"]).iloc[1:],
        twin_input_bound=(base["input_bound"] / base["output"]).iloc[1:],
        last_shock=last_shock,
    )
