"""``growthsim sensitivity``: Morris or Sobol indices of a scenario's outputs to its parameters."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors


def _write(result, out: Path) -> None:
    """Write indices.csv, samples.parquet and settings.json into ``out`` (via a temporary folder)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        result.indices.to_csv(tmp / "indices.csv", index=False)
        result.samples.to_parquet(tmp / "samples.parquet", index=False)
        (tmp / "settings.json").write_text(json.dumps(result.settings, indent=2), encoding="utf-8")
        out.mkdir(exist_ok=True)
        for item in tmp.iterdir():
            os.replace(item, out / item.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


@user_errors
def sensitivity(
    scenario: Annotated[Path, typer.Argument(help="Scenario file (TOML).")],
    params: Annotated[Path, typer.Option("--params", help="TOML file of \\[\\[parameter]] name and bounds.")],
    method: Annotated[str, typer.Option("--method", help="morris (screening) or sobol (indices).")] = "morris",
    samples: Annotated[
        int, typer.Option("--samples", help="Morris trajectories or Sobol base sample (2^k).", min=1)
    ] = 10,
    outputs: Annotated[
        str | None, typer.Option("--outputs", help="Comma-separated run metrics (default: the file's, or four).")
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the design and of the replicates.", min=0)] = 0,
    replicates: Annotated[int, typer.Option("--replicates", help="Seeds per point (outputs averaged).", min=1)] = 1,
    workers: Annotated[int | None, typer.Option("--workers", help="Local worker processes.", min=1)] = None,
    scheduler: Annotated[str | None, typer.Option("--scheduler", help="Dask scheduler address.")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Folder for indices.csv, samples.parquet, settings.json.")
    ] = None,
) -> None:
    """Rank a scenario's parameters by their effect on chosen outputs (SALib)."""
    import pandas as pd

    from analysis.sensitivity import sensitivity as analyse
    from sim.paths import check_output_dir

    if out is not None:
        check_output_dir(out)  # before the runs: a file in the way is refused at once
    names = [s.strip() for s in outputs.split(",") if s.strip()] if outputs else None
    result = analyse(
        scenario,
        params,
        method=method,
        samples=samples,
        outputs=names,
        seed=seed,
        replicates=replicates,
        workers=workers,
        scheduler=scheduler,
    )
    with pd.option_context("display.width", 120, "display.max_columns", 20):
        typer.echo(f"{method} over {result.settings['points']} points x {replicates} seeds ({scenario})")
        typer.echo(result.indices.to_string(index=False, float_format=lambda v: f"{v:.4g}"))
    if out is not None:
        _write(result, out)
        typer.echo(f"wrote {out}")


def register(app: typer.Typer) -> None:
    """Add ``sensitivity`` to the command line."""
    app.command("sensitivity")(sensitivity)
