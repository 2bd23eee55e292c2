"""``growthsim history``: each recorded episode, recorded against simulated."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors
from analysis.writing import write_text_atomic


def history_table(
    runs: int,
    seed: int,
    workers: int | None,
    scenarios: Sequence[Path] | Path | None,
    progress: bool,
    stochastic: Path | None = None,
):
    """Simulate the episodes and compare each with the record.

    Without ``scenarios``, every episode of ``episodes.csv`` from its packaged file. Otherwise the
    files named (a file, or a folder's ``*.toml`` files), each matched to the episode it replays
    (:mod:`analysis.history.files`): some of the episodes only, or several readings of one. Each
    is replayed with the other episodes' shocks from its own folder where they are there, else
    from the packaged files (:func:`analysis.history.episodes.replay`).

    With ``stochastic``, the episodes borrow that scenario's ``[stochastic]`` table, so the runs
    differ and the band has a width.

    Returns:
        The rows of :func:`analysis.history.report.comparison_rows`, with ``file``, the scenario
        file replayed.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from analysis.history.episodes import SCENARIO_DIR, replay, simulate_swings
    from analysis.history.files import EpisodeFile, episode_files
    from analysis.history.records import episodes, growth_table
    from analysis.history.report import comparison_rows
    from analysis.montecarlo.executors import make_executor
    from sim.scenario import load_scenario

    growth = growth_table()
    catalogue = episodes()
    if scenarios is None:
        chosen = [EpisodeFile(e, SCENARIO_DIR / e.scenario) for e in catalogue]
    else:
        chosen = episode_files([scenarios] if isinstance(scenarios, Path) else list(scenarios), catalogue)
    rows = []
    random_shocks = None if stochastic is None else load_scenario(stochastic).stochastic.model_dump()
    executor = make_executor(workers)
    try:
        for item in tqdm(chosen, desc="episodes", disable=not progress, leave=False):
            replayed = replay(item.episode, item.path.parent, path=item.path, catalogue=catalogue)
            scenario = replayed.scenario
            if random_shocks is not None:
                scenario = scenario.with_changes(stochastic=random_shocks)
            swings = simulate_swings(scenario, runs=runs, seed=seed, executor=executor, lead_years=replayed.lead_years)
            rows += [
                {**row, "file": str(item.path)}
                for row in comparison_rows(item.episode, swings, growth, replayed.lenders)
            ]
    finally:
        executor.close()
    return pd.DataFrame(rows)


def register(app: typer.Typer) -> None:
    """Add ``history`` to the command line."""

    @app.command()
    @user_errors
    def history(
        runs: Annotated[int, typer.Option(help="Seeds per episode (each with its shock-free twin).", min=1)] = 8,
        seed: Annotated[int, typer.Option(help="Master seed (common to episode and twin).", min=0)] = 0,
        workers: Annotated[int, typer.Option(help="Local worker processes (1 = this process).", min=1)] = 1,
        scenarios: Annotated[
            list[Path] | None,
            typer.Option(
                help="Episode files to replay: a scenario file, or a folder's *.toml files (default: the"
                " packaged scenarios/history); may be given several times. A file replays the episode"
                " whose file name it has, else whose name its scenario's name is or its file name"
                " starts with.",
            ),
        ] = None,
        out: Annotated[Path | None, typer.Option(help="Also write the comparison to this CSV file.")] = None,
        stochastic: Annotated[
            Path | None,
            typer.Option(
                help="Scenario whose \\[stochastic] table the episodes borrow (e.g. scenarios/volatility.toml).",
            ),
        ] = None,
    ) -> None:
        """Each recorded episode (2012, 2018, 2021, 2022-23): recorded swing against simulated."""
        import sys

        from analysis.history.report import format_table
        from sim.errors import InputError

        if stochastic is not None and not stochastic.is_file():
            raise InputError(stochastic, "--stochastic", "an existing scenario file")
        table = history_table(runs, seed, workers, scenarios or None, sys.stderr.isatty(), stochastic)
        typer.echo(format_table(table))
        borrowed = f", [stochastic] of {stochastic}" if stochastic is not None else ", no random shocks"
        typer.echo(f"\nseed {seed}, {runs} runs per episode{borrowed}")
        if out is not None:
            write_text_atomic(out, table.to_csv(index=False))
            typer.echo(f"wrote {out}")
