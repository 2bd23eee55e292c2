"""``growthsim batch``: a Monte Carlo batch of scenarios x seeds into a resumable Parquet store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors

EXIT_RUNS_FAILED = 1


@user_errors
def batch(
    scenarios: Annotated[list[Path], typer.Argument(help="Scenario files (TOML); they share their seeds.")],
    runs: Annotated[int, typer.Option("--runs", help="Runs per scenario.", min=1)],
    out: Annotated[Path, typer.Option("--out", help="Store folder (new or empty, or with --resume).")],
    seed: Annotated[
        int, typer.Option("--seed", help="Master seed: run i uses child i of SeedSequence(seed).spawn(runs).", min=0)
    ] = 0,
    workers: Annotated[
        int | None, typer.Option("--workers", help="Local worker processes (default: number of cores).", min=1)
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option("--scheduler", help="Dask scheduler address; runs go to its workers.")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the batch stored in --out.")] = False,
    detail: Annotated[
        str, typer.Option("--detail", help="summary (series and metrics) or province-sector (also the full cube).")
    ] = "summary",
    paired: Annotated[
        bool, typer.Option("--paired", help="Also run each seed's shock-free pair (endogeneity metrics; 2x cost).")
    ] = False,
    chunk_size: Annotated[
        int | None, typer.Option("--chunk-size", help="Runs per task (default: one ensemble).", min=1)
    ] = None,
    ensemble: Annotated[
        int | None,
        typer.Option(
            "--ensemble", help="Runs stepped together in one set of arrays (default: as many as fit memory).", min=1
        ),
    ] = None,
    repeat_identical: Annotated[
        bool,
        typer.Option(
            "--repeat-identical", help="Run a deterministic scenario (no random element) --runs times anyway."
        ),
    ] = False,
) -> None:
    """Run every scenario with the same N seeds; stream series and metrics into a Parquet store.

    A scenario that draws no random number is deterministic: every run would be identical, so it
    runs once unless --repeat-identical. Ends with a summary; exits with code 1 if any run of the
    batch failed (failures are kept in STORE/failures).
    """
    from analysis.montecarlo import run_batch

    result = run_batch(
        scenarios,
        runs,
        out,
        seed=seed,
        workers=workers,
        scheduler=scheduler,
        resume=resume,
        detail=detail,
        chunk_size=chunk_size,
        paired=paired,
        ensemble=ensemble,
        progress=sys.stderr.isatty(),
        repeat_identical=repeat_identical,
    )
    s = result.summary
    for key in s.deterministic:
        how = f"ran it {runs} times as asked" if repeat_identical else "ran it once (--repeat-identical runs them all)"
        typer.echo(f"{key}: deterministic: every run would be identical (it draws no random number); {how}")
    status = result.manifest["status"]
    typer.echo(
        f"{out}: {status['runs_stored']:,}/{s.total:,} runs stored ({s.done:,} run now, {s.skipped:,} already stored), "
        f"{status['runs_failed']:,} failed, {s.seconds:.1f} s"
    )
    if status["runs_failed"]:
        failures = result.failures
        for row in failures.head(5).itertuples():
            typer.echo(
                f"failed: {row.scenario} run {row.run} (seed {row.seed_entropy}/{row.seed_spawn_key}): {row.error}",
                err=True,
            )
        if len(failures) > 5:
            typer.echo(f"... and {len(failures) - 5} more in {out}/failures", err=True)
        raise typer.Exit(EXIT_RUNS_FAILED)


def register(app: typer.Typer) -> None:
    """Add ``batch`` to the command line."""
    app.command("batch")(batch)
