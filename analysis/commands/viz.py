"""``growthsim viz [SCENARIO]``: serve the interactive page of :mod:`analysis.viz` with ``solara run``."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors
from sim.errors import InputError

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
DEFAULT_SCENARIO = PROJECT_ROOT / "scenarios" / "baseline.toml"
REQUIRED = ("solara", "ipyvuetify", "altair", "matplotlib")
"""Modules of the ``viz`` extra."""
ASSETS = ("solara-assets",)
"""Distributions of the ``viz`` extra that have no module to import: without ``solara-assets`` the
page's scripts come from a CDN, and the page stays white offline."""


def missing_extra() -> list[str]:
    """Parts of the ``viz`` extra that are missing, and an ipyvuetify too new for Mesa 3.3."""
    from importlib.metadata import PackageNotFoundError, version

    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    for name in ASSETS:
        try:
            version(name)
        except PackageNotFoundError:
            missing.append(name)
    if "ipyvuetify" not in missing and int(version("ipyvuetify").split(".")[0]) >= 3:
        missing.append("ipyvuetify<3")
    return missing


def solara_command(port: int, host: str, open_browser: bool) -> list[str]:
    """The ``solara run`` command line serving :mod:`analysis.viz`."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "analysis.viz",
        "--port",
        str(port),
        "--host",
        host,
        "--production",
        "--open" if open_browser else "--no-open",
    ]


def register(app: typer.Typer) -> None:
    """Add ``viz`` to the command line."""

    @app.command()
    @user_errors
    def viz(
        scenario: Annotated[
            Path | None, typer.Argument(help="Scenario file (TOML); default: scenarios/baseline.toml.")
        ] = None,
        seed: Annotated[int, typer.Option(help="Seed of the run's random generator.", min=0)] = 0,
        port: Annotated[int, typer.Option(help="Port of the page (0: any free port).", min=0)] = 8765,
        host: Annotated[str, typer.Option(help="Address to listen on.")] = "localhost",
        open_browser: Annotated[bool, typer.Option("--open/--no-open", help="Open a browser on the page.")] = False,
    ) -> None:
        """Step a scenario in the browser: national and provincial output, idle capacity, the map, levers."""
        missing = missing_extra()
        if missing:
            raise InputError("growthsim viz", "viz extra", f"{', '.join(missing)} (pip install 'growthsim[viz]')")
        from sim.engine.run import world_for
        from sim.scenario import load_scenario

        path = (scenario or DEFAULT_SCENARIO).resolve()
        world_for(load_scenario(path))  # a bad scenario or economy fails here, in one line
        env = {
            **os.environ,
            "GROWTHSIM_VIZ_SCENARIO": str(path),
            "GROWTHSIM_VIZ_SEED": str(seed),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), os.environ.get("PYTHONPATH")])),
        }
        where = f"http://{host}:{port}" if port else "a free port (solara prints the address)"
        typer.echo(f"serving {path.name} (seed {seed}) on {where}; Ctrl-C stops", err=True)
        try:
            code = subprocess.run(solara_command(port, host, open_browser), env=env, check=False).returncode
        except KeyboardInterrupt:
            code = 0
        raise typer.Exit(code)
