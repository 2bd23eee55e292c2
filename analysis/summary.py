"""Short readable tables of a run's growth."""

from __future__ import annotations

import pandas as pd

from sim.scenario import Scenario


def annual_growth(start: float, end: float, months: float) -> float:
    """Compound annual growth rate ``(end / start) ** (12 / months) - 1``."""
    if start <= 0 or months <= 0:
        return float("nan")
    return (end / start) ** (12.0 / months) - 1.0


def growth_table(trajectories: pd.DataFrame, scenario: Scenario) -> str:
    """National, industry, mining and provincial value-added growth (annual rates) of one run."""
    months = float(trajectories["month"].max())
    first = trajectories[trajectories["month"] == 0]
    last = trajectories[trajectories["month"] == months]
    from sim.engine.run import world_for

    economy = world_for(scenario).economy
    mining = set(economy.sectors.loc[economy.sectors["kind"] == "mining", "code"])
    names = dict(zip(economy.province_codes, economy.provinces["name"], strict=True))

    def row(label: str, mask0: pd.Series, mask1: pd.Series) -> dict:
        va0, va1 = first.loc[mask0, "value_added"].sum(), last.loc[mask1, "value_added"].sum()
        idle0 = first.loc[mask0, "idle_capacity"].sum() / max(first.loc[mask0, "output"].sum(), 1e-300)
        idle1 = last.loc[mask1, "idle_capacity"].sum() / max(last.loc[mask1, "output"].sum(), 1e-300)
        return {
            "": label,
            "VA start": va0,
            "VA end": va1,
            "growth/yr": annual_growth(va0, va1, months),
            "idle start": idle0,
            "idle end": idle1,
        }

    rows = [
        row("nation", first["sector"].notna(), last["sector"].notna()),
        row("industry", ~first["sector"].isin(mining), ~last["sector"].isin(mining)),
        row("mining", first["sector"].isin(mining), last["sector"].isin(mining)),
    ]
    rows += [
        row(f"{code} {names[code]}", first["province"] == code, last["province"] == code)
        for code in economy.province_codes
    ]
    table = pd.DataFrame(rows)
    fmt = {
        "VA start": "{:,.1f}".format,
        "VA end": "{:,.1f}".format,
        "growth/yr": "{:+.2%}".format,
        "idle start": "{:.1%}".format,
        "idle end": "{:.1%}".format,
    }
    head = f"{scenario.name}: {months:g} months; value added per month; idle = (10-year peak - output) / output"
    return head + "\n" + table.to_string(index=False, formatters=fmt)
