"""``growthsim analyze DIR``: the metrics of a run folder or a Monte Carlo store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors
from analysis.writing import write_texts_atomic

RUN_FILES = ("metrics.json", "summary.txt")
STORE_FILES = ("metrics_summary.json", "metrics_summary.txt")


def register(app: typer.Typer) -> None:
    """Add ``analyze`` to the command line."""

    @app.command()
    @user_errors
    def analyze(
        folder: Annotated[Path, typer.Argument(help="A run folder (growthsim run --out) or a batch store.")],
        no_pair: Annotated[
            bool,
            typer.Option("--no-pair", help="Do not rerun the shock-free pair (no endogeneity split)."),
        ] = False,
    ) -> None:
        """Attainment, endogeneity, stability, inclusiveness and the five priorities of a run or batch.

        A run folder gets DIR/metrics.json and DIR/summary.txt; a store (manifest kind "batch")
        gets STORE/metrics_summary.json and STORE/metrics_summary.txt with distributions over runs.
        """
        from analysis.analyzable import check_run_analyzable, explained
        from analysis.metrics import analyze_run, analyze_store, is_store
        from analysis.metrics.run_dir import plain
        from analysis.metrics.text import run_summary, store_summary
        from analysis.progress import Stages
        from sim.errors import InputError

        if not folder.is_dir():
            raise InputError(folder, "folder", "a run folder (growthsim run --out) or a batch store")
        with explained(folder), Stages(["analyse"], "analyze") as stage:
            stage("analyse" if is_store(folder) or no_pair else "analyse (and rerun the shock-free pair)")
            if is_store(folder):
                result, names = analyze_store(folder), STORE_FILES
                text = store_summary(result)
            else:
                check_run_analyzable(folder)
                result, names = analyze_run(folder, pair=not no_pair), RUN_FILES
                text = run_summary(result)
            files = {
                folder / names[0]: json.dumps(plain(result), indent=2, allow_nan=False) + "\n",
                folder / names[1]: text,
            }
        write_texts_atomic(files)
        typer.echo(text, nl=False)
        typer.echo(f"wrote {folder / names[0]} and {folder / names[1]}")
