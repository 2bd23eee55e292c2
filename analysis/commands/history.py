"""``growthsim history``: each recorded episode, recorded against simulated."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors
from analysis.writing import write_text_atomic


def history_table(
    runs: int, seed: int, workers: int | None, scenarios: Path | None, progress: bool, stochastic: Path | None = None
):
    """Simulate every episode of ``episodes.csv`` and compare it with the record.

    A ``scenarios`` folder other than the packaged one may hold some of the episodes' files only
    (another reading of a few episodes: ``scenarios/history/readings``); those are replayed.

    With ``stochastic``, the episodes borrow that scenario's ``[stochastic]`` table, so the runs
    differ and the band has a width.
    """
    import pandas as pd
    from tqdm.auto import tqdm

    from analysis.history.episodes import SCENARIO_DIR, replay, simulate_swings
    from analysis.history.records import episodes, growth_table
    from analysis.history.report import comparison_rows
    from analysis.montecarlo.executors import make_executor
    from sim.errors import InputError
    from sim.scenario import load_scenario

    growth = growth_table()
    folder = scenarios or SCENARIO_DIR
    chosen = [e for e in episodes() if scenarios is None or (folder / e.scenario).is_file()]
    if not chosen:
        names = ", ".join(e.scenario for e in episodes())
        raise InputError(folder, "--scenarios", f"a folder holding at least one episode file ({names})")
    rows = []
    random_shocks = None if stochastic is None else load_scenario(stochastic).stochastic.model_dump()
    executor = make_executor(workers)
    try:
        for episode in tqdm(chosen, desc="episodes", disable=not progress, leave=False):
            replayed = replay(episode, folder)
            scenario = replayed.scenario
            if random_shocks is not None:
                scenario = scenario.with_changes(stochastic=random_shocks)
            swings = simulate_swings(scenario, runs=runs, seed=seed, executor=executor, lead_years=replayed.lead_years)
            rows += comparison_rows(episode, swings, growth, replayed.lenders)
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
            Path | None,
            typer.Option(
                help="Folder of the episode scenarios (default: scenarios/history); another folder may hold"
                " some of the episodes only.",
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

        if scenarios is not None and not scenarios.is_dir():
            raise InputError(scenarios, "--scenarios", "a folder holding the episode scenario files")
        if stochastic is not None and not stochastic.is_file():
            raise InputError(stochastic, "--stochastic", "an existing scenario file")
        table = history_table(runs, seed, workers, scenarios, sys.stderr.isatty(), stochastic)
        typer.echo(format_table(table))
        borrowed = f", [stochastic] of {stochastic}" if stochastic is not None else ", no random shocks"
        typer.echo(f"\nseed {seed}, {runs} runs per episode{borrowed}")
        if out is not None:
            write_text_atomic(out, table.to_csv(index=False))
            typer.echo(f"wrote {out}")
