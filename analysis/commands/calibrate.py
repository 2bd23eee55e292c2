"""``growthsim calibrate SPEC --out DIR``: fit behavioural parameters to the recorded episodes."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors


def register(app: typer.Typer) -> None:
    """Add ``calibrate`` to the command line."""

    @app.command()
    @user_errors
    def calibrate(
        spec: Annotated[Path, typer.Argument(help="Calibration spec (TOML): parameters, bounds, optimizer, seeds.")],
        out: Annotated[Path, typer.Option(help="Folder for fitted.json, loss_history.csv, convergence.png.")],
        workers: Annotated[int, typer.Option(help="Local worker processes (1 = this process).", min=1)] = 1,
        scheduler: Annotated[
            str | None, typer.Option(help="Address of a Dask scheduler (runs go to its workers).")
        ] = None,
        scenarios: Annotated[
            Path | None, typer.Option(help="Folder of the episode scenarios (default: scenarios/history).")
        ] = None,
        standard_errors: Annotated[
            bool, typer.Option(help="Also compute standard errors and sensitivities (2 x parameters more evaluations).")
        ] = True,
        leave_one_out: Annotated[
            bool, typer.Option("--leave-one-out", help="Fit without each episode in turn and predict it.")
        ] = False,
        runs: Annotated[int, typer.Option(help="Seeds of each held-out prediction (--leave-one-out).", min=1)] = 8,
        stochastic: Annotated[
            Path | None,
            typer.Option(help="Scenario whose \\[stochastic] table gives the held-out predictions their band."),
        ] = None,
    ) -> None:
        """Fit parameters by the method of simulated moments (estimagic, common random numbers).

        Every evaluation is logged in DIR/evaluations.jsonl as it finishes; run the same command
        again after a kill and the fit resumes from the log.
        """
        import sys

        from analysis.calibration.fit import calibrate as run_fit
        from analysis.calibration.spec import load_spec
        from analysis.montecarlo.executors import make_executor
        from sim.errors import InputError

        loaded = load_spec(spec)
        if scenarios is not None and not scenarios.is_dir():
            raise InputError(scenarios, "--scenarios", "a folder holding the episode scenario files")
        if out.exists() and not out.is_dir():
            raise InputError(out, "--out", "a folder (new, or a fit to resume)")
        if stochastic is not None and not stochastic.is_file():
            raise InputError(stochastic, "--stochastic", "an existing scenario file")
        executor = make_executor(workers, scheduler)
        if leave_one_out:
            from analysis.calibration.validation import leave_one_out as run_loo
            from analysis.history.report import format_table

            try:
                table = run_loo(
                    loaded,
                    out,
                    runs=runs,
                    stochastic=stochastic,
                    executor=None if workers == 1 and not scheduler else executor,
                    scenario_dir=scenarios,
                    progress=sys.stderr.isatty(),
                )
            finally:
                executor.close()
            typer.echo(format_table(table))
            typer.echo(f"wrote {out}/leave_one_out.csv and leave_one_out.png")
            return
        try:
            record = run_fit(
                loaded,
                out,
                executor=None if workers == 1 and not scheduler else executor,
                scenario_dir=scenarios,
                progress=sys.stderr.isatty(),
                standard_errors=standard_errors,
            )
        finally:
            executor.close()
        for name, value in record["parameters"].items():
            se = f" (se {value['se']:.3g})" if value["se"] is not None else ""
            typer.echo(f"{name} = {value['value']:.4g}{se}")
        typer.echo(
            f"loss {record['loss']:.4g} after {record['evaluations']} evaluations "
            f"({record['simulated_evaluations']} simulated, the rest reused); wrote {out}"
        )
