"""``growthsim report``: a self-contained HTML report of a run folder or a Monte Carlo store."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors


def register(app: typer.Typer) -> None:
    """Add ``report`` to the command line."""

    @app.command()
    @user_errors
    def report(
        folder: Annotated[Path, typer.Argument(help="A run folder (growthsim run --out) or a batch store.")],
        out: Annotated[Path, typer.Option("--out", help="The HTML file to write (its folder must exist).")],
        compare: Annotated[
            str | None,
            typer.Option("--compare", help="A run folder, a store, or another scenario of FOLDER's store."),
        ] = None,
        scenario: Annotated[
            str | None, typer.Option("--scenario", help="The scenario of a store to report (default: its first).")
        ] = None,
        labels: Annotated[str, typer.Option("--labels", help="Province names on the figures: en or fa.")] = "en",
        no_pair: Annotated[
            bool, typer.Option("--no-pair", help="Run folders: do not rerun the shock-free pair (no growth split).")
        ] = False,
    ) -> None:
        """Figures and short text: fan charts against the target path, maps, attainment heat map,
        growth decomposition, volatility, inclusiveness and value-chain bottlenecks; with --compare,
        both side by side and their difference.

        Writes OUT and the figures as PNG files in OUT_STEM_files/ beside it.
        """
        from analysis.analyzable import check_run_analyzable, explained
        from analysis.report import make_report, write_report
        from sim.errors import InputError

        if not out.parent.is_dir():
            raise InputError(out, "out", "a file in an existing folder")
        if out.is_dir():
            raise InputError(out, "out", "an HTML file to write, got a folder")
        with explained(folder):
            for run in (folder, compare):
                if run is not None and Path(run).is_dir():
                    check_run_analyzable(run)
            result = make_report(folder, scenario=scenario, compare_with=compare, labels=labels, pair=not no_pair)
        path = write_report(result, out)
        typer.echo(f"wrote {path} and {len(result.figures)} figures in {path.with_name(path.stem + '_files')}")
