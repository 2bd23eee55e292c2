"""``growthsim targets [SCENARIO] [--out FILE]``: the ministry's targets by province and sector."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from analysis.cli_support import user_errors
from analysis.writing import write_text_atomic


def horizon_statement(table) -> str:
    """Which horizon the targets are for: annual rates, judged year by year; what the horizon spreads."""
    annual = (
        "horizon: the targets are annual growth rates of value added (each year over the year before); "
        "growthsim analyze judges every simulated year against them, the first year as the headline, and the "
        "whole path against them compounded"
    )
    if not table.horizon_months:
        return annual + "; this table is the scenario's own, so no recovery horizon was used."
    if table.year:
        return (
            f"{annual}; they are spread over provinces and sectors by the growth of year {table.year} of the run alone "
            f"(--year): the mean capacity that can be in use in its months (idle capacity coming back, projects on "
            f"stream) over the year before's."
        )
    return (
        f"{annual}; they are spread over provinces and sectors by the idle capacity that can come back within "
        f"{table.horizon_months} months (--horizon; default the scenario's horizon_months)."
    )


def targets_report(table) -> str:
    """National and provincial targets and the provinces that need new investment, as text."""
    national = table.national.copy()
    provinces = table.provinces.copy()
    lines = [f"targets: {table.source}", horizon_statement(table)]
    if table.scale:
        lines.append(
            "scale factors (target / growth carried by recoverable idle capacity and projects): "
            + ", ".join(f"{k} {v:.3f}" for k, v in table.scale.items())
        )
    fmt = {
        "value_added": "{:,.0f}".format,
        "idle_ratio": "{:.1%}".format,
        "carried_growth": "{:+.2%}".format,
        "share": "{:+.2%}".format,
        "target": "{:+.2%}".format,
    }
    lines += ["", national.to_string(formatters=fmt), ""]
    provinces["needs_investment"] = provinces["needs_investment"].map({True: "yes", False: ""})
    lines.append(provinces.to_string(index=False, formatters=fmt))
    needs = ", ".join(table.needs_investment) or "none"
    lines += ["", f"provinces whose idle capacity cannot carry their share (need new fixed investment): {needs}"]
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    """Add ``targets`` to the command line."""

    @app.command()
    @user_errors
    def targets(
        scenario: Annotated[
            Path | None, typer.Argument(help="Scenario file (TOML); default: scenarios/baseline.toml.")
        ] = None,
        out: Annotated[Path | None, typer.Option(help="Write the province x sector table to this CSV file.")] = None,
        industry: Annotated[float, typer.Option(help="Mean target of industry (annual rate).")] = 0.082,
        mining: Annotated[float, typer.Option(help="Mean target of mining (annual rate).")] = 0.05,
        horizon: Annotated[
            int | None,
            typer.Option(
                help="Months within which idle capacity comes back, to spread the annual targets over cells "
                "(default: the scenario's horizon_months). The targets stay annual rates.",
                min=1,
            ),
        ] = None,
        low_share: Annotated[
            float, typer.Option(help="Flag provinces whose target is below this share of their mix's average.")
        ] = 0.75,
        year: Annotated[
            int | None,
            typer.Option(
                help="Spread the targets by the growth of year K of the run alone (K = 2: 1401 for the default "
                "economy, whose history ends in 1399), to compare with one budget year's targets; not with --horizon.",
                min=1,
            ),
        ] = None,
        recorded: Annotated[
            bool,
            typer.Option(
                "--recorded",
                help="Also compare the targets with the provinces' recorded 1401 targets (whole economy, industry,"
                " mining), in level and rank.",
            ),
        ] = False,
    ) -> None:
        """The ministry's growth targets by province and sector (or the scenario's own table)."""
        from analysis.cli import _scenario_or_default
        from analysis.targets import ministry_targets, targets_source, user_targets
        from sim.engine.run import world_for
        from sim.errors import InputError

        loaded = _scenario_or_default(scenario)
        source = targets_source(loaded)
        if year is not None and horizon is not None:
            raise InputError("--year", str(year), "either --year or --horizon, not both")
        if source == "ministry":
            table = ministry_targets(
                loaded, industry=industry, mining=mining, horizon_months=horizon, low_share=low_share, year=year
            )
        else:
            for flag, value in (("--horizon", horizon), ("--year", year)):
                if value is not None:
                    raise InputError(flag, str(value), f"no {flag} with the scenario's own target table {source}")
            table = user_targets(world_for(loaded), source, low_share=low_share)
        if out is not None:
            write_text_atomic(out, table.cells.to_csv(index=False))
        typer.echo(targets_report(table))
        if recorded:
            from analysis.history.recorded_targets import compare_targets, format_comparison

            typer.echo("\n" + format_comparison(compare_targets(table.cells)))
        if out is not None:
            typer.echo(f"wrote {out} ({len(table.cells)} cells)")
