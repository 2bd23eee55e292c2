"""Out of sample: leave one episode out, fit on the others, predict it.

For each episode ``e`` of the spec: fit the spec's parameters on the other episodes only
(:func:`analysis.calibration.fit.calibrate`, into ``out/<e>/``), then simulate ``e`` at the fitted
values with ``runs`` seeds, random shocks borrowed from the ``[stochastic]`` table of a volatility
scenario (so the prediction has a band), and compare the median and 90% band of its swings with
the recorded range (:mod:`analysis.history.report`). The table is ``out/leave_one_out.csv``; the
figure ``out/leave_one_out.png`` draws each held-out swing, simulated against recorded.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.calibration.fit import calibrate
from analysis.calibration.msm import split_parameters, with_imports
from analysis.calibration.spec import CalibrationSpec
from analysis.history.episodes import replay, simulate_swings
from analysis.history.records import episodes, growth_table
from analysis.history.report import comparison_rows
from analysis.writing import write_text_atomic
from sim.scenario import load_scenario


def predict(
    episode,
    parameters: dict,
    runs: int,
    seed: int,
    stochastic: Path | None,
    scenario_dir: Path | None,
    imports: dict | None = None,
) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Simulated swings of one episode at given parameters (random shocks from ``stochastic``), and
    the episodes whose recorded shocks its replay carries (:func:`analysis.history.episodes.replay`)."""
    replayed = replay(episode, scenario_dir, parameters)
    scenario = with_imports(replayed.scenario, imports or {})
    if stochastic is not None:
        scenario = scenario.with_changes(stochastic=load_scenario(stochastic).stochastic.model_dump())
    return simulate_swings(scenario, runs=runs, seed=seed, lead_years=replayed.lead_years), replayed.lenders


def leave_one_out(
    spec: CalibrationSpec,
    out: str | Path,
    *,
    runs: int = 8,
    stochastic: Path | None = None,
    executor=None,
    scenario_dir: Path | None = None,
    progress: bool = False,
) -> pd.DataFrame:
    """Fit without each episode in turn and predict it (see the module docstring)."""
    out = Path(out)
    chosen = [e for e in episodes() if not spec.episodes or e.name in spec.episodes]
    for held in chosen:
        others = [e.name for e in chosen if e.name != held.name]
        calibrate(
            spec.model_copy(update={"episodes": others}),
            out / held.name,
            executor=executor,
            scenario_dir=scenario_dir,
            progress=progress,
            standard_errors=False,
        )
    return table_from_fits(
        out, [e.name for e in chosen], runs=runs, seed=spec.seed, stochastic=stochastic, scenario_dir=scenario_dir
    )


def table_from_fits(
    out: str | Path,
    names: list[str],
    *,
    runs: int = 8,
    seed: int = 0,
    stochastic: Path | None = None,
    scenario_dir: Path | None = None,
) -> pd.DataFrame:
    """The out-of-sample table from the fits stored in ``out/<episode>/fitted.json`` (no refitting)."""
    out = Path(out)
    growth = growth_table()
    by_name = {e.name: e for e in episodes()}
    rows = []
    for name in names:
        held = by_name[name]
        fitted = json.loads((out / name / "fitted.json").read_text(encoding="utf-8"))
        values = {key: record["value"] for key, record in fitted["parameters"].items()}
        others = " ".join(e for e in fitted["spec"]["episodes"])
        model, _, imports = split_parameters(values)
        swings, lenders = predict(held, model, runs, seed, stochastic, scenario_dir, imports)
        for row in comparison_rows(held, swings, growth, lenders):
            rows.append({**row, "fitted_on": others, **{f"fit:{k}": v for k, v in values.items()}})
    table = pd.DataFrame(rows)
    write_text_atomic(out / "leave_one_out.csv", table.to_csv(index=False))
    figure(table, out / "leave_one_out.png")
    return table


def figure(table: pd.DataFrame, path: Path) -> None:
    """Held-out swings: recorded range (bar) against simulated median and 90% band (point, whisker)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 3.8))
    labels = [f"{e}\nyear {y}" for e, y in zip(table["episode"], table["year"], strict=True)]
    x = np.arange(len(table))
    low, high = table["recorded_low"].to_numpy(float), table["recorded_high"].to_numpy(float)
    ax.bar(x, high - low, bottom=low, width=0.5, color="0.8", label="recorded range")
    median = table["simulated_median"].to_numpy(float)
    err = np.vstack([median - table["simulated_q05"], table["simulated_q95"] - median])
    ax.errorbar(x, median, yerr=err, fmt="o", color="C3", capsize=3, label="simulated, held out (90% band)")
    ax.axhline(0.0, color="0.4", lw=0.5)
    ax.set_xticks(x, labels, fontsize=6)
    ax.set_ylabel("swing vs shock-free twin, points")
    ax.legend(frameon=False, fontsize=7)
    fig.tight_layout()
    tmp = path.with_suffix(".tmp.png")
    fig.savefig(tmp, dpi=110)
    plt.close(fig)
    tmp.replace(path)
