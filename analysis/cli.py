"""The ``growthsim`` command line.

Every user mistake (a bad scenario or data folder) ends with one line on stderr naming the file,
the key and what was expected, and exit code 2; never a traceback.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors

app = typer.Typer(
    help="growthsim: will a targeted growth plan for industry and mining hold up under shocks?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
economy_app = typer.Typer(help="Inspect and export an economy.", no_args_is_help=True)
app.add_typer(economy_app, name="economy")

DEFAULT_SCENARIO = Path(__file__).resolve().parent.parent / "scenarios" / "baseline.toml"


def _scenario_or_default(scenario: Path | None):
    from sim.scenario import Scenario, load_scenario

    if scenario is not None:
        return load_scenario(scenario)
    if DEFAULT_SCENARIO.is_file():
        return load_scenario(DEFAULT_SCENARIO)
    return Scenario(name="default")


ScenarioArg = Annotated[Path, typer.Argument(help="Scenario file (TOML).")]
OptionalScenarioArg = Annotated[
    Path | None, typer.Argument(help="Scenario file (TOML); default: scenarios/baseline.toml.")
]


@app.command()
@user_errors
def validate(scenario: ScenarioArg) -> None:
    """Check a scenario and its economy; say OK or exactly what is wrong."""
    from analysis.progress import Stages
    from sim.engine.run import world_for
    from sim.scenario import load_scenario

    with Stages(["read the scenario", "build the world"], "validate") as stage:
        stage("read the scenario")
        loaded = load_scenario(scenario)
        stage("build the world")
        world = world_for(loaded)
    typer.echo(
        f"OK: {scenario} ({loaded.name}): {loaded.horizon_months} months, {len(loaded.shock)} shocks, "
        f"{world.economy.n_provinces} provinces, {world.economy.n_sectors} sectors, {world.n_firms:,} firms"
    )


@app.command()
@user_errors
def run(
    scenario: ScenarioArg,
    seed: Annotated[int, typer.Option(help="Seed of the run's random generator.", min=0)] = 0,
    out: Annotated[Path | None, typer.Option(help="Folder for trajectories.parquet and manifest.json.")] = None,
    firms: Annotated[bool, typer.Option("--firms", help="Also write firm-level rows (firms.parquet).")] = False,
    overwrite: Annotated[
        bool, typer.Option("--overwrite", help="Replace an earlier run in --out (its stale files are removed).")
    ] = False,
) -> None:
    """Run one scenario; write its outputs to --out or print a growth table."""
    import sim
    from analysis.summary import growth_table
    from sim.engine.run import check_run_folder

    if out is not None:
        check_run_folder(out, overwrite)  # before the run: a file in the way, or an earlier run without --overwrite
    results = sim.run(scenario, seed, record_firms=firms, progress=sys.stderr.isatty())
    if out is None:
        typer.echo(growth_table(results.trajectories, results.scenario))
    else:
        results.write(out, overwrite=overwrite)
        typer.echo(
            f"wrote {out}/trajectories.parquet ({len(results.trajectories):,} rows) in {results.wall_time:.2f} s"
        )


@economy_app.command("describe")
@user_errors
def economy_describe(scenario: OptionalScenarioArg = None) -> None:
    """A readable summary: provinces, sectors, firms, links, output, idle capacity."""
    from sim.economy.export import describe
    from sim.engine.run import world_for

    typer.echo(describe(world_for(_scenario_or_default(scenario))))


@economy_app.command("export")
@user_errors
def economy_export(
    scenario: ScenarioArg,
    out: Annotated[Path, typer.Option(help="Folder to write the tables and network.graphml into.")],
) -> None:
    """Write the economy's tables as CSV and its network as GraphML."""
    from analysis.progress import Stages
    from sim.economy.export import write_world
    from sim.engine.run import world_for
    from sim.paths import check_output_dir

    check_output_dir(out)
    with Stages(["build the world", "write tables and network"], "economy export") as stage:
        stage("build the world")
        world = world_for(_scenario_or_default(scenario))
        stage("write tables and network")
        write_world(world, out)
    typer.echo(f"wrote {out}")


def _one_line_warning(message, category, filename, lineno, line=None) -> str:
    """Warnings on the command line: one line, ``warning: MESSAGE``."""
    return f"warning: {' '.join(str(message).split())}\n"


@app.callback()
def _options(
    limit: Annotated[
        list[str] | None,
        typer.Option(
            "--limit",
            help="Raise (or lower) a size limit, NAME=VALUE; repeatable. Names: file_mb, rows, columns, "
            "firms, cells, grid, links, history, pipeline, runs, workers (see docs/scenarios.md).",
        ),
    ] = None,
) -> None:
    """growthsim: will a targeted growth plan for industry and mining hold up under shocks?"""
    from sim.errors import InputError
    from sim.limits import set_limit

    warnings.formatwarning = _one_line_warning

    for setting in limit or []:
        try:
            set_limit(setting)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2) from None


def _register_commands() -> None:
    """Add the sub-commands defined in :mod:`analysis.commands` (one module each)."""
    import analysis.commands as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        module.register(app)


_register_commands()


def _click_exceptions():
    """The exceptions module of the click that typer uses (typer >= 0.20 vendors its own)."""
    try:
        from typer._click import exceptions
    except ImportError:  # older typer: the click package
        from click import exceptions
    return exceptions


def main() -> None:
    """Console entry point: every failure ends in one line on stderr (usage errors too), exit 2 or 3."""
    cx = _click_exceptions()
    try:
        code = app(standalone_mode=False)
    except cx.UsageError as exc:
        if type(exc).__name__ == "NoArgsIsHelpError" and exc.ctx is not None:
            typer.echo(exc.ctx.get_help())
        else:
            command = exc.ctx.command_path if exc.ctx is not None else "growthsim"
            message = " ".join(exc.format_message().split())
            typer.echo(f"error: {command}: {message} (see: {command} --help)", err=True)
        code = exc.exit_code
    except cx.ClickException as exc:
        typer.echo(f"error: {' '.join(exc.format_message().split())}", err=True)
        code = exc.exit_code
    except typer.Abort:
        typer.echo("aborted", err=True)
        code = 1
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
